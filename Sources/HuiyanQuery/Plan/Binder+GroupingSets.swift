/// `GROUP BY ROLLUP | CUBE | GROUPING SETS`: one aggregate per grouping set over the same input, each
/// projected onto every key (NULL for the keys outside its set), the set's number, then the aggregates,
/// and their rows appended (`LogicalPlan.union`). What the select list, HAVING, QUALIFY and ORDER BY read of
/// the groups (`.groupKey(i)`, `.aggregate(j)`) becomes those columns. `grouping(a, …)` tells the sets
/// apart: a bit per argument, first argument highest, 1 where the key is not in the row's set.
extension Binder {
    /// The id of the placeholder `grouping()` is bound to, replaced when expressions are rewritten over the groups.
    static let groupingFunction = "grouping"

    /// `grouping(key, …)` / `grouping_id(key, …)`: a placeholder over its bound arguments.
    mutating func bindGrouping(_ call: FunctionCall) throws -> BoundExpression {
        guard aggregatesAllowed else {
            throw QueryError("grouping() is not allowed in \(clause)", at: call.range)
        }
        guard !insideAggregate else { throw QueryError("grouping() cannot be the argument of an aggregate", at: call.range) }
        guard !call.arguments.isEmpty, !call.star, !call.distinct, call.filter == nil else {
            throw QueryError("grouping takes one or more GROUP BY keys: grouping(county, platform)", at: call.range)
        }
        guard call.arguments.count <= 62 else { throw QueryError("grouping takes at most 62 keys", at: call.range) }
        usesGrouping = true
        return .function(ScalarFunction(Self.groupingFunction), try call.arguments.map { try bind($0) }, type: .int64)
    }

    /// Whether an expression holds a `grouping()` placeholder.
    static func containsGrouping(_ e: BoundExpression) -> Bool {
        if case .function(let f, _, _) = e, f.id == groupingFunction { return true }
        return e.children.contains(where: containsGrouping)
    }

    /// The value of a `grouping()` over the groups: 0 without grouping sets, else by the set number (group key
    /// `groupKeys.count`).
    func groupingValue(_ arguments: [BoundExpression], groupKeys: [BoundExpression], at range: SourceRange) throws -> BoundExpression {
        let positions = try arguments.map { argument -> Int in
            guard let k = groupKeys.firstIndex(of: argument) else {
                throw QueryError("the arguments of grouping() must be GROUP BY keys", at: range)
            }
            return k
        }
        guard let sets = groupingSets else { return .constant(.int(0), type: .int64) }
        let setNumber = BoundExpression.groupKey(groupKeys.count, type: .int64)
        let branches = sets.indices.map { s -> BoundCaseBranch in
            let bits = positions.reduce(Int64(0)) { $0 << 1 | (sets[s].contains($1) ? 0 : 1) }
            return BoundCaseBranch(condition: .comparison(.equal, setNumber, .constant(.int(Int64(s)), type: .int64)),
                                   result: .constant(.int(bits), type: .int64))
        }
        return .caseWhen(branches, otherwise: nil, type: .int64)
    }

    /// The written keys' grouping sets as positions among the distinct keys (each set's keys once, in order).
    static func groupingSets(_ written: [[Int]], writtenKeys: [BoundExpression], keys: [BoundExpression]) -> [[Int]] {
        written.map { set in
            var positions: [Int] = []
            for w in set {
                let k = keys.firstIndex(of: writtenKeys[w])!
                if !positions.contains(k) { positions.append(k) }
            }
            return positions
        }
    }

    /// The aggregates of every grouping set, one after another: columns are the keys, the set's number, then
    /// the aggregates.
    func groupingSetsPlan(_ input: LogicalPlan, keys: [BoundExpression], sets: [[Int]], aggregates: [AggregateSpec]) -> LogicalPlan {
        let arms = sets.enumerated().map { s, set -> LogicalPlan in
            var columns = keys.indices.map { k -> BoundExpression in
                set.firstIndex(of: k).map { .groupKey($0, type: keys[k].type) } ?? .constant(.null, type: keys[k].type)
            }
            columns.append(.constant(.int(Int64(s)), type: .int64))
            columns += aggregates.indices.map { .aggregate($0, type: aggregates[$0].type) }
            // Each arm plans its own scan: joins of stored tables are objects the physical planner fills in.
            let own = input.transformedUp { node -> LogicalPlan? in
                if case .join(let x, let join) = node { return .join(x, join.copy()) }
                return nil
            }
            return .project(.aggregate(own, keys: set.map { keys[$0] }, aggregates: aggregates), columns)
        }
        let width = keys.count + 1 + aggregates.count
        return arms.dropFirst().reduce(arms[0]) { .union($0, $1, width: width) }
    }

    /// An expression over the groups read from `groupingSetsPlan`'s columns.
    func overGroupingSets(_ e: BoundExpression, keys: [BoundExpression], aggregates: [AggregateSpec]) -> BoundExpression {
        e.rewritten { x in
            switch x {
            case .groupKey(let i, let type):
                return .column(i, name: i < keys.count ? keys[i].text(offsetSeconds: offsetSeconds) : "grouping set", type: type)
            case .aggregate(let j, let type):
                return .column(keys.count + 1 + j, name: aggregates[j].text, type: type)
            default:
                return nil
            }
        }
    }
}
