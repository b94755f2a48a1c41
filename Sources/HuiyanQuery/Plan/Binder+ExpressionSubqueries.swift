/// Subqueries in expressions — `(SELECT …)` as a value and `x [NOT] IN (SELECT …)`. An uncorrelated one
/// runs once, while the query is bound, and its rows become constants (a value, or the list of IN), which
/// zone maps and the scan then use like any literal; a correlated one becomes joins (`Binder+Correlation`).
extension Binder {
    /// `(SELECT …)` as a value: one column, at most one row; no row is NULL.
    mutating func bindScalarSubquery(_ select: SelectStatement, at range: SourceRange) throws -> BoundExpression {
        if let correlation = try correlation(of: select) { return try bindCorrelatedScalar(select, correlation, at: range) }
        let (query, rows) = try runOneColumn(select, at: range, what: "a subquery used as a value")
        guard rows.count <= 1 else {
            throw QueryError("a subquery used as a value returned \(rows.count) rows; it may return one at most", at: range)
        }
        return .constant(rows.first?[0] ?? .null, type: query.columnTypes[0])
    }

    /// `x [NOT] IN (SELECT …)`: as `x IN (its values)`, with SQL's NULLs — no row makes it false (NOT IN true)
    /// whatever x is; x NULL, or x not found among values with a NULL, makes it NULL.
    mutating func bindInSubquery(_ x: Expression, _ select: SelectStatement, negated: Bool, at range: SourceRange) throws -> BoundExpression {
        if let correlation = try correlation(of: select) { return try bindCorrelatedIn(x, select, correlation, negated: negated, at: range) }
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

    /// `x [NOT] IN (SELECT y FROM t WHERE t.k = outer.k …)`, decorrelated into two LEFT joins below WHERE:
    /// the subquery's distinct keys with y (y not NULL) by the query's keys and x — x was found — and its
    /// rows counted per key, with the non-NULL y — whether it has rows for this row, and a NULL among them.
    /// As SQL says: found is true; no rows is false; x NULL or a NULL y is NULL; otherwise false. A y that
    /// is an aggregate (one row per outer row) is `x = (SELECT …)`.
    private mutating func bindCorrelatedIn(_ x: Expression, _ select: SelectStatement, _ correlation: Correlation, negated: Bool,
                                           at range: SourceRange) throws -> BoundExpression {
        let what = negated ? "NOT IN" : "IN"
        try requireDecorrelatable(what, at: range)
        guard select.items.count == 1, case .expression(let y, _) = select.items[0], select.distinctOn.isEmpty, select.windows.isEmpty,
              select.qualify == nil else {
            throw QueryError("a correlated subquery after \(what) must select one expression of its rows (x IN (SELECT t.y FROM t WHERE t.k = outer.k))", at: range)
        }
        let value = try bind(x)
        let outer = try outerKeys(correlation)
        var matches = select
        matches.items = correlation.innerItems + [.expression(y, alias: Identifier("value", range: y.range))]
        let notNull = Expression.isNull(y, negated: true, range: y.range)
        matches.whereClause = correlation.rest.map { .binary(.and, $0, notNull, range: $0.range) } ?? notNull
        matches.distinct = true
        (matches.orderBy, matches.orderByAll) = ([], nil)
        let matchQuery: BoundQuery
        do {
            matchQuery = try bindSubquery(matches, columnAliases: [], at: range)
        } catch let error as QueryError where error.message.contains("must appear in the GROUP BY clause")
                    || error.message.hasPrefix("aggregate functions are not allowed in WHERE") {
            // An aggregate (its text in the WHERE above): one value per row of the query.
            let scalar = try bindCorrelatedScalar(select, correlation, at: range)
            let type = try unify(value.type, scalar.type, at: range, what: what)
            let test = BoundExpression.comparison(.equal, try convert(value, to: type, at: x.range), try convert(scalar, to: type, at: range))
            return negated ? .not(test) : test
        }
        let found = try joinBelowWhere(matchQuery, outerKeys: outer + [(value, x.range)], at: range)
        var counted = select
        let star = FunctionCall(name: Identifier("count", range: y.range), arguments: [], star: true, range: y.range)
        let nonNull = FunctionCall(name: Identifier("count", range: y.range), arguments: [y], range: y.range)
        counted.items = correlation.innerItems + [.expression(.function(star), alias: nil), .expression(.function(nonNull), alias: nil)]
        counted.whereClause = correlation.rest
        counted.groupBy = correlation.pairs.map(\.inner)
        (counted.distinct, counted.orderBy, counted.orderByAll) = (false, [], nil)
        let counts = try joinBelowWhere(try bindSubquery(counted, columnAliases: [], at: range), outerKeys: outer, at: range)
        let rows = counts[outer.count], nonNullRows = counts[outer.count + 1]
        let test = BoundExpression.caseWhen([
            BoundCaseBranch(condition: .isNull(found[outer.count], negated: true), result: .constant(.bool(true), type: .boolean)),
            BoundCaseBranch(condition: .isNull(rows, negated: false), result: .constant(.bool(false), type: .boolean)),
            BoundCaseBranch(condition: .or([.isNull(value, negated: false), .comparison(.greater, rows, nonNullRows)]),
                            result: .constant(.null, type: .boolean)),
        ], otherwise: .constant(.bool(false), type: .boolean), type: .boolean)
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
