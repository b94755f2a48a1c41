import Foundation

/// The one writer of a database: creates tables, appends segments and compacts, holding the writer lock.
package final class DatabaseWriter {
    package let database: Database
    private let lock: WriterLock

    init(database: Database, command: String) throws {
        self.database = database
        lock = try WriterLock(databasePath: database.path, command: command)
        try removeOrphans()
    }

    /// The ending of a note in `<db>/rejects` naming a temporary rejects file outside the database.
    package static let pendingNoteSuffix = ".pending.part"

    /// Releases the writer lock.
    package func close() { lock.release() }

    /// Creates a table: its folder is built under a temporary name and renamed into place.
    package func createTable(_ schema: TableSchema) throws {
        try schema.validate()
        if (try? database.resolveTableName(schema.name)) != nil { throw StorageError.tableExists(schema.name) }
        if try database.viewCatalog().view(named: schema.name) != nil { throw StorageError.viewExists(schema.name) }
        let final = database.tablePath(schema.name)
        let temporary = final + ".tmp"
        try FileIO.makeDirectory(temporary)
        try ChecksummedJSON.write(Manifest(schema: schema), to: FileIO.join(temporary, Manifest.fileName))
        try FileIO.rename(temporary, to: final)
        try FileIO.syncDirectory(database.tablesPath)
    }

    /// Replaces the database's settings (`DATABASE`) atomically; an open `Database` keeps the ones it read.
    package func updateSettings(_ settings: DatabaseSettings) throws {
        try ChecksummedJSON.write(settings, to: FileIO.join(database.path, DatabaseSettings.fileName))
    }

    /// Starts an append to a table: segments written through it become visible together at `commit`.
    package func beginAppend(to table: String) throws -> TableAppend {
        let name = try database.resolveTableName(table)
        return TableAppend(directory: database.tablePath(name), manifest: try database.manifest(of: name))
    }

    /// Replaces the manifest of a table atomically (write, fsync, rename, fsync of the directory).
    static func publish(_ manifest: Manifest, in directory: String) throws {
        CrashPoints.hit("before-manifest")
        try ChecksummedJSON.write(manifest, to: FileIO.join(directory, Manifest.fileName))
        CrashPoints.hit("after-manifest")
    }

    /// Removes what a crashed writer left: temporary files and folders, and segment files no manifest lists.
    /// A folder that is a symbolic link is never cleaned: what it points to is not the database's.
    private func removeOrphans() throws {
        for entry in try FileIO.list(database.tablesPath) where entry.hasSuffix(".tmp") {
            try removeTableFolder(database.tablePath(entry))
        }
        try? FileIO.remove(FileIO.join(database.path, DatabaseSettings.fileName + ".tmp"))
        try? FileIO.remove(FileIO.join(database.path, ViewCatalog.fileName + ".tmp"))
        // What a killed ingest left of its rejects: parts (`*.part`), a rejects file not yet put in place
        // (`.NAME.part-PID-…`), and notes naming one outside the database (`*.pending.part`).
        let rejects = FileIO.join(database.path, "rejects")
        for file in (FileIO.isSymbolicLink(rejects) ? nil : try? FileIO.list(rejects)) ?? [] where file.hasSuffix(".part") || file.contains(UserOutputFile.partMarker) {
            let path = FileIO.join(rejects, file)
            if file.hasSuffix(Self.pendingNoteSuffix) { try UserOutputFile.removeLeftover(noteAt: path) } else { try FileIO.remove(path) }
        }
        for table in try database.tableNames() {
            let directory = database.tablePath(table)
            if FileIO.isSymbolicLink(directory) { continue }
            // A table whose manifest is damaged is left exactly as it is (verify reports it); the others are cleaned.
            guard let manifest = try? database.manifest(of: table) else { continue }
            let live = Set(manifest.segments.map(\.file))
            for file in try FileIO.list(directory) {
                if file.hasSuffix(".tmp") || (Manifest.segmentNumber(file) != nil && !live.contains(file)) {
                    try FileIO.remove(FileIO.join(directory, file))
                }
            }
        }
    }
}

