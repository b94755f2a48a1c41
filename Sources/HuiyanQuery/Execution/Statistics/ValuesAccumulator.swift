import Foundation
import HuiyanStorage

/// What `ValuesAccumulator` computes from each group's values.
enum ValuesReduction {
    /// The value at a fraction of the ordered values: interpolated between neighbours (`continuous`,
    /// quantile_cont and median) or the value at position ⌈n·fraction⌉ − 1 (quantile_disc).
    case quantile(Double, continuous: Bool)
    /// The most frequent value (of equally frequent ones, the smallest).
    case mode
    /// The sum (or average) of the distinct values.
    case distinctSum(average: Bool)

    /// The position a quantile selects among `n` ordered values.
    func position(_ n: Int) -> Int {
        guard case .quantile(let q, let continuous) = self else { return 0 }
        if continuous { return Int((Double(n - 1) * q).rounded(.down)) }
        return Swift.min(Swift.max(Int((Double(n) * q).rounded(.up)) - 1, 0), n - 1)
    }
}

/// The aggregates that need every value of a group — exact median and quantiles, mode, sum and avg of DISTINCT
/// values: the values are collected in flat chunks (`GroupedValues`) and merged across threads by taking
/// those chunks; at the end each group's values lie side by side and are reduced in place (quantiles by
/// selection, not a sort; mode and DISTINCT by sorting the group's own values). Strings (for mode) are
/// interned once. Quantiles of the same argument (and FILTER) in one query share one collection
/// (`link`): the first collects, the others read its values, selected once for all positions in order.
final class ValuesAccumulator: Accumulator {
    let inputType: SQLType
    /// What this accumulator answers, then (when it collects for others) what those answer.
    private var answers: [(reduction: ValuesReduction, type: SQLType)]
    /// The accumulator that collects this one's values (nil: this one), and this one's place in its answers.
    private var owner: ValuesAccumulator?
    private var answerIndex = 0
    private var collected = GroupedValues()
    private let interner: StringInterner?
    /// For DISTINCT sums of integers: at least the sum of every value's magnitude (`ExactSum`).
    private var mass: UInt64 = 0
    private var computed: [Vector]?
    /// Threads that may reduce groups at the end (`link`).
    private var threads = 1

    init(_ reduction: ValuesReduction, inputType: SQLType, resultType: SQLType) {
        self.inputType = inputType
        answers = [(reduction, resultType)]
        interner = inputType == .string ? StringInterner() : nil
    }

    /// Lets quantiles over the same argument and FILTER share the first one's values, and each reduce its
    /// groups on `threads` threads.
    static func link(_ accumulators: [Accumulator], _ specs: [AggregateSpec], threads: Int) {
        var owners: [(spec: AggregateSpec, accumulator: ValuesAccumulator)] = []
        for (spec, accumulator) in zip(specs, accumulators) {
            guard let a = accumulator as? ValuesAccumulator else { continue }
            a.threads = threads
            guard case .quantile = a.answers[0].reduction else { continue }
            if let owner = owners.first(where: { $0.spec.argument == spec.argument && $0.spec.filter == spec.filter })?.accumulator {
                a.owner = owner
                a.answerIndex = owner.answers.count
                owner.answers.append(a.answers[0])
            } else {
                owners.append((spec, a))
            }
        }
    }

    func reserve(groups count: Int) {}

    func update(_ input: Vector?, groups: [Int32], _ batch: Batch) throws {
        guard let input, owner == nil else { return }
        if let interner, let pool = input.pool {
            collected.reserve(more: batch.selectedCount)
            batch.forEachSelected { i in
                if input.isNull(i) { return }
                collected.append(pool.withBytes(at: Int(input.ints[i])) { interner.intern($0) }, group: groups[i])
            }
            return
        }
        if case .distinctSum = answers[0].reduction, inputType != .float64 {
            let grown = input.ints.withUnsafeBufferPointer { v in
                ExactSum.grow(mass, rows: batch.selectedCount, largest: ExactSum.largestMagnitude(v.baseAddress!, batch))
            }
            guard let grown else { throw ExactSum.overflow("sum(DISTINCT)", of: inputType) }
            mass = grown
        }
        collected.append(input, groups: groups, batch)
    }

