import CXXHash
import Dispatch
import HuiyanStorage

/// The state of one aggregate for every group of a thread's table.
protocol Accumulator: AnyObject {
    /// Grows the state to `count` groups.
    func reserve(groups count: Int)
    /// Adds the selected rows: row `i` goes to group `groups[i]`; `input` is nil for count(*).
    func update(_ input: Vector?, groups: [Int32], _ batch: Batch) throws
    /// Adds the selected rows of an aggregate's arguments (`AggregateSpec.arguments`: none for count(*)).
    /// By default the first argument's `update`; aggregates of several arguments take them all.
    func update(_ inputs: [Vector], groups: [Int32], _ batch: Batch) throws
    /// Adds another thread's state: its group `g` is this state's group `mapping[g]`.
    func merge(_ other: Accumulator, mapping: [Int32]) throws
    /// The result of every group.
    func result(groups: Int) -> Vector
    var approximateBytes: Int { get }
}

extension Accumulator {
    func update(_ inputs: [Vector], groups: [Int32], _ batch: Batch) throws {
        try update(inputs.first, groups: groups, batch)
    }

    /// Adds the selected rows of a batch, the aggregate's arguments evaluated over them.
    func update(_ spec: AggregateSpec, _ evaluator: Evaluator, groups: [Int32], _ batch: Batch) throws {
        try update(try spec.arguments.map { try evaluator.evaluate($0, batch) }, groups: groups, batch)
    }
}

/// Makes the accumulators of a query's aggregates (those that can share their state linked).
func makeAccumulators(_ specs: [AggregateSpec], threads: Int, spilledRows: Bool = false,
                      distinctBudgets: DistinctAccumulator.Budgets = DistinctAccumulator.Budgets()) -> [Accumulator] {
    let accumulators = specs.map { makeAccumulator($0, threads: threads, spilledRows: spilledRows, distinctBudgets: distinctBudgets) }
    ValuesAccumulator.link(accumulators, specs, threads: threads)
    return accumulators
}

/// Makes the accumulator of an aggregate; `spilledRows` when its rows are read back from a spill file.
func makeAccumulator(_ spec: AggregateSpec, threads: Int, spilledRows: Bool = false,
                     distinctBudgets: DistinctAccumulator.Budgets = DistinctAccumulator.Budgets()) -> Accumulator {
    let inputType = spec.argument?.type ?? .int64
    switch spec.kind {
    case .countStar: return CountAccumulator(countsNulls: true)
    case .count: return CountAccumulator(countsNulls: false)
    case .sum: return inputType == .float64 ? SumDoubleAccumulator(average: false) : SumIntegerAccumulator(type: spec.type, average: false, inputType: inputType)
    case .avg: return inputType == .float64 ? SumDoubleAccumulator(average: true) : SumIntegerAccumulator(type: .float64, average: true, inputType: inputType)
    case .min: return ExtremeAccumulator(type: inputType, isMax: false)
    case .max: return ExtremeAccumulator(type: inputType, isMax: true)
    case .countDistinct: return DistinctAccumulator(type: inputType, threads: threads, pairsOnly: spilledRows, budgets: distinctBudgets)
    case .approxCountDistinct: return HyperLogLogAccumulator(type: inputType)
    case .registered: return AggregateRegistry.definition(id: spec.registered!).accumulator(spec)
    }
}

final class CountAccumulator: Accumulator {
    let countsNulls: Bool
    var counts: [Int64] = []
    init(countsNulls: Bool) { self.countsNulls = countsNulls }

    func reserve(groups count: Int) { if counts.count < count { counts.append(contentsOf: repeatElement(0, count: count - counts.count)) } }

    func update(_ input: Vector?, groups: [Int32], _ batch: Batch) throws {
        counts.withUnsafeMutableBufferPointer { c in
            if let nulls = input?.nulls, !countsNulls {
                batch.forEachSelected { i in if nulls[i] == 0 { c[Int(groups[i])] &+= 1 } }
            } else {
                batch.forEachSelected { c[Int(groups[$0])] &+= 1 }
            }
        }
    }

    /// Adds `n` rows to group `g` (per-code histograms).
    func add(group g: Int, count n: Int64) { counts[g] &+= n }

    /// Adds `rows[c]` rows to group `mapping[c]`, for every `c` (a segment's rows per dictionary code).
    func add(_ rows: [UInt32], mapping: [Int32]) { add(counted: rows, mapping: mapping) }

