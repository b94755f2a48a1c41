import Foundation

/// A Huiyan database: a directory holding `DATABASE` (settings), `LOCK` (the writer lock) and one folder
/// per table under `tables/`, each with its `MANIFEST` and segment files.
public final class Database: Sendable {
    public let path: String
    public let settings: DatabaseSettings

    /// Open segment readers per table and file, each with the identity of the file it mapped: segment files
    /// never change, so a later snapshot reuses the mapping, the parsed footer and the small dictionaries
    /// instead of opening every segment again (at 78 segments that was 3.7 ms of each query). Each snapshot
    /// of a table replaces that table's entry with its current segments.
    private let readers = LockedValue<[String: [String: (identity: FileIO.Identity, reader: SegmentReader)]]>([:])

    private init(path: String, settings: DatabaseSettings) {
        self.path = path
        self.settings = settings
    }

    /// Readers of the segment files `files` of table `table`: the cached ones while the file is still the one
    /// they mapped, new ones otherwise; the table's cache then holds exactly these.
    private func readers(of table: String, files: [String]) throws -> [SegmentReader] {
        let cached = readers.withLock { $0[table] ?? [:] }
        var current: [String: (identity: FileIO.Identity, reader: SegmentReader)] = [:]
        let opened = try files.map { file -> SegmentReader in
            let path = FileIO.join(tablePath(table), file)
            let identity = FileIO.identity(path)
            if let entry = cached[file], entry.identity == identity {
                current[file] = entry
                return entry.reader
            }
            let reader = try SegmentReader(path: path)
            if let identity { current[file] = (identity, reader) }
            return reader
        }
        readers.withLock { $0[table] = current }
        return opened
    }

    package var tablesPath: String { FileIO.join(path, "tables") }

    package func tablePath(_ name: String) -> String { FileIO.join(tablesPath, name) }

    /// Whether `path` holds a database.
    public static func exists(at path: String) -> Bool {
        FileIO.exists(FileIO.join(path, DatabaseSettings.fileName))
    }

    /// Creates a database with the given tables; fails if one exists there already. The database is built in
    /// a temporary folder and renamed into place, so a crash leaves either no database or a complete one.
    public static func create(at path: String, tables: [TableSchema], settings: DatabaseSettings? = nil) throws -> Database {
        guard !exists(at: path) else { throw StorageError.databaseExists(path) }
        if FileIO.exists(path) && !FileIO.isDirectory(path) {
            throw StorageError.invalidArgument("\(path) is a file; a database is a folder: give another path")
        }
        if FileIO.isDirectory(path) {
            guard try FileIO.list(path).isEmpty else {
                throw StorageError.invalidArgument("\(path) is a folder that is not empty and holds no Huiyan database")
            }
            try FileIO.removeDirectory(path)
        }
        let building = path + ".creating"
        if FileIO.exists(building) { try removeTree(building) }
        try FileIO.makeDirectory(building)
        try FileIO.makeDirectory(FileIO.join(building, "tables"))
        let settings = settings ?? DatabaseSettings(createdAt: ISO8601DateFormatter().string(from: Date()))
        let draft = Database(path: building, settings: settings)
        let writer = try draft.writer(command: "init")
        for table in tables { try writer.createTable(table) }
        try ChecksummedJSON.write(settings, to: FileIO.join(building, DatabaseSettings.fileName))
        writer.close()
        try FileIO.rename(building, to: path)
        try FileIO.syncDirectory(FileIO.directoryOf(path))
        return Database(path: path, settings: settings)
    }

    /// Removes a folder of a half-built database (two levels: tables and their files).
    private static func removeTree(_ path: String) throws {
        for entry in try FileIO.list(path) {
            let child = FileIO.join(path, entry)
            if FileIO.isDirectory(child) { try removeTree(child); continue }
            try FileIO.remove(child)
        }
        try FileIO.removeDirectory(path)
    }

    /// Opens an existing database (for reading; take `writer` to change it).
    public static func open(at path: String) throws -> Database {
        let settingsPath = FileIO.join(path, DatabaseSettings.fileName)
        guard FileIO.exists(settingsPath) else { throw StorageError.databaseNotFound(path) }
        let settings = try ChecksummedJSON.read(DatabaseSettings.self, from: settingsPath)
        guard settings.formatVersion <= DatabaseSettings.formatVersion else {
            throw StorageError.unsupportedVersion(path: settingsPath, version: UInt32(settings.formatVersion))
        }
        SpillArea.removeStale(databasePath: path)
        return Database(path: path, settings: settings)
    }

    /// The names of all tables, sorted.
    public func tableNames() throws -> [String] {
        try FileIO.list(tablesPath).filter {
            !$0.hasSuffix(".tmp") && FileIO.exists(FileIO.join(tablePath($0), Manifest.fileName))
        }
    }

    /// The current manifest of a table.
    package func manifest(of table: String) throws -> Manifest {
        let name = try resolveTableName(table)
        let path = FileIO.join(tablePath(name), Manifest.fileName)
        let manifest = try ChecksummedJSON.read(Manifest.self, from: path)
        guard manifest.formatVersion <= Manifest.formatVersion else {
            throw StorageError.unsupportedVersion(path: path, version: UInt32(clamping: manifest.formatVersion))
        }
        // Checked before any segment is read or deleted: a forged entry must not reach outside the table.
        if let entry = manifest.segments.first(where: { !Manifest.isSegmentFileName($0.file) }) {
            throw StorageError.corrupt(path: path, detail: "lists \"\(entry.file)\", which is not a segment file name (seg-NNNNNNNN.hyseg)")
        }
        return manifest
    }

    /// The stored name of a table, matched case-insensitively; throws naming the tables that exist.
    package func resolveTableName(_ table: String) throws -> String {
        let names = try tableNames()
        if names.contains(table) { return table }
        if let match = names.first(where: { $0.lowercased() == table.lowercased() }) { return match }
        throw StorageError.tableNotFound(table, available: names)
    }

    /// A consistent snapshot of a table. Retries when a compaction removed a segment between reading the
    /// manifest and opening it.
    package func snapshot(of table: String) throws -> TableSnapshot {
        let name = try resolveTableName(table)
        var attempts = 0
        while true {
            let manifest = try self.manifest(of: name)
            do {
                return TableSnapshot(manifest: manifest, segments: try readers(of: name, files: manifest.segments.map(\.file)))
            } catch StorageError.io(let path, let operation, let message) {
                attempts += 1
                let current = try? self.manifest(of: name)
                if attempts < 5 && current?.generation != manifest.generation { continue }
                throw StorageError.io(path: path, operation: operation, message: message)
            }
        }
    }

    /// Takes the writer lock (throws naming the holder when another process has it) and removes what
    /// crashed writers left behind.
    package func writer(command: String) throws -> DatabaseWriter {
        try DatabaseWriter(database: self, command: command)
    }
}
