/// The groups of one thread's share of an aggregation: an open-addressing hash table over fixed-width keys
/// (one Int64 word per key: the value, a double's bits, or a string's id in this table's string list; plus
/// one word of NULL flags), giving each row its dense group number.
final class GroupTable {
    let keyTypes: [SQLType]
    private let width: Int
    /// Group keys back to back, `width` words each.
    private(set) var keys: [Int64] = []
    private var slots: [Int32]
    private var mask: Int
    private(set) var groupCount = 0
    /// Interned strings of string keys (by their bytes).
    let strings = StringInterner()
    /// Per string pool, its codes' string ids (filled on first sight). The pool is kept with its ids: an
    /// identifier of a freed pool could be reused by a new one.
    private var poolIds: [ObjectIdentifier: (pool: StringPool, ids: [Int64])] = [:]

    /// One string key: a string's interned id leads to its group through `stringGroups` (an array, not the
    /// hash table); only the NULL group is hashed.
    private let singleStringKey: Bool
    /// Per string id, its group (-1: none yet), for a table of one string key.
    private var stringGroups: [Int32] = []
    /// Groups in the hash table (all of them, but for one string key only the NULL group).
    private var hashedCount = 0

    /// Whether rows may be numbered through the shortcuts (code maps, runs, dense arrays per batch) rather than
    /// the hash table alone (off with rule bucket_aggregation, so that the general path is tested too).
    let shortcuts: Bool

    init(keyTypes: [SQLType], shortcuts: Bool = true) {
        self.keyTypes = keyTypes
        self.shortcuts = shortcuts
        singleStringKey = keyTypes == [.string]
        width = keyTypes.count + 1
        // Small at first: a statement makes a table per thread (and per spilled partition), many of few groups.
        slots = [Int32](repeating: -1, count: 64)
        mask = 63
    }

    private func ids(for pool: StringPool) -> [Int64] {
        let key = ObjectIdentifier(pool)
        if let cached = poolIds[key] { return cached.ids }
        strings.reserve(strings.count + pool.count)
        let ids = (0..<pool.count).map { code in pool.withBytes(at: code) { strings.intern($0) } }
        // Pools computed per batch are many; keep the cache small.
        if poolIds.count >= 64 { poolIds.removeAll(keepingCapacity: true) }
        poolIds[key] = (pool, ids)
        return ids
    }

    /// The group number of every selected row of a batch; creates new groups as they appear.
    ///
    /// When every key has a small domain in this batch — dictionary codes, or integers within a narrow range
    /// (time buckets, hours, days) — rows are numbered through a dense array indexed by the combined key,
    /// so the hash table is consulted once per distinct key of the batch, not once per row.
    func assign(_ vectors: [Vector], _ batch: Batch, into groups: inout [Int32]) {
        let before = groupCount
        assignGroups(vectors, batch, into: &groups)
        if !intervalKeys.isEmpty && groupCount > before { recordIntervalParts(vectors, batch, groups, newFrom: before) }
    }

    /// INTERVAL keys group by their total (a month as 30 days, as DuckDB); each group shows the months and
    /// days of its first row: per interval key, the groups' packed parts.
    private lazy var intervalKeys: [Int] = keyTypes.indices.filter { keyTypes[$0] == .interval }
    private var intervalParts: [Int: [Int64]] = [:]

    private func recordIntervalParts(_ vectors: [Vector], _ batch: Batch, _ groups: [Int32], newFrom before: Int) {
        for k in intervalKeys {
            var parts = intervalParts[k] ?? []
            parts.append(contentsOf: repeatElement(0, count: groupCount - parts.count))
            var seen = [Bool](repeating: false, count: groupCount - before)
            let v = vectors[k]
            batch.forEachSelected { i in
                let g = Int(groups[i])
                guard g >= before, !seen[g - before] else { return }
                seen[g - before] = true
                if !v.isNull(i) { parts[g] = v.interval(i).packed }
            }
            intervalParts[k] = parts
        }
    }

