/// A correlated subquery as a value — `(SELECT avg(amount) FROM orders o2 WHERE o2.product = o.product)` —
/// decorrelated into a LEFT hash join: the subquery grouped by its sides of the equalities (under the rest
/// of its WHERE) is joined to the query's rows by the query's sides, and the value is its aggregate's
/// column (NULL where no group matched; count 0). The join goes below WHERE (`joinBelowWhere`).
extension Binder {
    mutating func bindCorrelatedScalar(_ select: SelectStatement, _ correlation: Correlation, at range: SourceRange) throws -> BoundExpression {
        try requireDecorrelatable("as a value", at: range)
        guard select.items.count == 1, case .expression(let item, _) = select.items[0], select.orderBy.isEmpty, select.orderByAll == nil,
              !select.distinct, select.distinctOn.isEmpty, select.windows.isEmpty, select.qualify == nil else {
            throw QueryError("a correlated subquery as a value is supported as one aggregate over the rows its equalities match (SELECT avg(x) FROM t WHERE t.k = outer.k AND …)", at: range)
        }
        var grouped = select
        grouped.items = correlation.innerItems + [.expression(item, alias: Identifier("value", range: item.range))]
        grouped.whereClause = correlation.rest
        grouped.groupBy = correlation.pairs.map(\.inner)
        let query: BoundQuery
        do {
            query = try bindSubquery(grouped, columnAliases: [], at: range)
        } catch let error as QueryError where error.message.contains("must appear in the GROUP BY clause") {
            throw QueryError("a correlated subquery as a value must compute an aggregate of its rows (count, sum, avg, min, max …)", at: item.range)
        }
        let columns = try joinBelowWhere(query, outerKeys: try outerKeys(correlation), at: range)
        guard case .column(let index, _, let type) = columns[correlation.pairs.count] else { return columns[correlation.pairs.count] }
        let value = BoundExpression.column(index, name: text(range), type: type)
        // count over no rows is 0, not NULL.
        if case .function(let call) = item, call.name.name.lowercased() == "count" || call.name.name.lowercased() == "count_if" {
            return .caseWhen([BoundCaseBranch(condition: .isNull(value, negated: false), result: .constant(.int(0), type: .int64))],
                             otherwise: value, type: value.type)
        }
        return value
    }
}