    func merge(_ other: Accumulator, mapping: [Int32]) throws {
        add(counted: (other as! CountAccumulator).counts, mapping: mapping)
    }

    /// Adds `from[g]` to the count of group `mapping[g]`, for every `g`.
    private func add<T: BinaryInteger>(counted from: [T], mapping: [Int32]) {
        counts.withUnsafeMutableBufferPointer { c in
            from.withUnsafeBufferPointer { from in
                mapping.withUnsafeBufferPointer { m in
                    let ahead = from.count - prefetchDistance
                    for g in from.indices {
                        if g < ahead { prefetchForWrite(c.baseAddress!, Int(m[g + prefetchDistance])) }
                        c[Int(m[g])] &+= Int64(truncatingIfNeeded: from[g])
                    }
                }
            }
        }
    }

    func result(groups: Int) -> Vector {
        // The counts as they are (shared, not copied): a group without a row counts 0.
        reserve(groups: groups)
        return Vector(type: .int64, ints: counts.handedOver(groups))
    }

    var approximateBytes: Int { counts.count * 8 }
}

/// Exact sums (and averages) of integers and money, with overflow detected.
///
/// Besides its sum, a group keeps a tally of its values (`SumTally`): avg counts them, sum only notes that
/// there was one (a group without any is NULL) in a byte, so that a sum over millions of groups (visitor ids)
/// keeps and merges 9 bytes a group instead of 16.
final class SumIntegerAccumulator: Accumulator {
    let type: SQLType
    let average: Bool
    let inputType: SQLType
    var sums: [Int64] = []
    /// avg's count of values per group (empty for sum).
    private var counts: [Int64] = []
    /// sum's 1 per group that has a value (empty for avg).
    private var filled: [UInt8] = []
    /// At least the sum of the magnitudes of everything added (`ExactSum`): while it fits in Int64, no sum can overflow.
    private var mass: UInt64 = 0

    init(type: SQLType, average: Bool, inputType: SQLType) {
        self.type = type
        self.average = average
        self.inputType = inputType
    }

    func reserve(groups count: Int) {
        guard sums.count < count else { return }
        let more = count - sums.count
        sums.append(contentsOf: repeatElement(0, count: more))
        if average { counts.append(contentsOf: repeatElement(0, count: more)) } else { filled.append(contentsOf: repeatElement(0, count: more)) }
    }

    func update(_ input: Vector?, groups: [Int32], _ batch: Batch) throws {
        guard let input else { return }
        let fits = input.ints.withUnsafeBufferPointer { v -> Bool in
            guard let grown = ExactSum.grow(mass, rows: batch.selectedCount, largest: ExactSum.largestMagnitude(v.baseAddress!, batch)) else {
                return false
            }
            mass = grown
            return true
        }
        if average {
            if fits { add(input, groups, batch, tallies: &counts) } else { try addChecked(input, groups, batch, tallies: &counts) }
        } else {
            if fits { add(input, groups, batch, tallies: &filled) } else { try addChecked(input, groups, batch, tallies: &filled) }
        }
    }

    /// Adds the rows, within the mass bound (no sum can overflow).
    private func add<T: SumTally>(_ input: Vector, _ groups: [Int32], _ batch: Batch, tallies: inout [T]) {
        sums.withUnsafeMutableBufferPointer { s in
            tallies.withUnsafeMutableBufferPointer { c in
                @inline(__always) func prefetch(_ g: Int) {
                    prefetchForWrite(s.baseAddress!, g)
                    prefetchForWrite(c.baseAddress!, g)
                }
                input.ints.withUnsafeBufferPointer { v in
                    if s.count == 1, batch.selection == nil {
                        // One group (no GROUP BY) over every row: two vectorized sums.
                        let (count, sum) = ExactSum.sum(v.baseAddress!, 0..<batch.count, nulls: input.nulls)
                        s[0] &+= sum ?? 0     // within the mass bound, so never nil
                        T.tally(&c[0], count)
                    } else if let nulls = input.nulls {
                        let ahead = groups.count - prefetchDistance
                        batch.forEachSelected { i in
                            if i < ahead { prefetch(Int(groups[i + prefetchDistance])) }
                            let valid = Int64(nulls[i]) &- 1     // all ones when valid, 0 when NULL
                            let g = Int(groups[i])
                            s[g] &+= v[i] & valid
                            T.tally(&c[g], valid & 1)
                        }
                    } else {
                        let ahead = groups.count - prefetchDistance
                        batch.forEachSelected { i in
                            if i < ahead { prefetch(Int(groups[i + prefetchDistance])) }
                            let g = Int(groups[i])
                            s[g] &+= v[i]
                            T.tally(&c[g], 1)
                        }
                    }
                }
            }
        }
    }

