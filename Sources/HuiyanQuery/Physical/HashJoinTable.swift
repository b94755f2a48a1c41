/// The build side of a hash join of computed rows: its rows in one chunk, and a chained hash table from
/// each row's key hash to the rows with that hash. Rows with a NULL key are left out: NULL matches nothing.
final class HashJoinTable {
    /// The build side's rows (its chunks concatenated).
    let rows: DataChunk
    private let keys: [Vector]
    private let hashes: [UInt64]
    /// Per bucket, the last row hashed into it (-1: none); `next[row]` the row before it in the bucket.
    private var heads: [Int32]
    private var next: [Int32]
    private let mask: Int

    /// `layout`: the combined index and type of every column, for a build side without chunks.
    init(chunks: [DataChunk], keys keyExpressions: [BoundExpression], layout: [LabelledColumn], offsetSeconds: Int) throws {
        switch chunks.count {
        case 0:
            rows = DataChunk(columns: layout.map { Vector(type: $0.type == .null ? .int64 : $0.type, count: 0) }, count: 0,
                             columnIndexes: layout.map(\.index))
        case 1:
            rows = chunks[0]
        default:
            var positions: [(chunk: Int32, row: Int32)] = []
            positions.reserveCapacity(chunks.reduce(0) { $0 + $1.count })
            for (c, chunk) in chunks.enumerated() {
                for r in 0..<chunk.count { positions.append((Int32(c), Int32(r))) }
            }
            let columns = chunks[0].columns.indices.map { i in Vector.concatenated(chunks.map { $0.columns[i] }, positions) }
            rows = DataChunk(columns: columns, count: positions.count, columnIndexes: chunks[0].columnIndexes)
        }
        let all = rows.batch
        let evaluator = rows.evaluator(offsetSeconds: offsetSeconds)
        let keys = try keyExpressions.map { try evaluator.evaluate($0, all) }
        self.keys = keys
        hashes = Self.hashes(keys, all)
        var buckets = 16
        while buckets < all.count * 2 { buckets *= 2 }
        mask = buckets - 1
        heads = [Int32](repeating: -1, count: buckets)
        next = [Int32](repeating: -1, count: all.count)
        for r in 0..<all.count where !keys.contains(where: { $0.isNull(r) }) {
            let b = Int(truncatingIfNeeded: hashes[r]) & mask
            next[r] = heads[b]
            heads[b] = Int32(r)
        }
    }

    /// Bytes held: the rows and the table.
    var approximateBytes: Int { rows.approximateBytes + rows.stringBytes(width: rows.columns.count) + hashes.count * 8 + heads.count * 4 + next.count * 4 }

    /// The hash of each row's keys (a NULL key hashes as some value: such rows are never looked up).
    /// `entries` gives a pool's entries' hashes.
    private static func hashes(_ keys: [Vector], _ batch: Batch, entries: (StringPool) -> [UInt64] = Hash64.entries(of:)) -> [UInt64] {
        var hashes = [UInt64](repeating: 0, count: batch.count)
        for key in keys {
            Hash64.combine(key, batch, entryHashes: key.pool.map(entries), into: &hashes)
        }
        return hashes
    }

    /// The probe side's pools' entry hashes: a segment's dictionary serves many chunks. The pool is kept with
    /// them (an identifier of a freed pool could be reused).
    private var entryHashes: [ObjectIdentifier: (pool: StringPool, hashes: [UInt64])] = [:]

    private func cachedEntries(_ pool: StringPool) -> [UInt64] {
        if let cached = entryHashes[ObjectIdentifier(pool)] { return cached.hashes }
        let hashes = Hash64.entries(of: pool)
        if entryHashes.count >= 64 { entryHashes.removeAll() }
        entryHashes[ObjectIdentifier(pool)] = (pool, hashes)
        return hashes
    }

    /// Every pair of a probe row (by its key vectors, of the build keys' types) and a build row with equal
    /// keys, appended as `probeRows[i]`, `buildRows[i]`.
    func probe(_ probeKeys: [Vector], count: Int, probeRows: inout [Int32], buildRows: inout [Int32]) {
        let batch = Batch(count: count, selection: nil)
        let probeHashes = Self.hashes(probeKeys, batch, entries: cachedEntries)
        for r in 0..<count where !probeKeys.contains(where: { $0.isNull(r) }) {
            let h = probeHashes[r]
            var b = heads[Int(truncatingIfNeeded: h) & mask]
            while b >= 0 {
                if hashes[Int(b)] == h && equal(Int(b), probeKeys, r) {
                    probeRows.append(Int32(r))
                    buildRows.append(b)
                }
                b = next[Int(b)]
            }
        }
    }

    /// Whether build row `b`'s keys equal probe row `r`'s (strings by their bytes, doubles as group keys do).
    private func equal(_ b: Int, _ probeKeys: [Vector], _ r: Int) -> Bool {
        for (x, y) in zip(keys, probeKeys) {
            switch x.type {
            case .float64:
                if GroupTable.keyWord(x.doubles[b]) != GroupTable.keyWord(y.doubles[r]) { return false }
            case .string:
                let a = Int(x.ints[b]), c = Int(y.ints[r])
                if x.pool === y.pool && a == c { continue }
                let same = x.pool!.dictionary.withBytes(at: a) { p in
                    y.pool!.dictionary.withBytes(at: c) { q in p.elementsEqual(q) }
                }
                if !same { return false }
            default:
                if x.ints[b] != y.ints[r] { return false }
            }
        }
        return true
    }
}
