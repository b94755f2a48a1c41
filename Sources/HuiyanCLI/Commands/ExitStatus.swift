import ArgumentParser
import HuiyanIngest
import HuiyanQuery
import HuiyanStorage

/// The exit statuses of `huiyan`, chosen by the kind of the error that stopped a command (`ErrorKind`), so
/// that a script can tell a busy database from a damaged one from a typo. `huiyan --help` and docs/CLI.md
/// show `summary`.
enum ExitStatus {
    /// A statement, a file or a command failed: bad SQL, a value that does not convert, a file refused, a name
    /// taken, a timeout, a failed system call.
    static let failure: Int32 = 1
    /// Another process is writing the database: try again when it is done.
    static let locked: Int32 = 3
    /// A file of the database is damaged (or of a newer format): `huiyan verify` names every damaged place.
    static let damaged: Int32 = 4
    /// A table, view, column, function, database or input file that does not exist.
    static let notFound: Int32 = 5
    /// A statement needed more memory than its limit.
    static let memoryLimitExceeded: Int32 = 6
    /// The command line is misused (ArgumentParser's: an unknown command or option, a missing argument).
    static let usage: Int32 = ExitCode.validationFailure.rawValue
    /// Ctrl-C (128 + SIGINT, as a shell reports a command it interrupted).
    static let cancelled: Int32 = 130

    /// The table `huiyan --help` shows (docs/CLI.md has the same).
    static let summary = """
        Exit statuses:
          0    everything ran
          1    a statement or command failed (bad SQL or value, a file
               refused, a name taken, a timeout, a failed read or write)
          3    the database is locked: another process is writing it
          4    damaged data in the database (huiyan verify names it)
          5    not found: a table, view, column, database or file
          6    a statement needed more than its memory limit
          64   a misused command line (unknown command or option)
          130  cancelled with Ctrl-C
        """

    /// The status for an error of `kind`.
    static func code(for kind: ErrorKind) -> Int32 {
        switch kind {
        case .locked: return locked
        case .damaged: return damaged
        case .notFound: return notFound
        case .memoryLimitExceeded: return memoryLimitExceeded
        case .cancelled: return cancelled
        case .invalidInput, .alreadyExists, .timedOut, .io: return failure
        }
    }

    /// The kind of an error of the store, an ingest or a query; nil for any other error.
    static func kind(of error: any Error) -> ErrorKind? {
        switch error {
        case let error as QueryError: return error.kind
        case let error as StorageError: return error.kind
        case let error as IngestError: return error.kind
        default: return nil
        }
    }

    /// The exit of a command that failed with `error` (1 for an error of no kind).
    static func exit(for error: any Error) -> ExitCode {
        ExitCode(kind(of: error).map(code(for:)) ?? failure)
    }
}
