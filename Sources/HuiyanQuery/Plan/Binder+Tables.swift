import HuiyanStorage

/// FROM and JOIN: the tables in scope, how column names resolve among them, and how ON and WHERE split
/// into join keys, build-side filters and filters before and after the joins.
extension Binder {
    /// Puts FROM's tables in scope and returns the scan with its joins. ON becomes join keys, conditions on
    /// the joined table alone (filtering it before it is hashed), and (LEFT JOIN) conditions on the tables
    /// before it deciding which rows may match; an inner join's other ON conditions go to `joinResidual`.
    mutating func bindFrom(_ written: TableReference) throws -> LogicalPlan {
        var from = written
        var tables = [try scopeEntry(from.table, alias: from.alias, subquery: from.subquery, function: from.function,
                                     columnAliases: from.columnAliases)]
        for join in from.joins {
            tables.append(try scopeEntry(join.table, alias: join.alias, subquery: join.subquery, function: join.function,
                                         columnAliases: join.columnAliases))
        }
        for (i, table) in tables.enumerated() where tables[..<i].contains(where: { $0.qualifier == table.qualifier }) {
            let written = i == 0 ? from.table : (from.joins[i - 1].alias ?? from.joins[i - 1].table)
            throw QueryError("table name \"\(table.qualifier)\" appears twice in FROM; give one of them an alias", at: written.range)
        }
        try bindUsing(&from, tables)
        // Subqueries, and joins without an equality (nested loops), join computed rows.
        if tables.contains(where: { $0.snapshot == nil })
            || from.joins.contains(where: { !Self.hasEquality($0.condition) || $0.kind == .right || $0.kind == .full }) {
            return try bindComputedFrom(from, tables)
        }
        // Rule join_order: for one inner join the larger table is scanned and the smaller read whole and
        // hashed (without it the first table written is scanned).
        var order = Array(tables.indices)
        if optimizer.allows(.joinOrder), from.joins.count == 1, from.joins[0].kind == .inner,
           tables[1].snapshot!.rowCount > tables[0].snapshot!.rowCount {
            order = [1, 0]
            joinOrderSwapped = true
        }
        var base = 0
        for t in order {
            tables[t].base = base
            base += tables[t].columnNames.count
        }
        scope = tables
        let probe = tables[order[0]]
        var plan = LogicalPlan.scan(LogicalScan(snapshot: probe.snapshot!, tableName: probe.name, base: probe.base))

        for t in order.dropFirst() {
            plan = try joinStored(plan, from.joins[max(t, 1) - 1], tables[t])
        }
        return plan
    }

    /// A stored table joined to a scan chain: hashed whole and probed by the chain's rows (`JoinPlan`).
    mutating func joinStored(_ plan: LogicalPlan, _ join: Join, _ table: ScopeTable) throws -> LogicalPlan {
        let spec = JoinPlan(kind: join.kind == .inner ? .inner : .left, snapshot: table.snapshot!,
                            tableName: table.name, columnBase: table.base)
        clause = "ON"
        aggregatesAllowed = false
        let condition = try bind(join.condition)
        try requireBoolean(condition, join.condition.range, "ON")
        var buildTerms: [BoundExpression] = [], probeTerms: [BoundExpression] = []
        for term in condition.conjuncts {
            if case .comparison(.equal, let a, let b) = term, let key = keyPair(a, b, spec) ?? keyPair(b, a, spec) {
                spec.probeKeys.append(key.probe)
                spec.buildKeys.append(key.build)
            } else if term.columns.allSatisfy(spec.owns) {
                buildTerms.append(term.mapColumns { $0 - spec.columnBase })
            } else if spec.kind == .inner {
                joinResidual.append(term)
            } else if term.columns.allSatisfy({ $0 < spec.columnBase }) {
                probeTerms.append(term)
            } else {
                throw QueryError("LEFT JOIN … ON takes equalities between the joined table and the tables before it, and conditions on either side alone", at: join.condition.range)
            }
        }
        guard !spec.probeKeys.isEmpty else { throw missingEquality(table.name, join) }
        spec.buildFilter = .conjunction(buildTerms)
        spec.probeFilter = .conjunction(probeTerms)
        return .join(plan, spec)
    }

