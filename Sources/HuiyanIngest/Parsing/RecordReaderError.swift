/// An I/O failure of a record reader. Bad records are not errors: they are reported
/// through the reader's `problem` property and reading continues.
enum RecordReaderError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened (missing, unreadable, a directory …).
    case cannotOpen(path: String, reason: String)
    /// A read from an open file failed.
    case readFailed(path: String, reason: String)
    /// Reading was stopped from outside (the command was cancelled or ran out of time).
    case stopped(reason: String)

    var description: String {
        switch self {
        case .cannotOpen(let path, let reason): return "cannot open \(path): \(reason)"
        case .readFailed(let path, let reason): return "cannot read \(path): \(reason)"
        case .stopped(let reason): return reason
        }
    }
}
