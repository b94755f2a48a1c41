import ArgumentParser
import Foundation
import HuiyanQuery
import HuiyanStorage
import HuiyanTourism

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The database directory (default: $HUIYAN_DB, else ./huiyan.db).", valueName: "path"))
    var db: String?

    @Flag(name: .long, help: ArgumentHelp(
        "Refuse SQL that reads or writes files (COPY), for a database others reach; with init, kept as the database's setting."))
    var noFileAccess = false

    /// A query engine over `database`, with file access off when asked here or by the database.
    func engine(_ database: Database) -> QueryEngine {
        let engine = QueryEngine(database: database)
        if noFileAccess { engine.fileAccess = false }
        return engine
    }

    /// The database path in effect.
    var databasePath: String {
        db ?? ProcessInfo.processInfo.environment["HUIYAN_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "huiyan.db"
    }

    /// Opens the database, or explains how to create one.
    func open() throws -> Database { try Database.open(at: databasePath) }

    /// Opens the database, creating it with the three feed tables if it does not exist yet.
    func openOrCreate() throws -> Database {
        if Database.exists(at: databasePath) { return try open() }
        let database = try Database.create(at: databasePath, tables: FeedCatalog.all)
        FileHandle.standardError.write("created database \(databasePath) with tables visits, tickets, orders\n".data(using: .utf8)!)
        return database
    }
}

/// The `--format` of listing commands.
enum ListingFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// Writes a line to standard output.
func emit(_ text: String) {
    FileHandle.standardOutput.write((text + "\n").data(using: .utf8)!)
}

/// Writes a line to standard error.
func warn(_ text: String) {
    FileHandle.standardError.write((text + "\n").data(using: .utf8)!)
}

/// Writes an error to standard error: `Error: ` (red on a terminal) and the message.
func warnError(_ message: String) {
    warn(Palette.forTerminal(STDERR_FILENO).apply(\.error, to: "Error:") + " " + message)
}