    /// `JOIN t USING (c, …)` as `ON left.c = t.c AND …`, `left` the first table before `t` with a column `c`
    /// (or, after an earlier USING of `c`, that join's merged column); `NATURAL JOIN t` as USING every
    /// column of `t` whose name a table before it has. Each name is remembered (`usingColumns`, a chain of
    /// joins per name) so that it reads unqualified as the merged column, and `SELECT *` shows it once.
    mutating func bindUsing(_ from: inout TableReference, _ tables: [ScopeTable]) throws {
        for (j, join) in from.joins.enumerated() where !join.using.isEmpty || join.natural {
            let right = tables[j + 1]
            var columns = join.using
            if join.natural {
                let range = join.alias?.range ?? join.table.range
                columns = right.columnNames.filter { name in tables[...j].contains { $0.index(of: name) != nil } }
                    .map { Identifier($0, range: range) }
                guard !columns.isEmpty else {
                    throw QueryError("NATURAL JOIN finds no column of \"\(right.qualifier)\" whose name a table before it has; use CROSS JOIN for every pair of rows", at: join.range)
                }
            }
            var terms: [Expression] = []
            for column in columns {
                guard right.index(of: column.name) != nil else {
                    throw QueryError("column \"\(column.name)\" of USING is not in \"\(right.qualifier)\"", at: column.range)
                }
                guard let left = tables[...j].first(where: { $0.index(of: column.name) != nil }) else {
                    throw QueryError("column \"\(column.name)\" of USING is not in the tables before \"\(right.qualifier)\"", at: column.range)
                }
                let key = column.name.lowercased()
                let merged = mergedUsingColumn(column, tables: tables) ?? .column(qualifier: Identifier(left.qualifier, range: column.range), name: column)
                terms.append(.binary(.equal, merged, .column(qualifier: Identifier(right.qualifier, range: column.range), name: column), range: column.range))
                usingColumns[key, default: []].append((usingColumns[key]?.first?.left ?? left.qualifier, right.qualifier, join.kind))
            }
            from.joins[j].condition = terms.dropFirst().reduce(terms[0]) { .binary(.and, $0, $1, range: $0.range.union($1.range)) }
        }
    }

    /// The merged column of the USING joins of a name so far, as written text would say it: the first left
    /// table's column, the right table's after a RIGHT JOIN, `coalesce` of both after a FULL JOIN. Nil
    /// before any.
    private func mergedUsingColumn(_ column: Identifier, tables: [ScopeTable]) -> Expression? {
        guard let chain = usingColumns[column.name.lowercased()], let first = chain.first else { return nil }
        let side = { (qualifier: String) in Expression.column(qualifier: Identifier(qualifier, range: column.range), name: column) }
        var merged = side(first.left)
        for link in chain {
            switch link.kind {
            case .inner, .left: break
            case .right: merged = side(link.right)
            case .full:
                merged = .function(FunctionCall(name: Identifier("coalesce", range: column.range), arguments: [merged, side(link.right)], range: column.range))
            }
        }
        return merged
    }

    /// An unqualified name of a USING column: the left table's column (the right's after RIGHT JOIN, the
    /// first that is not NULL after FULL JOIN), through every USING join of the name. Nil when the name is
    /// not one.
    func usingColumn(_ name: String) -> BoundExpression? {
        guard let chain = usingColumns[name.lowercased()], let first = chain.first else { return nil }
        func column(_ qualifier: String) -> BoundExpression? {
            guard let table = scope.first(where: { $0.qualifier == qualifier }), let i = table.index(of: name) else { return nil }
            return boundColumn(table, i)
        }
        guard var merged = column(first.left) else { return nil }
        for link in chain {
            guard let b = column(link.right) else { return nil }
            switch link.kind {
            case .inner, .left: break
            case .right: merged = b
            case .full:
                guard merged.type == b.type else { continue }
                merged = .caseWhen([BoundCaseBranch(condition: .isNull(merged, negated: false), result: b)], otherwise: merged, type: merged.type)
            }
        }
        return merged
    }

    /// Whether a join condition has an equality among its terms (a hash join's key, if it pairs the sides).
    static func hasEquality(_ condition: Expression) -> Bool {
        conjuncts(condition).contains { term in
            if case .binary(.equal, _, _, _) = term { return true }
            return false
        }
    }

    /// A join without an equality between the joined table and the tables before it.
    func missingEquality(_ name: String, _ join: Join) -> QueryError {
        QueryError("JOIN \(name) needs an equality in ON between its columns and those of the tables before it, e.g. ON v.spot = s.spot", at: join.condition.range)
    }

    /// `probe = build` as a join key: one side over the tables before the joined one, the other over it.
    private func keyPair(_ probe: BoundExpression, _ build: BoundExpression, _ join: JoinPlan) -> (probe: BoundExpression, build: BoundExpression)? {
        let p = probe.columns, b = build.columns
        guard !p.isEmpty, !b.isEmpty, p.allSatisfy({ $0 < join.columnBase }), b.allSatisfy(join.owns) else { return nil }
        return (probe, build.mapColumns { $0 - join.columnBase })
    }

