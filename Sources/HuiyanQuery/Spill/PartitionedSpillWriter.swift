import HuiyanStorage

/// One thread's rows of an aggregation, grouped into partitions by the hash of their group keys: every row of
/// a group lands in the same partition, whichever thread wrote it, so each partition can then be aggregated
/// on its own. The records go to the thread's own spill file (a state over the memory limit), or stay in
/// memory (a partitioned aggregation of many groups, whose partitions' tables stay in cache).
final class PartitionedSpillWriter {
    /// A partition's record: where it lies in its file, or (kept in memory) its columns.
    struct Record {
        let file: SpillFile?
        let offset: Int
        let length: Int
        var columns: (vectors: [Vector], count: Int)? = nil

        /// The record's columns, read back.
        func read() throws -> (vectors: [Vector], count: Int) {
            if let columns { return columns }
            guard let file else { return ([], 0) }
            return try SpilledChunk.decode(try file.read(offset: offset, count: length))
        }
    }

    let partitionCount: Int
    private let bits: Int
    /// Which hash bits choose the partition: a partition split again uses fresh ones.
    private let salt: UInt64
    private let keyCount: Int
    private let file: SpillFile?
    /// Bytes of the records kept in memory.
    private(set) var memoryBytes = 0
    /// A partition's gathered rows are written once they take this many bytes.
    private let recordBytes: Int
    private var builders: [SpilledChunk.Builder?]
    /// Per partition, its records in the file.
    private(set) var records: [[Record]]
    /// Hashes of the entries of the string pools seen lately (segments' dictionaries).
    private var poolHashes: [ObjectIdentifier: (pool: StringPool, hashes: [UInt64])] = [:]
    /// In memory, rows may be partitioned by one string key alone, through its pools' entry partitions
    /// (`EntryPartitions`): then that key travels as codes into its partition's pool.
    private let entryKey: Int?
    private let entryPartitions: EntryPartitionCache?

    /// `partitionCount` must be a power of two; `level` is how many times these rows were split before;
    /// without a file the records stay in memory.
    /// `entryPartitions` (in memory only; made with this writer's partition count and salt, `salt(level:)`):
    /// partition by key column `entryKey` alone — every writer of the aggregation must do the same.
    init(file: SpillFile?, partitionCount: Int, level: Int, keyCount: Int, bufferBytes: Int,
         entryKey: Int? = nil, entryPartitions: EntryPartitionCache? = nil) {
        precondition(partitionCount > 1 && partitionCount & (partitionCount - 1) == 0)
        precondition(entryPartitions.map { file == nil && $0.partitionCount == partitionCount && $0.salt == Self.salt(level: level) } ?? true)
        self.entryKey = entryPartitions == nil ? nil : entryKey
        self.entryPartitions = entryPartitions
        self.file = file
        self.partitionCount = partitionCount
        bits = partitionCount.trailingZeroBitCount
        salt = Self.salt(level: level)
        self.keyCount = keyCount
        // Records kept in memory stay small: a builder that grows to tens of megabytes by doubling copies
        // itself over and over, then once more into its record.
        recordBytes = file == nil ? Self.memoryRecordBytes : max(4 << 10, bufferBytes / partitionCount)
        builders = Array(repeating: nil, count: partitionCount)
        records = Array(repeating: [], count: partitionCount)
    }

    /// Which hash bits choose the partition of rows split `level` times before.
    static func salt(level: Int) -> UInt64 { Hash64.mix(UInt64(level) &* 0x632B_E59B_D9B4_E019) }

    /// The size of a record kept in memory.
    static let memoryRecordBytes = 256 << 10

    /// Bytes the partitions' unwritten rows and the records kept in memory take.
    var bufferedBytes: Int { builders.reduce(memoryBytes) { $0 + ($1?.approximateBytes ?? 0) } }

    /// Adds the selected rows of `columns` (keys first).
    func add(_ columns: [Vector], _ batch: Batch) throws {
        guard batch.selectedCount > 0 else { return }
        if let entryKey, let entryPartitions {
            try addByEntries(columns, batch, key: entryKey, entryPartitions)
            return
        }
        var hashes = [UInt64](repeating: salt, count: batch.count)
        for v in columns.prefix(keyCount) {
            Hash64.combine(v, batch, entryHashes: v.type == .string ? entryHashes(v.pool!) : nil, into: &hashes)
        }
        var partition = [Int32](repeating: 0, count: batch.count)
        let shift = UInt64(64 - bits)
        batch.forEachSelected { i in partition[i] = Int32(truncatingIfNeeded: Hash64.mix(hashes[i]) >> shift) }
        try add(columns, batch, partitions: partition, partitionColumns: { _ in columns })
    }

