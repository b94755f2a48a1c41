/// `SELECT … UNION [ALL] SELECT …`: each SELECT bound on its own, their columns brought to common types, the
/// rows concatenated (`LogicalPlan.union`) and, for UNION without ALL, their repeats dropped; ORDER BY, LIMIT
/// and OFFSET after the last SELECT order and cut the whole.
extension Binder {
    mutating func bindUnion(_ select: SelectStatement) throws -> BoundQuery {
        var first = select
        first.with = []
        first.unions = []
        (first.orderBy, first.orderByAll, first.limit, first.offset) = ([], nil, nil, nil)
        var queries = [try bindSubquery(first, columnAliases: [], at: first.range)]
        for arm in select.unions { queries.append(try bindSubquery(arm.select, columnAliases: [], at: arm.select.range)) }
        let arms = [first] + select.unions.map(\.select)
        let width = queries[0].columnNames.count
        var types = queries[0].columnTypes
        for (query, arm) in zip(queries, arms).dropFirst() {
            guard query.columnNames.count == width else {
                throw QueryError("each SELECT of a UNION must have as many columns as the first (\(width)), not \(query.columnNames.count)", at: arm.range)
            }
            for i in types.indices {
                types[i] = try unify(types[i], query.columnTypes[i], at: arm.range, what: "column \(i + 1) of a UNION")
            }
        }
        // Each SELECT's columns converted to the common types where they differ.
        let plans = try zip(queries, arms).map { query, arm -> LogicalPlan in
            guard query.columnTypes != types else { return query.plan }
            return .project(query.plan, try types.indices.map { i in
                try convert(.column(i, name: query.columnNames[i], type: query.columnTypes[i]), to: types[i], at: arm.range)
            })
        }
        var plan = plans[0]
        for (arm, armPlan) in zip(select.unions, plans.dropFirst()) {
            plan = .union(plan, armPlan, width: width)
            if !arm.all { plan = .distinct(plan) }
        }
        let names = queries[0].columnNames
        var keys: [SortKey] = []
        if let all = select.orderByAll {
            keys = types.indices.map { SortKey(expression: .column($0, name: names[$0], type: types[$0]),
                                               descending: all.descending, nullsFirst: all.nullsFirst ?? all.descending) }
        }
        for item in select.orderBy {
            let position: Int
            if case .literal(.integer(let n), let range) = item.expression {
                guard n >= 1 && Int(n) <= width else {
                    throw QueryError("ORDER BY position \(n) is not in the select list (1…\(width))", at: range)
                }
                position = Int(n) - 1
            } else if case .column(nil, let name) = item.expression,
                      let i = names.firstIndex(where: { $0.lowercased() == name.name.lowercased() }) {
                position = i
            } else {
                throw QueryError("ORDER BY of a UNION takes the names or positions of its columns", at: item.expression.range)
            }
            keys.append(SortKey(expression: .column(position, name: names[position], type: types[position]),
                                descending: item.descending, nullsFirst: item.nullsFirst ?? item.descending))
        }
        if !keys.isEmpty { plan = .sort(plan, keys) }
        let limit = try select.limit.map { try constantInteger($0, "LIMIT") }
        let offset = try select.offset.map { try constantInteger($0, "OFFSET") } ?? 0
        if limit != nil || offset > 0 { plan = .limit(plan, limit: limit, offset: offset) }
        return BoundQuery(plan: plan, columnNames: names, columnTypes: types)
    }
}
