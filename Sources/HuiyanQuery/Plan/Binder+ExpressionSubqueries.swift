/// Subqueries in expressions — `(SELECT …)` as a value and `x [NOT] IN (SELECT …)` — are uncorrelated: each
/// runs once, while the query is bound, and its rows become constants (a value, or the list of IN), which
/// zone maps and the scan then use like any literal.
extension Binder {
    /// `(SELECT …)` as a value: one column, at most one row; no row is NULL.
    mutating func bindScalarSubquery(_ select: SelectStatement, at range: SourceRange) throws -> BoundExpression {
        if let correlation = try correlatedEquality(select) { return try bindCorrelatedScalar(select, correlation, at: range) }
        let (query, rows) = try runOneColumn(select, at: range, what: "a subquery used as a value")
        guard rows.count <= 1 else {
            throw QueryError("a subquery used as a value returned \(rows.count) rows; it may return one at most", at: range)
        }
        return .constant(rows.first?[0] ?? .null, type: query.columnTypes[0])
    }

    /// `x [NOT] IN (SELECT …)`: as `x IN (its values)`, with SQL's NULLs — no row makes it false (NOT IN true)
    /// whatever x is; x NULL, or x not found among values with a NULL, makes it NULL.
    mutating func bindInSubquery(_ x: Expression, _ select: SelectStatement, negated: Bool, at range: SourceRange) throws -> BoundExpression {
        let value = try bind(x)
        let (query, rows) = try runOneColumn(select, at: range, what: "a subquery after IN")
        let type = try unify(value.type, query.columnTypes[0], at: range, what: "IN")
        guard !rows.isEmpty else { return .constant(.bool(negated), type: .boolean) }
        if value.type == .null { return .constant(.null, type: .boolean) }
        var seen = Set<Value>()
        var values: [Value] = []
        for row in rows where seen.insert(row[0]).inserted {
            values.append(try coerceConstant(row[0], from: query.columnTypes[0], to: type, at: range))
        }
        let test = BoundExpression.inList(try convert(value, to: type, at: x.range), values, negated: false)
        return negated ? .not(test) : test
    }

    /// Binds and runs a subquery of one column.
    private mutating func runOneColumn(_ select: SelectStatement, at range: SourceRange, what: String) throws -> (BoundQuery, [[Value]]) {
        let query = try bindSubquery(select, columnAliases: [], at: range)
        guard query.columnNames.count == 1 else {
            throw QueryError("\(what) must return one column, not \(query.columnNames.count)", at: range)
        }
        guard let subqueryRunner else { throw QueryError("\(what) cannot run here", at: range) }
        return (query, try subqueryRunner(query))
    }
}