    private mutating func scopeEntry(_ table: Identifier, alias: Identifier?, subquery: Subquery?, function: TableFunctionCall?,
                                     columnAliases: [Identifier]) throws -> ScopeTable {
        if let function { return try tableFunctionEntry(function, alias: alias, columnAliases: columnAliases) }
        if let subquery {
            let query = try bindSubquery(subquery.statement, columnAliases: columnAliases, at: alias?.range ?? table.range)
            return derivedEntry(alias?.name ?? "unnamed_subquery", query)
        }
        if let query = commonTables[table.name.lowercased()] {
            return derivedEntry((alias ?? table).name, query)
        }
        if let view = views.view(named: table.name) {
            return derivedEntry((alias ?? table).name, try bindView(view, at: table.range, columnAliases: columnAliases))
        }
        let name: String
        do {
            name = try database.resolveTableName(table.name)
        } catch {
            let names = (try? database.tableNames()) ?? []
            var message = "table \"\(table.name)\" does not exist"
            if let guess = QueryError.suggestion(for: table.name, among: names) { message += " — did you mean \"\(guess)\"?" }
            else if !names.isEmpty { message += " (tables: \(names.joined(separator: ", ")))" }
            throw QueryError(message, at: table.range, kind: .notFound)
        }
        let snapshot = try database.snapshot(of: name)
        return ScopeTable(name: name, qualifier: (alias?.name ?? name).lowercased(), columnNames: snapshot.schema.columns.map(\.name),
                          columnTypes: snapshot.schema.columns.map { SQLType($0.type) }, snapshot: snapshot, derived: nil)
    }

    /// The table a qualifier names (its alias, or its name when it has none).
    func scopeTable(_ qualifier: Identifier) throws -> ScopeTable {
        guard let table = scope.first(where: { $0.qualifier == qualifier.name.lowercased() }) else {
            throw QueryError("table \"\(qualifier.name)\" is not in the FROM clause", at: qualifier.range)
        }
        return table
    }

    /// Column `index` of a table in scope; named `qualifier.column` when several tables are in scope.
    func boundColumn(_ table: ScopeTable, _ index: Int) -> BoundExpression {
        let column = table.columnNames[index]
        let name = scope.count > 1 ? "\(table.qualifier).\(column)" : column
        return .column(table.base + index, name: name, type: table.columnTypes[index])
    }

    /// A column reference, qualified or not, resolved among the tables in scope.
    func resolveColumn(_ qualifier: Identifier?, _ name: Identifier) throws -> BoundExpression {
        // current_date and current_timestamp are written without parentheses; a column of that name comes first.
        let current = qualifier == nil && !name.quoted ? FunctionRegistry.currentTime(name.name.lowercased(), micros: statementMicros, offsetSeconds: offsetSeconds) : nil
        guard !scope.isEmpty else {
            if let current { return current }
            throw QueryError("column \"\(name.name)\" cannot be used without a FROM clause", at: name.range)
        }
        let candidates = try qualifier.map { [try scopeTable($0)] } ?? scope
        let matches = candidates.compactMap { table in table.index(of: name.name).map { (table, $0) } }
        if matches.count > 1 {
            if qualifier == nil, let merged = usingColumn(name.name) { return merged }
            let tables = matches.map { "\"\($0.0.qualifier)\"" }.joined(separator: " and ")
            throw QueryError("column \"\(name.name)\" is ambiguous: it is in \(tables); qualify it, e.g. \(matches[0].0.qualifier).\(name.name)", at: name.range)
        }
        guard let (table, index) = matches.first else {
            if qualifier == nil, let aliased = selectAliases[name.name.lowercased()] { return aliased }
            if let current { return current }
            var message = candidates.count == 1
                ? "column \"\(name.name)\" does not exist in table \"\(candidates[0].snapshot?.schema.name ?? candidates[0].name)\""
                : "column \"\(name.name)\" does not exist"
            if let guess = QueryError.suggestion(for: name.name, among: candidates.flatMap(\.columnNames)) {
                message = "column \"\(name.name)\" does not exist — did you mean \"\(guess)\"?"
            } else if name.quoted {
                // "南岳衡山" is a name in SQL; a string is written '南岳衡山'.
                message += " — a string is written in single quotes: '\(name.name)'"
            }
            throw QueryError(message, at: name.range, kind: .notFound)
        }
        return boundColumn(table, index)
    }
}
