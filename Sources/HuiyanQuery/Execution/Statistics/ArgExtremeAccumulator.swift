/// arg_max / arg_min (max_by / min_by): per group, the first argument's value on the row whose second argument
/// is the largest (smallest); rows where either is NULL are skipped, and of equal keys the first kept wins.
/// Keys are integer-lane values, doubles (as `OrderedBits`) or strings (by UTF-8 byte order, as DuckDB; a
/// group's best key interned once per batch that improves it); a string value is interned when it wins.
final class ArgExtremeAccumulator: Accumulator {
    let valueType: SQLType
    let isMax: Bool
    /// Per group: whether it has a row, its best key (a string's interned id), the value on that row (a
    /// string's interned id), and for an INTERVAL value its months and days.
    private var has: [Bool] = []
    private var keys: [Int64] = []
    private var values: [Int64] = []
    private var valueParts: [Int64] = []
    private let interner: StringInterner?
    private let keyInterner: StringInterner?
    /// String keys: per group, the batch's best row so far (-1: none), and the groups a batch touched.
    private var batchBest: [Int32] = []
    private var touched: [Int32] = []

    init(valueType: SQLType, keyType: SQLType, isMax: Bool) {
        self.valueType = valueType
        self.isMax = isMax
        interner = valueType == .string ? StringInterner() : nil
        keyInterner = keyType == .string ? StringInterner() : nil
    }

    func reserve(groups count: Int) {
        let n = count - has.count
        guard n > 0 else { return }
        has.append(contentsOf: repeatElement(false, count: n))
        keys.append(contentsOf: repeatElement(0, count: n))
        values.append(contentsOf: repeatElement(0, count: n))
        if valueType == .interval { valueParts.append(contentsOf: repeatElement(0, count: n)) }
        if keyInterner != nil { batchBest.append(contentsOf: repeatElement(-1, count: n)) }
    }

    func update(_ input: Vector?, groups: [Int32], _ batch: Batch) throws {
        preconditionFailure("arg_max takes two arguments")
    }

    @inline(__always) private func better(_ a: Int64, than b: Int64) -> Bool { isMax ? a > b : a < b }

    func update(_ inputs: [Vector], groups: [Int32], _ batch: Batch) throws {
        let value = inputs[0], key = inputs[1]
        if let keyInterner, let pool = key.pool {
            try updateByStrings(value, key, pool, keyInterner, groups, batch)
            return
        }
        let doubles = key.type == .float64
        batch.forEachSelected { i in
            if value.isNull(i) || key.isNull(i) { return }
            let g = Int(groups[i])
            let k = doubles ? OrderedBits.key(key.doubles[i]) : key.ints[i]
            guard !has[g] || better(k, than: keys[g]) else { return }
            has[g] = true
            keys[g] = k
            take(value, i, into: g)
        }
    }

    /// Row `i` of `value` as group `g`'s value.
    @inline(__always) private func take(_ value: Vector, _ i: Int, into g: Int) {
        if let interner, let pool = value.pool {
            values[g] = pool.withBytes(at: Int(value.ints[i])) { interner.intern($0) }
        } else {
            values[g] = valueType == .float64 ? Int64(bitPattern: value.doubles[i].bitPattern) : value.ints[i]
            if valueType == .interval { valueParts[g] = value.interval(i).packed }
        }
    }

    /// String keys: each group's best row of the batch found by comparing the pool's entries, then
    /// compared once with the group's best so far (and interned only if it is better).
    private func updateByStrings(_ value: Vector, _ key: Vector, _ pool: StringPool, _ keyInterner: StringInterner,
                                 _ groups: [Int32], _ batch: Batch) throws {
        let dictionary = pool.dictionary, sorted = pool.isSorted
        func order(_ a: Int64, _ b: Int64) -> Int {
            if sorted { return a < b ? -1 : (a > b ? 1 : 0) }
            return dictionary.withBytes(at: Int(a)) { x in dictionary.withBytes(at: Int(b)) { y in Evaluator.byteOrder(x, y) } }
        }
        touched.removeAll(keepingCapacity: true)
        batch.forEachSelected { i in
            if value.isNull(i) || key.isNull(i) { return }
            let g = Int(groups[i]), best = batchBest[g]
            if best < 0 { touched.append(Int32(g)); batchBest[g] = Int32(i); return }
            let c = order(key.ints[i], key.ints[Int(best)])
            if isMax ? c > 0 : c < 0 { batchBest[g] = Int32(i) }
        }
        for t in touched {
            let g = Int(t), i = Int(batchBest[g])
            batchBest[g] = -1
            let wins = dictionary.withBytes(at: Int(key.ints[i])) { candidate -> Bool in
                guard has[g] else { return true }
                let c = keyInterner.withBytes(Int(keys[g])) { Evaluator.byteOrder(candidate, $0) }
                return isMax ? c > 0 : c < 0
            }
            guard wins else { continue }
            has[g] = true
            keys[g] = dictionary.withBytes(at: Int(key.ints[i])) { keyInterner.intern($0) }
            take(value, i, into: g)
        }
    }

    func merge(_ other: Accumulator, mapping: [Int32]) throws {
        let o = other as! ArgExtremeAccumulator
        for g in 0..<o.has.count where o.has[g] {
            let t = Int(mapping[g])
            if let keyInterner, let from = o.keyInterner {
                if has[t] {
                    let c = from.withBytes(Int(o.keys[g])) { a in keyInterner.withBytes(Int(keys[t])) { Evaluator.byteOrder(a, $0) } }
                    guard isMax ? c > 0 : c < 0 else { continue }
                }
                keys[t] = from.withBytes(Int(o.keys[g])) { keyInterner.intern($0) }
            } else {
                guard !has[t] || better(o.keys[g], than: keys[t]) else { continue }
                keys[t] = o.keys[g]
            }
            has[t] = true
            if let interner, let from = o.interner {
                values[t] = from.withBytes(Int(o.values[g])) { interner.intern($0) }
            } else {
                values[t] = o.values[g]
                if valueType == .interval { valueParts[t] = o.valueParts[g] }
            }
        }
    }

    func result(groups: Int) -> Vector {
        reserve(groups: groups)
        let v = Vector(type: valueType, count: groups)
        // A NULL string points at an entry too (grouping and hashing read it).
        let nullCode = interner?.intern("") ?? 0
        for g in 0..<groups {
            guard has[g] else { v.setNull(g); if valueType != .float64 { v.ints[g] = nullCode }; continue }
            if valueType == .float64 { v.doubles[g] = Double(bitPattern: UInt64(bitPattern: values[g])) } else { v.ints[g] = values[g] }
            if valueType == .interval { v.setInterval(g, Interval(key: values[g], packed: valueParts[g])) }
        }
        if let interner { v.pool = StringPool(interner.dictionary(), isSorted: false) }
        return v
    }

    var approximateBytes: Int {
        has.capacity + keys.capacity * 16 + valueParts.capacity * 8 + batchBest.capacity * 4
            + (interner?.approximateBytes ?? 0) + (keyInterner?.approximateBytes ?? 0)
    }
}
