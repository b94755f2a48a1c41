/// The build side of a hash join of computed rows: its rows in one chunk, each row's keys as words (an
/// integer lane's value, a double's bits as a group key's, a string's id among the build side's strings),
/// and chained buckets by the words' hash. Rows with a NULL key are left out: NULL matches nothing. A probe
/// row's strings are translated once per pool into the build side's ids, so that rows compare as words.
final class HashJoinTable {
    /// The build side's rows (its chunks concatenated).
    let rows: DataChunk
    private let width: Int
    /// Build row `r`'s key words are `words[r * width ..< (r + 1) * width]`.
    private var words: [Int64]
    /// Per bucket, the last row hashed into it (-1: none); `next[row]` the row before it in the bucket.
    private var heads: [Int32]
    private var next: [Int32]
    private let mask: Int
    /// The build side's key strings, each with its id.
    private let strings = StringInterner()
    /// Per probe-side pool, each entry's id among the build side's strings (-1: none), cached: a segment's
    /// dictionary serves many chunks. The pool is kept with them (an identifier of a freed pool could be reused).
    private var probeIds: [ObjectIdentifier: (pool: StringPool, ids: [Int64])] = [:]

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
        width = keys.count
        var buckets = 16
        while buckets < all.count * 2 { buckets *= 2 }
        mask = buckets - 1
        heads = [Int32](repeating: -1, count: buckets)
        next = [Int32](repeating: -1, count: all.count)
        words = []
        var valid = [Bool](repeating: true, count: all.count)
        let keyIds = keys.map { key -> [Int64] in
            guard let pool = key.pool, key.type == .string else { return [] }
            return (0..<pool.count).map { code in pool.withBytes(at: code) { strings.intern($0) } }
        }
        words = Self.words(keys, count: all.count, ids: keyIds, valid: &valid)
        for r in 0..<all.count where valid[r] {
            let b = Int(truncatingIfNeeded: hash(words, r)) & mask
            next[r] = heads[b]
            heads[b] = Int32(r)
        }
    }

    /// Bytes held: the rows and the table.
    var approximateBytes: Int {
        rows.approximateBytes + rows.stringBytes(width: rows.columns.count) + words.count * 8 + heads.count * 4 + next.count * 4
            + strings.approximateBytes
    }

    /// Every row's key words; a row with a NULL key, or a string the build side has not (id -1), is not valid.
    private static func words(_ keys: [Vector], count: Int, ids: [[Int64]], valid: inout [Bool]) -> [Int64] {
        let width = keys.count
        var words = [Int64](repeating: 0, count: count * width)
        words.withUnsafeMutableBufferPointer { w in
            for (k, key) in keys.enumerated() {
                if let nulls = key.nulls {
                    for r in 0..<count where nulls[r] != 0 { valid[r] = false }
                }
                switch key.type {
                case .float64:
                    key.doubles.withUnsafeBufferPointer { d in
                        for r in 0..<count { w[r * width + k] = GroupTable.keyWord(d[r]) }
                    }
                case .string:
                    ids[k].withUnsafeBufferPointer { ids in
                        key.ints.withUnsafeBufferPointer { codes in
                            for r in 0..<count where valid[r] {
                                let code = Int(codes[r])
                                let id = code < ids.count ? ids[code] : -1
                                if id < 0 { valid[r] = false } else { w[r * width + k] = id }
                            }
                        }
                    }
                default:
                    key.ints.withUnsafeBufferPointer { x in
                        for r in 0..<count { w[r * width + k] = x[r] }
                    }
                }
            }
        }
        return words
    }

    @inline(__always)
    private func hash(_ words: [Int64], _ row: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
        for k in 0..<width { h = Hash64.mix(h ^ UInt64(bitPattern: words[row * width + k])) }
        return h
    }

    /// A probe-side pool's entries as the build side's string ids (-1: not among them).
    private func ids(for pool: StringPool) -> [Int64] {
        if let cached = probeIds[ObjectIdentifier(pool)] { return cached.ids }
        let ids = (0..<pool.count).map { code in pool.withBytes(at: code) { strings.id(of: $0) } ?? -1 }
        if probeIds.count >= 64 { probeIds.removeAll() }
        probeIds[ObjectIdentifier(pool)] = (pool, ids)
        return ids
    }

    /// Every pair of a probe row (by its key vectors, of the build keys' types) and a build row with equal
    /// keys, appended as `probeRows[i]`, `buildRows[i]`.
    func probe(_ probeKeys: [Vector], count: Int, probeRows: inout [Int32], buildRows: inout [Int32]) {
        var valid = [Bool](repeating: true, count: count)
        let probeWords = Self.words(probeKeys, count: count, ids: probeKeys.map { $0.type == .string ? $0.pool.map(ids(for:)) ?? [] : [] },
                                    valid: &valid)
        let width = self.width
        for r in 0..<count where valid[r] {
            var b = heads[Int(truncatingIfNeeded: hash(probeWords, r)) & mask]
            while b >= 0 {
                let base = Int(b) * width
                var same = true
                for k in 0..<width where words[base + k] != probeWords[r * width + k] { same = false; break }
                if same {
                    probeRows.append(Int32(r))
                    buildRows.append(b)
                }
                b = next[Int(b)]
            }
        }
    }
}
