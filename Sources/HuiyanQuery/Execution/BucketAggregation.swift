import HuiyanStorage

/// Aggregation through buckets, for queries whose aggregates are all count(*), count(column) or integer or
/// money sums and averages of columns, without FILTER. A block is first reduced to partial counts and sums
/// per bucket in tight loops over contiguous buffers, then folded into the groups once per bucket:
/// - by dictionary code, for one or two string columns as the keys (a histogram over the codes, or over
///   pairs of codes);
/// - by runs of a time-ordered timestamp column, for keys that change at most from one local hour to the
///   next (date_trunc to the hour or coarser, EXTRACT of the hour or a coarser field, CAST AS DATE, and
///   expressions over these): a block spanning two days has some fifty runs, found by binary search, and
///   the keys are computed once per run.
/// Any other block (a selection, NULL times, times out of order, too many runs) takes the general path.
/// A count by month, quarter or year mostly needs no decoding at all: most blocks lie inside one bucket,
/// which their zone maps show.
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
        let stringColumns = plan.groupKeys.allSatisfy { if case .column(_, _, .string) = $0 { return true } else { return false } }
        if stringColumns && plan.groupKeys.count <= 2 {
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
        case .function(.strftime(let format), let args, _) where TimeMath.strftimeResolution(format) >= hour:
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
        let keys = try plan.groupKeys.map { try evaluator.evaluate($0, batch) }
        let pools = keys.compactMap(\.pool)
        guard pools.count == keys.count else { return false }
        // Slots per key: its codes, then NULL; a bucket is a slot of each key.
        let sizes = pools.map { $0.count + 1 }
        let buckets = sizes.reduce(1, *)
        guard buckets <= 1 << 16 else { return false }
        let inputs = try plan.aggregates.map { try $0.argument.map { try evaluator.evaluate($0, batch) } }
        var partials = Partials(buckets: buckets, inputs: inputs)
        if keys.count == 1 && batch.selection == nil && inputs.allSatisfy({ $0 == nil }) {
            // The common case — count(*) by one dictionary column: straight from the codes.
            keys[0].ints.withUnsafeBufferPointer { codes in
                partials.rows.withUnsafeMutableBufferPointer { Self.countCodes(codes, nulls: keys[0].nulls, slots: buckets, into: $0) }
            }
        } else {
            let overflow = Self.withBuckets(keys, sizes, batch) { bucket -> Bool in
                // The rows of each bucket are counted in the pass of the first argument without NULLs (the
                // usual revenue sum), else in a pass of their own; an argument without NULLs counts the rows.
                var rowsCounted = false
                for (a, input) in inputs.enumerated() {
                    guard let input else { continue }
                    let magnitudes = input.ints.withUnsafeBufferPointer { values in
                        partials.counts[a].withUnsafeMutableBufferPointer { c in
                            partials.sums[a].withUnsafeMutableBufferPointer { s -> Int64 in
                                if let nulls = input.nulls {
                                    var bits: Int64 = 0
                                    batch.forEachSelected { i in
                                        let valid = Int64(nulls[i]) &- 1     // all ones when valid, 0 when NULL
                                        let slot = bucket(i), v = values[i] & valid
                                        c[slot] &+= valid & 1
                                        s[slot] &+= v
                                        bits |= v ^ (v >> 63)
                                    }
                                    return bits
                                }
                                if rowsCounted { return Self.addPerBucket(bucket, batch, into: s) { values[$0] } }
                                rowsCounted = true
                                return partials.rows.withUnsafeMutableBufferPointer { r in
                                    Self.addPerBucket(bucket, batch, into: s, counting: r) { values[$0] }
                                }
                            }
                        }
                    }
                    // Within one block the partial sums cannot have wrapped unless rows × the largest magnitude can.
                    if plan.aggregates[a].kind != .count,
                       ExactSum.grow(0, rows: batch.selectedCount, largest: ExactSum.magnitudeBound(magnitudes)) == nil {
                        return true
                    }
                }
                if !rowsCounted {
                    partials.rows.withUnsafeMutableBufferPointer { r in _ = Self.addPerBucket(bucket, batch, into: r) { _ in 1 } }
                }
                return false
            }
            guard !overflow else { return false }
            for (a, input) in inputs.enumerated() where input != nil && input!.nulls == nil { partials.counts[a] = partials.rows }
        }
        try fold(partials, inputs: inputs, table: table, accumulators: accumulators) { Self.group(of: $0, sizes, table, pools) }
        return true
    }

    /// The group of a bucket: its keys' slots (code, or the last slot for NULL) read back from the mixed radix.
    private static func group(of bucket: Int, _ sizes: [Int], _ table: GroupTable, _ pools: [StringPool]) -> Int32 {
        var rest = bucket
        var codes = [Int?](repeating: nil, count: sizes.count)
        for k in stride(from: sizes.count - 1, through: 0, by: -1) {
            let slot = rest % sizes[k]
            rest /= sizes[k]
            codes[k] = slot == sizes[k] - 1 ? nil : slot
        }
        return table.group(codes: codes, pools: pools)
    }

    /// Calls `body` with each selected row's bucket: the keys' slots (code, or the last slot for NULL) in
    /// mixed radix. One key or two without NULLs (product × platform, spot × channel) are read straight from
    /// the codes; otherwise the buckets are computed into an array first.
    @inline(__always)
    private static func withBuckets<R>(_ keys: [Vector], _ sizes: [Int], _ batch: Batch, _ body: ((Int) -> Int) -> R) -> R {
        if keys.count == 2, keys[0].nulls == nil, keys[1].nulls == nil {
            let radix = Int64(sizes[1])
            return keys[0].ints.withUnsafeBufferPointer { first in
                keys[1].ints.withUnsafeBufferPointer { second in
                    body { Int(truncatingIfNeeded: first[$0] &* radix &+ second[$0]) }
                }
            }
        }
        if keys.count == 1, keys[0].nulls == nil {
            return keys[0].ints.withUnsafeBufferPointer { codes in body { Int(truncatingIfNeeded: codes[$0]) } }
        }
        // Rows outside the selection are never read: no need to clear them first.
        var out = [Int32](unsafeUninitializedCapacity: batch.count) { _, initialized in initialized = batch.count }
        out.withUnsafeMutableBufferPointer { b in batch.forEachSelected { b[$0] = 0 } }
        for (k, key) in keys.enumerated() {
            let radix = Int32(sizes[k]), nullSlot = Int64(sizes[k] - 1)
            let nulls = key.nulls
            key.ints.withUnsafeBufferPointer { codes in
                out.withUnsafeMutableBufferPointer { b in
                    if let nulls {
                        batch.forEachSelected { i in
                            let slot = codes[i] &+ Int64(nulls[i]) &* (nullSlot &- codes[i])
                            b[i] = b[i] &* radix &+ Int32(truncatingIfNeeded: slot)
                        }
                    } else {
                        batch.forEachSelected { i in b[i] = b[i] &* radix &+ Int32(truncatingIfNeeded: codes[i]) }
                    }
                }
            }
        }
        return out.withUnsafeBufferPointer { b in body { Int(b[$0]) } }
    }

    /// `totals[bucket(i)] += value(i)` for every selected row, through four interleaved partial arrays when
    /// the buckets are few (rows of one spot often follow each other, and each addition to the same total
    /// would wait for the one before). With `counting`, each row also adds one to `counting[bucket(i)]` in
    /// the same pass. Returns the values' one's-complement magnitudes or-ed together (for
    /// `ExactSum.magnitudeBound`: whether the block's sums can have wrapped), found in the same pass.
    @inline(__always)
    private static func addPerBucket(_ bucket: (Int) -> Int, _ batch: Batch, into totals: UnsafeMutableBufferPointer<Int64>,
                                     counting: UnsafeMutableBufferPointer<Int64>? = nil, _ value: (Int) -> Int64) -> Int64 {
        let slots = totals.count
        var bits: Int64 = 0
        guard slots <= 4096, batch.selectedCount >= 1024 else {
            batch.forEachSelected { i in
                let v = value(i)
                totals[bucket(i)] &+= v
                counting?[bucket(i)] &+= 1
                bits |= v ^ (v >> 63)
            }
            return bits
        }
        // Lanes 0–3 sum; with `counting`, lanes 4–7 count.
        let laneCount = counting == nil ? 4 : 8
        withUnsafeTemporaryAllocation(of: Int64.self, capacity: laneCount * slots) { lanes in
            lanes.initialize(repeating: 0)
            let l = lanes.baseAddress!
            @inline(__always) func run(_ n: Int, count: Bool, _ row: (Int) -> Int) {
                let c = l + 4 * slots
                var k = 0
                var m0: Int64 = 0, m1: Int64 = 0
                while k + 4 <= n {
                    let i0 = row(k), i1 = row(k + 1), i2 = row(k + 2), i3 = row(k + 3)
                    let b0 = bucket(i0), b1 = slots &+ bucket(i1), b2 = 2 &* slots &+ bucket(i2), b3 = 3 &* slots &+ bucket(i3)
                    let v0 = value(i0), v1 = value(i1), v2 = value(i2), v3 = value(i3)
                    l[b0] &+= v0; l[b1] &+= v1; l[b2] &+= v2; l[b3] &+= v3
                    if count { c[b0] &+= 1; c[b1] &+= 1; c[b2] &+= 1; c[b3] &+= 1 }
                    m0 |= (v0 ^ (v0 >> 63)) | (v1 ^ (v1 >> 63))
                    m1 |= (v2 ^ (v2 >> 63)) | (v3 ^ (v3 >> 63))
                    k += 4
                }
                while k < n {
                    let i = row(k), v = value(i)
                    l[bucket(i)] &+= v
                    if count { c[bucket(i)] &+= 1 }
                    m0 |= v ^ (v >> 63)
                    k += 1
                }
                bits = m0 | m1
            }
            let count = counting != nil
            if let selection = batch.selection {
                selection.withUnsafeBufferPointer { rows in
                    if count { run(rows.count, count: true) { Int(rows[$0]) } } else { run(rows.count, count: false) { Int(rows[$0]) } }
                }
            } else {
                if count { run(batch.count, count: true) { $0 } } else { run(batch.count, count: false) { $0 } }
            }
            for s in 0..<slots { totals[s] &+= l[s] &+ l[slots + s] &+ l[2 * slots + s] &+ l[3 * slots + s] }
            if let counting {
                let c = l + 4 * slots
                for s in 0..<slots { counting[s] &+= c[s] &+ c[slots + s] &+ c[2 * slots + s] &+ c[3 * slots + s] }
            }
        }
        return bits
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

    // MARK: From the zone map

    /// count(*) only, keyed by time buckets that never decrease as time goes on (date_trunc, CAST AS DATE,
    /// the year), over the scanned table with no join: a block that the filter selects whole (or with no
    /// filter) and whose first and last instants fall in the same buckets is counted from its zone map,
    /// without decoding anything.
    private var countsFromZoneMaps: Bool {
        guard case .timeRuns = shape, plan.joins.isEmpty, plan.postJoinFilter == nil,
              plan.aggregates.allSatisfy({ $0.kind == .countStar }) else { return false }
        return plan.groupKeys.allSatisfy { key in
            switch key {
            case .function(.dateTrunc, _, _), .cast(_, .date), .function(.datePart(.year), _, _): return true
            default: return key.isConstant
            }
        }
    }

    /// Counts a whole block from its zone map when its keys are the same at its first and last instant;
    /// false when the block must be read.
    func aggregateFromZoneMap(_ segment: SegmentReader, _ block: Int, wholeBlock: Bool, table: GroupTable,
                              accumulators: [Accumulator]) throws -> Bool {
        guard case .timeRuns(let column) = shape, plan.filter == nil || wholeBlock, countsFromZoneMaps else { return false }
        let info = segment.columns[column].blocks[block]
        guard info.nullCount == 0, info.rowCount > 0 else { return false }
        let ends = Vector(type: .timestamp, count: 2)
        ends.ints[0] = info.min
        ends.ints[1] = info.max
        let both = Batch(count: 2, selection: nil)
        let keys = try plan.groupKeys.map { try Evaluator(offsetSeconds: offsetSeconds, columns: [column: ends]).evaluate($0, both) }
        guard keys.allSatisfy({ $0.value(0) == $0.value(1) }) else { return false }
        var groups = [Int32](repeating: 0, count: 2)
        table.assign(keys, Batch(count: 1, selection: nil), into: &groups)
        for acc in accumulators {
            acc.reserve(groups: table.groupCount)
            (acc as? CountAccumulator)?.add(group: Int(groups[0]), count: Int64(info.rowCount))
        }
        return true
    }

    // MARK: By runs of time

    private static let hour: Int64 = 3_600_000_000

    private func aggregateByRuns(of column: Int, _ evaluator: Evaluator, _ batch: Batch, table: GroupTable, accumulators: [Accumulator]) throws -> Bool {
        guard batch.selectedCount > 0, let times = evaluator.columns[column], times.nulls == nil else { return false }
        // The rows: all, or one contiguous stretch (a time range on time-ordered rows selects one).
        var rows = 0..<batch.count
        if let selection = batch.selection {
            guard let first = selection.first, let last = selection.last, Int(last - first) + 1 == selection.count else { return false }
            rows = Int(first)..<Int(last) + 1
        }
        let n = rows.upperBound
        // Run starts: the first row, and the first row at or after each local hour boundary inside the rows.
        var starts: [Int] = []
        let ok = times.ints.withUnsafeBufferPointer { t -> Bool in
            guard Self.isOrdered(UnsafeBufferPointer(rebasing: t[rows])) else { return false }
            let offset = Int64(offsetSeconds) * 1_000_000
            let (first, last) = (Self.hourIndex(t[rows.lowerBound], offset), Self.hourIndex(t[n - 1], offset))
            guard last - first < Int64(rows.count / 16 + 1) else { return false }
            starts.reserveCapacity(Int(last - first) + 1)
            starts.append(rows.lowerBound)
            var position = rows.lowerBound
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

    /// Whether values never decrease: eight neighbour pairs compared at a time.
    private static func isOrdered(_ t: UnsafeBufferPointer<Int64>) -> Bool {
        let n = t.count
        guard n > 1 else { return true }
        let raw = UnsafeRawPointer(t.baseAddress!)
        var i = 0
        while i + 9 <= n {
            let a = raw.loadUnaligned(fromByteOffset: i * 8, as: SIMD8<Int64>.self)
            let b = raw.loadUnaligned(fromByteOffset: (i + 1) * 8, as: SIMD8<Int64>.self)
            if any(a .> b) { return false }
            i += 8
        }
        while i + 1 < n {
            if t[i] > t[i + 1] { return false }
            i += 1
        }
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
        let (count, sum) = v.ints.withUnsafeBufferPointer { ExactSum.sum($0.baseAddress!, range, nulls: v.nulls) }
        guard let sum else { throw QueryError("sum \(ExactSum.overflowMessage)") }
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
