/// What one ingest command did.
public struct IngestSummary: Codable, Sendable {
    public struct FileResult: Codable, Sendable {
        public var path: String
        public var format: InputFormat
        public var bytes: Int
        public var accepted: Int
        public var rejected: Int
    }

    public var table: String
    public var files: [FileResult]
    public var accepted: Int
    public var rejected: Int
    public var bytes: Int
    public var seconds: Double
    public var rowsPerSecond: Double
    /// Whether the accepted rows were committed (false under `--strict` with rejects).
    public var committed: Bool
    public var segmentsWritten: Int
    public var bytesOnDisk: Int
    /// The rejects file, when any row was rejected.
    public var rejectsPath: String?
    /// The first few rejections, as `file:line:field: column "c": value "v": reason`.
    public var sampleRejections: [String]
}
