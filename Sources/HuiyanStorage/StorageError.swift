/// Errors raised by the store. Each message names what went wrong and where.
public enum StorageError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A system call failed on a path (`errno` text included).
    case io(path: String, operation: String, message: String)
    /// A file is damaged: bad magic, checksum mismatch, impossible offsets. `column` and `block` say where
    /// in a segment when the damage is in one column's data (the detail names them too).
    case corrupt(path: String, detail: String, column: String? = nil, block: Int? = nil)
    /// The file was written by a newer, unknown format version.
    case unsupportedVersion(path: String, version: UInt32)
    case invalidSchema(String)
    case tableNotFound(String, available: [String])
    case tableExists(String)
    /// A table cannot take the name of a view.
    case viewExists(String)
    case databaseNotFound(String)
    /// `huiyan init` (or `Database.create`) where a database is already.
    case databaseExists(String)
    case locked(path: String, holder: String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .io(let path, let operation, let message):
            return "\(operation) \(path): \(message)"
        case .corrupt(let path, let detail, _, _):
            return "damaged file \(path): \(detail)"
        case .unsupportedVersion(let path, let version):
            return "\(path) has format version \(version), which this build of huiyan cannot read"
        case .invalidSchema(let text):
            return text
        case .tableNotFound(let name, let available):
            let list = available.isEmpty ? "the database has no tables" : "tables: " + available.joined(separator: ", ")
            return "table \"\(name)\" does not exist (\(list))"
        case .tableExists(let name):
            return "table \"\(name)\" already exists"
        case .viewExists(let name):
            return "a view named \"\(name)\" exists; a table needs a name of its own (DROP VIEW \(name) first)"
        case .databaseNotFound(let path):
            return "no Huiyan database at \(path) (create one with `huiyan init`)"
        case .databaseExists(let path):
            return "a database already exists at \(path)"
        case .locked(let path, let holder):
            return "database \(path) is being written by another process: \(holder)"
        case .invalidArgument(let text):
            return text
        }
    }

    /// What kind of failure this is (the cases carry the details).
    public var kind: ErrorKind {
        switch self {
        case .io: return .io
        case .corrupt, .unsupportedVersion: return .damaged
        case .invalidSchema, .invalidArgument: return .invalidInput
        case .tableNotFound, .databaseNotFound: return .notFound
        case .tableExists, .viewExists, .databaseExists: return .alreadyExists
        case .locked: return .locked
        }
    }
}
