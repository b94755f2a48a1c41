import HuiyanStorage

/// A SELECT as a tree of relational operators: what the binder builds and the optimizer's rules rewrite.
///
/// Column references: below an aggregate (scan, filter, join, and a projection over them) `.column(i)` is
/// column `i` of the combined columns of the scanned table and the joined tables (each table's columns
/// from its base); an aggregate outputs `.groupKey(i)` and `.aggregate(i)`; above a projection `.column(i)`
/// is the projection's output `i`.
///
/// FROM's subqueries and WITH queries take part in the combined columns like tables: a `derived` node's
/// output `i` is combined column `base + i`, and a `hashJoin` keeps each side's combined indexes (its chunks
/// carry them, `DataChunk.columnIndexes`). A subquery's own plan is a separate SELECT with its own columns:
/// it is the `derived` node's input, and rules that rewrite column indexes must not reach into it
/// (`mapExpressions` does, for rewrites that keep columns as they are, such as constant folding).
indirect enum LogicalPlan {
    /// A stored table's rows. `filter` is what filter pushdown moved into the scan (it prunes by zone maps).
    case scan(LogicalScan)
    /// One row without columns: a SELECT without FROM.
    case singleRow
    /// A table function's rows (`generate_series`, `read_csv`, a file …): column `i` is the source's column `i`
    /// (it is the input of a `derived` node, which places it among FROM's columns).
    case tableFunction(TableFunctionScan)
    /// The input's rows for which the predicate holds.
    case filter(LogicalPlan, BoundExpression)
    /// The input joined with a stored table by equalities (a hash join: the table is built, the input probes).
    case join(LogicalPlan, JoinPlan)
    /// Groups of the input by the keys, with the aggregates of each (no keys: one group).
    case aggregate(LogicalPlan, keys: [BoundExpression], aggregates: [AggregateSpec])
    /// Expressions over the input's rows: output `i` is expression `i`.
    case project(LogicalPlan, [BoundExpression])
    /// The input's rows without repeats.
    case distinct(LogicalPlan)
    /// The input's rows in the order of the keys.
    case sort(LogicalPlan, [SortKey])
    /// The first `limit` rows after `offset` in the order of the keys (sort + limit in one bounded heap).
    case topN(LogicalPlan, [SortKey], limit: Int, offset: Int)
    /// `limit` rows (nil: all) after skipping `offset`.
    case limit(LogicalPlan, limit: Int?, offset: Int)
    /// A subquery's rows (`FROM (SELECT …) alias`, or a WITH query named in FROM): the input is its plan,
    /// whose output `i` becomes combined column `base + i`.
    case derived(LogicalPlan, DerivedTable)
    /// The left input's rows joined with the right input's by equalities, both computed (subqueries, or
    /// stored tables read as rows); each side keeps its combined column indexes.
    case hashJoin(LogicalPlan, LogicalPlan, HashJoinSpec)
    /// The left input's rows, then the right's (UNION ALL): each a SELECT of its own whose first `width`
    /// outputs are the union's columns `0 ..< width`.
    case union(LogicalPlan, LogicalPlan, width: Int)
    /// The input's rows with the window functions' results after its columns (`.window(i)` above it).
    case window(LogicalPlan, [WindowFunctionSpec])

    /// The operator's inputs.
    var inputs: [LogicalPlan] {
        switch self {
        case .scan, .singleRow, .tableFunction: return []
        case .filter(let x, _), .join(let x, _), .aggregate(let x, _, _), .project(let x, _), .distinct(let x),
             .sort(let x, _), .topN(let x, _, _, _), .limit(let x, _, _), .derived(let x, _), .window(let x, _):
            return [x]
        case .hashJoin(let l, let r, _), .union(let l, let r, _): return [l, r]
        }
    }

    /// The same operator over other inputs (as many as `inputs`).
    func replacingInputs(_ inputs: [LogicalPlan]) -> LogicalPlan {
        switch self {
        case .scan, .singleRow, .tableFunction: return self
        case .filter(_, let e): return .filter(inputs[0], e)
        case .join(_, let j): return .join(inputs[0], j)
        case .aggregate(_, let k, let a): return .aggregate(inputs[0], keys: k, aggregates: a)
        case .project(_, let e): return .project(inputs[0], e)
        case .distinct: return .distinct(inputs[0])
        case .sort(_, let k): return .sort(inputs[0], k)
        case .topN(_, let k, let l, let o): return .topN(inputs[0], k, limit: l, offset: o)
        case .limit(_, let l, let o): return .limit(inputs[0], limit: l, offset: o)
        case .derived(_, let d): return .derived(inputs[0], d)
        case .hashJoin(_, _, let j): return .hashJoin(inputs[0], inputs[1], j)
        case .union(_, _, let width): return .union(inputs[0], inputs[1], width: width)
        case .window(_, let functions): return .window(inputs[0], functions)
        }
    }

    /// The tree rewritten bottom-up: every node's inputs first, then `rule` on the node (nil: keep it).
    func transformedUp(_ rule: (LogicalPlan) throws -> LogicalPlan?) rethrows -> LogicalPlan {
        let node = replacingInputs(try inputs.map { try $0.transformedUp(rule) })
        return try rule(node) ?? node
    }

    /// The tree rewritten top-down: `rule` on the node first (nil: keep it), then on the inputs of the result.
    func transformedDown(_ rule: (LogicalPlan) throws -> LogicalPlan?) rethrows -> LogicalPlan {
        let node = try rule(self) ?? self
        return node.replacingInputs(try node.inputs.map { try $0.transformedDown(rule) })
    }

    /// The same tree with every bound expression passed through `map` (scan filters, join keys and filters
    /// included).
    func mapExpressions(_ map: (BoundExpression) throws -> BoundExpression) rethrows -> LogicalPlan {
        try transformedUp { node in
            switch node {
            case .scan(let s):
                var s = s
                s.filter = try s.filter.map(map)
                return .scan(s)
            case .singleRow, .tableFunction, .distinct, .limit, .derived, .union: return node
            case .hashJoin(let l, let r, let j):
                var j = j
                j.leftKeys = try j.leftKeys.map(map)
                j.rightKeys = try j.rightKeys.map(map)
                j.condition = try j.condition.map(map)
                return .hashJoin(l, r, j)
            case .filter(let x, let e): return .filter(x, try map(e))
            case .join(let x, let j):
                let copy = j.copy()
                copy.probeKeys = try j.probeKeys.map(map)
                copy.buildKeys = try j.buildKeys.map(map)
                copy.buildFilter = try j.buildFilter.map(map)
                copy.probeFilter = try j.probeFilter.map(map)
                return .join(x, copy)
            case .aggregate(let x, let keys, let aggregates):
                return .aggregate(x, keys: try keys.map(map), aggregates: try aggregates.map { try $0.mapExpressions(map) })
            case .project(let x, let e): return .project(x, try e.map(map))
            case .window(let x, let functions): return .window(x, try functions.map { try $0.mapExpressions(map) })
            case .sort(let x, let keys): return .sort(x, try keys.map { try $0.mapExpression(map) })
            case .topN(let x, let keys, let l, let o): return .topN(x, try keys.map { try $0.mapExpression(map) }, limit: l, offset: o)
            }
        }
    }
}

