/// The text formats ingest reads.
public enum InputFormat: String, Codable, Sendable, CaseIterable {
    case csv
    case ndjson

    /// The format a file name's extension implies: `.csv`, `.ndjson`, `.jsonl`, `.json` (case-insensitive).
    public init?(fileName: String) {
        let lower = fileName.lowercased()
        if lower.hasSuffix(".csv") { self = .csv }
        else if lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonl") || lower.hasSuffix(".json") { self = .ndjson }
        else { return nil }
    }
}