    /// A group of another table taken in: its intervals' parts too.
    private func adoptIntervalParts(_ g: Int, from other: GroupTable, as t: Int32) {
        for k in intervalKeys {
            var parts = intervalParts[k] ?? []
            if parts.count < groupCount { parts.append(contentsOf: repeatElement(0, count: groupCount - parts.count)) }
            if Int(t) == groupCount - 1, let theirs = other.intervalParts[k], g < theirs.count { parts[Int(t)] = theirs[g] }
            intervalParts[k] = parts
        }
    }

    private func assignGroups(_ vectors: [Vector], _ batch: Batch, into groups: inout [Int32]) {
        if vectors.isEmpty {
            if groupCount == 0 { _ = find([0]) }
            batch.forEachSelected { groups[$0] = 0 }
            return
        }
        if !shortcuts {
            assignHashed(vectors, batch, into: &groups)
            return
        }
        if vectors.count == 1, vectors[0].type == .string {
            assignByCode(vectors[0], batch, into: &groups)
            return
        }
        if vectors.count == 1, vectors[0].type != .float64 {
            assignByRuns(vectors[0], batch, into: &groups)
            return
        }
        if assignDense(vectors, batch, into: &groups) { return }
        assignHashed(vectors, batch, into: &groups)
    }

    /// The group of code `code` of `pool` for a one-string-key table (nil code: the NULL group).
    func group(code: Int?, pool: StringPool) -> Int32 {
        guard let code else {
            if nullGroup < 0 { nullGroup = find(0, nulls: 1) }
            return nullGroup
        }
        let key = ObjectIdentifier(pool)
        if let cached = codeGroups[key], cached.groups[code] >= 0 { return cached.groups[code] }
        var map = codeGroups[key]?.groups ?? [Int32](repeating: -1, count: pool.count)
        let g = find(ids(for: pool)[code], nulls: 0)
        map[code] = g
        if codeGroups.count >= 64 { codeGroups.removeAll(keepingCapacity: true) }
        codeGroups[key] = (pool, map)
        return g
    }

    /// The group of string keys given as codes of their pools (nil: NULL), for a table of string keys.
    func group(codes: [Int?], pools: [StringPool]) -> Int32 {
        if codes.count == 1 { return group(code: codes[0], pool: pools[0]) }
        var key = [Int64](repeating: 0, count: width)
        for (k, code) in codes.enumerated() {
            if let code { key[k] = ids(for: pools[k])[code] } else { key[width - 1] |= 1 << Int64(k) }
        }
        return find(key)
    }

    /// One string key: each pool keeps a code → group map across batches (a segment's blocks share its
    /// dictionary), so a row costs one array load.
    private var codeGroups: [ObjectIdentifier: (pool: StringPool, groups: [Int32])] = [:]
    private var nullGroup: Int32 = -1

    private func assignByCode(_ v: Vector, _ batch: Batch, into groups: inout [Int32]) {
        let pool = v.pool!
        let key = ObjectIdentifier(pool)
        var map = codeGroups[key]?.groups ?? [Int32](repeating: -1, count: pool.count)
        codeGroups[key] = nil
        let nulls = v.nulls
        var missing = false
        map.withUnsafeBufferPointer { m in
            v.ints.withUnsafeBufferPointer { codes in
                groups.withUnsafeMutableBufferPointer { g in
                    if let nulls {
                        let nullGroup = self.nullGroup
                        batch.forEachSelected { i in
                            let group = nulls[i] != 0 ? nullGroup : m[Int(codes[i])]
                            g[i] = group
                            missing = missing || group < 0
                        }
                    } else {
                        var lowest: Int32 = 0
                        batch.forEachSelected { i in
                            let group = m[Int(codes[i])]
                            g[i] = group
                            lowest = min(lowest, group)
                        }
                        missing = lowest < 0
                    }
                }
            }
        }
        if missing {
            let ids = self.ids(for: pool)
            batch.forEachSelected { i in
                guard groups[i] < 0 else { return }
                if let nulls, nulls[i] != 0 {
                    if nullGroup < 0 { nullGroup = find(0, nulls: 1) }
                    groups[i] = nullGroup
                    return
                }
                let code = Int(v.ints[i])
                if map[code] < 0 { map[code] = find(ids[code], nulls: 0) }
                groups[i] = map[code]
            }
        }
        if codeGroups.count >= 64 { codeGroups.removeAll(keepingCapacity: true) }
        codeGroups[key] = (pool, map)
    }

