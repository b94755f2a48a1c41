import Foundation

/// The one writer of a database: creates tables, appends segments and compacts, holding the writer lock.
public final class DatabaseWriter {
    public let database: Database
    private let lock: WriterLock

    init(database: Database, command: String) throws {
        self.database = database
        lock = try WriterLock(databasePath: database.path, command: command)
        try removeOrphans()
    }

    /// The ending of a note in `<db>/rejects` naming a temporary rejects file outside the database.
    public static let pendingNoteSuffix = ".pending.part"

    /// Releases the writer lock.
    public func close() { lock.release() }

    /// Creates a table: its folder is built under a temporary name and renamed into place.
    public func createTable(_ schema: TableSchema) throws {
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
    public func updateSettings(_ settings: DatabaseSettings) throws {
        try ChecksummedJSON.write(settings, to: FileIO.join(database.path, DatabaseSettings.fileName))
    }

    /// Starts an append to a table: segments written through it become visible together at `commit`.
    public func beginAppend(to table: String) throws -> TableAppend {
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
public final class TableAppend: @unchecked Sendable {
    public let directory: String
    public private(set) var manifest: Manifest
    private let lock = NSLock()
    /// The order key of each pending entry: segments are published sorted by it.
    private var pendingOrder: [Int] = []
    private var writes = 0
    /// The segments the last `commit` published.
    public private(set) var lastCommittedSegments: [Manifest.SegmentEntry] = []
    /// Segments written by this append and not yet published.
    private(set) var pendingEntries: [Manifest.SegmentEntry] = []
    private var nextNumber: Int
    /// Segment files are fsynced here, one after another, while the writing threads go on encoding; `commit`
    /// waits for them before the manifest swap. (An fsync took a parsing thread off its core for tens of
    /// milliseconds a segment, and far longer when the disk is busy.)
    private let syncQueue = DispatchQueue(label: "huiyan.segment-sync")
    private let syncing = DispatchGroup()
    private var syncFailure: Error?

    init(directory: String, manifest: Manifest) {
        self.directory = directory
        self.manifest = manifest
        nextNumber = manifest.nextSegmentNumber
    }

    public var schema: TableSchema { manifest.schema }

    /// Rows written so far by this append.
    public var pendingRows: Int { pendingEntries.reduce(0) { $0 + $1.rows } }
    public var pendingBytes: Int { pendingEntries.reduce(0) { $0 + $1.bytes } }
    public var pendingSegments: Int { pendingEntries.count }

    /// The earlier ingest of a file with this content hash, if any.
    public func earlierIngest(contentHash: String) -> Manifest.IngestedFile? {
        manifest.ingestedFiles.last { $0.contentHash == contentHash }
    }

    /// Encodes and writes a segment file (not yet visible). Safe to call from several threads; segments are
    /// published in the order of `orderKey` (default: the order of the calls).
    public func write(_ builder: SegmentBuilder, orderKey: Int? = nil) throws {
        guard builder.rowCount > 0 else { return }
        lock.lock()
        let file = Manifest.segmentFileName(nextNumber)
        nextNumber += 1
        writes += 1
        let key = orderKey ?? writes
        lock.unlock()
        let path = FileIO.join(directory, file)
        let written = try SegmentWriter.write(builder, to: path, sync: false)
        lock.lock()
        pendingEntries.append(Manifest.SegmentEntry(file: file, rows: written.rowCount, bytes: written.byteCount))
        pendingOrder.append(key)
        lock.unlock()
        syncQueue.async(group: syncing) { [self] in
            do {
                try FileIO.syncFile(path)
            } catch {
                lock.lock()
                if syncFailure == nil { syncFailure = error }
                lock.unlock()
            }
        }
        CrashPoints.hit("after-segment")
    }

    /// Waits until every segment written so far is on disk; throws the first fsync failure.
    private func waitForSyncs() throws {
        syncing.wait()
        lock.lock()
        let failure = syncFailure
        lock.unlock()
        if let failure { throw failure }
    }

    /// Deletes the pending segments whose order key is in `keys` (work to be redone).
    public func discard(orderKeys keys: Range<Int>) {
        syncing.wait()
        lock.lock()
        defer { lock.unlock() }
        for i in pendingEntries.indices.reversed() where keys.contains(pendingOrder[i]) {
            try? FileIO.remove(FileIO.join(directory, pendingEntries[i].file))
            pendingEntries.remove(at: i)
            pendingOrder.remove(at: i)
        }
    }

    /// The pending entries in publishing order.
    private func orderedPending() -> [Manifest.SegmentEntry] {
        zip(pendingOrder, pendingEntries).enumerated()
            .sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }
            .map { $0.element.1 }
    }

    /// Publishes every pending segment, and records the ingested files, in one manifest swap.
    public func commit(ingestedFiles: [Manifest.IngestedFile] = []) throws {
        try waitForSyncs()
        lastCommittedSegments = orderedPending()
        try FileIO.syncDirectory(directory)
        var next = manifest
        next.generation += 1
        next.nextSegmentNumber = nextNumber
        next.segments += lastCommittedSegments
        next.ingestedFiles += ingestedFiles
        try DatabaseWriter.publish(next, in: directory)
        manifest = next
        pendingEntries = []
        pendingOrder = []
    }

    /// Publishes the pending segments as the table's whole segment list (compaction): `segments` names the
    /// segments that stay live, pending ones included.
    func commitReplacing(segments: [Manifest.SegmentEntry]) throws {
        try waitForSyncs()
        try FileIO.syncDirectory(directory)
        var next = manifest
        next.generation += 1
        next.nextSegmentNumber = nextNumber
        next.segments = segments
        try DatabaseWriter.publish(next, in: directory)
        manifest = next
        pendingEntries = []
        pendingOrder = []
    }

    /// Publishes the pending segments as the table's only ones, in one manifest swap: a small table reloaded
    /// whole (the catalogs' dimension tables). The old segment files are orphans the next writer removes.
    public func commitReplacingAll() throws {
        try commitReplacing(segments: orderedPending())
    }

    /// Deletes the pending segment files.
    public func abort() {
        syncing.wait()
        for entry in pendingEntries { try? FileIO.remove(FileIO.join(directory, entry.file)) }
        pendingEntries = []
        pendingOrder = []
    }
}