    /// Adds with every addition checked, for values large enough that a sum might leave Int64.
    private func addChecked<T: SumTally>(_ input: Vector, _ groups: [Int32], _ batch: Batch, tallies: inout [T]) throws {
        mass = .max
        var overflow = false
        sums.withUnsafeMutableBufferPointer { s in
            tallies.withUnsafeMutableBufferPointer { c in
                input.ints.withUnsafeBufferPointer { v in
                    batch.forEachSelected { i in
                        if input.isNull(i) { return }
                        let g = Int(groups[i])
                        let (r, o) = s[g].addingReportingOverflow(v[i]); s[g] = r; overflow = overflow || o
                        T.tally(&c[g], 1)
                    }
                }
            }
        }
        if overflow { throw ExactSum.overflow(average ? "avg" : "sum", of: inputType) }
    }

    /// Adds a partial sum of `n` values to group `g` (per-code histograms).
    func add(group g: Int, sum: Int64, count n: Int64) throws {
        let (r, overflow) = sums[g].addingReportingOverflow(sum)
        if overflow { throw ExactSum.overflow(average ? "avg" : "sum", of: inputType) }
        sums[g] = r
        if average { counts[g] &+= n } else { UInt8.tally(&filled[g], n) }
        mass = ExactSum.grow(mass, rows: 1, largest: sum.magnitude) ?? .max
    }

    func merge(_ other: Accumulator, mapping: [Int32]) throws {
        let o = other as! SumIntegerAccumulator
        let overflowed = average ? merge(o, mapping, &counts, o.counts) : merge(o, mapping, &filled, o.filled)
        if overflowed { throw ExactSum.overflow(average ? "avg" : "sum", of: inputType) }
        mass = ExactSum.grow(mass, rows: 1, largest: o.mass) ?? .max
    }

    /// Adds `other`'s groups into `mapping`'s; returns whether a sum overflowed.
    private func merge<T: SumTally>(_ other: SumIntegerAccumulator, _ mapping: [Int32], _ tallies: inout [T], _ from: [T]) -> Bool {
        var overflowed = false
        sums.withUnsafeMutableBufferPointer { s in
            tallies.withUnsafeMutableBufferPointer { c in
                other.sums.withUnsafeBufferPointer { fromSums in
                    from.withUnsafeBufferPointer { fromTallies in
                        mapping.withUnsafeBufferPointer { m in
                            let ahead = fromSums.count - prefetchDistance
                            for g in fromSums.indices {
                                if g < ahead {
                                    prefetchForWrite(s.baseAddress!, Int(m[g + prefetchDistance]))
                                    prefetchForWrite(c.baseAddress!, Int(m[g + prefetchDistance]))
                                }
                                let t = Int(m[g])
                                let (r, overflow) = s[t].addingReportingOverflow(fromSums[g])
                                overflowed = overflowed || overflow
                                s[t] = r
                                T.tally(&c[t], Int64(fromTallies[g]))
                            }
                        }
                    }
                }
            }
        }
        return overflowed
    }

    func result(groups: Int) -> Vector {
        reserve(groups: groups)
        // A group without a value is NULL; its sum is 0 and stays hidden under the flag.
        let nulls = average ? Self.nulls(counts, groups) : Self.nulls(filled, groups)
        if !average { return Vector(type: type, ints: sums.handedOver(groups), nulls: nulls) }
        let v = Vector(type: type, count: groups)
        v.nulls = nulls
        let scale = inputType == .money ? 100.0 : 1.0
        sums.withUnsafeBufferPointer { s in
            counts.withUnsafeBufferPointer { c in
                v.doubles.withUnsafeMutableBufferPointer { out in
                    for g in 0..<groups where c[g] > 0 { out[g] = Double(s[g]) / scale / Double(c[g]) }
                }
            }
        }
        return v
    }