    /// One integer key (time buckets, days, hours, ids): equal neighbours — time-ordered data makes long
    /// runs — reuse the previous row's group; a change of value costs one hash lookup.
    private func assignByRuns(_ v: Vector, _ batch: Batch, into groups: inout [Int32]) {
        var lastValue: Int64 = 0, lastGroup: Int32 = -1
        let nulls = v.nulls
        v.ints.withUnsafeBufferPointer { values in
            groups.withUnsafeMutableBufferPointer { g in
                batch.forEachSelected { i in
                    if let nulls, nulls[i] != 0 {
                        if nullGroup < 0 { nullGroup = find(0, nulls: 1) }
                        g[i] = nullGroup
                        return
                    }
                    let x = values[i]
                    if x != lastValue || lastGroup < 0 {
                        lastValue = x
                        lastGroup = find(x, nulls: 0)
                    }
                    g[i] = lastGroup
                }
            }
        }
    }

    /// Rows' dense key indexes when the combined domain is small; nil otherwise. An integer key's domain is
    /// its range in the batch, or, when that is wide (days as timestamps), its few distinct values.
    private func assignDense(_ vectors: [Vector], _ batch: Batch, into groups: inout [Int32]) -> Bool {
        var bases = [Int64](repeating: 0, count: vectors.count)
        var sizes = [Int](repeating: 0, count: vectors.count)
        var local = [BatchValueCodes?](repeating: nil, count: vectors.count)
        var product = 1
        for (k, v) in vectors.enumerated() {
            var size: Int
            if v.type == .string {
                size = v.pool!.count
            } else if v.type == .float64 {
                return false
            } else {
                var lo = Int64.max, hi = Int64.min
                v.ints.withUnsafeBufferPointer { values in
                    if let nulls = v.nulls {
                        batch.forEachSelected { i in if nulls[i] == 0 { lo = min(lo, values[i]); hi = max(hi, values[i]) } }
                    } else {
                        batch.forEachSelected { i in lo = min(lo, values[i]); hi = max(hi, values[i]) }
                    }
                }
                if lo > hi { lo = 0; hi = 0 }
                let (range, overflow) = hi.subtractingReportingOverflow(lo)
                if overflow || range >= 1 << 16 {
                    guard let codes = BatchValueCodes(v, batch) else { return false }
                    local[k] = codes
                    size = codes.distinct
                } else {
                    bases[k] = lo
                    size = Int(range) + 1
                }
            }
            size += 1  // NULL
            sizes[k] = size
            product *= size
            if product > 1 << 16 { return false }
        }
        var slots = [Int32](repeating: -1, count: product)
        if vectors.count == 1 && vectors[0].nulls == nil && local[0] == nil {
            // One integer key without NULLs (a time bucket, an hour): one pass through a per-batch array.
            let v = vectors[0], base = bases[0]
            var missing = false
            v.ints.withUnsafeBufferPointer { values in
                slots.withUnsafeMutableBufferPointer { s in
                    groups.withUnsafeMutableBufferPointer { g in
                        batch.forEachSelected { i in
                            let slot = Int(values[i] &- base)
                            if s[slot] < 0 { missing = true; s[slot] = -2 }
                            g[i] = s[slot]
                        }
                    }
                }
            }
            if missing {
                batch.forEachSelected { i in
                    let slot = Int(v.ints[i] &- base)
                    if slots[slot] < 0 { slots[slot] = find(v.ints[i], nulls: 0) }
                    groups[i] = slots[slot]
                }
            }
            return true
        }
        var index = [Int](repeating: 0, count: batch.count)
        for (k, v) in vectors.enumerated() {
            let base = bases[k], size = sizes[k]
            index.withUnsafeMutableBufferPointer { idx in
                if let codes = local[k]?.codes {
                    codes.withUnsafeBufferPointer { c in
                        if let nulls = v.nulls {
                            batch.forEachSelected { i in idx[i] = idx[i] * size + (nulls[i] != 0 ? size - 1 : Int(c[i])) }
                        } else {
                            batch.forEachSelected { i in idx[i] = idx[i] * size + Int(c[i]) }
                        }
                    }
                    return
                }
                v.ints.withUnsafeBufferPointer { values in
                    if let nulls = v.nulls {
                        batch.forEachSelected { i in
                            idx[i] = idx[i] * size + (nulls[i] != 0 ? size - 1 : Int(values[i] &- base))
                        }
                    } else {
                        batch.forEachSelected { i in idx[i] = idx[i] * size + Int(values[i] &- base) }
                    }
                }
            }
        }
        var representative: [Int] = []
        batch.forEachSelected { i in
            if slots[index[i]] == -1 { slots[index[i]] = -2; representative.append(i) }
        }
        // One hash lookup per distinct key of the batch.
        if !representative.isEmpty {
            var single = [Int32](repeating: 0, count: batch.count)
            assignHashed(vectors, Batch(count: batch.count, selection: representative.map(Int32.init)), into: &single)
            for i in representative { slots[index[i]] = single[i] }
        }
        slots.withUnsafeBufferPointer { s in
            index.withUnsafeBufferPointer { idx in
                groups.withUnsafeMutableBufferPointer { g in batch.forEachSelected { g[$0] = s[idx[$0]] } }
            }
        }
        return true
    }

