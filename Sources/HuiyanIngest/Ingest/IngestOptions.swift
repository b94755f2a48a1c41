import Foundation

/// How an ingest runs.
public struct IngestOptions: Sendable {
    /// The input format; nil takes it from each file's extension.
    public var format: InputFormat?
    /// The feeds' character encoding (converted to UTF-8 as they are read).
    public var encoding = FeedEncoding.utf8
    /// Where rejected rows go; nil puts them under the database's `rejects/` folder.
    public var rejectsPath: String?
    /// Replace an existing file at `rejectsPath` (else it is refused before any work).
    public var replaceRejects = false
    /// Called now and then while the command reads and parses; what it throws (a cancellation, a timeout)
    /// stops the command with nothing committed.
    public var cancellation: (@Sendable () throws -> Void)?
    /// Commit nothing when any row is rejected.
    public var strict = false
    /// Ingest a file even if a file with the same content was ingested before.
    public var force = false
    /// Skip input columns the table does not have, instead of refusing the file.
    public var ignoreUnknownColumns = false
    /// Rows per segment file.
    public var segmentRows = 1 << 20
    /// Files at least this large are split and parsed on every core.
    public var parallelThreshold = 16 << 20
    /// Threads for a large file (default: the active processor count).
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    /// A text recorded with the writer lock (the command line), naming the holder to other writers.
    public var command = "huiyan ingest"

    public init() {}
}

/// Where an ingest stands, reported now and then to draw a progress bar.
public struct IngestProgress: Sendable {
    public var file: String
    public var fileIndex: Int
    public var fileCount: Int
    public var bytesRead: Int64
    public var bytesTotal: Int64
    public var rowsAccepted: Int
    public var rowsRejected: Int
    public var seconds: Double
}
