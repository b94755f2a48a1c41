/// What kind of failure an error is: the part of it a caller acts on (spill and try again, wait for a lock,
/// run `huiyan verify`, the command line's exit status). `StorageError`, `IngestError` and `QueryError` each
/// have a `kind`; their cases carry the details (file, column, block, table, line).
public enum ErrorKind: Sendable, Equatable, CaseIterable {
    /// Input that cannot be used: SQL that does not parse or bind, a value that does not convert, a file or a
    /// name a command refuses.
    case invalidInput
    /// A table, view, column, function, database or input file that does not exist.
    case notFound
    /// A table or view of that name exists already, or a file's content was ingested before.
    case alreadyExists
    /// Another process is writing the database (it holds the writer lock).
    case locked
    /// A file of the database is damaged (a checksum, an offset, a magic number) or of a format version this
    /// build cannot read.
    case damaged
    /// The statement's states would pass its memory limit.
    case memoryLimitExceeded
    /// The statement ran past its timeout.
    case timedOut
    /// The statement was cancelled (Ctrl-C).
    case cancelled
    /// A system call on a file failed (permissions, a full disk, a missing segment file).
    case io
}
