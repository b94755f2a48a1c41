import HuiyanStorage

/// Aggregation through buckets, for queries whose aggregates are all count(*), count(column) or integer or
/// money sums and averages of columns, without FILTER. A block is first reduced to partial counts and sums
/// per bucket in tight loops over contiguous buffers, then folded into the groups once per bucket:
/// - by dictionary code, for one or two string columns as the keys (a histogram over the codes, or over
///   pairs of codes);
/// - by runs of a time-ordered timestamp column, for keys that change at most from one local hour to the
///   next (date_trunc to the hour or coarser, EXTRACT of the hour or a coarser field, CAST AS DATE, and
///   expressions over these): a block spanning two days has some fifty runs, found by binary search, and
///   the keys are computed once per run;
/// - by runs of time and dictionary codes, for such time keys together with one or two string columns
///   (revenue by month and platform): a bucket is a run and a slot of each string key.
/// Any other block (a selection, NULL times, times out of order, too many runs) takes the general path.
/// A count, sum or average by month, quarter or year mostly needs no decoding at all: most blocks lie
/// inside one bucket, which their zone maps show, and their footer entries hold the totals.
struct BucketAggregation {
    enum Shape {
        case codes
        /// Runs of `column`; `codeKeys` are the group keys (their positions) that are string columns.
        case timeRuns(column: Int, codeKeys: [Int])
    }

    let plan: SelectPlan
    let offsetSeconds: Int
    let shape: Shape
    /// The string keys storage can count for this query (`countInStorage`), found once.
    private let countedKeys: (keys: [(position: Int, column: Int)], time: Int?)?
    /// Whether the aggregates can be read from footer entries and totals per code (`WholeBlockAggregates`).
    private let fromFooter: Bool
    /// For runs of time placed in storage (`aggregateByRunsInStorage`): the columns read besides the times (the
    /// string keys' and the aggregates' arguments) and the runs' length, a local day when every key is constant
    /// within one, else an hour; nil when something else reads the time column. Found once.
    private let storedRuns: (read: [Int], unit: Int64)?

    /// nil when the query has neither shape.
    init?(plan: SelectPlan, offsetSeconds: Int) {
        guard let shape = Self.shape(of: plan) else { return nil }
        self.plan = plan
        self.offsetSeconds = offsetSeconds
        self.shape = shape
        countedKeys = Self.countedKeys(plan, shape)
        fromFooter = WholeBlockAggregates.apply(to: plan)
        storedRuns = Self.storedRuns(plan, shape)
    }

