import HuiyanStorage

/// GROUP BY over the scanned table joined to another table on one of its string columns, aggregated
/// below the join: the scanned table is first aggregated by the join key alone (arrivals and spend per
/// spot, which the fast paths answer from each block's totals per code), then each key's partial
/// aggregates are joined to its rows of the other table and combined into the query's groups (per grade
/// of spot). Counts, sums, minima and maxima combine to the same answer either way, a key matching
/// several rows included (its partials are added once per match), so the aggregates must be count(*),
/// count, sum, avg, min and max of the scanned table's columns, without FILTER, and the group keys and the
/// conditions after the join may read the joined table and the join key alone. The keys must be few: at
/// most 2^16 strings in the scanned table's dictionaries of the key column.
struct AggregationBelowJoin {
    let plan: SelectPlan
    private let join: JoinPlan
    private let key: (column: Int, name: String)
    /// The per-key query's aggregates: count(*) first, then each partial the query's aggregates need, once.
    private let partials: [AggregateSpec]
    /// For each of the query's aggregates, the partials it combines (indexes into `partials`).
    private let combines: [Combine]

    private enum Combine {
        /// count(*) or count(x): the partial counts added.
        case count(Int)
        /// sum(x) or avg(x): the partial sums and non-NULL counts added.
        case sum(sum: Int, count: Int)
        /// min(x) or max(x): the extreme of the partial extremes.
        case extreme(Int)
    }

    /// nil when the query does not have that shape.
    init?(plan: SelectPlan) {
        guard plan.isAggregate, plan.joins.count == 1, let snapshot = plan.snapshot else { return nil }
        let join = plan.joins[0]
        guard join.probeFilter == nil, join.probeKeys.count == 1,
              case .column(let keyColumn, let keyName, .string) = join.probeKeys[0], keyColumn < plan.scannedColumnCount else { return nil }
        var partials = [AggregateSpec(kind: .countStar, argument: nil, filter: nil, type: .int64, text: "count(*)")]
        /// The index of the partial `kind` of `argument`, added when new.
        func partial(_ kind: AggregateKind, _ argument: BoundExpression, type: SQLType) -> Int {
            let spec = AggregateSpec(kind: kind, argument: argument, filter: nil, type: type, text: "\(kind.rawValue)(\(argument))")
            if let p = partials.firstIndex(where: { $0.computesSame(as: spec) }) { return p }
            partials.append(spec)
            return partials.count - 1
        }
        var combines: [Combine] = []
        for spec in plan.aggregates {
            guard spec.filter == nil else { return nil }
            if spec.kind == .countStar { combines.append(.count(0)); continue }
            guard let argument = spec.argument, case .column(let c, _, let type) = argument, c < plan.scannedColumnCount,
                  c != keyColumn else { return nil }
            switch spec.kind {
            case .count: combines.append(.count(partial(.count, argument, type: .int64)))
            case .sum, .avg:
                guard type == .int64 || type == .money else { return nil }
                combines.append(.sum(sum: partial(.sum, argument, type: type), count: partial(.count, argument, type: .int64)))
            case .min, .max: combines.append(.extreme(partial(spec.kind, argument, type: type)))
            default: return nil
            }
        }
        let afterJoin = { (c: Int) in c == keyColumn || join.owns(c) }
        guard plan.groupKeys.allSatisfy({ $0.columns.allSatisfy(afterJoin) }),
              plan.postJoinFilter?.columns.allSatisfy(afterJoin) ?? true,
              snapshot.segments.reduce(0, { $0 + $1.columns[keyColumn].dictionaryCount }) <= 1 << 16 else { return nil }
        self.plan = plan
        self.join = join
        self.key = (keyColumn, keyName)
        self.partials = partials
        self.combines = combines
    }

    /// EXPLAIN's line for the aggregation made below the join.
    var explanation: String {
        "PARTIAL AGGREGATE below the join, groups [\(key.name)] aggregates [\(partials.map(\.text).joined(separator: ", "))]"
    }

    /// Aggregates the query into `table` and `accumulators` (made for the query's group keys and aggregates).
    func aggregate(context: QueryContext, offsetSeconds: Int, table: GroupTable, accumulators: [Accumulator]) throws {
        let joined = try JoinTable(plan: join, context: context, offsetSeconds: offsetSeconds)
        // One chunk of keys in memory; a chunk per partition when the per-key aggregation spilled.
        for perKey in try SelectExecutor(plan: perKeyPlan(), context: context, offsetSeconds: offsetSeconds).run() where perKey.count > 0 {
            try combine(perKey, joined, offsetSeconds: offsetSeconds, table: table, accumulators: accumulators)
        }
    }

    /// Joins one chunk of per-key partials to the other table and adds them to the query's groups.
    private func combine(_ perKey: DataChunk, _ joined: JoinTable, offsetSeconds: Int, table: GroupTable, accumulators: [Accumulator]) throws {
        // Each key's partials ride through the join at column numbers past every table's, so that a key
        // matching several rows repeats them.
        let partialBase = join.columnBase + join.columnCount
        var vectors: [Int: Vector] = [key.column: perKey.columns[0]]
        for p in partials.indices { vectors[partialBase + p] = perKey.columns[1 + p] }
        var batch = Batch(count: perKey.count, selection: nil)
        try joined.probe(&batch, &vectors, Evaluator(offsetSeconds: offsetSeconds, columns: vectors), JoinTable.Cursor())
        let evaluator = Evaluator(offsetSeconds: offsetSeconds, columns: vectors)
        if let filter = plan.postJoinFilter, batch.selectedCount > 0 { try evaluator.filter(filter, &batch) }
        guard batch.selectedCount > 0 else { return }
        let keys = try plan.groupKeys.map { try evaluator.evaluate($0, batch) }
        var groups = [Int32](repeating: 0, count: batch.count)
        table.assign(keys, batch, into: &groups)
        for (combine, accumulator) in zip(combines, accumulators) {
            accumulator.reserve(groups: table.groupCount)
            switch combine {
            case .count(let p):
                let counts = vectors[partialBase + p]!, count = accumulator as! CountAccumulator
                batch.forEachSelected { count.add(group: Int(groups[$0]), count: counts.ints[$0]) }
            case .sum(let s, let c):
                let sums = vectors[partialBase + s]!, counts = vectors[partialBase + c]!, sum = accumulator as! SumIntegerAccumulator
                var failure: Error?
                batch.forEachSelected { i in
                    guard failure == nil, counts.ints[i] > 0 else { return }
                    do { try sum.add(group: Int(groups[i]), sum: sums.ints[i], count: counts.ints[i]) } catch { failure = error }
                }
                if let failure { throw failure }
            case .extreme(let p):
                try accumulator.update(vectors[partialBase + p]!, groups: groups, batch)
            }
        }
    }

    /// The scanned table grouped by the join key under the query's WHERE, with the partials as aggregates.
    private func perKeyPlan() -> SelectPlan {
        let p = SelectPlan()
        p.snapshot = plan.snapshot
        p.tableName = plan.tableName
        p.scannedColumnCount = plan.scannedColumnCount
        p.filter = plan.filter
        p.isAggregate = true
        p.groupKeys = [.column(key.column, name: key.name, type: .string)]
        p.aggregates = partials
        let read = Set([key.column]).union(partials.compactMap(\.argument).flatMap(\.columns))
        p.scanColumns = read.union(plan.filter?.columns ?? []).sorted()
        p.columnsAfterFilter = read.sorted()
        p.optimizer = plan.optimizer
        return p
    }
}
