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
    /// Interned strings of string keys.
    private(set) var strings: [String] = []
    private var stringIds: [String: Int64] = [:]
    /// Per string pool, its codes' string ids (filled on first sight). The pool is kept with its ids: an
    /// identifier of a freed pool could be reused by a new one.
    private var poolIds: [ObjectIdentifier: (pool: StringPool, ids: [Int64])] = [:]

    init(keyTypes: [SQLType]) {
        self.keyTypes = keyTypes
        width = keyTypes.count + 1
        slots = [Int32](repeating: -1, count: 1024)
        mask = 1023
    }

    func stringId(_ s: String) -> Int64 {
        if let id = stringIds[s] { return id }
        let id = Int64(strings.count)
        strings.append(s)
        stringIds[s] = id
        return id
    }

    private func ids(for pool: StringPool) -> [Int64] {
        let key = ObjectIdentifier(pool)
        if let cached = poolIds[key] { return cached.ids }
        let ids = pool.strings.map(stringId)
        // Pools computed per batch are many; keep the cache small.
        if poolIds.count >= 64 { poolIds.removeAll(keepingCapacity: true) }
        poolIds[key] = (pool, ids)
        return ids
    }

    /// The group number of every selected row of a batch; creates new groups as they appear.
    func assign(_ vectors: [Vector], _ batch: Batch, into groups: inout [Int32]) {
        let poolIds = vectors.map { $0.type == .string ? ids(for: $0.pool!) : [] }
        var key = [Int64](repeating: 0, count: width)
        batch.forEachSelected { row in
            var nullFlags: Int64 = 0
            for (k, v) in vectors.enumerated() {
                if v.isNull(row) { nullFlags |= 1 << Int64(k); key[k] = 0; continue }
                switch v.type {
                case .float64: key[k] = Int64(bitPattern: v.doubles[row].bitPattern)
                case .string: key[k] = poolIds[k][Int(v.ints[row])]
                default: key[k] = v.ints[row]
                }
            }
            key[width - 1] = nullFlags
            groups[row] = find(key)
        }
    }

    /// The group of a key (creating it).
    func find(_ key: [Int64]) -> Int32 {
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
        if groupCount * 2 > mask { grow() }
        return g
    }

    private func grow() {
        let capacity = (mask + 1) * 2
        slots = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        for g in 0..<groupCount {
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
        case .string: return .string(strings[Int(word)])
        case .timestamp: return .timestamp(word)
        case .date: return .date(word)
        case .null: return .null
        }
    }

    /// The group in this table of group `g` of another table (merging thread-local tables).
    func adopt(group g: Int, from other: GroupTable) -> Int32 {
        var key = Array(other.keys[(g * width)..<((g + 1) * width)])
        for (k, type) in keyTypes.enumerated() where type == .string && key[width - 1] & (1 << Int64(k)) == 0 {
            key[k] = stringId(other.strings[Int(key[k])])
        }
        return find(key)
    }

    /// Approximate bytes held (for the memory limit).
    var approximateBytes: Int { keys.count * 8 + slots.count * 4 + strings.reduce(0) { $0 + $1.utf8.count + 32 } }
}