/// One atomic append to a table: segments are written as files as the rows come, and published together in
/// one manifest swap by `commit`; without it (an error, a crash) none of them ever becomes visible.
package final class TableAppend: Sendable {
    package let directory: String
    /// What the writing threads share: the manifest, the segments written and not yet published, the fsync
    /// failure if one came.
    private struct State {
        var manifest: Manifest
        /// The segments the last `commit` published.
        var lastCommittedSegments: [Manifest.SegmentEntry] = []
        /// Segments written by this append and not yet published, and the order key of each.
        var pendingEntries: [Manifest.SegmentEntry] = []
        var pendingOrder: [Int] = []
        var writes = 0
        var nextNumber: Int
        var syncFailure: (any Error)?

        /// The pending entries in publishing order (by order key, then by when they were written).
        var orderedPending: [Manifest.SegmentEntry] {
            zip(pendingOrder, pendingEntries).enumerated()
                .sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }
                .map { $0.element.1 }
        }

        /// `next` is published: nothing is pending any more.
        mutating func published(_ next: Manifest) {
            manifest = next
            pendingEntries = []
            pendingOrder = []
        }
    }
    private let state: LockedValue<State>
    /// Segment files are fsynced here, one after another, while the writing threads go on encoding; `commit`
    /// waits for them before the manifest swap. (An fsync took a parsing thread off its core for tens of
    /// milliseconds a segment, and far longer when the disk is busy.)
    private let syncQueue = DispatchQueue(label: "huiyan.segment-sync")
    private let syncing = DispatchGroup()

    init(directory: String, manifest: Manifest) {
        self.directory = directory
        state = LockedValue(State(manifest: manifest, nextNumber: manifest.nextSegmentNumber))
    }

    /// The table's manifest as this append last published it (or found it).
    package var manifest: Manifest { state.withLock { $0.manifest } }
    package var schema: TableSchema { manifest.schema }
    /// The segments the last `commit` published.
    package var lastCommittedSegments: [Manifest.SegmentEntry] { state.withLock { $0.lastCommittedSegments } }
    /// Segments written by this append and not yet published.
    var pendingEntries: [Manifest.SegmentEntry] { state.withLock { $0.pendingEntries } }

    /// Rows written so far by this append.
    package var pendingRows: Int { state.withLock { $0.pendingEntries.reduce(0) { $0 + $1.rows } } }
    package var pendingBytes: Int { state.withLock { $0.pendingEntries.reduce(0) { $0 + $1.bytes } } }
    package var pendingSegments: Int { state.withLock { $0.pendingEntries.count } }

    /// The earlier ingest of a file with this content hash, if any.
    package func earlierIngest(contentHash: String) -> Manifest.IngestedFile? {
        manifest.ingestedFiles.last { $0.contentHash == contentHash }
    }

    /// Encodes and writes a segment file (not yet visible). Safe to call from several threads; segments are
    /// published in the order of `orderKey` (default: the order of the calls).
    package func write(_ builder: SegmentBuilder, orderKey: Int? = nil) throws {
        guard builder.rowCount > 0 else { return }
        let (file, key) = state.withLock { state in
            let file = Manifest.segmentFileName(state.nextNumber)
            state.nextNumber += 1
            state.writes += 1
            return (file, orderKey ?? state.writes)
        }
        let path = FileIO.join(directory, file)
        let written = try SegmentWriter.write(builder, to: path, sync: false)
        state.withLock { state in
            state.pendingEntries.append(Manifest.SegmentEntry(file: file, rows: written.rowCount, bytes: written.byteCount))
            state.pendingOrder.append(key)
        }
        syncQueue.async(group: syncing) { [state] in
            do {
                try FileIO.syncFile(path)
            } catch {
                state.withLock { $0.syncFailure = $0.syncFailure ?? error }
            }
        }
        CrashPoints.hit("after-segment")
    }

    /// Waits until every segment written so far is on disk; throws the first fsync failure.
    private func waitForSyncs() throws {
        syncing.wait()
        if let failure = state.withLock({ $0.syncFailure }) { throw failure }
    }

    /// Deletes the pending segments whose order key is in `keys` (work to be redone).
    package func discard(orderKeys keys: Range<Int>) {
        syncing.wait()
        state.withLock { state in
            for i in state.pendingEntries.indices.reversed() where keys.contains(state.pendingOrder[i]) {
                try? FileIO.remove(FileIO.join(directory, state.pendingEntries[i].file))
                state.pendingEntries.remove(at: i)
                state.pendingOrder.remove(at: i)
            }
        }
    }

    /// Publishes every pending segment, and records the ingested files, in one manifest swap.
    package func commit(ingestedFiles: [Manifest.IngestedFile] = []) throws {
        try waitForSyncs()
        let (current, segments, nextNumber) = state.withLock { state in
            state.lastCommittedSegments = state.orderedPending
            return (state.manifest, state.lastCommittedSegments, state.nextNumber)
        }
        try FileIO.syncDirectory(directory)
        var next = current
        next.generation += 1
        next.nextSegmentNumber = nextNumber
        next.segments += segments
        next.ingestedFiles += ingestedFiles
        try DatabaseWriter.publish(next, in: directory)
        state.withLock { $0.published(next) }
    }

    /// Publishes the pending segments as the table's whole segment list (compaction): `segments` names the
    /// segments that stay live, pending ones included.
    func commitReplacing(segments: [Manifest.SegmentEntry]) throws {
        try waitForSyncs()
        try FileIO.syncDirectory(directory)
        var next = manifest
        next.generation += 1
        next.nextSegmentNumber = state.withLock { $0.nextNumber }
        next.segments = segments
        try DatabaseWriter.publish(next, in: directory)
        state.withLock { $0.published(next) }
    }

    /// Publishes the pending segments as the table's only ones, in one manifest swap: a small table reloaded
    /// whole (the catalogs' dimension tables). The old segment files are orphans the next writer removes.
    package func commitReplacingAll() throws {
        try commitReplacing(segments: state.withLock { $0.orderedPending })
    }

    /// Deletes the pending segment files.
    package func abort() {
        syncing.wait()
        state.withLock { state in
            for entry in state.pendingEntries { try? FileIO.remove(FileIO.join(directory, entry.file)) }
            state.pendingEntries = []
            state.pendingOrder = []
        }
    }
}
