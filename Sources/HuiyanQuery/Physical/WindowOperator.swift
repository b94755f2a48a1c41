/// Window functions over its input's rows (`LogicalPlan.window`): the rows, read whole and held in the
/// budget, are put in each window's order (`WindowOrdering`: partitions by hashing, each sorted by its ORDER
/// BY keys) without being moved — rows are named by their flat index. Each
/// partition is then walked once per function: rankings from the peer groups, lag and lead by position, frame
/// functions by sliding the frame (`WindowFrameBounds`, `WindowAggregateState`), so a running sum costs
/// O(rows). The output is the input's chunks, each with its rows' results after its columns.
///
/// When every function partitions alike (`PARTITION BY` the same keys) and the rows held pass a quarter of
/// the memory limit, the rows go to the statement's spill area instead, in partitions by the hash of those
/// keys (`PartitionedSpillWriter`): every row of a window partition lands in the same spill partition, so
/// each is then read back and evaluated alone, and its chunks handed on before the next is read.
final class WindowOperator: StreamingOperator {
    let input: PhysicalOperator
    let functions: [WindowFunctionSpec]
    let environment: ExecutionEnvironment
    /// How EXPLAIN names the group keys and aggregates of an aggregate below.
    var names: AggregateNames?
    /// After a run that spilled: into how many partitions (EXPLAIN ANALYZE says so).
    private(set) var spilledPartitions = 0
    /// Into how many partitions rows over the limit spill.
    static let spillPartitions = 16

    init(input: PhysicalOperator, functions: [WindowFunctionSpec], environment: ExecutionEnvironment) {
        self.input = input
        self.functions = functions
        self.environment = environment
    }

    var inputs: [PhysicalOperator] { [input] }

    func explanation(offsetSeconds: Int) -> [String] {
        var lines = ["WINDOW [\(functions.map(\.text).joined(separator: ", "))]"]
        for group in windows {
            let f = functions[group[0]]
            let partition = f.partition.map { $0.text(offsetSeconds: offsetSeconds, names: names) }.joined(separator: ", ")
            let order = f.order.map { "\($0.expression.text(offsetSeconds: offsetSeconds, names: names))\($0.descending ? " DESC" : "")" }
            lines.append("  partition [\(partition)] order [\(order.joined(separator: ", "))]: \(group.map { functions[$0].text }.joined(separator: ", "))")
        }
        if spilledPartitions > 0 { lines.append("  spilled: its input's rows in \(spilledPartitions) partitions (rows over the memory limit)") }
        return lines
    }

    /// The functions grouped by window (partition keys and order alike), in the order first written.
    private var windows: [[Int]] {
        var groups: [[Int]] = []
        for (i, f) in functions.enumerated() {
            if let g = groups.firstIndex(where: { functions[$0[0]].partition == f.partition && functions[$0[0]].order == f.order }) {
                groups[g].append(i)
            } else {
                groups.append([i])
            }
        }
        return groups
    }

    /// The PARTITION BY keys every function shares; nil when they differ or there are none (then the
    /// rows cannot be split and do not spill).
    private var sharedPartition: [BoundExpression]? {
        guard let first = functions.first?.partition, !first.isEmpty, functions.allSatisfy({ $0.partition == first }) else { return nil }
        return first
    }

