/// A correlated subquery as a value — `(SELECT avg(amount) FROM orders o2 WHERE o2.product = o.product)` —
/// decorrelated into a LEFT hash join: the subquery grouped by its side of the equality (under the rest of
/// its WHERE) is joined to the query's rows by the query's side, and the value is its aggregate's column
/// (NULL where no group matched; count 0). The join goes below WHERE (`pendingJoins`, placed by `bind`).
extension Binder {
    mutating func bindCorrelatedScalar(_ select: SelectStatement, _ correlation: (inner: Expression, outer: Expression, rest: Expression?, range: SourceRange),
                                       at range: SourceRange) throws -> BoundExpression {
        guard ["WHERE", "SELECT", "ORDER BY"].contains(clause) else {
            throw QueryError("a correlated subquery as a value is supported in WHERE, the select list and ORDER BY, not in \(clause)", at: range)
        }
        guard select.items.count == 1, case .expression(let item, _) = select.items[0], select.groupBy.isEmpty, !select.groupByAll,
              select.groupingSets == nil, select.having == nil, select.orderBy.isEmpty, select.orderByAll == nil, select.limit == nil,
              select.offset == nil, !select.distinct, select.distinctOn.isEmpty, select.windows.isEmpty, select.qualify == nil else {
            throw QueryError("a correlated subquery as a value is supported as one aggregate over rows matched by one equality (SELECT avg(x) FROM t WHERE t.k = outer.k AND …)", at: range)
        }
        var grouped = select
        grouped.items = [.expression(correlation.inner, alias: Identifier("key", range: correlation.range)),
                         .expression(item, alias: Identifier("value", range: item.range))]
        grouped.whereClause = correlation.rest
        grouped.groupBy = [correlation.inner]
        let query: BoundQuery
        do {
            query = try bindSubquery(grouped, columnAliases: [], at: range)
        } catch let error as QueryError where error.message.contains("must appear in the GROUP BY clause") {
            throw QueryError("a correlated subquery as a value must compute an aggregate of its rows (count, sum, avg, min, max …)", at: item.range)
        }
        let outer = try bind(correlation.outer)
        let type = try unify(outer.type, query.columnTypes[0], at: correlation.range, what: "the equality")
        let base = (scope.map { $0.base + $0.columnNames.count }.max() ?? 0) + pendingJoins.count * 2
        let table = DerivedTable(name: "correlated subquery", base: base, columnNames: ["key", "value"], columnTypes: query.columnTypes)
        let key = try convert(.column(base, name: "key", type: query.columnTypes[0]), to: type, at: correlation.range)
        pendingJoins.append((.derived(query.plan, table),
                             HashJoinSpec(kind: .left, leftKeys: [try convert(outer, to: type, at: correlation.outer.range)], rightKeys: [key],
                                          condition: nil, rightColumns: base..<(base + 2))))
        let value = BoundExpression.column(base + 1, name: text(range), type: query.columnTypes[1])
        // count over no rows is 0, not NULL.
        if case .function(let call) = item, call.name.name.lowercased() == "count" || call.name.name.lowercased() == "count_if" {
            return .caseWhen([BoundCaseBranch(condition: .isNull(value, negated: false), result: .constant(.int(0), type: .int64))],
                             otherwise: value, type: value.type)
        }
        return value
    }
}
