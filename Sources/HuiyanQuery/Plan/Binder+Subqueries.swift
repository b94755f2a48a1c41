import HuiyanStorage

/// Subqueries in FROM and WITH queries: each is bound as a SELECT of its own, and its outputs become the
/// columns of a table in scope (`LogicalPlan.derived`); a FROM with one of them joins its tables as computed
/// rows (`LogicalPlan.hashJoin`).
extension Binder {
    /// Binds the WITH queries in order (each may read the ones before it) and makes them nameable in FROM.
    mutating func bindCommonTables(_ with: [CommonTableExpression]) throws {
        for cte in with {
            let query = try bindSubquery(cte.query, columnAliases: cte.columns, at: cte.name.range)
            commonTables[cte.name.name.lowercased()] = query
        }
    }

    /// A SELECT inside this one, bound on its own (the WITH queries in scope visible), its first columns
    /// renamed by `columnAliases`.
    mutating func bindSubquery(_ select: SelectStatement, columnAliases: [Identifier], at range: SourceRange) throws -> BoundQuery {
        var inner = Binder(database: database, offsetSeconds: offsetSeconds, sql: sql, optimizer: optimizer)
        inner.commonTables = commonTables
        inner.inheritSettings(of: self)
        var query: BoundQuery
        do {
            query = try inner.bind(select)
        } catch let error as QueryError where error.message.hasSuffix("is not in the FROM clause") {
            // A table of the query around it: a correlated subquery.
            guard let range = error.range, scope.contains(where: { $0.qualifier == text(range).lowercased() }) else { throw error }
            throw QueryError("a correlated subquery may read the query around it only in equalities of its WHERE (… WHERE t.spot = v.spot)", at: range)
        }
        if inner.joinOrderSwapped { joinOrderSwapped = true }
        guard columnAliases.count <= query.columnNames.count else {
            throw QueryError("\(columnAliases.count) column names were given for a query of \(query.columnNames.count) column(s)", at: range)
        }
        for (i, alias) in columnAliases.enumerated() { query.columnNames[i] = alias.name }
        return query
    }

    /// How many views may read one another in a chain.
    static let deepestViews = 32

    /// A view named in FROM: its query parsed and bound on its own (it sees the database's tables and views, not
    /// this query's WITH queries), its columns named by CREATE VIEW's list and then by the alias's. A view met
    /// again while it is being expanded is a cycle.
    mutating func bindView(_ view: ViewCatalog.View, at range: SourceRange, columnAliases: [Identifier]) throws -> BoundQuery {
        let key = view.name.lowercased()
        if expandingViews.contains(key) {
            let chain = (expandingViews.drop { $0 != key } + [key]).joined(separator: " → ")
            throw QueryError("view \"\(view.name)\" reads itself (\(chain))", at: range)
        }
        guard expandingViews.count < Self.deepestViews else {
            throw QueryError("views are nested more than \(Self.deepestViews) deep (\(expandingViews.joined(separator: " → ")) …)", at: range)
        }
        var inner = Binder(database: database, offsetSeconds: offsetSeconds, sql: view.sql, optimizer: optimizer)
        inner.inheritSettings(of: self)
        inner.expandingViews.append(key)
        var query: BoundQuery
        do {
            guard case .select(let select) = try Parser.parseOne(view.sql) else {
                throw QueryError("its stored query is not a SELECT")
            }
            query = try inner.bind(select)
        } catch var error as QueryError where error.message.hasPrefix("view \"") {
            error.range = range
            throw error
        } catch {
            // The view's query met the error: named with the view, of the kind it was (a table dropped since).
            var failure = QueryError(wrapping: error)
            failure.message = "view \"\(view.name)\": \(failure.message)"
            failure.range = range
            throw failure
        }
        if inner.joinOrderSwapped { joinOrderSwapped = true }
        guard view.columns.count <= query.columnNames.count, columnAliases.count <= query.columnNames.count else {
            throw QueryError("\(max(view.columns.count, columnAliases.count)) column names were given for view \"\(view.name)\" of \(query.columnNames.count) column(s)", at: range)
        }
        for (i, name) in view.columns.enumerated() { query.columnNames[i] = name }
        for (i, alias) in columnAliases.enumerated() { query.columnNames[i] = alias.name }
        return query
    }

    /// What a binder of a SELECT inside this one shares with it: the subquery runner, file access and views.
    mutating func inheritSettings(of outer: Binder) {
        subqueryRunner = outer.subqueryRunner
        fileAccess = outer.fileAccess
        views = outer.views
        expandingViews = outer.expandingViews
    }

