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
        // Errors name the operation they are about: the arm's own, or (for the whole) the first.
        let operations = select.unions.map(\.operation.keyword)
        let width = queries[0].columnNames.count
        var types = queries[0].columnTypes
        for ((query, arm), operation) in zip(zip(queries, arms).dropFirst(), operations) {
            guard query.columnNames.count == width else {
                throw QueryError("each SELECT of a\(operation == "UNION" ? "" : "n") \(operation) must have as many columns as the first (\(width)), not \(query.columnNames.count)", at: arm.range)
            }
            for i in types.indices {
                types[i] = try unify(types[i], query.columnTypes[i], at: arm.range, what: "column \(i + 1) of a\(operation == "UNION" ? "" : "n") \(operation)")
            }
        }
        // Each SELECT's columns converted to the common types where they differ.
        let plans = try zip(queries, arms).map { query, arm -> LogicalPlan in
            guard query.columnTypes != types else { return query.plan }
            return .project(query.plan, try types.indices.map { i in
                try convert(.column(i, name: query.columnNames[i], type: query.columnTypes[i]), to: types[i], at: arm.range)
            })
        }
        let names = queries[0].columnNames
        let columns = types.indices.map { BoundExpression.column($0, name: names[$0], type: types[$0]) }
        // INTERSECT binds tighter than UNION and EXCEPT, which apply left to right.
        var terms: [(arm: UnionArm?, plan: LogicalPlan)] = [(nil, plans[0])]
        for (arm, armPlan) in zip(select.unions, plans.dropFirst()) {
            if arm.operation == .intersect {
                terms[terms.count - 1].plan = Self.combine(terms[terms.count - 1].plan, armPlan, arm, columns)
            } else {
                terms.append((arm, armPlan))
            }
        }
        var plan = terms[0].plan
        for term in terms.dropFirst() { plan = Self.combine(plan, term.plan, term.arm!, columns) }
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
                let operation = operations.first ?? "UNION"
                throw QueryError("ORDER BY of a\(operation == "UNION" ? "" : "n") \(operation) takes the names or positions of its columns", at: item.expression.range)
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

    /// Two SELECTs' rows (of the columns `columns`) by a set operation. INTERSECT and EXCEPT append the
    /// rows tagged by side, then group them by every column (NULLs equal): without ALL, a group is kept
    /// where each side (INTERSECT) or the left side only (EXCEPT) has rows; with ALL, the left side's rows
    /// are numbered within their group (`row_number()` over the group, left rows first) and the first
    /// min(left, right) (INTERSECT ALL) or those after the right side's count (EXCEPT ALL) are kept.
    static func combine(_ left: LogicalPlan, _ right: LogicalPlan, _ arm: UnionArm, _ columns: [BoundExpression]) -> LogicalPlan {
        let width = columns.count
        if arm.operation == .union {
            let union = LogicalPlan.union(left, right, width: width)
            return arm.all ? union : .distinct(union)
        }
        let tag = BoundExpression.column(width, name: "side", type: .int64)
        func tagged(_ plan: LogicalPlan, _ side: Int64) -> LogicalPlan {
            .project(plan, columns + [.constant(.int(side), type: .int64)])
        }
        let rows = LogicalPlan.union(tagged(left, 0), tagged(right, 1), width: width + 1)
        let zero = BoundExpression.constant(.int(0), type: .int64)
        func side(_ s: Int64) -> BoundExpression { .comparison(.equal, tag, .constant(.int(s), type: .int64)) }
        if !arm.all {
            let counts = [0, 1].map { s in
                AggregateSpec(kind: .countStar, argument: nil, filter: side(Int64(s)), type: .int64, text: "count(*) FILTER (WHERE side = \(s))")
            }
            let rightRows = BoundExpression.aggregate(1, type: .int64)
            let keep = BoundExpression.and([.comparison(.greater, .aggregate(0, type: .int64), zero),
                                            .comparison(arm.operation == .intersect ? .greater : .equal, rightRows, zero)])
            let groups = LogicalPlan.aggregate(rows, keys: columns, aggregates: counts)
            return .project(.filter(groups, keep), columns.indices.map { .groupKey($0, type: columns[$0].type) })
        }
        let order = [SortKey(expression: tag, descending: false, nullsFirst: false)]
        let whole = WindowFrameSpec(unit: .rows, start: .unboundedPreceding, end: .unboundedFollowing)
        let number = WindowFunctionSpec(kind: .rowNumber, arguments: [], partition: columns, order: order, frame: whole,
                                        type: .int64, text: "row_number() OVER (PARTITION BY every column ORDER BY side)")
        var rightCount = WindowFunctionSpec(kind: .aggregate(.countStar), arguments: [], partition: columns, order: order, frame: whole,
                                            type: .int64, text: "count(*) FILTER (WHERE side = 1) OVER (PARTITION BY every column)")
        rightCount.filter = side(1)
        let n = BoundExpression.window(0, type: .int64), r = BoundExpression.window(1, type: .int64)
        let keep = BoundExpression.and([side(0), .comparison(arm.operation == .intersect ? .lessOrEqual : .greater, n, r)])
        return .project(.filter(.window(rows, [number, rightCount]), keep), columns)
    }
}
