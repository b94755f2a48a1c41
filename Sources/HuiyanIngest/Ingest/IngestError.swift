import HuiyanStorage

/// Why an ingest command as a whole did not run or did not commit.
public enum IngestError: Error, CustomStringConvertible, Equatable, Sendable {
    case fileNotFound(path: String)
    case unknownFormat(path: String)
    /// The file's header (or the file itself) cannot be ingested into the table.
    case fileRejected(path: String, line: Int, reason: String)
    case alreadyIngested(path: String, earlierName: String, committedAt: String)
    /// Two files of one command with the same content.
    case givenTwice(path: String, earlierPath: String)
    case strictRejected(rejected: Int, rejectsPath: String)
    /// Every row was rejected: nothing was committed (and the files are not recorded as ingested).
    case nothingAccepted(rejected: Int, rejectsPath: String, firstReason: String, encodingHint: String?)
    case io(path: String, message: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file"
        case .unknownFormat(let path) where path == Ingestor.standardInput:
            return "standard input (-): give its format with --input-format csv or ndjson (FORMAT in COPY)"
        case .unknownFormat(let path):
            return "\(path): cannot tell the input format from the file name (.csv, .ndjson, .jsonl, each also .gz); give --input-format csv or ndjson"
        case .fileRejected(let path, let line, let reason):
            return "\(path):\(line): \(reason)"
        case .alreadyIngested(let path, let earlierName, let committedAt):
            return "\(path) was already ingested (same content as \(earlierName), committed \(committedAt)); nothing was ingested. Use --force to ingest it again"
        case .givenTwice(let path, let earlierPath):
            return "\(path) has the same content as \(earlierPath), given before it in this command; nothing was ingested. Give it once (or --force to ingest both)"
        case .strictRejected(let rejected, let rejectsPath):
            return "\(rejected) row(s) rejected, and strict (--strict, or STRICT in COPY) commits nothing then. Reasons in \(rejectsPath)"
        case .nothingAccepted(let rejected, let rejectsPath, let firstReason, let encodingHint):
            var text = "every row was rejected (\(rejected)), so nothing was committed; the first: \(firstReason)"
            if let encodingHint { text += "\n" + encodingHint }
            return text + "\nReasons in \(rejectsPath)"
        case .io(let path, let message):
            return "\(path): \(message)"
        }
    }

    /// What kind of failure this is (the cases carry the file, line and reason).
    public var kind: ErrorKind {
        switch self {
        case .fileNotFound: return .notFound
        case .unknownFormat, .fileRejected, .strictRejected, .nothingAccepted: return .invalidInput
        case .alreadyIngested, .givenTwice: return .alreadyExists
        case .io: return .io
        }
    }
}
