import HuiyanStorage

/// A table joined to the scanned one by equalities: its rows are read whole, filtered and hashed on the
/// join key before the scan; every scanned batch then probes it (a hash join with the small side built).
final class JoinPlan {
    /// Stored tables joined into a scan are INNER or LEFT; computed rows (`HashJoinSpec`) also RIGHT and FULL.
    enum Kind: String { case inner = "INNER", left = "LEFT", right = "RIGHT", full = "FULL" }

    let kind: Kind
    let snapshot: TableSnapshot
    let tableName: String
    /// The combined column index of the joined table's column 0: its column `i` is `columnBase + i` in the
    /// expressions of the query.
    let columnBase: Int
    /// Key expressions over the combined columns before this table (the scanned table and earlier joins).
    var probeKeys: [BoundExpression] = []
    /// The matching key expressions over the joined table's own columns.
    var buildKeys: [BoundExpression] = []
    /// Conditions on the joined table alone (from ON, or from WHERE for an inner join), over its own columns.
    var buildFilter: BoundExpression?
    /// LEFT JOIN: ON conditions on the tables before it alone; a row that fails them gets NULLs, unmatched.
    var probeFilter: BoundExpression?
    /// The joined table's own columns the query reads (keys included).
    var buildColumns: [Int] = []
    /// Those of them the query reads after the join (keys and build filters may need others).
    var outputColumns: [Int] = []

    init(kind: Kind, snapshot: TableSnapshot, tableName: String, columnBase: Int) {
        self.kind = kind
        self.snapshot = snapshot
        self.tableName = tableName
        self.columnBase = columnBase
    }

    var columnCount: Int { snapshot.schema.columns.count }

    /// A copy that rules can change without changing the plan they read.
    func copy() -> JoinPlan {
        let c = JoinPlan(kind: kind, snapshot: snapshot, tableName: tableName, columnBase: columnBase)
        c.probeKeys = probeKeys
        c.buildKeys = buildKeys
        c.buildFilter = buildFilter
        c.probeFilter = probeFilter
        c.buildColumns = buildColumns
        c.outputColumns = outputColumns
        return c
    }

    /// Whether a combined column index belongs to this table.
    func owns(_ column: Int) -> Bool { column >= columnBase && column < columnBase + columnCount }
}
