import HuiyanStorage

/// One thread's rows of an aggregation, grouped into partitions by the hash of their group keys: every row of
/// a group lands in the same partition, whichever thread wrote it, so each partition can then be aggregated
/// on its own. The records go to the thread's own spill file (a state over the memory limit), or stay in
/// memory (a partitioned aggregation of many groups, whose partitions' tables stay in cache).
final class PartitionedSpillWriter {
    /// A partition's record: where it lies in its file, or its bytes.
    struct Record {
        let file: SpillFile?
        let offset: Int
        let length: Int
        let bytes: [UInt8]

        /// The record's columns, read back.
        func read() throws -> (vectors: [Vector], count: Int) {
            try SpilledChunk.decode(file.map { try $0.read(offset: offset, count: length) } ?? bytes)
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

    /// `partitionCount` must be a power of two; `level` is how many times these rows were split before;
    /// without a file the records stay in memory.
    init(file: SpillFile?, partitionCount: Int, level: Int, keyCount: Int, bufferBytes: Int) {
        precondition(partitionCount > 1 && partitionCount & (partitionCount - 1) == 0)
        self.file = file
        self.partitionCount = partitionCount
        bits = partitionCount.trailingZeroBitCount
        salt = Hash64.mix(UInt64(level) &* 0x632B_E59B_D9B4_E019)
        self.keyCount = keyCount
        // Records kept in memory stay small: a builder that grows to tens of megabytes by doubling copies
        // itself over and over, then once more into its record.
        recordBytes = file == nil ? Self.memoryRecordBytes : max(4 << 10, bufferBytes / partitionCount)
        builders = Array(repeating: nil, count: partitionCount)
        records = Array(repeating: [], count: partitionCount)
    }

    /// The size of a record kept in memory.
    static let memoryRecordBytes = 256 << 10

    /// Bytes the partitions' unwritten rows and the records kept in memory take.
    var bufferedBytes: Int { builders.reduce(memoryBytes) { $0 + ($1?.approximateBytes ?? 0) } }

    /// Adds the selected rows of `columns` (keys first).
    func add(_ columns: [Vector], _ batch: Batch) throws {
        guard batch.selectedCount > 0 else { return }
        var hashes = [UInt64](repeating: salt, count: batch.count)
        for v in columns.prefix(keyCount) {
            Hash64.combine(v, batch, entryHashes: v.type == .string ? entryHashes(v.pool!) : nil, into: &hashes)
        }
        // Rows by partition (a counting sort of the selected rows).
        var starts = [Int](repeating: 0, count: partitionCount + 1)
        var partition = [Int32](repeating: 0, count: batch.count)
        let shift = UInt64(64 - bits)
        batch.forEachSelected { i in
            let p = Int32(truncatingIfNeeded: Hash64.mix(hashes[i]) >> shift)
            partition[i] = p
            starts[Int(p) + 1] += 1
        }
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
                var builder = builders[p] ?? SpilledChunk.Builder(types: columns.map(\.type))
                builders[p] = nil
                // A record holds one type per column (a NULL constant's vector may differ from its column's).
                if builder.types != columns.map(\.type) {
                    if builder.rowCount > 0 { try write(&builder, partition: p) }
                    builder = SpilledChunk.Builder(types: columns.map(\.type))
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

    private func write(_ builder: inout SpilledChunk.Builder, partition p: Int) throws {
        let bytes = builder.encode()
        guard let file else {
            memoryBytes += bytes.count
            records[p].append(Record(file: nil, offset: 0, length: bytes.count, bytes: bytes))
            return
        }
        let offset = try bytes.withUnsafeBytes { try file.append($0) }
        records[p].append(Record(file: file, offset: offset, length: bytes.count, bytes: []))
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