    /// The query's shape; nil when it has neither.
    private static func shape(of plan: SelectPlan) -> Shape? {
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
        if stringColumns && plan.groupKeys.count <= 2 { return .codes }
        var column: Int?
        var codeKeys: [Int] = []
        for (k, key) in plan.groupKeys.enumerated() {
            if case .column(_, _, .string) = key { codeKeys.append(k); continue }
            guard changesHourly(key, column: &column) else { return nil }
        }
        guard let column, codeKeys.count <= 2 else { return nil }
        return .timeRuns(column: column, codeKeys: codeKeys)
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
        case .function(let f, let args, _) where f.dateTruncUnit.map { ![.second, .minute].contains($0) } ?? false:
            return timestampColumn(args[0])
        case .function(let f, let args, _)
            where f.datePartField.map { [.year, .quarter, .month, .day, .hour, .dow, .isodow, .doy, .week].contains($0) } ?? false:
            return timestampColumn(args[0])
        case .function(let f, let args, _) where f.strftimeFormat.map { TimeMath.strftimeResolution($0) >= hour } ?? false:
            return timestampColumn(args[0])
        case .cast(let x, .date) where x.type == .timestamp:
            return timestampColumn(x)
        default:
            return e.children.allSatisfy { changesHourly($0, column: &column) }
        }
    }

    /// `storedRuns` for `plan`: nil without runs of time, with a filter, or when more than the keys read the times.
    private static func storedRuns(_ plan: SelectPlan, _ shape: Shape) -> (read: [Int], unit: Int64)? {
        guard case .timeRuns(let column, let codeKeys) = shape, plan.filter == nil else { return nil }
        var read = Set(codeKeys.flatMap { plan.groupKeys[$0].columns })
        for spec in plan.aggregates { read.formUnion(spec.argument?.columns ?? []) }
        guard !read.contains(column) else { return nil }
        return (read.sorted(), plan.groupKeys.allSatisfy(changesDaily) ? 24 * hour : hour)
    }

    /// Whether `e`, a key `changesHourly` allows, is also constant within every local day (CAST AS DATE,
    /// date_trunc to the day or coarser, EXTRACT of the day or a coarser field, and expressions over these).
    private static func changesDaily(_ e: BoundExpression) -> Bool {
        switch e {
        case .constant, .column(_, _, .string): return true
        case .function(let f, _, _) where f.dateTruncUnit != nil:
            return ![.second, .minute, .hour].contains(f.dateTruncUnit!)
        case .function(let f, _, _) where f.datePartField != nil:
            return [.year, .quarter, .month, .day, .dow, .isodow, .doy, .week].contains(f.datePartField!)
        case .function(let f, _, _) where f.strftimeFormat != nil:
            return false
        case .cast(let x, .date) where x.type == .timestamp:
            return true
        case .column, .groupKey, .aggregate:
            return false
        default:
            return e.children.allSatisfy(changesDaily)
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
        case .timeRuns(let column, let codeKeys):
            return try aggregateByRuns(of: column, codeKeys: codeKeys, evaluator, batch, table: table, accumulators: accumulators)
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
        let overflow = try Self.withBuckets(keys, sizes) { bucket in addInputs(bucket, inputs, batch, &partials) }
        guard !overflow else { return false }
        // An argument without NULLs counts every row of its bucket.
        for (a, input) in inputs.enumerated() where input != nil && input!.nulls == nil { partials.counts[a] = partials.rows }
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

    /// The rows' buckets: the keys' slots (code, or the last slot for NULL) in mixed radix, read straight
    /// from the codes and NULL flags of the one or two keys (a loop made for each kind, through `body`).
    private static func withBuckets(_ keys: [Vector], _ sizes: [Int], _ body: (any RowBuckets) throws -> Bool) throws -> Bool {
        try withBuckets(keys[0], sizes[0]) { first in
            guard keys.count == 2 else { return try body(first) }
            return try withBuckets(keys[1], sizes[1]) { second in
                /// Opens both kinds, so that the pair's type names them.
                func pair<F: RowBuckets, S: RowBuckets>(_ f: F, _ s: S) throws -> Bool {
                    try body(PairBuckets(first: f, second: s, radix: sizes[1]))
                }
                return try pair(first, second)
            }
        }
    }

    /// The slots of one key: its codes, or with NULLs in the last of its `size` slots.
    private static func withBuckets(_ key: Vector, _ size: Int, _ body: (any RowBuckets) throws -> Bool) throws -> Bool {
        try key.ints.withUnsafeBufferPointer { codes in
            guard let nulls = key.nulls else { return try body(CodeBuckets(codes: codes.baseAddress!)) }
            return try nulls.withUnsafeBufferPointer { n in
                try body(NullableCodeBuckets(codes: codes.baseAddress!, nulls: n.baseAddress!, nullSlot: Int64(size - 1)))
            }
        }
    }

    /// Adds every argument's values (and the rows) of the selected rows (or those of `range`) into their
    /// buckets' partials; true when a partial sum may have wrapped (the block then takes the general path).
    /// The rows are counted in the pass of the first argument (the usual revenue sum), else in a pass of
    /// their own.
    private func addInputs<B: RowBuckets>(_ bucket: B, _ inputs: [Vector?], _ batch: Batch, within range: Range<Int>? = nil,
                                          _ partials: inout Partials) -> Bool {
        var rowsCounted = false
        var magnitudeOf = [Int64](repeating: 0, count: inputs.count)
        for (a, input) in inputs.enumerated() {
            guard let input else { continue }
            // sum(x), avg(x) and count(x) of one column: added once.
            if let same = inputs[..<a].firstIndex(where: { $0 === input }) {
                partials.sums[a] = partials.sums[same]
                partials.counts[a] = partials.counts[same]
                magnitudeOf[a] = magnitudeOf[same]
            } else {
                magnitudeOf[a] = add(input, a, countingRows: !rowsCounted)
                rowsCounted = true
            }
            // Within one block the partial sums cannot have wrapped unless rows × the largest magnitude can.
            if plan.aggregates[a].kind != .count,
               ExactSum.grow(0, rows: range?.count ?? batch.selectedCount, largest: ExactSum.magnitudeBound(magnitudeOf[a])) == nil {
                return true
            }
        }
        if !rowsCounted {
            partials.rows.withUnsafeMutableBufferPointer { r in _ = BucketSums.add(bucket, UnitValues(), batch, within: range, into: r) }
        }
        return false

        /// Adds argument `a` into its partials (and the rows, when asked); returns its values' magnitudes.
        func add(_ input: Vector, _ a: Int, countingRows countRows: Bool) -> Int64 {
            input.ints.withUnsafeBufferPointer { values in
                partials.sums[a].withUnsafeMutableBufferPointer { s in
                    partials.rows.withUnsafeMutableBufferPointer { r -> Int64 in
                        let rows = countRows ? r : nil
                        guard let nulls = input.nulls else {
                            return BucketSums.add(bucket, PlainValues(values: values.baseAddress!), batch, within: range, into: s, rows: rows)
                        }
                        return nulls.withUnsafeBufferPointer { n in
                            partials.counts[a].withUnsafeMutableBufferPointer { c in
                                BucketSums.add(bucket, NullableValues(values: values.baseAddress!, nulls: n.baseAddress!), batch,
                                               within: range, into: s, counting: c, rows: rows)
                            }
                        }
                    }
                }
            }
        }
    }

    // MARK: From the zone map

    /// Aggregates a footer entry answers (`WholeBlockAggregates`), keyed by time buckets that never decrease
    /// as time goes on (date_trunc, CAST AS DATE, the year): a block that the filter selects whole (or with
    /// no filter) and whose first and last instants fall in the same buckets is aggregated from its footer
    /// entries, without decoding anything.
    private var aggregatesFromFooter: Bool {
        guard case .timeRuns = shape, fromFooter else { return false }
        return plan.groupKeys.allSatisfy(Self.neverDecreases)
    }

    /// Whether a time key never decreases as time goes on (date_trunc, CAST AS DATE, the year, a constant):
    /// then, equal at a block's first and last instant, it is the same for every row between. An hour, a
    /// weekday or a day of the month comes round again and may differ in between.
    private static func neverDecreases(_ key: BoundExpression) -> Bool {
        switch key {
        case .cast(_, .date): return true
        case .function(let f, _, _) where f.dateTruncUnit != nil || f.datePartField == .year: return true
        default: return key.isConstant
        }
    }

    /// Aggregates a whole block from its footer entries when its keys are the same at its first and last
    /// instant; false when the block must be read.
    func aggregateFromZoneMap(_ segment: SegmentReader, _ block: Int, wholeBlock: Bool, table: GroupTable,
                              accumulators: [Accumulator]) throws -> Bool {
        guard case .timeRuns(let column, _) = shape, plan.filter == nil || wholeBlock, aggregatesFromFooter,
              WholeBlockAggregates.canAdd(plan, segment, block, accumulators: accumulators),
              let ends = try keysAtBlockEnds(segment, block, time: column) else { return false }
        let keys = plan.groupKeys.indices.map { ends[$0]! }
        var groups = [Int32](repeating: 0, count: 2)
        table.assign(keys, Batch(count: 1, selection: nil), into: &groups)
        for acc in accumulators { acc.reserve(groups: table.groupCount) }
        try WholeBlockAggregates.add(plan, segment, block, group: Int(groups[0]), accumulators: accumulators)
        return true
    }

    /// The group keys other than the one at `except`, computed at the first and last instant of a block's
    /// time column (from its zone map); nil when the block has NULL times or none, or when a key differs
    /// between the two (the block then spans more than one of its buckets). Only keys that never decrease
    /// (`neverDecreases`) are then the same for the whole block.
    private func keysAtBlockEnds(_ segment: SegmentReader, _ block: Int, time: Int, except: Int? = nil) throws -> [Int: Vector]? {
        let zone = segment.columns[time].blocks[block]
        guard zone.nullCount == 0, zone.rowCount > 0 else { return nil }
        let ends = Vector(type: .timestamp, count: 2)
        ends.ints[0] = zone.min
        ends.ints[1] = zone.max
        let evaluator = Evaluator(offsetSeconds: offsetSeconds, columns: [time: ends])
        var keys: [Int: Vector] = [:]
        for k in plan.groupKeys.indices where k != except {
            let key = try evaluator.evaluate(plan.groupKeys[k], Batch(count: 2, selection: nil))
            guard key.value(0) == key.value(1) else { return nil }
            keys[k] = key
        }
        return keys
    }

    /// A string key's values for buckets given by their slots in it: a code, or `pool.count` for NULL.
    private static func codeVector(_ slots: [Int], _ pool: StringPool) -> Vector {
        let codes = Vector(type: .string, count: slots.count)
        codes.pool = pool
        for (j, slot) in slots.enumerated() {
            if slot == pool.count { codes.ints[j] = 0; codes.setNull(j) } else { codes.ints[j] = Int64(slot) }
        }
        return codes
    }

    // MARK: From the code summary

    /// Aggregates a block the filter selects whole (or with no filter) by its one string key from the totals
    /// per code its segment keeps (`CodeSummary`): the block is not read at all. count(*), count of the key
    /// or of an integer or money column, and sum and avg of those. False when the query, the segment or
    /// the block does not allow it.
    func aggregateFromSummary(_ segment: SegmentReader, _ block: Int, wholeBlock: Bool, scanner: TableScanner,
                              cursor: TableScanner.Cursor, table: GroupTable, accumulators: [Accumulator]) throws -> Bool {
        guard wholeBlock, case .codes = shape, plan.groupKeys.count == 1, case .column(let key, _, .string) = plan.groupKeys[0],
              fromFooter, let summary = try segment.codeSummary(column: key) else { return false }
        let totals = summary.blocks[block]
        guard let measureOf = WholeBlockAggregates.measures(plan, summary, block, key: key, accumulators: accumulators) else { return false }
        let pool = try scanner.pool(segment, key, cursor)
        let slots = totals.codes.map { $0 == CodeSummary.nullCode ? pool.count : Int($0) }
        guard slots.allSatisfy({ $0 <= pool.count }) else { return false }
        let entries = Batch(count: slots.count, selection: nil)
        var groups = [Int32](repeating: 0, count: slots.count)
        table.assign([Self.codeVector(slots, pool)], entries, into: &groups)
        for accumulator in accumulators { accumulator.reserve(groups: table.groupCount) }
        // Each entry to its group (one entry's sums are stored values: they cannot leave Int64).
        var values: [(count: Int64, sum: Int64)] = []
        for k in slots.indices {
            _ = WholeBlockAggregates.values(of: CollectionOfOne(k), totals, plan, measures: measureOf, into: &values)
            try WholeBlockAggregates.add(values, group: Int(groups[k]), accumulators: accumulators)
        }
        return true
    }

    // MARK: Counted in storage

    /// The string keys whose codes storage can count for this query — their positions among the group keys
    /// and their columns — and the timestamp column of the other keys, if any: count(*) only, no join, and
    /// either one or two string keys (arrivals by spot, by route and spot) or one with time keys besides it
    /// (arrivals by month and spot).
    private static func countedKeys(_ plan: SelectPlan, _ shape: Shape) -> (keys: [(position: Int, column: Int)], time: Int?)? {
        guard plan.joins.isEmpty, plan.postJoinFilter == nil, plan.aggregates.allSatisfy({ $0.kind == .countStar }) else { return nil }
        switch shape {
        case .codes:
            let keys = plan.groupKeys.indices.compactMap { k -> (position: Int, column: Int)? in
                if case .column(let column, _, .string) = plan.groupKeys[k] { return (k, column) } else { return nil }
            }
            guard keys.count == plan.groupKeys.count else { return nil }
            return (keys, nil)
        case .timeRuns(let time, let codeKeys):
            guard codeKeys.count == 1, case .column(let column, _, .string) = plan.groupKeys[codeKeys[0]] else { return nil }
            // A whole block is one time bucket only when its keys, equal at both ends, cannot differ between.
            guard plan.groupKeys.indices.allSatisfy({ $0 == codeKeys[0] || neverDecreases(plan.groupKeys[$0]) }) else { return nil }
            return ([(codeKeys[0], column)], time)
        }
    }

    /// Counts a block the filter selects whole (or with no filter) by its key's codes, counted by storage
    /// straight from the packed block (`SegmentReader.countCodes`): the column is never decoded into a
    /// vector. Two string keys are counted in pairs (`SegmentReader.countCodePairs`): one decoded, the other
    /// counted from its packed codes, NULLs of both found from the validity bitmaps. With time keys
    /// as well, the block's zone map must show them equal at its first and last instant (a block inside one
    /// month), and the times are not decoded either. False when the query or the block does not allow it.
    func countInStorage(_ segment: SegmentReader, _ block: Int, wholeBlock: Bool, scanner: TableScanner, cursor: TableScanner.Cursor,
                        table: GroupTable, accumulators: [Accumulator]) throws -> Bool {
        guard wholeBlock, let countedKeys else { return false }
        var keys = countedKeys.keys
        let time = countedKeys.time
        // One key: its NULL rows are read one by one to be moved to its NULL slot, and past a thirty-second
        // of the rows decoding the block costs less.
        if keys.count == 1 {
            let column = segment.columns[keys[0].column]
            guard column.blocks[block].nullCount * 32 <= column.blocks[block].rowCount else { return false }
        }
        // The time keys at the block's first and last instant, which must agree.
        var timeKeys: [Int: Vector] = [:]
        if let time {
            guard let ends = try keysAtBlockEnds(segment, block, time: time, except: keys[0].position) else { return false }
            timeKeys = ends
        }
        // Counts in a row of slots (each code, then NULL) of the last key per slot of the first; the key
        // with the smaller dictionary is the first, decoded into the narrower codes.
        var pools = try keys.map { try scanner.pool(segment, $0.column, cursor) }
        if keys.count == 2, pools[0].count > pools[1].count { keys.swapAt(0, 1); pools.swapAt(0, 1) }
        let stride = pools.last!.count + 1
        let firstSlots = keys.count == 2 ? pools[0].count + 1 : 1
        guard firstSlots * stride <= 1 << 16 else { return false }
        var counts = [Int64](repeating: 0, count: firstSlots * stride)
        try counts.withUnsafeMutableBufferPointer { all in
            if keys.count == 2 {
                try segment.countCodePairs(first: keys[0].column, second: keys[1].column, block: block, into: all, scratch: cursor.scratch)
            } else {
                try segment.countCodes(column: keys[0].column, block: block, into: all, validity: cursor.validity, scratch: cursor.scratch)
            }
        }
        // One group per pair of slots (or slot) that occurs, found once.
        let filled = counts.indices.filter { counts[$0] > 0 }
        let filledBatch = Batch(count: filled.count, selection: nil)
        let firstRow = [Int32](repeating: 0, count: filled.count)
        let keyVectors = plan.groupKeys.indices.map { k -> Vector in
            if let timeKey = timeKeys[k] { return timeKey.gathered(firstRow, filledBatch) }
            if keys.count == 2, k == keys[0].position { return Self.codeVector(filled.map { $0 / stride }, pools[0]) }
            return Self.codeVector(filled.map { $0 % stride }, pools.last!)
        }
        var groups = [Int32](repeating: 0, count: filled.count)
        table.assign(keyVectors, filledBatch, into: &groups)
        for acc in accumulators {
            acc.reserve(groups: table.groupCount)
            for (j, slot) in filled.enumerated() { (acc as? CountAccumulator)?.add(group: Int(groups[j]), count: counts[slot]) }
        }
        return true
    }

    // MARK: By runs of time

    private static let hour: Int64 = 3_600_000_000

    private func aggregateByRuns(of column: Int, codeKeys: [Int], _ evaluator: Evaluator, _ batch: Batch, table: GroupTable,
                                 accumulators: [Accumulator]) throws -> Bool {
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
        // The time keys, computed for one row of each run.
        let representatives = Vector(type: .timestamp, count: runs)
        for (r, start) in starts.enumerated() { representatives.ints[r] = times.ints[start] }
        let keyEvaluator = Evaluator(offsetSeconds: offsetSeconds, columns: [column: representatives])
        let inputs = try plan.aggregates.map { try $0.argument.map { try evaluator.evaluate($0, batch) } }
        guard codeKeys.isEmpty else {
            return try aggregateByRunsAndCodes(starts, end: n, keyEvaluator, codeKeys: codeKeys, inputs: inputs, evaluator, batch,
                                               table: table, accumulators: accumulators)
        }
        try foldRuns(starts, end: n, keyEvaluator, inputs: inputs, table: table, accumulators: accumulators)
        return true
    }

    /// Aggregates the runs of rows that begin at `starts` (the last ends at `n`): their keys computed once each
    /// by `keyEvaluator` (one row of each run), their rows counted and `inputs` summed per run, then folded.
    private func foldRuns(_ starts: [Int], end n: Int, _ keyEvaluator: Evaluator, inputs: [Vector?], table: GroupTable,
                          accumulators: [Accumulator]) throws {
        let runs = starts.count
        let runBatch = Batch(count: runs, selection: nil)
        let keys = try plan.groupKeys.map { try keyEvaluator.evaluate($0, runBatch) }
        var groups = [Int32](repeating: 0, count: runs)
        table.assign(keys, runBatch, into: &groups)

        var partials = Partials(buckets: runs, inputs: inputs)
        for r in 0..<runs {
            let end = r + 1 < runs ? starts[r + 1] : n
            partials.rows[r] = Int64(end - starts[r])
            for (a, input) in inputs.enumerated() {
                guard let input else { continue }
                // sum(x), avg(x) and count(x) of one column: summed once.
                if let same = inputs[..<a].firstIndex(where: { $0 === input }) {
                    partials.counts[a][r] = partials.counts[same][r]
                    partials.sums[a][r] = partials.sums[same][r]
                    continue
                }
                let (count, sum) = try Self.countAndSum(input, starts[r]..<end)
                partials.counts[a][r] = count
                partials.sums[a][r] = sum
            }
        }
        try fold(partials, inputs: inputs, table: table, accumulators: accumulators) { groups[$0] }
    }

    /// Aggregates a block by runs of time without decoding its times, when nothing but the group keys reads the
    /// time column and the block stores it in order (`SegmentReader.firstRows`): the boundaries of local days
    /// (or hours, when a key changes hourly) inside the block's zone map are placed by adding up the stored
    /// deltas, and only the stretches of deltas that hold a boundary are decoded. The other columns are read as usual. False when the block must be read
    /// whole (a filter, NULL times, times stored otherwise, too many runs).
    func aggregateByRunsInStorage(_ segment: SegmentReader, _ block: Int, scanner: TableScanner, cursor: TableScanner.Cursor,
                                  table: GroupTable, accumulators: [Accumulator]) throws -> Bool {
        guard case .timeRuns(let column, let codeKeys) = shape, let (read, unit) = storedRuns,
              accumulators.allSatisfy({ $0 is CountAccumulator || $0 is SumIntegerAccumulator }) else { return false }
        let zone = segment.columns[column].blocks[block]
        let n = zone.rowCount
        guard zone.nullCount == 0, n > 0 else { return false }
        let offset = Int64(offsetSeconds) * 1_000_000
        let (first, last) = (Self.unitIndex(zone.min, offset, unit), Self.unitIndex(zone.max, offset, unit))
        guard first <= last, last - first < Int64(n / 16 + 1) else { return false }
        // Row 0 (below every time), then the first row at or after each boundary inside the block.
        let thresholds = [Int64.min] + stride(from: first + 1, through: last, by: 1).map { $0 * unit - offset }
        guard let found = try segment.firstRows(column: column, block: block, atLeast: thresholds, scratch: cursor.scratch) else {
            return false
        }
        var starts: [Int] = []
        let representatives = Vector(type: .timestamp, count: 0)
        for (row, time) in found where row < n && (starts.last.map { row > $0 } ?? true) {
            starts.append(row)
            representatives.ints.append(time)
        }
        let keyEvaluator = Evaluator(offsetSeconds: offsetSeconds, columns: [column: representatives])
        let evaluator = Evaluator(offsetSeconds: offsetSeconds,
                                  columns: try scanner.load(segment: segment, block: block, cursor: cursor, columns: read))
        let batch = Batch(count: n, selection: nil)
        let inputs = try plan.aggregates.map { try $0.argument.map { try evaluator.evaluate($0, batch) } }
        guard codeKeys.isEmpty else {
            return try aggregateByRunsAndCodes(starts, end: n, keyEvaluator, codeKeys: codeKeys, inputs: inputs, evaluator, batch,
                                               table: table, accumulators: accumulators)
        }
        try foldRuns(starts, end: n, keyEvaluator, inputs: inputs, table: table, accumulators: accumulators)
        return true
    }

    /// Runs of time and the codes of one or two string keys. Consecutive runs whose time keys are equal
    /// (the hours of one month) make one stretch of rows; each stretch is summed like buckets by code, a
    /// bucket per slot of the string keys (code, or the last slot for NULL), and the groups of the buckets
    /// that hold rows are found once, from the stretch's time keys and the codes.
    private func aggregateByRunsAndCodes(_ starts: [Int], end n: Int, _ keyEvaluator: Evaluator, codeKeys: [Int], inputs: [Vector?],
                                         _ evaluator: Evaluator, _ batch: Batch, table: GroupTable, accumulators: [Accumulator]) throws -> Bool {
        let runs = starts.count
        let codeVectors = try codeKeys.map { try evaluator.evaluate(plan.groupKeys[$0], batch) }
        let pools = codeVectors.compactMap(\.pool)
        guard pools.count == codeVectors.count else { return false }
        let sizes = pools.map { $0.count + 1 }
        let slots = sizes.reduce(1, *)
        guard slots <= 1 << 16 else { return false }
        let runBatch = Batch(count: runs, selection: nil)
        let timeKeys = try plan.groupKeys.indices.map { k in
            codeKeys.contains(k) ? nil : try keyEvaluator.evaluate(plan.groupKeys[k], runBatch)
        }
        // Stretches: a run starts one when a time key differs from the run before.
        var stretches: [(run: Int, rows: Range<Int>)] = []
        for r in 0..<runs {
            let end = r + 1 < runs ? starts[r + 1] : n
            if r > 0, timeKeys.allSatisfy({ $0 == nil || $0!.value(r) == $0!.value(r - 1) }) {
                stretches[stretches.count - 1].rows = stretches[stretches.count - 1].rows.lowerBound..<end
            } else {
                stretches.append((r, starts[r]..<end))
            }
        }
        var partials: [Partials] = []
        for stretch in stretches {
            var part = Partials(buckets: slots, inputs: inputs)
            let overflow = try Self.withBuckets(codeVectors, sizes) { codes in addInputs(codes, inputs, batch, within: stretch.rows, &part) }
            guard !overflow else { return false }
            for (a, input) in inputs.enumerated() where input != nil && input!.nulls == nil { part.counts[a] = part.rows }
            partials.append(part)
        }
        // The keys of the buckets that hold rows: time keys from their stretch's run, string keys from their slots.
        let filled = partials.indices.flatMap { s in partials[s].rows.indices.filter { partials[s].rows[$0] > 0 }.map { (s, $0) } }
        let filledBatch = Batch(count: filled.count, selection: nil)
        let runOfFilled = filled.map { Int32(stretches[$0.0].run) }
        let keys = plan.groupKeys.indices.map { k -> Vector in
            if let perRun = timeKeys[k] { return perRun.gathered(runOfFilled, filledBatch) }
            // The string key's slot, read back from the mixed radix.
            let position = codeKeys.firstIndex(of: k)!
            let below = sizes[(position + 1)...].reduce(1, *)
            return Self.codeVector(filled.map { $0.1 / below % sizes[position] }, pools[position])
        }
        var groups = [Int32](repeating: 0, count: filled.count)
        table.assign(keys, filledBatch, into: &groups)
        var groupOf = [[Int32]](repeating: [Int32](repeating: -1, count: slots), count: stretches.count)
        for (j, (stretch, bucket)) in filled.enumerated() { groupOf[stretch][bucket] = groups[j] }
        for (s, part) in partials.enumerated() {
            try fold(part, inputs: inputs, table: table, accumulators: accumulators) { groupOf[s][$0] }
        }
        return true
    }

    /// Whether values never decrease, in a loop that vectorizes with SSE2 alone (which has no 64-bit
    /// comparison): the differences of neighbours are or-ed, and a negative one sets the sign bit. Values
    /// outside ±2^62, whose differences could wrap, set it as well (they take the general path).
    private static func isOrdered(_ t: UnsafeBufferPointer<Int64>) -> Bool {
        let n = t.count
        guard n > 1 else { return true }
        let bias: Int64 = 1 << 62
        var bad = t[n - 1] &+ bias
        for i in 0..<(n - 1) {
            bad |= (t[i + 1] &- t[i]) | (t[i] &+ bias)
        }
        return bad >= 0
    }

    /// The local hour a time falls in (floor division: times before 1970 too).
    @inline(__always)
    private static func hourIndex(_ t: Int64, _ offset: Int64) -> Int64 { unitIndex(t, offset, hour) }

    /// The number of the local span of `unit` microseconds (an hour, a day) that `t` lies in.
    private static func unitIndex(_ t: Int64, _ offset: Int64, _ unit: Int64) -> Int64 {
        let x = t + offset
        return x >= 0 ? x / unit : -((-x + unit - 1) / unit)
    }

    /// The non-NULL count and the sum of a range of an integer-lane vector.
    private static func countAndSum(_ v: Vector, _ range: Range<Int>) throws -> (Int64, Int64) {
        let (count, sum) = v.ints.withUnsafeBufferPointer { ExactSum.sum($0.baseAddress!, range, nulls: v.nulls) }
        guard let sum else { throw ExactSum.overflow("sum", of: v.type) }
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