    /// NULL flags of the groups without a value; nil when every group has one.
    private static func nulls<T: SumTally>(_ tallies: [T], _ groups: Int) -> [UInt8]? {
        tallies.withUnsafeBufferPointer { c in
            guard (0..<groups).contains(where: { c[$0] == 0 }) else { return nil }
            return (0..<groups).map { c[$0] == 0 ? 1 : 0 }
        }
    }

    var approximateBytes: Int { sums.count * (average ? 16 : 9) }
}

final class SumDoubleAccumulator: Accumulator {
    let average: Bool
    var sums: [Double] = []
    var counts: [Int64] = []
    init(average: Bool) { self.average = average }

    func reserve(groups count: Int) {
        if sums.count < count {
            sums.append(contentsOf: repeatElement(0, count: count - sums.count))
            counts.append(contentsOf: repeatElement(0, count: count - counts.count))
        }
    }

    func update(_ input: Vector?, groups: [Int32], _ batch: Batch) throws {
        guard let input else { return }
        batch.forEachSelected { i in
            if input.isNull(i) { return }
            let g = Int(groups[i])
            sums[g] += input.doubles[i]
            counts[g] += 1
        }
    }

    func merge(_ other: Accumulator, mapping: [Int32]) throws {
        let o = other as! SumDoubleAccumulator
        for g in 0..<o.sums.count {
            sums[Int(mapping[g])] += o.sums[g]
            counts[Int(mapping[g])] += o.counts[g]
        }
    }

    func result(groups: Int) -> Vector {
        let v = Vector(type: .float64, count: groups)
        for g in 0..<groups {
            guard g < counts.count, counts[g] > 0 else { v.setNull(g); continue }
            v.doubles[g] = average ? sums[g] / Double(counts[g]) : sums[g]
        }
        return v
    }

    var approximateBytes: Int { sums.count * 16 }
}

/// min and max of any type (strings by byte order).
final class ExtremeAccumulator: Accumulator {
    let type: SQLType
    let isMax: Bool
    var ints: [Int64] = []
    var doubles: [Double] = []
    var strings: [String] = []
    var has: [Bool] = []

    init(type: SQLType, isMax: Bool) {
        self.type = type
        self.isMax = isMax
    }

    func reserve(groups count: Int) {
        let n = count - has.count
        guard n > 0 else { return }
        has.append(contentsOf: repeatElement(false, count: n))
        // Numbers start at the far end (a group without a row holds it, and `has` says it is empty), so that
        // a row is one comparison and no branch on `has`.
        switch type {
        case .float64: doubles.append(contentsOf: repeatElement(isMax ? -.infinity : .infinity, count: n))
        case .string: strings.append(contentsOf: repeatElement("", count: n))
        default: ints.append(contentsOf: repeatElement(isMax ? .min : .max, count: n))
        }
        if type == .interval { parts.append(contentsOf: repeatElement(0, count: n)) }
    }

    /// INTERVAL: each group's months and days beside its total in `ints`.
    private var parts: [Int64] = []

    private func better(_ a: Int64, _ b: Int64) -> Bool { isMax ? a > b : a < b }

    func update(_ input: Vector?, groups: [Int32], _ batch: Batch) throws {
        guard let input else { return }
        switch type {
        case .float64:
            let isMax = self.isMax
            doubles.withUnsafeMutableBufferPointer { best in
                has.withUnsafeMutableBufferPointer { seen in
                    input.doubles.withUnsafeBufferPointer { v in
                        batch.forEachSelected { i in
                            if input.isNull(i) || v[i].isNaN { return }
                            let g = Int(groups[i])
                            seen[g] = true
                            best[g] = isMax ? Swift.max(best[g], v[i]) : Swift.min(best[g], v[i])
                        }
                    }
                }
            }
        case .string:
            // Per group, the extreme code first (codes of a sorted pool are in byte order), strings at the end.
            let pool = input.pool!
            var bestCode: [Int: Int64] = [:]
            batch.forEachSelected { i in
                if input.isNull(i) { return }
                let g = Int(groups[i]), code = input.ints[i]
                if let current = bestCode[g] {
                    if pool.isSorted ? better(code, current) : Evaluator.byteOrder(pool.string(Int(code)), pool.string(Int(current))) == (isMax ? 1 : -1) {
                        bestCode[g] = code
                    }
                } else {
                    bestCode[g] = code
                }
            }
            for (g, code) in bestCode { offer(pool.string(Int(code)), group: g) }
        case .interval:
            batch.forEachSelected { i in
                if input.isNull(i) { return }
                let g = Int(groups[i]), v = input.ints[i]
                if !has[g] || better(v, ints[g]) {
                    ints[g] = v
                    has[g] = true
                    parts[g] = input.interval(i).packed
                }
            }
        default:
            if isMax { updateInts(input, groups, batch, Swift.max) } else { updateInts(input, groups, batch, Swift.min) }
        }
    }

