import Foundation

/// Tables made from a query and tables dropped, each in one atomic step like an ingest's manifest swap.
extension DatabaseWriter {
    /// Starts a table made from rows (`CREATE TABLE … AS SELECT`): its folder is built under a temporary
    /// name (`NAME.tmp`, which no reader lists and the next writer removes after a crash); `commitCreate`
    /// publishes its segments and renames it into place.
    package func beginCreate(_ schema: TableSchema) throws -> TableAppend {
        try schema.validate()
        if (try? database.resolveTableName(schema.name)) != nil { throw StorageError.tableExists(schema.name) }
        if try database.viewCatalog().view(named: schema.name) != nil { throw StorageError.viewExists(schema.name) }
        let temporary = database.tablePath(schema.name) + ".tmp"
        if FileIO.exists(temporary) || FileIO.isSymbolicLink(temporary) { try removeTableFolder(temporary) }
        try FileIO.makeDirectory(temporary)
        try ChecksummedJSON.write(Manifest(schema: schema), to: FileIO.join(temporary, Manifest.fileName))
        return TableAppend(directory: temporary, manifest: Manifest(schema: schema))
    }

    /// Publishes a table begun by `beginCreate`: its manifest lists its segments, then the folder's rename
    /// makes the table exist, rows and all, in one step.
    package func commitCreate(_ append: TableAppend) throws {
        try append.commit()
        let final = database.tablePath(append.schema.name)
        CrashPoints.hit("before-create")
        if (try? database.resolveTableName(append.schema.name)) != nil { throw StorageError.tableExists(append.schema.name) }
        try FileIO.rename(append.directory, to: final)
        try FileIO.syncDirectory(database.tablesPath)
        CrashPoints.hit("after-create")
    }

    /// Removes what `beginCreate` made, after an error.
    package func abortCreate(_ append: TableAppend) {
        append.abort()
        try? removeTableFolder(append.directory)
    }

    /// Drops a table: its folder is renamed out of the tables' names in one step (what readers see), and only
    /// then are its files removed. Killed in between, the next writer removes the renamed folder.
    package func dropTable(_ table: String) throws {
        let name = try database.resolveTableName(table)
        let doomed = database.tablePath(name) + ".dropped-\(getpid()).tmp"
        CrashPoints.hit("before-drop")
        try FileIO.rename(database.tablePath(name), to: doomed)
        try FileIO.syncDirectory(database.tablesPath)
        CrashPoints.hit("after-drop")
        try removeTableFolder(doomed)
    }

    /// Removes a table folder and its files; a symbolic link is removed, never followed.
    func removeTableFolder(_ folder: String) throws {
        if FileIO.isSymbolicLink(folder) { return try FileIO.remove(folder) }
        for file in (try? FileIO.list(folder)) ?? [] { try FileIO.remove(FileIO.join(folder, file)) }
        try FileIO.removeDirectory(folder)
    }
}
