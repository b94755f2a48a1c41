/// Window functions over its input's rows (`LogicalPlan.window`): the rows, read whole and held in the
/// budget, are sorted once by the first window's partition keys and order (`RowOrder`, as SortOperator
/// sorts) into one chunk; functions over other windows order that chunk again by their own keys. Each
/// partition is then walked once per function: rankings from the peer groups, lag and lead by position, frame
/// functions by sliding the frame (`WindowFrameBounds`, `WindowAggregateState`), so a running sum costs
/// O(rows). The output is the input's columns followed by one column per function.
final class WindowOperator: PhysicalOperator {
    let input: PhysicalOperator
    let functions: [WindowFunctionSpec]
    let environment: ExecutionEnvironment
    /// How EXPLAIN names the group keys and aggregates of an aggregate below.
    var names: AggregateNames?

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

    /// A window's sort keys: the partition keys, then its order.
    private func sortKeys(_ f: WindowFunctionSpec) -> [SortKey] {
        f.partition.map { SortKey(expression: $0, descending: false, nullsFirst: false) } + f.order
    }

    func execute() throws -> [DataChunk] {
        let context = environment.context
        let offset = environment.offsetSeconds
        var chunks: [DataChunk] = []
        var bytes = 0
        try input.stream(in: context) { chunk in
            try context.check()
            guard chunk.count > 0 else { return }
            chunks.append(chunk)
            bytes += chunk.approximateBytes
            try context.hold(bytes, for: self)
        }
        guard !chunks.isEmpty else { return [] }
        let groups = windows
        // The rows in one chunk, in the first window's order.
        let firstKeys = sortKeys(functions[groups[0][0]])
        let data: DataChunk
        if firstKeys.isEmpty && chunks.count == 1 {
            data = chunks[0]
        } else {
            try context.hold(bytes + chunks.reduce(0) { $0 + $1.count } * 24, for: self)
            let order = try RowOrder(keys: firstKeys, chunks: chunks, offsetSeconds: offset)
            let entries = try SortOperator.sortedEntries(chunks, order, context: context)
            data = SortOperator.gather(chunks, entries.map { (chunk: $0.chunk, row: $0.row) })
        }
        chunks = []
        let n = data.count
        try context.hold(data.approximateBytes + n * (16 + 8 * functions.count), for: self)
        var results = [Vector?](repeating: nil, count: functions.count)
        for (g, group) in groups.enumerated() {
            let keys = sortKeys(functions[group[0]])
            let order = try RowOrder(keys: keys, chunks: [data], offsetSeconds: offset)
            let rows = g == 0 || keys.isEmpty ? Array(0..<Int32(n)) : try SortOperator.sortedEntries([data], order, context: context).map(\.row)
            let partitions = try self.partitions(rows, order, partitionKeys: functions[group[0]].partition.count)
            for i in group {
                results[i] = try compute(functions[i], over: partitions, data: data, orderVectors: Array(order.vectors[0].dropFirst(functions[i].partition.count)))
            }
        }
        var output = data.withColumns(data.columns + results.map { $0! }, count: n)
        output.windowCount = functions.count
        return [output]
    }

    /// The partitions of the rows (in window order) with their peer groups.
    private func partitions(_ rows: [Int32], _ order: RowOrder, partitionKeys p: Int) throws -> [WindowPartition] {
        let vectors = order.vectors[0]
        let partitionOrder = RowOrder(keys: Array(order.keys.prefix(p)), vectors: [Array(vectors.prefix(p))])
        let peerOrder = RowOrder(keys: Array(order.keys.dropFirst(p)), vectors: [Array(vectors.dropFirst(p))])
        var starts: [Int] = []
        for i in rows.indices where i == 0 || partitionOrder.compare(0, Int(rows[i - 1]), 0, Int(rows[i])) != 0 {
            starts.append(i)
        }
        starts.append(rows.count)
        // Peer groups, as positions within each partition (one array for all partitions).
        var peerStart = [Int](repeating: 0, count: rows.count)
        var peerEnd = [Int](repeating: 0, count: rows.count)
        for (start, end) in zip(starts, starts.dropFirst()) {
            try environment.context.check()
            var group = 0
            for j in 0..<(end - start) {
                if j > 0 && peerOrder.compare(0, Int(rows[start + j - 1]), 0, Int(rows[start + j])) != 0 {
                    for k in group..<j { peerEnd[start + k] = j }
                    group = j
                }
                peerStart[start + j] = group
            }
            for k in group..<(end - start) { peerEnd[start + k] = end - start }
        }
        return zip(starts, starts.dropFirst()).map { start, end in
            WindowPartition(rows: rows, start: start, count: end - start, peerStart: peerStart, peerEnd: peerEnd)
        }
    }

    /// One function's result for every data row.
    private func compute(_ f: WindowFunctionSpec, over partitions: [WindowPartition], data: DataChunk, orderVectors: [Vector]) throws -> Vector {
        let n = data.count
        let evaluator = data.evaluator(offsetSeconds: environment.offsetSeconds)
        let arguments = try f.arguments.map { try evaluator.evaluate($0, data.batch) }
        let context = environment.context
        switch f.kind {
        case .rowNumber, .rank, .denseRank, .ntile:
            let out = Vector(type: .int64, count: n)
            for p in partitions {
                try context.check()
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
            guard arguments.count == 2 else { return arguments[0].gathered(sources, data.batch) }
            // Rows without a row at the offset take the default, computed at the row itself.
            let positions = sources.indices.map { r in sources[r] >= 0 ? (chunk: Int32(0), row: sources[r]) : (chunk: Int32(1), row: Int32(r)) }
            return Vector.concatenated(arguments, positions)
        case .firstValue, .lastValue, .nthValue:
            var sources = [Int32](repeating: -1, count: n)
            let bounds = frameBounds(f, orderVectors)
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
            return arguments[0].gathered(sources, data.batch)
        case .aggregate(let kind):
            var included: [Bool]?
            if let filter = f.filter {
                let flags = try evaluator.evaluate(filter, data.batch)
                included = (0..<n).map { flags.ints[$0] != 0 && !flags.isNull($0) }
            }
            let state = makeWindowAggregateState(kind, type: f.type, values: arguments.first, included: included, count: n)
            let bounds = frameBounds(f, orderVectors)
            for p in partitions {
                try context.check()
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

    private func frameBounds(_ f: WindowFunctionSpec, _ orderVectors: [Vector]) -> WindowFrameBounds {
        WindowFrameBounds(frame: f.frame, order: f.order, keyVector: f.order.count == 1 ? orderVectors.first : nil)
    }
}
