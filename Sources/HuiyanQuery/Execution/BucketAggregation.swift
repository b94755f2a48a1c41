/// Aggregation through buckets, for queries whose aggregates are all count(*), count(column) or integer or
/// money sums and averages of columns, without FILTER. A block is first reduced to partial counts and sums
/// per bucket in tight loops over contiguous buffers, then folded into the groups once per bucket:
/// - by dictionary code, for one string column as the key (a histogram over the codes);
/// - by runs of a time-ordered timestamp column, for keys that change at most from one local hour to the
///   next (date_trunc to the hour or coarser, EXTRACT of the hour or a coarser field, CAST AS DATE, and
///   expressions over these): a block spanning two days has some fifty runs, found by binary search, and
///   the keys are computed once per run.
/// Any other block (a selection, NULL times, times out of order, too many runs) takes the general path.
struct BucketAggregation {
    enum Shape {
        case codes
        case timeRuns(column: Int)
    }

    let plan: SelectPlan
    let offsetSeconds: Int
    let shape: Shape

    /// nil when the query has neither shape.
    init?(plan: SelectPlan, offsetSeconds: Int) {
        self.plan = plan
        self.offsetSeconds = offsetSeconds
        let foldable = plan.aggregates.allSatisfy { spec in
            guard spec.filter == nil else { return false }
            switch spec.kind {
            case .countStar: return true
            case .count: if case .column = spec.argument! { return true } else { return false }
            case .sum, .avg:
                if case .column(_, _, let t) = spec.argument!, t == .int64 || t == .money { return true }
                return false
            default: return false
            }
        }
        guard foldable, !plan.groupKeys.isEmpty else { return nil }
        if plan.groupKeys.count == 1, case .column(_, _, .string) = plan.groupKeys[0] {
            shape = .codes
            return
        }
        var column: Int?
        guard plan.groupKeys.allSatisfy({ Self.changesHourly($0, column: &column) }), let column else { return nil }
        shape = .timeRuns(column: column)
    }

    /// Whether `e` is constant within every local clock hour of one timestamp column (recorded in `column`).
    private static func changesHourly(_ e: BoundExpression, column: inout Int?) -> Bool {
        func timestampColumn(_ x: BoundExpression) -> Bool {
            guard case .column(let i, _, .timestamp) = x, column == nil || column == i else { return false }
            column = i
            return true
        }
        switch e {
        case .constant: return true
        case .column, .groupKey, .aggregate: return false
        case .function(.dateTrunc(let unit), let args, _) where ![.second, .minute].contains(unit):
            return timestampColumn(args[0])
        case .function(.datePart(let field), let args, _)
            where [.year, .quarter, .month, .day, .hour, .dow, .isodow, .doy, .week].contains(field):
            return timestampColumn(args[0])
        case .cast(let x, .date) where x.type == .timestamp:
            return timestampColumn(x)
        default:
            return e.children.allSatisfy { changesHourly($0, column: &column) }
        }
    }

    /// Per bucket: rows, and per aggregate with an argument its non-NULL count and sum.
    private struct Partials {
        var rows: [Int64]
        var counts: [[Int64]]
        var sums: [[Int64]]

        init(buckets: Int, inputs: [Vector?]) {
            rows = [Int64](repeating: 0, count: buckets)
            counts = inputs.map { $0 == nil ? [] : [Int64](repeating: 0, count: buckets) }
            sums = inputs.map { $0 == nil ? [] : [Int64](repeating: 0, count: buckets) }
        }
    }

    /// Aggregates the batch into `table` and `accumulators`; false when this block must take the general path.
    func aggregate(_ evaluator: Evaluator, _ batch: Batch, table: GroupTable, accumulators: [Accumulator]) throws -> Bool {
        guard accumulators.allSatisfy({ $0 is CountAccumulator || $0 is SumIntegerAccumulator }) else { return false }
        switch shape {
        case .codes: return try aggregateByCode(evaluator, batch, table: table, accumulators: accumulators)
        case .timeRuns(let column): return try aggregateByRuns(of: column, evaluator, batch, table: table, accumulators: accumulators)
        }
    }

    // MARK: By code