    func merge(_ other: Accumulator, mapping: [Int32]) throws {
        guard owner == nil else { return }
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
        if let owner { return owner.results(groups: groups)[answerIndex] }
        return results(groups: groups)[0]
    }

    /// Every answer's vector, computed once. Quantiles of a few large groups are selected by buckets straight
    /// from the collected values (`BucketSelection`); otherwise the groups are laid out and reduced one by one,
    /// on `threads` threads when there are many values.
    private func results(groups: Int) -> [Vector] {
        if let computed { return computed }
        // Each answer's result per group as bits (a double's bit pattern); groups without values stay NULL.
        var slots = [Int64](repeating: 0, count: answers.count * groups)
        var empty = [Bool](repeating: true, count: groups)
        if answers.allSatisfy({ if case .quantile = $0.reduction { return true } else { return false } }),
           BucketSelection.suits(values: collected.count, groups: groups) {
            selectByBuckets(groups: groups, &slots, &empty)
        } else {
            reduceGroups(groups: groups, &slots, &empty)
        }
        // A NULL string points at an entry too (grouping and hashing read it).
        let nullCode = interner?.intern("") ?? 0
        let vectors = answers.indices.map { a -> Vector in
            let v = Vector(type: answers[a].type, count: groups)
            for g in 0..<groups {
                let bits = slots[a * groups + g]
                if empty[g] {
                    v.setNull(g)
                    if v.type != .float64 { v.ints[g] = nullCode }
                } else if v.type == .float64 {
                    v.doubles[g] = Double(bitPattern: UInt64(bitPattern: bits))
                } else {
                    v.ints[g] = bits
                }
            }
            if let interner { v.pool = StringPool(interner.dictionary(), isSorted: false) }
            return v
        }
        computed = vectors
        return vectors
    }

    /// Every quantile of every group by `BucketSelection`: the positions of all answers (and the next one of an
    /// interpolated quantile) found in one pair of passes.
    private func selectByBuckets(groups: Int, _ slots: inout [Int64], _ empty: inout [Bool]) {
        let positions = { (n: Int) in
            Array(Set(self.answers.flatMap { answer -> [Int] in
                let k = answer.reduction.position(n)
                return self.needsNext(answer, k, n) ? [k, k + 1] : [k]
            })).sorted()
        }
        let selected = BucketSelection.select(&collected, groups: groups, threads: threads, positions: positions)
        for g in 0..<groups where selected[g].count > 0 {
            empty[g] = false
            let n = selected[g].count
            let wanted = positions(n)
            let value = { (p: Int) in selected[g].values[wanted.firstIndex(of: p)!] }
            for (a, answer) in answers.enumerated() {
                let k = answer.reduction.position(n)
                slots[a * groups + g] = quantile(value(k), needsNext(answer, k, n) ? value(k + 1) : value(k), n: n, k: k, answer)
            }
        }
    }

    /// Lays each group's values out and reduces them, groups shared among `threads` threads.
    private func reduceGroups(groups: Int, _ slots: inout [Int64], _ empty: inout [Bool]) {
        var (values, offsets) = collected.grouped(groups: groups)
        for g in 0..<groups { empty[g] = offsets[g] == offsets[g + 1] }
        let stripes = threads > 1 && groups > 1 && values.count >= 1 << 16 ? threads : 1
        let lock = NSLock()
        var next = 0
        values.withUnsafeMutableBufferPointer { allValues in
            slots.withUnsafeMutableBufferPointer { allSlots in
                let all = allValues, slots = allSlots    // the buffers (not the inout bindings) for the threads
                let work = { (_: Int) in
                    var order: [Int] = []
                    while true {
                        lock.lock()
                        let first = next
                        next += 64
                        lock.unlock()
                        guard first < groups else { return }
                        for g in first..<Swift.min(first + 64, groups) where offsets[g] < offsets[g + 1] {
                            self.reduce(UnsafeMutableBufferPointer(rebasing: all[offsets[g]..<offsets[g + 1]]), order: &order) { slots[$0 * groups + g] = $1 }
                        }
                    }
                }
                ConcurrentLoop.forEach(stripes, work)
            }
        }
    }