    /// Integers, money and times: each selected non-NULL row's value folded into its group by `pick`.
    @inline(__always)
    private func updateInts(_ input: Vector, _ groups: [Int32], _ batch: Batch, _ pick: (Int64, Int64) -> Int64) {
        ints.withUnsafeMutableBufferPointer { best in
            has.withUnsafeMutableBufferPointer { seen in
                input.ints.withUnsafeBufferPointer { v in
                    groups.withUnsafeBufferPointer { gs in
                        let ahead = gs.count - prefetchDistance
                        @inline(__always) func prefetch(_ i: Int) {
                            guard i < ahead else { return }
                            let g = Int(gs[i + prefetchDistance])
                            prefetchForWrite(best.baseAddress!, g)
                            prefetchForWrite(seen.baseAddress!, g)
                        }
                        if let nulls = input.nulls {
                            batch.forEachSelected { i in
                                prefetch(i)
                                if nulls[i] != 0 { return }
                                let g = Int(gs[i])
                                seen[g] = true
                                best[g] = pick(best[g], v[i])
                            }
                        } else {
                            batch.forEachSelected { i in
                                prefetch(i)
                                let g = Int(gs[i])
                                seen[g] = true
                                best[g] = pick(best[g], v[i])
                            }
                        }
                    }
                }
            }
        }
    }

    private func offer(_ s: String, group g: Int) {
        if !has[g] || Evaluator.byteOrder(s, strings[g]) == (isMax ? 1 : -1) { strings[g] = s; has[g] = true }
    }

    func merge(_ other: Accumulator, mapping: [Int32]) throws {
        let o = other as! ExtremeAccumulator
        if type != .float64 && type != .string && type != .interval {
            // An empty group holds the far end: folding it in changes nothing.
            let isMax = self.isMax
            ints.withUnsafeMutableBufferPointer { best in
                has.withUnsafeMutableBufferPointer { seen in
                    o.ints.withUnsafeBufferPointer { from in
                        o.has.withUnsafeBufferPointer { fromSeen in
                            mapping.withUnsafeBufferPointer { m in
                                let ahead = from.count - prefetchDistance
                                for g in 0..<from.count {
                                    if g < ahead {
                                        prefetchForWrite(best.baseAddress!, Int(m[g + prefetchDistance]))
                                        prefetchForWrite(seen.baseAddress!, Int(m[g + prefetchDistance]))
                                    }
                                    let t = Int(m[g])
                                    if fromSeen[g] { seen[t] = true }
                                    best[t] = isMax ? Swift.max(best[t], from[g]) : Swift.min(best[t], from[g])
                                }
                            }
                        }
                    }
                }
            }
            return
        }
        for g in 0..<o.has.count where o.has[g] {
            let t = Int(mapping[g])
            switch type {
            case .float64:
                if !has[t] || (isMax ? o.doubles[g] > doubles[t] : o.doubles[g] < doubles[t]) { doubles[t] = o.doubles[g]; has[t] = true }
            case .string: offer(o.strings[g], group: t)
            default:
                if !has[t] || better(o.ints[g], ints[t]) {
                    ints[t] = o.ints[g]
                    has[t] = true
                    if type == .interval { parts[t] = o.parts[g] }
                }
            }
        }
    }

    func result(groups: Int) -> Vector {
        let v = Vector(type: type, count: groups)
        if type == .string {
            v.pool = StringPool(strings: (0..<groups).map { $0 < strings.count ? strings[$0] : "" })
        }
        for g in 0..<groups {
            guard g < has.count, has[g] else { v.setNull(g); continue }
            switch type {
            case .float64: v.doubles[g] = doubles[g]
            case .string: v.ints[g] = Int64(g)
            case .interval: v.setInterval(g, Interval(key: ints[g], packed: parts[g]))
            default: v.ints[g] = ints[g]
            }
        }
        return v
    }

    var approximateBytes: Int { has.count * 24 + strings.reduce(0) { $0 + $1.utf8.count } }
}