    func produce(into consume: (DataChunk) throws -> Void) throws {
        let context = environment.context
        var chunks: [DataChunk] = []
        var bytes = 0
        let partition = sharedPartition
        let spillBytes = context.memoryLimit.map { $0 / 4 }
        var writer: PartitionedSpillWriter?
        // What the input's chunks say of their columns (group keys, column indexes), kept on those read back.
        var shape = DataChunk(columns: [], count: 0)
        try input.stream(in: context) { chunk in
            try context.check()
            guard chunk.count > 0 else { return }
            shape = chunk.withColumns([], count: 0)
            chunks.append(chunk)
            bytes += chunk.approximateBytes
            if let partition, let area = context.spillArea, context.spillsAlways || spillBytes.map({ bytes > $0 }) ?? false {
                if writer == nil {
                    writer = PartitionedSpillWriter(file: try area.makeFile(), partitionCount: Self.spillPartitions, level: 0,
                                                    keyCount: partition.count, bufferBytes: SpilledAggregation.bufferBytes(context))
                }
                for held in chunks {
                    let evaluator = held.evaluator(offsetSeconds: environment.offsetSeconds)
                    let keys = try partition.map { try evaluator.evaluate($0, held.batch) }
                    try writer!.add(keys + held.columns, held.batch)
                }
                chunks = []
                bytes = writer!.bufferedBytes
            }
            try context.hold(bytes, for: self)
        }
        guard let writer, let partition else {
            for chunk in try evaluate(chunks) { try consume(chunk) }
            return
        }
        try writer.finish()
        context.release(self)
        spilledPartitions = Self.spillPartitions
        context.statistics.addSpill(bytes: context.spillArea?.bytesWritten ?? 0, partitions: Self.spillPartitions)
        for records in writer.records where !records.isEmpty {
            try context.check()
            let part = try records.map { record -> DataChunk in
                let (vectors, count) = try record.read()
                return shape.withColumns(Array(vectors.dropFirst(partition.count)), count: count)
            }
            for chunk in try evaluate(part) { try consume(chunk) }
            context.release(self)
        }
    }

    /// The functions over `chunks` (every row of the partitions they hold): the chunks with the results
    /// after their columns.
    private func evaluate(_ chunks: [DataChunk]) throws -> [DataChunk] {
        let context = environment.context
        guard !chunks.isEmpty else { return [] }
        let bytes = chunks.reduce(0) { $0 + $1.approximateBytes }
        var offsets: [Int] = []
        var n = 0
        for chunk in chunks {
            offsets.append(n)
            n += chunk.count
        }
        guard n < Int(Int32.max) else { throw QueryError("a window over more than 2,147,483,647 rows is not supported") }
        // The rows, a sort entry and the peer groups per row, and the results.
        let held = bytes + n * (24 + 16 + 8 * functions.count)
        try context.hold(held, for: self)
        var results = [Vector?](repeating: nil, count: functions.count)
        for group in windows {
            let window = functions[group[0]]
            let ordering = try WindowOrdering(chunks: chunks, offsets: offsets, partition: window.partition, order: window.order,
                                              environment: environment, holder: self, heldBytes: held)
            for i in group {
                results[i] = try compute(functions[i], over: ordering.partitions, chunks: chunks, count: n)
            }
        }
        // Each input chunk with its rows' results after its columns.
        return chunks.enumerated().map { c, chunk in
            let own = chunks.count == 1 ? results.map { $0! }
                : results.map { $0!.gathered(Array(Int32(offsets[c])..<Int32(offsets[c] + chunk.count)), chunk.batch) }
            var out = chunk.withColumns(chunk.columns + own, count: chunk.count)
            out.windowCount = functions.count
            return out
        }
    }

    /// An expression over every row, as one vector of the flat row indexes.
    private func flat(_ e: BoundExpression, _ chunks: [DataChunk]) throws -> Vector {
        let vectors = try chunks.map { try $0.evaluator(offsetSeconds: environment.offsetSeconds).evaluate(e, $0.batch) }
        if vectors.count == 1 { return vectors[0] }
        var positions: [(chunk: Int32, row: Int32)] = []
        for (c, chunk) in chunks.enumerated() { for r in 0..<chunk.count { positions.append((Int32(c), Int32(r))) } }
        return Vector.concatenated(vectors, positions)
    }