    /// Looks up every selected row's key in the hash table.
    private func assignHashed(_ vectors: [Vector], _ batch: Batch, into groups: inout [Int32]) {
        // The keys' words column by column into one row-major buffer (a row's key, then its NULL flags),
        // then each row's group: no per-row walk over the vectors.
        let w = width
        var words = [Int64](repeating: 0, count: batch.count * w)
        words.withUnsafeMutableBufferPointer { out in
            let out = out
            for (k, v) in vectors.enumerated() {
                let flag: Int64 = 1 << Int64(k)
                let nulls = v.nulls
                if v.type == .float64 {
                    v.doubles.withUnsafeBufferPointer { d in
                        batch.forEachSelected { row in out[row * w + k] = Self.keyWord(d[row]) }
                    }
                } else if v.type == .string {
                    let ids = self.ids(for: v.pool!)
                    ids.withUnsafeBufferPointer { ids in
                        v.ints.withUnsafeBufferPointer { codes in
                            if let nulls {
                                batch.forEachSelected { row in if nulls[row] == 0 { out[row * w + k] = ids[Int(codes[row])] } }
                            } else {
                                batch.forEachSelected { row in out[row * w + k] = ids[Int(codes[row])] }
                            }
                        }
                    }
                } else {
                    v.ints.withUnsafeBufferPointer { x in batch.forEachSelected { row in out[row * w + k] = x[row] } }
                }
                if let nulls {
                    batch.forEachSelected { row in
                        if nulls[row] != 0 { out[row * w + k] = 0; out[row * w + w - 1] |= flag }
                    }
                }
            }
        }
        words.withUnsafeBufferPointer { all in
            let base = all.baseAddress!
            if w == 2 {
                batch.forEachSelected { row in groups[row] = find(base[row * 2], nulls: base[row * 2 + 1]) }
            } else {
                batch.forEachSelected { row in groups[row] = find(UnsafeBufferPointer(start: base + row * w, count: w)) }
            }
        }
    }

