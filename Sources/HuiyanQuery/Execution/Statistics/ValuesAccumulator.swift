import Foundation

/// What `ValuesAccumulator` computes from each group's values.
enum ValuesReduction {
    /// The value at a fraction of the ordered values: interpolated between neighbours (`continuous`,
    /// quantile_cont and median) or the value at position ⌈n·fraction⌉ − 1 (quantile_disc).
    case quantile(Double, continuous: Bool)
    /// The most frequent value (of equally frequent ones, the smallest).
    case mode
    /// The sum (or average) of the distinct values.
    case distinctSum(average: Bool)
}

/// The aggregates that need every value of a group — exact median and quantiles, mode, sum and avg of DISTINCT
/// values: the values are collected in flat arrays (`GroupedValues`) and merged across threads by appending;
/// at the end each group's values lie side by side and are reduced in place (quantiles by selection, not a
/// sort; mode and DISTINCT by sorting the group's own values). Strings (for mode) are interned once.
final class ValuesAccumulator: Accumulator {
    let reduction: ValuesReduction
    let inputType: SQLType
    let resultType: SQLType
    private var collected = GroupedValues()
    private let interner: StringInterner?
    /// For DISTINCT sums of integers: at least the sum of every value's magnitude (`ExactSum`).
    private var mass: UInt64 = 0
    private var computed: Vector?

    init(_ reduction: ValuesReduction, inputType: SQLType, resultType: SQLType) {
        self.reduction = reduction
        self.inputType = inputType
        self.resultType = resultType
        interner = inputType == .string ? StringInterner() : nil
    }

    func reserve(groups count: Int) {}

    func update(_ input: Vector?, groups: [Int32], _ batch: Batch) throws {
        guard let input else { return }
        if let interner, let pool = input.pool {
            collected.reserve(more: batch.selectedCount)
            batch.forEachSelected { i in
                if input.isNull(i) { return }
                collected.append(pool.dictionary.withBytes(at: Int(input.ints[i])) { interner.intern($0) }, group: groups[i])
            }
            return
        }
        if case .distinctSum = reduction, inputType != .float64 {
            let grown = input.ints.withUnsafeBufferPointer { v in
                ExactSum.grow(mass, rows: batch.selectedCount, largest: ExactSum.largestMagnitude(v.baseAddress!, batch))
            }
            guard let grown else { throw ExactSum.overflow("sum(DISTINCT)", of: inputType) }
            mass = grown
        }
        collected.append(input, groups: groups, batch)
    }

    func merge(_ other: Accumulator, mapping: [Int32]) throws {
        let o = other as! ValuesAccumulator
        if let interner, let from = o.interner {
            let ids = (0..<from.count).map { id in from.withBytes(id) { interner.intern($0) } }
            collected.merge(o.collected, mapping: mapping, value: { ids[Int($0)] })
        } else {
            collected.merge(o.collected, mapping: mapping)
        }
        guard let grown = ExactSum.grow(mass, rows: 1, largest: o.mass) else { throw ExactSum.overflow("sum(DISTINCT)", of: inputType) }
        mass = grown
    }

    func result(groups: Int) -> Vector {
        if let computed { return computed }
        let v = Vector(type: resultType, count: groups)
        var (values, offsets) = collected.grouped(groups: groups)
        // A NULL string points at an entry too (grouping and hashing read it).
        let nullCode = interner?.intern("") ?? 0
        values.withUnsafeMutableBufferPointer { all in
            for g in 0..<groups {
                let range = offsets[g]..<offsets[g + 1]
                guard !range.isEmpty else { v.setNull(g); if resultType != .float64 { v.ints[g] = nullCode }; continue }
                reduce(UnsafeMutableBufferPointer(rebasing: all[range]), into: v, at: g)
            }
        }
        if let interner { v.pool = StringPool(interner.dictionary(), isSorted: false) }
        computed = v
        return v
    }

    /// Reduces one group's values (at least one) into row `g` of the result.
    private func reduce(_ group: UnsafeMutableBufferPointer<Int64>, into v: Vector, at g: Int) {
        var values = group     // the same memory; `sort` is mutating on the buffer's value
        let n = values.count
        switch reduction {
        case .quantile(let fraction, let continuous):
            guard continuous else {
                let k = Swift.min(Swift.max(Int((Double(n) * fraction).rounded(.up)) - 1, 0), n - 1)
                Selection.select(k, in: values)
                return store(values[k], into: v, at: g)
            }
            let position = Double(n - 1) * fraction
            let k = Int(position.rounded(.down))
            Selection.select(k, in: values)
            let weight = position - Double(k)
            let lo = values[k]
            guard weight > 0, k + 1 < n else { return store(lo, into: v, at: g) }
            let hi = Selection.minimum(values, (k + 1)..<n)
            switch inputType {
            case .float64:
                let a = OrderedBits.double(lo), b = OrderedBits.double(hi)
                v.doubles[g] = a + (b - a) * weight
            case .int64: v.doubles[g] = Double(lo) + (Double(hi) - Double(lo)) * weight
            default: v.ints[g] = lo &+ Int64(Double(hi &- lo) * weight)    // toward zero, as DuckDB
            }
        case .mode:
            values.sort()
            var best = values[0], bestRun = 0, run = 0
            for i in 0..<n {
                run = i > 0 && values[i] == values[i - 1] ? run + 1 : 1
                if run > bestRun { bestRun = run; best = values[i] }
            }
            store(best, into: v, at: g)
        case .distinctSum(let average):
            values.sort()
            var count = 0
            if inputType == .float64 {
                var sum = 0.0
                for i in 0..<n where i == 0 || values[i] != values[i - 1] { sum += OrderedBits.double(values[i]); count += 1 }
                v.doubles[g] = average ? sum / Double(count) : sum
            } else {
                var sum: Int64 = 0     // within `mass`: no overflow
                for i in 0..<n where i == 0 || values[i] != values[i - 1] { sum &+= values[i]; count += 1 }
                if average {
                    v.doubles[g] = Double(sum) / Double(DecimalMath.power(inputType.decimalScale ?? 0)) / Double(count)
                } else {
                    v.ints[g] = sum
                }
            }
        }
    }

    /// Stores a collected value as the result type.
    private func store(_ value: Int64, into v: Vector, at g: Int) {
        if resultType == .float64 {
            v.doubles[g] = inputType == .float64 ? OrderedBits.double(value) : Double(value)
        } else {
            v.ints[g] = value
        }
    }

    var approximateBytes: Int { collected.approximateBytes + (interner?.approximateBytes ?? 0) }
}
