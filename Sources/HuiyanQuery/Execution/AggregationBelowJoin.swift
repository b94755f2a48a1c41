import HuiyanStorage

/// GROUP BY over the scanned table joined to another table on one of its string columns, aggregated
/// below the join: the scanned table is first aggregated by the join key alone (arrivals and spend per
/// spot, which the fast paths answer from each block's totals per code), then each key's partial counts
/// and sums are joined to its rows of the other table and added into the query's groups (per grade of
/// spot). Counts and sums add up to the same either way, a key matching several rows included (its
/// partials are added once per match), so the aggregates must be count(*), count, sum and avg of the
/// scanned table's columns, without FILTER, and the group keys and the conditions after the join may read
/// the joined table and the join key alone. The keys must be few: at most 2^16 strings in the scanned
/// table's dictionaries of the key column.
struct AggregationBelowJoin {
    let plan: SelectPlan
    private let join: JoinPlan
    private let key: (column: Int, name: String)
    /// The scanned table's columns the aggregates read (other than the key), each once, with their types.
    private let arguments: [(column: Int, name: String, type: SQLType)]

    /// nil when the query does not have that shape.
    init?(plan: SelectPlan) {
        guard plan.isAggregate, plan.joins.count == 1, let snapshot = plan.snapshot else { return nil }
        let join = plan.joins[0]
        guard join.probeFilter == nil, join.probeKeys.count == 1,
              case .column(let keyColumn, let keyName, .string) = join.probeKeys[0], keyColumn < plan.scannedColumnCount else { return nil }
        var arguments: [(column: Int, name: String, type: SQLType)] = []
        for spec in plan.aggregates {
            guard spec.filter == nil else { return nil }
            switch spec.kind {
            case .countStar: continue
            case .count, .sum, .avg:
                guard case .column(let c, let name, let type) = spec.argument, c < plan.scannedColumnCount, c != keyColumn,
                      spec.kind == .count || type == .int64 || type == .money else { return nil }
                if !arguments.contains(where: { $0.column == c }) { arguments.append((c, name, type)) }
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
        self.arguments = arguments
    }

    /// Aggregates the query into `table` and `accumulators` (made for the query's group keys and aggregates).
    func aggregate(context: QueryContext, offsetSeconds: Int, table: GroupTable, accumulators: [Accumulator]) throws {
        let perKey = try SelectExecutor(plan: perKeyPlan(), context: context, offsetSeconds: offsetSeconds).run().rows
        guard !perKey.isEmpty else { return }
        // Each key's partials: its rows, then per argument its non-NULL count (and sum). They ride through the
        // join at column numbers past every table's, so that a key matching several rows repeats them.
        let partialBase = join.columnBase + join.columnCount
        var vectors: [Int: Vector] = [key.column: Vector.of(perKey.map { $0[0] }, type: .string)]
        for p in 1..<perKey[0].count { vectors[partialBase + p] = Vector.of(perKey.map { $0[p] }, type: .int64) }
        var batch = Batch(count: perKey.count, selection: nil)
        let joined = try JoinTable(plan: join, context: context, offsetSeconds: offsetSeconds)
        try joined.probe(&batch, &vectors, Evaluator(offsetSeconds: offsetSeconds, columns: vectors), JoinTable.Cursor())
        let evaluator = Evaluator(offsetSeconds: offsetSeconds, columns: vectors)
        if let filter = plan.postJoinFilter, batch.selectedCount > 0 { try evaluator.filter(filter, &batch) }
        guard batch.selectedCount > 0 else { return }
        let keys = try plan.groupKeys.map { try evaluator.evaluate($0, batch) }
        var groups = [Int32](repeating: 0, count: batch.count)
        table.assign(keys, batch, into: &groups)
        let rows = vectors[partialBase + 1]!
        for (spec, accumulator) in zip(plan.aggregates, accumulators) {
            accumulator.reserve(groups: table.groupCount)
            guard case .column(let c, _, _) = spec.argument else {
                let count = accumulator as! CountAccumulator
                batch.forEachSelected { count.add(group: Int(groups[$0]), count: rows.ints[$0]) }
                continue
            }
            let a = arguments.firstIndex { $0.column == c }!
            let counts = vectors[partialBase + partialColumn(of: a)]!
            if let count = accumulator as? CountAccumulator {
                batch.forEachSelected { count.add(group: Int(groups[$0]), count: counts.ints[$0]) }
                continue
            }
            let sums = vectors[partialBase + partialColumn(of: a) + 1]!
            let sum = accumulator as! SumIntegerAccumulator
            var failure: Error?
            batch.forEachSelected { i in
                guard failure == nil, counts.ints[i] > 0 else { return }
                do { try sum.add(group: Int(groups[i]), sum: sums.ints[i], count: counts.ints[i]) } catch { failure = error }
            }
            if let failure { throw failure }
        }
    }

    /// EXPLAIN's line for the aggregation made below the join.
    var explanation: String {
        let plan = perKeyPlan()
        return "PARTIAL AGGREGATE below the join, groups [\(plan.groupKeys.map(\.description).joined(separator: ", "))] aggregates [\(plan.aggregates.map(\.text).joined(separator: ", "))]"
    }

    /// The output column of the per-key query holding argument `a`'s non-NULL count (its sum follows).
    private func partialColumn(of a: Int) -> Int {
        2 + arguments[..<a].reduce(0) { $0 + (Self.summed($1.type) ? 2 : 1) }
    }

    private static func summed(_ type: SQLType) -> Bool { type == .int64 || type == .money }

    /// The scanned table grouped by the join key under the query's WHERE: count(*), then per argument its
    /// count and, for integers and money, its sum.
    private func perKeyPlan() -> SelectPlan {
        let p = SelectPlan()
        p.snapshot = plan.snapshot
        p.tableName = plan.tableName
        p.scannedColumnCount = plan.scannedColumnCount
        p.filter = plan.filter
        p.isAggregate = true
        p.groupKeys = [.column(key.column, name: key.name, type: .string)]
        p.aggregates = [AggregateSpec(kind: .countStar, argument: nil, filter: nil, type: .int64, text: "count(*)")]
        for argument in arguments {
            let column = BoundExpression.column(argument.column, name: argument.name, type: argument.type)
            p.aggregates.append(AggregateSpec(kind: .count, argument: column, filter: nil, type: .int64, text: "count(\(argument.name))"))
            if Self.summed(argument.type) {
                p.aggregates.append(AggregateSpec(kind: .sum, argument: column, filter: nil, type: argument.type, text: "sum(\(argument.name))"))
            }
        }
        let read = [key.column] + arguments.map(\.column)
        p.scanColumns = Set(read).union(plan.filter?.columns ?? []).sorted()
        p.columnsAfterFilter = read.sorted()
        p.outputs = [.groupKey(0, type: .string)] + p.aggregates.indices.map { .aggregate($0, type: p.aggregates[$0].type) }
        p.outputNames = [key.name] + p.aggregates.map(\.text)
        return p
    }
}