/// A stored table read by a plan.
struct LogicalScan {
    let snapshot: TableSnapshot
    let tableName: String
    /// The combined column index of the table's column 0.
    let base: Int
    /// Conditions on this table alone that the scan applies (zone maps prune blocks and segments by them).
    var filter: BoundExpression?

    var columnCount: Int { snapshot.schema.columns.count }
}

/// A subquery in FROM as a table: its name and columns, and where they are among the combined columns.
struct DerivedTable {
    /// The alias (or the WITH query's name), lower-cased.
    let name: String
    /// The combined column index of its column 0.
    let base: Int
    let columnNames: [String]
    let columnTypes: [SQLType]

    var width: Int { columnNames.count }

    /// Whether a combined column index belongs to this table.
    func owns(_ column: Int) -> Bool { column >= base && column < base + width }
}

/// How a `hashJoin` matches rows: every key pair equal (NULL never equals), then `condition` (over both
/// sides' combined columns) true. A LEFT join keeps every left row, with NULLs where nothing matched.
struct HashJoinSpec {
    var kind: JoinPlan.Kind
    var leftKeys: [BoundExpression]
    var rightKeys: [BoundExpression]
    /// ON's other conditions, decided per pair of rows.
    var condition: BoundExpression?
    /// The combined columns the right side owns (`base ..< base + width`).
    var rightColumns: Range<Int>
}

/// One ORDER BY key over an operator's input.
struct SortKey: Hashable {
    var expression: BoundExpression
    var descending: Bool
    /// NULLs before every value (default: with DESC, as PostgreSQL).
    var nullsFirst: Bool

    func mapExpression(_ map: (BoundExpression) throws -> BoundExpression) rethrows -> SortKey {
        SortKey(expression: try map(expression), descending: descending, nullsFirst: nullsFirst)
    }
}

/// A bound SELECT: the plan, and the names and types of the columns it returns (the plan's root may
/// compute more columns than it returns: ORDER BY keys outside the select list come after them).
struct BoundQuery {
    var plan: LogicalPlan
    var columnNames: [String]
    var columnTypes: [SQLType]
}