    /// Adds rows partitioned by the entries of key column `key`: the key goes on as codes into the pool of
    /// its partition's entries.
    private func addByEntries(_ columns: [Vector], _ batch: Batch, key: Int, _ cache: EntryPartitionCache) throws {
        let v = columns[key]
        var partition = [Int32](repeating: 0, count: batch.count)
        var localCodes = [Int64](repeating: 0, count: batch.count)
        let nulls = v.nulls
        guard v.type == .string, let pool = v.pool else {
            // Not a string vector: a NULL constant, every row NULL.
            let p = Int32(EntryPartitions.partition(of: EntryPartitions.nullWord, salt: salt, shift: UInt64(64 - bits)))
            batch.forEachSelected { partition[$0] = p }
            return try add(columns, batch, partitions: partition, partitionColumns: { _ in columns })
        }
        let (entries, isNew) = cache.partitions(of: pool)
        if isNew { memoryBytes += entries.bytes }
        let nullPartition = Int32(entries.nullPartition)
        entries.partitionOf.withUnsafeBufferPointer { of in
            entries.local.withUnsafeBufferPointer { local in
                v.ints.withUnsafeBufferPointer { codes in
                    partition.withUnsafeMutableBufferPointer { part in
                        localCodes.withUnsafeMutableBufferPointer { out in
                            batch.forEachSelected { i in
                                if let nulls, nulls[i] != 0 {
                                    part[i] = nullPartition
                                } else {
                                    let code = Int(codes[i])
                                    part[i] = Int32(of[code])
                                    out[i] = Int64(local[code])
                                }
                            }
                        }
                    }
                }
            }
        }
        try add(columns, batch, partitions: partition) { p in
            let coded = Vector(type: .string, ints: localCodes, nulls: nulls)
            coded.pool = entries.pools[p]
            var replaced = columns
            replaced[key] = coded
            return replaced
        }
    }

    /// Adds the selected rows, row `i` to partition `partitions[i]`, as `partitionColumns(p)` holds them.
    private func add(_ columns: [Vector], _ batch: Batch, partitions partition: [Int32], partitionColumns: (Int) -> [Vector]) throws {
        // Rows by partition (a counting sort of the selected rows).
        var starts = [Int](repeating: 0, count: partitionCount + 1)
        batch.forEachSelected { i in starts[Int(partition[i]) + 1] += 1 }
        for p in 0..<partitionCount { starts[p + 1] += starts[p] }
        var next = starts
        var rows = [Int32](repeating: 0, count: batch.selectedCount)
        batch.forEachSelected { i in
            let p = Int(partition[i])
            rows[next[p]] = Int32(i)
            next[p] += 1
        }
        try rows.withUnsafeBufferPointer { all in
            for p in 0..<partitionCount where starts[p + 1] > starts[p] {
                let columns = partitionColumns(p)
                var builder = builders[p] ?? newBuilder(columns)
                builders[p] = nil
                // A record holds one type per column (a NULL constant's vector may differ from its column's),
                // and one pool per column kept as codes.
                if builder.types != columns.map(\.type) || !builder.accepts(columns) {
                    if builder.rowCount > 0 { try write(&builder, partition: p) }
                    builder = newBuilder(columns)
                }
                builder.append(columns, rows: UnsafeBufferPointer(rebasing: all[starts[p]..<starts[p + 1]]))
                if builder.approximateBytes >= recordBytes { try write(&builder, partition: p) }
                builders[p] = builder
            }
        }
    }

    /// Writes every partition's remaining rows.
    func finish() throws {
        for p in 0..<partitionCount {
            guard var builder = builders[p], builder.rowCount > 0 else { continue }
            try write(&builder, partition: p)
            builders[p] = nil
        }
    }

    private func newBuilder(_ columns: [Vector]) -> SpilledChunk.Builder {
        SpilledChunk.Builder(types: columns.map(\.type), codesStrings: file == nil, codedColumn: entryKey)
    }

    private func write(_ builder: inout SpilledChunk.Builder, partition p: Int) throws {
        guard let file else {
            memoryBytes += builder.approximateBytes
            records[p].append(Record(file: nil, offset: 0, length: builder.approximateBytes, columns: builder.takeVectors()))
            return
        }
        let bytes = builder.encode()
        let offset = try bytes.withUnsafeBytes { try file.append($0) }
        records[p].append(Record(file: file, offset: offset, length: bytes.count))
    }

    private func entryHashes(_ pool: StringPool) -> [UInt64] {
        let key = ObjectIdentifier(pool)
        if let cached = poolHashes[key] { return cached.hashes }
        let hashes = Hash64.entries(of: pool)
        if poolHashes.count >= 16 { poolHashes.removeAll(keepingCapacity: true) }
        poolHashes[key] = (pool, hashes)
        return hashes
    }
}