    /// One function's result for every row (by flat index).
    private func compute(_ f: WindowFunctionSpec, over partitions: [WindowPartition], chunks: [DataChunk], count n: Int) throws -> Vector {
        let all = Batch(count: n, selection: nil)
        let arguments = try f.arguments.map { try flat($0, chunks) }
        let context = environment.context
        switch f.kind {
        case .rowNumber, .rank, .denseRank, .ntile:
            let out = Vector(type: .int64, count: n)
            for p in partitions {
                if p.count > 4096 || p.start & 0xFFF == 0 { try context.check() }
                var dense: Int64 = 0
                let m = Int64(p.count), buckets = f.count
                let (size, larger) = (m / buckets, m % buckets)
                for i in 0..<p.count {
                    let value: Int64
                    switch f.kind {
                    case .rowNumber: value = Int64(i + 1)
                    case .rank: value = Int64(p.peerStart(i) + 1)
                    case .denseRank:
                        if p.peerStart(i) == i { dense += 1 }
                        value = dense
                    default:
                        // The first `larger` buckets hold one row more than the others.
                        let k = Int64(i)
                        value = k < larger * (size + 1) ? k / (size + 1) + 1 : (k - larger * (size + 1)) / size + larger + 1
                    }
                    out.ints[p.row(i)] = value
                }
            }
            return out
        case .percentRank, .cumeDist:
            let out = Vector(type: .float64, count: n)
            for p in partitions {
                for i in 0..<p.count {
                    out.doubles[p.row(i)] = f.kind == .percentRank
                        ? (p.count > 1 ? Double(p.peerStart(i)) / Double(p.count - 1) : 0)
                        : Double(p.peerEnd(i)) / Double(p.count)
                }
            }
            return out
        case .lag, .lead:
            let shift = f.kind == .lag ? -f.count : f.count
            var sources = [Int32](repeating: -1, count: n)
            for p in partitions {
                for i in 0..<p.count {
                    let (j, overflow) = Int64(i).addingReportingOverflow(shift)
                    if !overflow && j >= 0 && j < Int64(p.count) { sources[p.row(i)] = Int32(p.row(Int(j))) }
                }
            }
            guard arguments.count == 2 else { return arguments[0].gathered(sources, all) }
            // Rows without a row at the offset take the default, computed at the row itself.
            let positions = sources.indices.map { r in sources[r] >= 0 ? (chunk: Int32(0), row: sources[r]) : (chunk: Int32(1), row: Int32(r)) }
            return Vector.concatenated(arguments, positions)
        case .firstValue, .lastValue, .nthValue:
            var sources = [Int32](repeating: -1, count: n)
            let bounds = try frameBounds(f, chunks)
            for p in partitions {
                let nonNull = bounds.nonNullRange(p)
                for i in 0..<p.count {
                    let (s, e) = bounds.bounds(i, in: p, nonNull: nonNull)
                    let pick: Int
                    switch f.kind {
                    case .firstValue: pick = s
                    case .lastValue: pick = e - 1
                    default: pick = s + Int(clamping: f.count) - 1
                    }
                    if s < e && pick >= s && pick < e { sources[p.row(i)] = Int32(p.row(pick)) }
                }
            }
            return arguments[0].gathered(sources, all)
        case .aggregate(let kind):
            var included: [Bool]?
            if let filter = f.filter {
                let flags = try flat(filter, chunks)
                included = (0..<n).map { flags.ints[$0] != 0 && !flags.isNull($0) }
            }
            let state = makeWindowAggregateState(kind, type: f.type, values: arguments.first, included: included, count: n)
            let bounds = try frameBounds(f, chunks)
            for p in partitions {
                if p.count > 4096 || p.start & 0xFFF == 0 { try context.check() }
                let nonNull = bounds.nonNullRange(p)
                state.reset()
                var lo = 0, hi = 0
                for i in 0..<p.count {
                    let (s, e) = bounds.bounds(i, in: p, nonNull: nonNull)
                    // Frames only move forward; an empty frame (end before start) is moved to its start.
                    let end = Swift.max(s, e)
                    while hi < end { state.add(p.row(hi)); hi += 1 }
                    while lo < s { state.remove(p.row(lo)); lo += 1 }
                    try state.write(p.row(i))
                }
            }
            return state.finish()
        }
    }

    /// The frame's bounds; RANGE offsets read the ORDER BY key.
    private func frameBounds(_ f: WindowFunctionSpec, _ chunks: [DataChunk]) throws -> WindowFrameBounds {
        WindowFrameBounds(frame: f.frame, order: f.order, keyVector: f.frame.hasOffsets && f.order.count == 1 ? try flat(f.order[0].expression, chunks) : nil)
    }
}
