/// Orders rows of a list of chunks by sort keys: each key is evaluated once per chunk, then rows are
/// compared on the key vectors (integers, doubles and string bytes directly; NULLs first or last as the
/// key says). Ties are broken by position (chunk, then row), so the order is stable.
struct RowOrder {
    let keys: [SortKey]
    /// `vectors[chunk][key]`.
    let vectors: [[Vector]]

    init(keys: [SortKey], vectors: [[Vector]]) {
        self.keys = keys
        self.vectors = vectors
    }

    init(keys: [SortKey], chunks: [DataChunk], offsetSeconds: Int) throws {
        self.keys = keys
        vectors = try chunks.map { chunk in
            let evaluator = chunk.evaluator(offsetSeconds: offsetSeconds)
            return try keys.map { try evaluator.evaluate($0.expression, chunk.batch) }
        }
    }

    /// Whether row `ra` of chunk `ca` comes before row `rb` of chunk `cb` (position breaks ties).
    @inline(__always)
    func precedes(_ ca: Int, _ ra: Int, _ cb: Int, _ rb: Int) -> Bool {
        let c = compare(ca, ra, cb, rb)
        if c != 0 { return c < 0 }
        return ca != cb ? ca < cb : ra < rb
    }

    /// Negative when row a comes first by the keys, positive when b does, 0 when the keys tie.
    func compare(_ ca: Int, _ ra: Int, _ cb: Int, _ rb: Int) -> Int {
        let left = vectors[ca], right = vectors[cb]
        for k in 0..<keys.count {
            let x = left[k], y = right[k]
            let nx = x.isNull(ra), ny = y.isNull(rb)
            if nx || ny {
                if nx && ny { continue }
                return nx == keys[k].nullsFirst ? -1 : 1
            }
            let c = Self.compareValues(x, ra, y, rb)
            if c != 0 { return keys[k].descending ? -c : c }
        }
        return 0
    }

    /// Compares two non-NULL values of vectors of one type.
    @inline(__always)
    static func compareValues(_ x: Vector, _ ra: Int, _ y: Vector, _ rb: Int) -> Int {
        switch x.type {
        case .float64:
            let a = x.doubles[ra], b = y.doubles[rb]
            return a < b ? -1 : (a > b ? 1 : 0)
        case .string:
            let px = x.pool!, py = y.pool!
            let ca = Int(x.ints[ra]), cb = Int(y.ints[rb])
            if px === py {
                if ca == cb { return 0 }
                if px.isSorted { return ca < cb ? -1 : 1 }
            }
            return px.withBytes(at: ca) { a in py.withBytes(at: cb) { b in Evaluator.byteOrder(a, b) } }
        default:
            let a = x.ints[ra], b = y.ints[rb]
            return a < b ? -1 : (a > b ? 1 : 0)
        }
    }
}

extension RowOrder {
    /// Whether key `k`'s words (`prefixes`) are equal exactly when its values are: true but for strings.
    func wordIsWholeValue(key k: Int) -> Bool { k < keys.count && keys[k].expression.type != .string }

    /// Key `k` of every row of chunk `c` as an unsigned word whose order is the key's order as far as it
    /// goes (a sort compares these first, and the full keys only when they tie): integers with the sign bit
    /// flipped, doubles by their ordered bit pattern (-0.0 as 0.0), strings by their first 8 bytes
    /// big-endian; inverted for DESC; NULL below or above every value as the key places it. All 0 when
    /// there is no key `k`. With `rows`, only those rows' words, in their order (word `i` is row `rows[i]`'s).
    func prefixes(ofChunk c: Int, count: Int, key k: Int = 0, rows: [Int32]? = nil) -> [UInt64] {
        let n = rows?.count ?? count
        guard k < keys.count else { return [UInt64](repeating: 0, count: n) }
        let key = keys[k]
        let v = vectors[c][k]
        let invert: UInt64 = key.descending ? ~0 : 0
        // A value's word never passes a NULL's: NULLs first take 0, so values start at 1 (and the other way).
        let lowest: UInt64 = key.nullsFirst ? 1 : 0, highest: UInt64 = key.nullsFirst ? .max : .max - 1
        return [UInt64](unsafeUninitializedCapacity: n) { out, initialized in
            /// Writes `word(row)`, inverted for DESC and kept off the NULLs' word, for every row asked for.
            @inline(__always) func fill(_ word: (Int) -> UInt64) {
                if let rows {
                    rows.withUnsafeBufferPointer { rows in
                        for i in 0..<n { out[i] = Swift.min(Swift.max(word(Int(rows[i])) ^ invert, lowest), highest) }
                    }
                } else {
                    for i in 0..<n { out[i] = Swift.min(Swift.max(word(i) ^ invert, lowest), highest) }
                }
            }
            switch v.type {
            case .float64:
                v.doubles.withUnsafeBufferPointer { d in
                    fill { r in
                        let bits = (d[r] == 0 ? 0 : d[r]).bitPattern
                        return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
                    }
                }
            case .string:
                let pool = v.pool.unsafelyUnwrapped
                v.ints.withUnsafeBufferPointer { codes in
                    fill { r in
                        // (A NULL row's code may lie outside the pool: its word is set below.)
                        if v.isNull(r) { return 0 }
                        return pool.withBytes(at: Int(codes[r])) { bytes in
                            var w: UInt64 = 0
                            for i in 0..<8 { w = w << 8 | UInt64(i < bytes.count ? bytes[i] : 0) }
                            return w
                        }
                    }
                }
            default:
                v.ints.withUnsafeBufferPointer { x in fill { r in UInt64(bitPattern: x[r]) ^ (1 << 63) } }
            }
            if let nulls = v.nulls {
                let null: UInt64 = key.nullsFirst ? 0 : .max
                if let rows {
                    for i in 0..<n where nulls[Int(rows[i])] != 0 { out[i] = null }
                } else {
                    for i in 0..<n where nulls[i] != 0 { out[i] = null }
                }
            }
            initialized = n
        }
    }
}
