/// arg_max / arg_min (max_by / min_by): per group, the first argument's value on the row whose second argument
/// is the largest (smallest); rows where either is NULL are skipped, and of equal keys the first kept wins.
/// Keys are integer-lane values or doubles (as `OrderedBits`); a string value is interned when it wins.
final class ArgExtremeAccumulator: Accumulator {
    let valueType: SQLType
    let isMax: Bool
    /// Per group: whether it has a row, its best key, the value on that row (a string's interned id).
    private var has: [Bool] = []
    private var keys: [Int64] = []
    private var values: [Int64] = []
    private let interner: StringInterner?

    init(valueType: SQLType, isMax: Bool) {
        self.valueType = valueType
        self.isMax = isMax
        interner = valueType == .string ? StringInterner() : nil
    }

    func reserve(groups count: Int) {
        let n = count - has.count
        guard n > 0 else { return }
        has.append(contentsOf: repeatElement(false, count: n))
        keys.append(contentsOf: repeatElement(0, count: n))
        values.append(contentsOf: repeatElement(0, count: n))
    }

    func update(_ input: Vector?, groups: [Int32], _ batch: Batch) throws {
        preconditionFailure("arg_max takes two arguments")
    }

    @inline(__always) private func better(_ a: Int64, than b: Int64) -> Bool { isMax ? a > b : a < b }

    func update(_ inputs: [Vector], groups: [Int32], _ batch: Batch) throws {
        let value = inputs[0], key = inputs[1]
        let doubles = key.type == .float64
        batch.forEachSelected { i in
            if value.isNull(i) || key.isNull(i) { return }
            let g = Int(groups[i])
            let k = doubles ? OrderedBits.key(key.doubles[i]) : key.ints[i]
            guard !has[g] || better(k, than: keys[g]) else { return }
            has[g] = true
            keys[g] = k
            if let interner, let pool = value.pool {
                values[g] = pool.dictionary.withBytes(at: Int(value.ints[i])) { interner.intern($0) }
            } else {
                values[g] = valueType == .float64 ? Int64(bitPattern: value.doubles[i].bitPattern) : value.ints[i]
            }
        }
    }

    func merge(_ other: Accumulator, mapping: [Int32]) throws {
        let o = other as! ArgExtremeAccumulator
        for g in 0..<o.has.count where o.has[g] {
            let t = Int(mapping[g])
            guard !has[t] || better(o.keys[g], than: keys[t]) else { continue }
            has[t] = true
            keys[t] = o.keys[g]
            if let interner, let from = o.interner {
                values[t] = from.withBytes(Int(o.values[g])) { interner.intern($0) }
            } else {
                values[t] = o.values[g]
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
        }
        if let interner { v.pool = StringPool(interner.dictionary(), isSorted: false) }
        return v
    }

    var approximateBytes: Int { has.capacity + keys.capacity * 16 + (interner?.approximateBytes ?? 0) }
}