    /// A subquery's rows as a table in scope. A name its columns repeat is numbered, as DuckDB does: `a`,
    /// `a_1`, `A_2`.
    func derivedEntry(_ name: String, _ query: BoundQuery) -> ScopeTable {
        var names: [String] = []
        var seen = Set<String>()
        var repeats: [String: Int] = [:]
        for column in query.columnNames {
            var unique = column
            while seen.contains(unique.lowercased()) {
                let n = (repeats[column.lowercased()] ?? 0) + 1
                repeats[column.lowercased()] = n
                unique = "\(column)_\(n)"
            }
            seen.insert(unique.lowercased())
            names.append(unique)
        }
        return ScopeTable(name: name.lowercased(), qualifier: name.lowercased(), columnNames: names,
                          columnTypes: query.columnTypes, snapshot: nil, derived: query)
    }

    /// FROM with subqueries: the tables' columns numbered in the order written; a stored first table keeps
    /// the stored tables right after it joined into its scan, and every other table is joined to the rows
    /// before it by a hash join of computed rows.
    mutating func bindComputedFrom(_ from: TableReference, _ tables: [ScopeTable]) throws -> LogicalPlan {
        var tables = tables
        var base = 0
        for i in tables.indices {
            tables[i].base = base
            base += tables[i].columnNames.count
        }
        scope = tables
        var plan = relation(tables[0])
        for (i, join) in from.joins.enumerated() {
            let table = tables[i + 1]
            if table.snapshot != nil && plan.isScanChain && Self.hasEquality(join.condition) && (join.kind == .inner || join.kind == .left) {
                plan = try joinStored(plan, join, table)
            } else {
                plan = try joinComputed(plan, join, table)
            }
        }
        return plan
    }

    /// A table in scope as rows: a stored table's scan, or a subquery's plan.
    private func relation(_ table: ScopeTable) -> LogicalPlan {
        if let snapshot = table.snapshot {
            return .scan(LogicalScan(snapshot: snapshot, tableName: table.name, base: table.base))
        }
        return .derived(table.derived!.plan, DerivedTable(name: table.qualifier, base: table.base, columnNames: table.columnNames,
                                                          columnTypes: table.columnTypes))
    }

    /// The rows so far joined with a table by a hash join: ON's equalities between the two become keys,
    /// conditions on the joined table alone filter it first, and the rest is decided per pair of rows
    /// (an inner join's conditions on tables after it filter after the joins).
    private mutating func joinComputed(_ left: LogicalPlan, _ join: Join, _ table: ScopeTable) throws -> LogicalPlan {
        clause = "ON"
        aggregatesAllowed = false
        let condition = try bind(join.condition)
        try requireBoolean(condition, join.condition.range, "ON")
        let right = table.base..<(table.base + table.columnNames.count)
        let kind: JoinPlan.Kind
        switch join.kind {
        case .inner: kind = .inner
        case .left: kind = .left
        case .right: kind = .right
        case .full: kind = .full
        }
        var spec = HashJoinSpec(kind: kind, leftKeys: [], rightKeys: [], condition: nil, rightColumns: right)
        var rightTerms: [BoundExpression] = [], pairTerms: [BoundExpression] = []
        func key(_ l: BoundExpression, _ r: BoundExpression) -> Bool {
            let a = l.columns, b = r.columns
            return !a.isEmpty && !b.isEmpty && a.allSatisfy { $0 < right.lowerBound } && b.allSatisfy(right.contains)
        }
        for term in condition.conjuncts where term != .constant(.bool(true), type: .boolean) {
            let columns = term.columns
            if case .comparison(.equal, let a, let b) = term, key(a, b) || key(b, a) {
                spec.leftKeys.append(key(a, b) ? a : b)
                spec.rightKeys.append(key(a, b) ? b : a)
            } else if !columns.isEmpty && columns.allSatisfy(right.contains) && (kind == .inner || kind == .left) {
                // The joined side's rows that fail it match nothing (RIGHT and FULL keep them: decided per pair).
                rightTerms.append(term)
            } else if columns.allSatisfy({ $0 < right.upperBound }) {
                pairTerms.append(term)
            } else if spec.kind == .inner {
                joinResidual.append(term)
            } else {
                throw QueryError("\(kind.rawValue) JOIN … ON may not read tables joined after it", at: join.condition.range)
            }
        }
        // Without keys every pair of rows is tried (a nested loop), the condition deciding.
        spec.condition = .conjunction(pairTerms)
        var rightPlan = relation(table)
        if let filter = BoundExpression.conjunction(rightTerms) { rightPlan = .filter(rightPlan, filter) }
        return .hashJoin(left, rightPlan, spec)
    }
}
