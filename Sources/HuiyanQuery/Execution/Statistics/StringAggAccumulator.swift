import HuiyanStorage

/// string_agg / group_concat: per group, the non-NULL strings joined by a separator, in the order of an
/// optional order key (then in the order the rows came), else in the order the rows came; with DISTINCT each
/// string once, where it first comes. Strings are interned once; each value is an id (and its order key) in
/// flat arrays, no string per row. A string order key is interned too and ranked by its bytes at the end.
final class StringAggAccumulator: Accumulator {
    let separator: String
    let ordered: Bool
    let descending: Bool
    let nullsFirst: Bool
    let distinct: Bool
    private var collected = GroupedValues()
    /// With an order key: each collected value's key (`OrderedBits` for doubles, an id of `keyInterner` for
    /// strings, NULL as `Int64.min` or `.max`), in the same order.
    private var orderKeys = GroupedValues()
    private let interner = StringInterner()
    private let keyInterner: StringInterner?

    init(separator: String, ordered: Bool, descending: Bool, nullsFirst: Bool, distinct: Bool = false, stringKey: Bool = false) {
        self.separator = separator
        self.ordered = ordered
        self.descending = descending
        self.nullsFirst = nullsFirst
        self.distinct = distinct
        keyInterner = stringKey ? StringInterner() : nil
    }

    func reserve(groups count: Int) {}

    func update(_ input: Vector?, groups: [Int32], _ batch: Batch) throws {
        guard let input else { return }
        try update([input], groups: groups, batch)
    }

    func update(_ inputs: [Vector], groups: [Int32], _ batch: Batch) throws {
        let value = inputs[0]
        guard let pool = value.pool else { return }
        let key = ordered ? inputs[1] : nil
        collected.reserve(more: batch.selectedCount)
        batch.forEachSelected { i in
            if value.isNull(i) { return }
            collected.append(pool.withBytes(at: Int(value.ints[i])) { interner.intern($0) }, group: groups[i])
            if let key {
                if key.isNull(i) {
                    orderKeys.append(nullsFirst ? .min : .max, group: groups[i])
                } else if let keyInterner, let keyPool = key.pool {
                    orderKeys.append(keyPool.withBytes(at: Int(key.ints[i])) { keyInterner.intern($0) }, group: groups[i])
                } else {
                    let k = key.type == .float64 ? OrderedBits.key(key.doubles[i]) : key.ints[i]
                    orderKeys.append(descending ? ~k : k, group: groups[i])
                }
            }
        }
    }

    func merge(_ other: Accumulator, mapping: [Int32]) throws {
        let o = other as! StringAggAccumulator
        let ids = (0..<o.interner.count).map { id in o.interner.withBytes(id) { interner.intern($0) } }
        collected.merge(o.collected, mapping: mapping, value: { ids[Int($0)] })
        if let keyInterner, let theirs = o.keyInterner {
            let keyIDs = (0..<theirs.count).map { id in theirs.withBytes(id) { keyInterner.intern($0) } }
            orderKeys.merge(o.orderKeys, mapping: mapping, value: { $0 == .min || $0 == .max ? $0 : keyIDs[Int($0)] })
        } else {
            orderKeys.merge(o.orderKeys, mapping: mapping, value: { $0 })     // copied as the ids are: the same order
        }
    }

    func result(groups: Int) -> Vector {
        let v = Vector(type: .string, count: groups)
        let (ids, offsets) = collected.grouped(groups: groups)
        var keys = ordered ? orderKeys.grouped(groups: groups).values : []
        if let keyInterner {
            // String keys: each id's rank by bytes (descending: inverted), NULLs kept at their end.
            let byBytes = (0..<keyInterner.count).sorted { a, b in
                keyInterner.withBytes(a) { x in keyInterner.withBytes(b) { Evaluator.byteOrder(x, $0) < 0 } }
            }
            var rank = [Int64](repeating: 0, count: keyInterner.count)
            for (r, id) in byBytes.enumerated() { rank[id] = Int64(r) }
            for i in keys.indices where keys[i] != .min && keys[i] != .max { keys[i] = descending ? ~rank[Int(keys[i])] : rank[Int(keys[i])] }
        }
        // DISTINCT: per string id, the last group that took it.
        var takenBy = distinct ? [Int32](repeating: -1, count: interner.count) : []
        var bytes: [UInt8] = []
        var starts = [0]
        let separatorBytes = Array(separator.utf8)
        var order: [Int] = []
        for g in 0..<groups {
            let range = offsets[g]..<offsets[g + 1]
            if range.isEmpty { v.setNull(g) }
            order.removeAll(keepingCapacity: true)
            order.append(contentsOf: range)
            // A stable sort by key: equal keys keep the rows' order.
            if ordered { order.sort { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 } }
            var n = 0
            for i in order {
                if distinct {
                    if takenBy[Int(ids[i])] == Int32(g) { continue }
                    takenBy[Int(ids[i])] = Int32(g)
                }
                if n > 0 { bytes.append(contentsOf: separatorBytes) }
                interner.withBytes(Int(ids[i])) { bytes.append(contentsOf: $0) }
                n += 1
            }
            v.ints[g] = Int64(g)
            starts.append(bytes.count)
        }
        v.pool = StringPool(StringDictionary(bytes: bytes, starts: starts), isSorted: false)
        return v
    }

    var approximateBytes: Int {
        collected.approximateBytes + orderKeys.approximateBytes + interner.approximateBytes + (keyInterner?.approximateBytes ?? 0)
    }
}
