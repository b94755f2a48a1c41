/// `[NOT] EXISTS (SELECT …)` and `x IS [NOT] DISTINCT FROM y`.
///
/// EXISTS whose subquery reads only its own tables runs once, while the query is bound, and becomes a
/// constant. One whose WHERE compares a column of its own with one of the query around it
/// (`EXISTS (SELECT 1 FROM tickets t WHERE t.spot = v.spot AND t.qty > 2)`) is decorrelated into a semi
/// join: its own side of the equality, under its other conditions, runs once, and the query's side is
/// looked up among those values (`v.spot IN (…)`, NULLs matching nothing); NOT EXISTS is the anti join.
/// With several equalities (`t.spot = v.spot AND t.day = v.day`) the subquery's distinct keys are joined
/// to the query's rows by a LEFT join (`joinBelowWhere`): EXISTS is whether one matched.
extension Binder {
    mutating func bindExists(_ select: SelectStatement, negated: Bool, at range: SourceRange) throws -> BoundExpression {
        guard let correlation = try correlation(of: select) else {
            var first = select
            if first.unions.isEmpty { first.limit = .literal(.integer(1), range: range) }
            let query = try bindSubquery(first, columnAliases: [], at: range)
            guard let subqueryRunner else { throw QueryError("EXISTS cannot run here", at: range) }
            return .constant(.bool(try subqueryRunner(query).isEmpty == negated), type: .boolean)
        }
        // The subquery's sides of the equalities, under its other conditions: the keys to find.
        var keys = select
        keys.items = correlation.innerItems
        keys.whereClause = correlation.rest
        keys.distinct = true
        keys.distinctOn = []
        (keys.orderBy, keys.orderByAll, keys.limit, keys.offset) = ([], nil, nil, nil)
        if correlation.pairs.count > 1 {
            try requireDecorrelatable(negated ? "NOT EXISTS" : "EXISTS", at: range)
            let outer = try outerKeys(correlation)
            let columns = try joinBelowWhere(try bindSubquery(keys, columnAliases: [], at: range), outerKeys: outer, at: range)
            // A matched row's keys are not NULL.
            return .isNull(columns[0], negated: !negated)
        }
        let pair = correlation.pairs[0]
        let outer = try bind(pair.outer)
        let query = try bindSubquery(keys, columnAliases: [], at: range)
        guard let subqueryRunner else { throw QueryError("EXISTS cannot run here", at: range) }
        let type = try unify(outer.type, query.columnTypes[0], at: pair.range, what: "the equality")
        var found: [Value] = []
        for row in try subqueryRunner(query) where !row[0].isNull {
            found.append(try coerceConstant(row[0], from: query.columnTypes[0], to: type, at: pair.range))
        }
        guard !found.isEmpty, outer.type != .null else { return .constant(.bool(negated), type: .boolean) }
        let key = try convert(outer, to: type, at: pair.outer.range)
        let test = BoundExpression.and([.isNull(key, negated: true), .inList(key, found, negated: false)])
        return negated ? .not(test) : test
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
