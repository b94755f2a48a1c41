/// How a correlated subquery is found and decorrelated. Its WHERE is split into equalities between a
/// column of its own and one of the query around it (`t.spot = v.spot AND t.day = v.day`) and the rest,
/// which must read its own tables alone. The subquery's rows, keyed by its sides of the equalities, are
/// then computed once and brought to the query's rows by a LEFT hash join on the query's sides
/// (`joinBelowWhere`): EXISTS, IN and scalar subqueries read the joined columns.
extension Binder {
    /// The correlation of a subquery: its equalities with the query around it (its side, the query's side,
    /// the text of the equality) and the other conditions of its WHERE.
    struct Correlation {
        var pairs: [(inner: Expression, outer: Expression, range: SourceRange)]
        var rest: Expression?

        /// The subquery's sides of the equalities, as select items named `key0`, `key1` …
        var innerItems: [SelectItem] {
            pairs.enumerated().map { i, pair in .expression(pair.inner, alias: Identifier("key\(i)", range: pair.range)) }
        }
    }

    /// The correlation of a subquery; nil when it reads only its own tables. Refuses, naming the condition,
    /// a correlation that is not an equality between a column of its own and one of the query around it.
    func correlation(of select: SelectStatement) throws -> Correlation? {
        guard let from = select.from, let condition = select.whereClause, select.unions.isEmpty else { return nil }
        var own = Binder(database: database, offsetSeconds: offsetSeconds, sql: sql, optimizer: optimizer)
        own.commonTables = commonTables
        own.inheritSettings(of: self)
        _ = try own.bindFrom(from)
        func binds(_ e: Expression, in binder: Binder) -> Bool {
            var b = binder
            return (try? b.bind(e)) != nil
        }
        let terms = Self.conjuncts(condition)
        guard !terms.allSatisfy({ binds($0, in: own) }) else { return nil }
        var found = Correlation(pairs: [], rest: nil)
        var rest: [Expression] = []
        for term in terms {
            if case .binary(.equal, let l, let r, let range) = term, !binds(term, in: own) {
                if binds(l, in: own) && !binds(r, in: own) && binds(r, in: self) { found.pairs.append((l, r, range)); continue }
                if binds(r, in: own) && !binds(l, in: own) && binds(l, in: self) { found.pairs.append((r, l, range)); continue }
            }
            rest.append(term)
        }
        // The subquery's tables and then the query's, side by side: where a condition binds.
        var both = own
        let width = own.scope.map { $0.base + $0.columnNames.count }.max() ?? 0
        both.scope += scope.map { table in
            var shifted = table
            shifted.base += width
            return shifted
        }
        for term in rest where !binds(term, in: own) {
            // A condition that binds neither in the subquery nor around it: its own error says why.
            if !binds(term, in: self) && !binds(term, in: both) {
                var b = own
                _ = try b.bind(term)
            }
            throw QueryError("a correlated subquery may compare its rows with the query around it only by equalities joined by AND "
                + "(… WHERE t.spot = v.spot AND t.day = v.day); this condition is not one", at: term.range)
        }
        guard !found.pairs.isEmpty else { return nil }
        guard select.groupBy.isEmpty, !select.groupByAll, select.groupingSets == nil, select.having == nil else {
            throw QueryError("a correlated subquery with GROUP BY or HAVING is not supported", at: select.range)
        }
        guard select.limit == nil, select.offset == nil else {
            throw QueryError("a correlated subquery with LIMIT or OFFSET is not supported", at: (select.limit ?? select.offset)!.range)
        }
        found.rest = rest.dropFirst().reduce(rest.first) { a, b in a.map { .binary(.and, $0, b, range: $0.range.union(b.range)) } }
        return found
    }

    /// Correlated subqueries are decorrelated into joins placed below WHERE: they may stand in WHERE, the
    /// select list and ORDER BY.
    func requireDecorrelatable(_ what: String, at range: SourceRange) throws {
        guard ["WHERE", "SELECT", "ORDER BY"].contains(clause) else {
            throw QueryError("a correlated subquery (\(what)) is supported in WHERE, the select list and ORDER BY, not in \(clause)", at: range)
        }
    }

    /// Joins a decorrelated subquery's rows to the query's by a LEFT hash join, placed below WHERE
    /// (`pendingJoins`): the query's `outerKeys` equal the subquery's first columns, NULL matching nothing.
    /// Returns the subquery's columns as the query reads them (NULL in a row no subquery row matched).
    /// Its columns are named by the subquery's text, which messages about them show.
    mutating func joinBelowWhere(_ query: BoundQuery, outerKeys: [(key: BoundExpression, range: SourceRange)],
                                 at range: SourceRange) throws -> [BoundExpression] {
        let base = (scope.map { $0.base + $0.columnNames.count }.max() ?? 0) + pendingJoins.reduce(0) { $0 + $1.1.rightColumns.count }
        let names = query.columnTypes.indices.map { _ in text(range) }
        let columns = query.columnTypes.enumerated().map { i, type in BoundExpression.column(base + i, name: names[i], type: type) }
        var spec = HashJoinSpec(kind: .left, leftKeys: [], rightKeys: [], condition: nil, rightColumns: base..<(base + names.count))
        for (i, outer) in outerKeys.enumerated() {
            let type = try unify(outer.key.type, query.columnTypes[i], at: outer.range, what: "the equality")
            spec.leftKeys.append(try convert(outer.key, to: type, at: outer.range))
            spec.rightKeys.append(try convert(columns[i], to: type, at: outer.range))
        }
        let table = DerivedTable(name: "correlated subquery", base: base, columnNames: names, columnTypes: query.columnTypes)
        pendingJoins.append((.derived(query.plan, table), spec))
        return columns
    }

    /// The query's sides of a correlation's equalities, bound in the current clause.
    mutating func outerKeys(_ correlation: Correlation) throws -> [(key: BoundExpression, range: SourceRange)] {
        try correlation.pairs.map { (try bind($0.outer), $0.range) }
    }
}
