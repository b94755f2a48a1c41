/// Why an ingest command as a whole did not run or did not commit.
public enum IngestError: Error, CustomStringConvertible {
    case fileNotFound(path: String)
    case unknownFormat(path: String)
    /// The file's header (or the file itself) cannot be ingested into the table.
    case fileRejected(path: String, line: Int, reason: String)
    case alreadyIngested(path: String, earlierName: String, committedAt: String)
    /// Two files of one command with the same content.
    case givenTwice(path: String, earlierPath: String)
    case strictRejected(rejected: Int, rejectsPath: String)
    case io(path: String, message: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file"
        case .unknownFormat(let path):
            return "\(path): cannot tell the input format from the file name; give --input-format csv or ndjson"
        case .fileRejected(let path, let line, let reason):
            return "\(path):\(line): \(reason)"
        case .alreadyIngested(let path, let earlierName, let committedAt):
            return "\(path) was already ingested (same content as \(earlierName), committed \(committedAt)); nothing was ingested. Use --force to ingest it again"
        case .givenTwice(let path, let earlierPath):
            return "\(path) has the same content as \(earlierPath), given before it in this command; nothing was ingested. Give it once (or --force to ingest both)"
        case .strictRejected(let rejected, let rejectsPath):
            return "\(rejected) row(s) rejected, and strict (--strict, or STRICT in COPY) commits nothing then. Reasons in \(rejectsPath)"
        case .io(let path, let message):
            return "\(path): \(message)"
        }
    }
}
