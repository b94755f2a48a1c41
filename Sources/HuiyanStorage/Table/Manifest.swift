/// The state of one table: its schema, its live segments and the input files already ingested.
/// Replaced as a whole, atomically, on every commit; one manifest generation is one consistent snapshot.
package struct Manifest: Codable, Sendable, Equatable {
    package static let fileName = "MANIFEST"
    package static let formatVersion = 1

    package var formatVersion: Int
    /// Increases by one with every commit.
    package var generation: Int
    package var schema: TableSchema
    /// Segment file numbers below this were handed out; a file at or above it is an orphan of a crash.
    package var nextSegmentNumber: Int
    package var segments: [SegmentEntry]
    /// Content hashes of ingested files, so that the same file is not ingested twice by accident.
    package var ingestedFiles: [IngestedFile]

    package init(schema: TableSchema) {
        formatVersion = Manifest.formatVersion
        generation = 1
        self.schema = schema
        nextSegmentNumber = 1
        segments = []
        ingestedFiles = []
    }

    package var rowCount: Int { segments.reduce(0) { $0 + $1.rows } }
    package var byteCount: Int { segments.reduce(0) { $0 + $1.bytes } }

    /// A live segment.
    package struct SegmentEntry: Codable, Sendable, Equatable {
        package var file: String
        package var rows: Int
        package var bytes: Int
    }

    /// A file whose rows were committed.
    package struct IngestedFile: Codable, Sendable, Equatable {
        package var contentHash: String
        package var name: String
        package var bytes: Int
        package var acceptedRows: Int
        package var rejectedRows: Int
        package var committedAt: String

        package init(contentHash: String, name: String, bytes: Int, acceptedRows: Int, rejectedRows: Int, committedAt: String) {
            self.contentHash = contentHash
            self.name = name
            self.bytes = bytes
            self.acceptedRows = acceptedRows
            self.rejectedRows = rejectedRows
            self.committedAt = committedAt
        }
    }

    /// The file name of segment `number`.
    package static func segmentFileName(_ number: Int) -> String {
        let digits = String(number)
        return "seg-" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits + "." + SegmentFormat.fileExtension
    }

    /// Whether `name` is exactly a segment file name as `segmentFileName` writes it: `seg-`, eight or more
    /// digits, `.hyseg` — no folder, no separator, nothing that could point outside the table's folder.
    package static func isSegmentFileName(_ name: String) -> Bool {
        guard let number = segmentNumber(name), number >= 0 else { return false }
        return segmentFileName(number) == name
    }

    /// The number in a segment file name, if it is one.
    package static func segmentNumber(_ fileName: String) -> Int? {
        guard fileName.hasPrefix("seg-"), fileName.hasSuffix("." + SegmentFormat.fileExtension) else { return nil }
        return Int(fileName.dropFirst(4).dropLast(SegmentFormat.fileExtension.count + 1))
    }
}
