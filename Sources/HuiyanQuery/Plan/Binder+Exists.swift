/// `[NOT] EXISTS (SELECT …)` and `x IS [NOT] DISTINCT FROM y`.
///
/// EXISTS whose subquery reads only its own tables runs once, while the query is bound, and becomes a
/// constant. One whose WHERE compares a column of its own with one of the query around it
/// (`EXISTS (SELECT 1 FROM tickets t WHERE t.spot = v.spot AND t.qty > 2)`) is decorrelated into a semi
/// join: its own side of the equality, under its other conditions, runs once, and the query's side is
/// looked up among those values (`v.spot IN (…)`, NULLs matching nothing); NOT EXISTS is the anti join.
extension Binder {
    mutating func bindExists(_ select: SelectStatement, negated: Bool, at range: SourceRange) throws -> BoundExpression {
        guard let correlation = try correlatedEquality(select) else {
            var first = select
            if first.unions.isEmpty { first.limit = .literal(.integer(1), range: range) }
            let query = try bindSubquery(first, columnAliases: [], at: range)
            guard let subqueryRunner else { throw QueryError("EXISTS cannot run here", at: range) }
            return .constant(.bool(try subqueryRunner(query).isEmpty == negated), type: .boolean)
        }
        // The subquery's side of the equality, under its other conditions: the values to find.
        var values = select
        values.items = [.expression(correlation.inner, alias: nil)]
        values.whereClause = correlation.rest
        values.distinct = true
        (values.orderBy, values.orderByAll, values.limit, values.offset) = ([], nil, nil, nil)
        let outer = try bind(correlation.outer)
        let query = try bindSubquery(values, columnAliases: [], at: range)
        guard let subqueryRunner else { throw QueryError("EXISTS cannot run here", at: range) }
        let type = try unify(outer.type, query.columnTypes[0], at: correlation.range, what: "the equality")
        var found: [Value] = []
        for row in try subqueryRunner(query) where !row[0].isNull {
            found.append(try coerceConstant(row[0], from: query.columnTypes[0], to: type, at: correlation.range))
        }
        guard !found.isEmpty, outer.type != .null else { return .constant(.bool(negated), type: .boolean) }
        let key = try convert(outer, to: type, at: correlation.outer.range)
        let test = BoundExpression.and([.isNull(key, negated: true), .inList(key, found, negated: false)])
        return negated ? .not(test) : test
    }

    /// The equality of a correlated EXISTS: its subquery's side, the query's side, and the other conditions
    /// of its WHERE. Nil when the subquery reads only its own tables.
    func correlatedEquality(_ select: SelectStatement) throws -> (inner: Expression, outer: Expression, rest: Expression?, range: SourceRange)? {
        guard let from = select.from, let condition = select.whereClause, select.unions.isEmpty else { return nil }
        var own = Binder(database: database, offsetSeconds: offsetSeconds, sql: sql, optimizer: optimizer)
        own.commonTables = commonTables
        own.subqueryRunner = subqueryRunner
        _ = try own.bindFrom(from)
        func binds(_ e: Expression, in binder: Binder) -> Bool {
            var b = binder
            return (try? b.bind(e)) != nil
        }
        let terms = Self.conjuncts(condition)
        guard !terms.allSatisfy({ binds($0, in: own) }) else { return nil }
        var pairs: [(inner: Expression, outer: Expression, range: SourceRange)] = []
        var rest: [Expression] = []
        for term in terms {
            if case .binary(.equal, let l, let r, let range) = term, !binds(term, in: own) {
                if binds(l, in: own) && !binds(r, in: own) && binds(r, in: self) { pairs.append((l, r, range)); continue }
                if binds(r, in: own) && !binds(l, in: own) && binds(l, in: self) { pairs.append((r, l, range)); continue }
            }
            rest.append(term)
        }
        // A condition that binds neither in the subquery nor around it: its own error says why.
        for term in rest where !binds(term, in: own) && !binds(term, in: self) {
            var b = own
            _ = try b.bind(term)
        }
        guard pairs.count == 1, rest.allSatisfy({ binds($0, in: own) }), select.groupBy.isEmpty, select.having == nil else {
            throw QueryError("a correlated subquery is supported (in EXISTS, or as a value) with one equality between a column of its own and one of the query around it, the rest of its WHERE on its own tables (… WHERE t.spot = v.spot AND t.qty > 2)", at: condition.range)
        }
        let restCondition = rest.dropFirst().reduce(rest.first) { a, b in a.map { .binary(.and, $0, b, range: $0.range.union(b.range)) } }
        return (pairs[0].inner, pairs[0].outer, restCondition, pairs[0].range)
    }

    /// The terms of an AND, nested ones flattened.
    static func conjuncts(_ e: Expression) -> [Expression] {
        if case .binary(.and, let a, let b, _) = e { return conjuncts(a) + conjuncts(b) }
        return [e]
    }

    /// `x IS [NOT] DISTINCT FROM y`: whether they differ, NULL being a value equal to itself.
    mutating func bindDistinctFrom(_ left: Expression, _ right: Expression, negated: Bool, at range: SourceRange) throws -> BoundExpression {
        let differ = try bindComparison(.notEqual, left, right, range)
        guard case .comparison(_, let a, let b) = differ else { return differ }
        let distinct = BoundExpression.or([
            .and([.isNull(a, negated: true), .isNull(b, negated: true), differ]),
            .and([.isNull(a, negated: false), .isNull(b, negated: true)]),
            .and([.isNull(a, negated: true), .isNull(b, negated: false)]),
        ])
        return negated ? .not(distinct) : distinct
    }
}