    private func aggregateByCode(_ evaluator: Evaluator, _ batch: Batch, table: GroupTable, accumulators: [Accumulator]) throws -> Bool {
        let key = try evaluator.evaluate(plan.groupKeys[0], batch)
        guard let pool = key.pool, pool.count <= 1 << 16 else { return false }
        let slots = pool.count + 1  // the last one: NULL
        let inputs = try plan.aggregates.map { try $0.argument.map { try evaluator.evaluate($0, batch) } }
        var partials = Partials(buckets: slots, inputs: inputs)
        let keyNulls = key.nulls
        key.ints.withUnsafeBufferPointer { codes in
            partials.rows.withUnsafeMutableBufferPointer { r in
                if batch.selection == nil {
                    Self.countCodes(codes, nulls: keyNulls, slots: slots, into: r)
                } else if let keyNulls {
                    batch.forEachSelected { i in r[keyNulls[i] != 0 ? slots - 1 : Int(codes[i])] &+= 1 }
                } else {
                    batch.forEachSelected { i in r[Int(codes[i])] &+= 1 }
                }
            }
        }
        var overflow = false
        for (a, input) in inputs.enumerated() {
            guard let input else { continue }
            let needsSum = plan.aggregates[a].kind != .count
            key.ints.withUnsafeBufferPointer { codes in
                input.ints.withUnsafeBufferPointer { values in
                    partials.counts[a].withUnsafeMutableBufferPointer { c in
                        partials.sums[a].withUnsafeMutableBufferPointer { s in
                            batch.forEachSelected { i in
                                if let n = input.nulls, n[i] != 0 { return }
                                let slot = keyNulls.map { $0[i] != 0 ? slots - 1 : Int(codes[i]) } ?? Int(codes[i])
                                c[slot] &+= 1
                                if needsSum {
                                    let (r, o) = s[slot].addingReportingOverflow(values[i]); s[slot] = r; overflow = overflow || o
                                }
                            }
                        }
                    }
                }
            }
        }
        if overflow { throw QueryError("sum overflowed BIGINT; cast the argument to DOUBLE") }
        try fold(partials, inputs: inputs, table: table, accumulators: accumulators) { slot in
            table.group(code: slot == slots - 1 ? nil : slot, pool: pool)
        }
        return true
    }

    /// Counts every code of a block into `counts` (NULL rows into the last slot), through four interleaved
    /// histograms: a popular code's counter is then not incremented back to back (each increment would wait
    /// for the one before).
    private static func countCodes(_ codes: UnsafeBufferPointer<Int64>, nulls: [UInt8]?, slots: Int,
                                   into counts: UnsafeMutableBufferPointer<Int64>) {
        withUnsafeTemporaryAllocation(of: Int64.self, capacity: 4 * slots) { lanes in
            lanes.initialize(repeating: 0)
            let l = lanes.baseAddress!, c = codes.baseAddress!
            let n = codes.count, quads = n & ~3, nullSlot = Int64(slots - 1)
            var i = 0
            if let nulls {
                nulls.withUnsafeBufferPointer { isNull in
                    let u = isNull.baseAddress!
                    // Branch-free: NULL flags are 0 or 1, and a quarter of a column may be NULL at random.
                    @inline(__always) func slot(_ k: Int) -> Int { Int(truncatingIfNeeded: c[k] &+ Int64(u[k]) &* (nullSlot &- c[k])) }
                    while i < quads {
                        l[slot(i)] &+= 1
                        l[slots &+ slot(i + 1)] &+= 1
                        l[2 &* slots &+ slot(i + 2)] &+= 1
                        l[3 &* slots &+ slot(i + 3)] &+= 1
                        i += 4
                    }
                    while i < n { l[slot(i)] &+= 1; i += 1 }
                }
            } else {
                while i < quads {
                    l[Int(c[i])] &+= 1
                    l[slots + Int(c[i + 1])] &+= 1
                    l[2 * slots + Int(c[i + 2])] &+= 1
                    l[3 * slots + Int(c[i + 3])] &+= 1
                    i += 4
                }
                while i < n { l[Int(c[i])] &+= 1; i += 1 }
            }
            for s in 0..<slots { counts[s] &+= l[s] &+ l[slots + s] &+ l[2 * slots + s] &+ l[3 * slots + s] }
        }
    }

    // MARK: By runs of time

    private static let hour: Int64 = 3_600_000_000