    /// Reduces one group's values (at least one) for every answer, handing each answer's result as bits.
    private func reduce(_ group: UnsafeMutableBufferPointer<Int64>, order: inout [Int], _ answer: (Int, Int64) -> Void) {
        guard case .quantile = answers[0].reduction else { return answer(0, reduce(group, answers[0])) }
        // Positions in increasing order: each selection searches only above the one before.
        let n = group.count
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: answers.indices)
        if order.count > 1 { order.sort { answers[$0].reduction.position(n) < answers[$1].reduction.position(n) } }
        var selected = 0
        for a in order {
            let k = answers[a].reduction.position(n)
            Selection.select(k - selected, in: UnsafeMutableBufferPointer(rebasing: group[selected...]))
            selected = k
            let next = needsNext(answers[a], k, n) ? Selection.minimum(group, (k + 1)..<n) : group[k]
            answer(a, quantile(group[k], next, n: n, k: k, answers[a]))
        }
    }

    /// Whether a quantile at position `k` of `n` values interpolates toward the value at `k + 1`.
    private func needsNext(_ answer: (reduction: ValuesReduction, type: SQLType), _ k: Int, _ n: Int) -> Bool {
        guard case .quantile(let fraction, let continuous) = answer.reduction else { return false }
        return continuous && k + 1 < n && Double(n - 1) * fraction - Double(k) > 0
    }

    /// A quantile of `n` values whose value at position `k` is `lo` and at `k + 1` is `hi`, as bits.
    private func quantile(_ lo: Int64, _ hi: Int64, n: Int, k: Int, _ answer: (reduction: ValuesReduction, type: SQLType)) -> Int64 {
        guard case .quantile(let fraction, _) = answer.reduction, needsNext(answer, k, n) else { return bits(lo, as: answer.type) }
        let weight = Double(n - 1) * fraction - Double(k)
        switch inputType {
        case .float64:
            let a = OrderedBits.double(lo), b = OrderedBits.double(hi)
            return Self.bits(a + (b - a) * weight)
        case .int64: return Self.bits(Double(lo) + (Double(hi) - Double(lo)) * weight)
        default: return lo &+ Int64(Double(hi &- lo) * weight)    // toward zero, as DuckDB
        }
    }

    /// Mode or DISTINCT sum of one group's values (at least one), as bits.
    private func reduce(_ group: UnsafeMutableBufferPointer<Int64>, _ answer: (reduction: ValuesReduction, type: SQLType)) -> Int64 {
        var values = group     // the same memory; `sort` is mutating on the buffer's value
        let n = values.count
        switch answer.reduction {
        case .quantile: return 0
        case .mode:
            values.sort()
            var best = values[0], bestRun = 0, run = 0
            for i in 0..<n {
                run = i > 0 && values[i] == values[i - 1] ? run + 1 : 1
                if run > bestRun { bestRun = run; best = values[i] }
            }
            return bits(best, as: answer.type)
        case .distinctSum(let average):
            values.sort()
            var count = 0
            if inputType == .float64 {
                var sum = 0.0
                for i in 0..<n where i == 0 || values[i] != values[i - 1] { sum += OrderedBits.double(values[i]); count += 1 }
                return Self.bits(average ? sum / Double(count) : sum)
            }
            var sum: Int64 = 0     // within `mass`: no overflow
            for i in 0..<n where i == 0 || values[i] != values[i - 1] { sum &+= values[i]; count += 1 }
            guard average else { return sum }
            return Self.bits(Double(sum) / Double(DecimalMath.power(inputType.decimalScale ?? 0)) / Double(count))
        }
    }

    /// A collected value as bits of the result type.
    private func bits(_ value: Int64, as type: SQLType) -> Int64 {
        guard type == .float64 else { return value }
        return Self.bits(inputType == .float64 ? OrderedBits.double(value) : Double(value))
    }

    private static func bits(_ d: Double) -> Int64 { Int64(bitPattern: d.bitPattern) }

    var approximateBytes: Int { collected.approximateBytes + (interner?.approximateBytes ?? 0) }
}