    /// A double as a key word: -0.0 is 0.0 and every NaN the same NaN (equal values, one group).
    @inline(__always)
    static func keyWord(_ d: Double) -> Int64 {
        if d == 0 { return 0 }
        if d.isNaN { return Int64(bitPattern: Double.nan.bitPattern) }
        return Int64(bitPattern: d.bitPattern)
    }

    /// The group of a one-column key: its word and NULL flag (creating it), without allocating.
    @inline(__always)
    func find(_ word: Int64, nulls: Int64) -> Int32 {
        if singleStringKey && nulls == 0 { return group(ofString: Int(word)) }
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
        h = (h ^ UInt64(bitPattern: word)) &* 0xBF58_476D_1CE4_E5B9; h ^= h >> 31
        h = (h ^ UInt64(bitPattern: nulls)) &* 0xBF58_476D_1CE4_E5B9; h ^= h >> 31
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let g = slots[slot]
            if g < 0 { break }
            let base = Int(g) * 2
            if keys[base] == word && keys[base + 1] == nulls { return g }
            slot = (slot + 1) & mask
        }
        let g = Int32(groupCount)
        keys.append(word)
        keys.append(nulls)
        slots[slot] = g
        groupCount += 1
        hashedCount += 1
        if hashedCount * 2 > mask { grow() }
        return g
    }

    /// The group of interned string `id` in a table of one string key.
    @inline(__always)
    private func group(ofString id: Int) -> Int32 {
        if id < stringGroups.count, stringGroups[id] >= 0 { return stringGroups[id] }
        if id >= stringGroups.count {
            stringGroups.append(contentsOf: repeatElement(-1, count: max(id + 1, stringGroups.count * 2) - stringGroups.count))
        }
        let g = Int32(groupCount)
        keys.append(Int64(id))
        keys.append(0)
        groupCount += 1
        stringGroups[id] = g
        return g
    }

    /// The group of a key (creating it).
    func find(_ key: [Int64]) -> Int32 {
        if width == 2 { return find(key[0], nulls: key[1]) }
        return key.withUnsafeBufferPointer { find($0) }
    }

    /// The group of a key of `width` words (creating it).
    @inline(__always)
    private func find(_ key: UnsafeBufferPointer<Int64>) -> Int32 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
        for w in key { h = (h ^ UInt64(bitPattern: w)) &* 0xBF58_476D_1CE4_E5B9; h ^= h >> 31 }
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let g = slots[slot]
            if g < 0 { break }
            let base = Int(g) * width
            var same = true
            for k in 0..<width where keys[base + k] != key[k] { same = false; break }
            if same { return g }
            slot = (slot + 1) & mask
        }
        let g = Int32(groupCount)
        keys.append(contentsOf: key)
        slots[slot] = g
        groupCount += 1
        hashedCount += 1
        if hashedCount * 2 > mask { grow() }
        return g
    }

    private func grow() {
        let capacity = (mask + 1) * 2
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        for g in 0..<groupCount where !(singleStringKey && keys[g * width + 1] == 0) {
            var h: UInt64 = 0x9E37_79B9_7F4A_7C15
            for k in 0..<width { h = (h ^ UInt64(bitPattern: keys[g * width + k])) &* 0xBF58_476D_1CE4_E5B9; h ^= h >> 31 }
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(g)
        }
    }

    /// Key `k` of group `g` as a value.
    func keyValue(group g: Int, key k: Int) -> Value {
        let word = keys[g * width + k]
        if keys[g * width + width - 1] & (1 << Int64(k)) != 0 { return .null }
        switch keyTypes[k] {
        case .boolean: return .bool(word != 0)
        case .int64: return .int(word)
        case .float64: return .double(Double(bitPattern: UInt64(bitPattern: word)))
        case .money: return .money(word)
        case .decimal(let scale): return .decimal(word, scale: scale)
        case .string: return .string(strings.string(Int(word)))
        case .timestamp: return .timestamp(word)
        case .date: return .date(word)
        case .interval: return .interval(Interval(key: word, packed: intervalParts[k]?[g] ?? Interval(key: word).packed))
        case .null: return .null
        }
    }

    /// Key `k` of every group as one vector (strings as codes into a pool of this table's strings).
    func keyVector(_ k: Int) -> Vector {
        let type = keyTypes[k] == .null ? SQLType.int64 : keyTypes[k]
        let v = Vector(type: type, count: groupCount)
        let nullBit = Int64(1) << Int64(k)
        var anyNull = false
        keys.withUnsafeBufferPointer { words in
            if type == .float64 {
                for g in 0..<groupCount { v.doubles[g] = Double(bitPattern: UInt64(bitPattern: words[g * width + k])) }
            } else {
                for g in 0..<groupCount { v.ints[g] = words[g * width + k] }
            }
            for g in 0..<groupCount where words[g * width + width - 1] & nullBit != 0 { anyNull = true; break }
        }
        if anyNull || keyTypes[k] == .null {
            var flags = [UInt8](repeating: 0, count: groupCount)
            for g in 0..<groupCount where keys[g * width + width - 1] & nullBit != 0 || keyTypes[k] == .null {
                flags[g] = 1
                if type != .float64 { v.ints[g] = 0 }
            }
            v.nulls = flags
        }
        if type == .string { v.pool = stringPool() }
        if type == .interval, let parts = intervalParts[k] {
            v.intervalParts = (0..<groupCount).map { $0 < parts.count ? parts[$0] : Interval(key: v.ints[$0]).packed }
        }
        return v
    }

    /// The interned strings as one pool, made once for every string key's vector (they share the ids).
    private func stringPool() -> StringPool {
        if let pool = keyPool, pool.count == strings.count { return pool }
        let pool = StringPool(strings.dictionary(), isSorted: false)
        keyPool = pool
        return pool
    }

    private var keyPool: StringPool?

    /// The group in this table of group `g` of another table (merging thread-local tables).
    func adopt(group g: Int, from other: GroupTable) -> Int32 {
        let before = groupCount
        let t = adoptKey(group: g, from: other)
        if !intervalKeys.isEmpty && groupCount > before { adoptIntervalParts(g, from: other, as: t) }
        return t
    }

    private func adoptKey(group g: Int, from other: GroupTable) -> Int32 {
        if width == 2 {
            let word = other.keys[g * 2], nulls = other.keys[g * 2 + 1]
            if keyTypes[0] == .string && nulls == 0 { return find(other.strings.withBytes(Int(word)) { strings.intern($0) }, nulls: 0) }
            return find(word, nulls: nulls)
        }
        var key = Array(other.keys[(g * width)..<((g + 1) * width)])
        for (k, type) in keyTypes.enumerated() where type == .string && key[width - 1] & (1 << Int64(k)) == 0 {
            key[k] = other.strings.withBytes(Int(key[k])) { strings.intern($0) }
        }
        return find(key)
    }

    /// Approximate bytes held (for the memory limit), the per-pool caches included.
    var approximateBytes: Int {
        keys.capacity * 8 + slots.count * 4 + stringGroups.capacity * 4 + strings.approximateBytes
            + poolIds.values.reduce(0) { $0 + $1.ids.count * 8 } + codeGroups.values.reduce(0) { $0 + $1.groups.count * 4 }
    }

    /// Drops the per-pool caches (and the pools they keep alive): for pools that will not come again, such
    /// as the records of a spill file.
    func forgetPools() {
        poolIds.removeAll()
        codeGroups.removeAll()
    }
}