    private func aggregateByRuns(of column: Int, _ evaluator: Evaluator, _ batch: Batch, table: GroupTable, accumulators: [Accumulator]) throws -> Bool {
        guard batch.selection == nil, batch.count > 0, let times = evaluator.columns[column], times.nulls == nil else { return false }
        let n = batch.count
        // Run starts: the first row, and the first row at or after each local hour boundary inside the block.
        var starts: [Int] = []
        let ok = times.ints.withUnsafeBufferPointer { t -> Bool in
            var descents = 0
            for i in 1..<n { descents |= t[i - 1] > t[i] ? 1 : 0 }
            guard descents == 0 else { return false }
            let offset = Int64(offsetSeconds) * 1_000_000
            let (first, last) = (Self.hourIndex(t[0], offset), Self.hourIndex(t[n - 1], offset))
            guard last - first < Int64(n / 16) else { return false }
            starts.reserveCapacity(Int(last - first) + 1)
            starts.append(0)
            var position = 0
            var h = first
            while h < last {
                h += 1
                let boundary = h * Self.hour - offset
                // The first row at or after the boundary, searched after the previous run's start.
                var lo = position, hi = n
                while lo < hi { let mid = (lo + hi) >> 1; if t[mid] < boundary { lo = mid + 1 } else { hi = mid } }
                position = lo
                if position > starts.last!, position < n { starts.append(position) }
            }
            return true
        }
        guard ok else { return false }
        let runs = starts.count
        // The keys, computed for one row of each run.
        let representatives = Vector(type: .timestamp, count: runs)
        for (r, start) in starts.enumerated() { representatives.ints[r] = times.ints[start] }
        let runBatch = Batch(count: runs, selection: nil)
        let keyEvaluator = Evaluator(offsetSeconds: offsetSeconds, columns: [column: representatives])
        let keys = try plan.groupKeys.map { try keyEvaluator.evaluate($0, runBatch) }
        var groups = [Int32](repeating: 0, count: runs)
        table.assign(keys, runBatch, into: &groups)

        let inputs = try plan.aggregates.map { try $0.argument.map { try evaluator.evaluate($0, batch) } }
        var partials = Partials(buckets: runs, inputs: inputs)
        for r in 0..<runs {
            let end = r + 1 < runs ? starts[r + 1] : n
            partials.rows[r] = Int64(end - starts[r])
            for (a, input) in inputs.enumerated() {
                guard let input else { continue }
                let (count, sum) = try Self.countAndSum(input, starts[r]..<end)
                partials.counts[a][r] = count
                partials.sums[a][r] = sum
            }
        }
        try fold(partials, inputs: inputs, table: table, accumulators: accumulators) { groups[$0] }
        return true
    }

    /// The local hour a time falls in (floor division: times before 1970 too).
    @inline(__always)
    private static func hourIndex(_ t: Int64, _ offset: Int64) -> Int64 {
        let x = t + offset
        return x >= 0 ? x / hour : -((-x + hour - 1) / hour)
    }

    /// The non-NULL count and the sum of a range of an integer-lane vector.
    private static func countAndSum(_ v: Vector, _ range: Range<Int>) throws -> (Int64, Int64) {
        var sum: Int64 = 0, overflow = false, count = Int64(range.count)
        v.ints.withUnsafeBufferPointer { values in
            if let nulls = v.nulls {
                for i in range where nulls[i] == 0 {
                    let (s, o) = sum.addingReportingOverflow(values[i]); sum = s; overflow = overflow || o
                }
                count -= Int64(range.reduce(0) { $0 + Int(nulls[$1]) })
            } else {
                for i in range { let (s, o) = sum.addingReportingOverflow(values[i]); sum = s; overflow = overflow || o }
            }
        }
        if overflow { throw QueryError("sum overflowed BIGINT; cast the argument to DOUBLE") }
        return (count, sum)
    }

    // MARK: Folding

    /// Adds each non-empty bucket's partials to its group.
    private func fold(_ partials: Partials, inputs: [Vector?], table: GroupTable, accumulators: [Accumulator],
                      group: (Int) -> Int32) throws {
        for bucket in partials.rows.indices where partials.rows[bucket] > 0 {
            let g = Int(group(bucket))
            for (a, acc) in accumulators.enumerated() {
                acc.reserve(groups: table.groupCount)
                if let count = acc as? CountAccumulator {
                    count.add(group: g, count: inputs[a] == nil ? partials.rows[bucket] : partials.counts[a][bucket])
                } else if let sum = acc as? SumIntegerAccumulator {
                    try sum.add(group: g, sum: partials.sums[a][bucket], count: partials.counts[a][bucket])
                }
            }
        }
    }
}
