import HuiyanStorage

/// The fused scan pipeline the physical planner makes of the bottom of a logical plan: what to scan and
/// filter (with zone maps), which tables to join by probing, and what each kept row feeds — an aggregate,
/// or a projection whose rows are collected, cut short after the first rows, or kept in a top-N heap.
final class SelectPlan {
    /// The table scanned; nil for a SELECT without FROM.
    var snapshot: TableSnapshot?
    var tableName: String?
    /// The scanned table's columns are 0..<scannedColumnCount; joined tables' columns follow.
    var scannedColumnCount = 0
    /// Tables joined to the scanned one, probed in this order.
    var joins: [JoinPlan] = []
    /// Conditions on the scanned table's columns applied while scanning (and used by zone maps).
    var filter: BoundExpression?
    /// Conditions applied after the joins (and, without filter pushdown, every WHERE term).
    var postJoinFilter: BoundExpression?
    /// The scanned table's columns read by any part of the query.
    var scanColumns: [Int] = []
    /// Of `scanColumns`: those read after `filter` (by joins, keys, aggregates, outputs), which a block
    /// whose filter keeps few rows reads for those rows alone.
    var columnsAfterFilter: [Int] = []
    var isAggregate = false
    /// GROUP BY expressions, over table columns.
    var groupKeys: [BoundExpression] = []
    var aggregates: [AggregateSpec] = []
    /// Without aggregation: the expressions each kept row yields, over table columns.
    var outputs: [BoundExpression] = []
    /// Without aggregation: what happens to the projected rows.
    var sink: Sink = .collect
    /// The rules the pipeline's specialised paths may use.
    var optimizer: OptimizerSettings = .allOn

    /// The same scan, filters and joins feeding other group keys and aggregates (a plan derived from this one,
    /// as `CountDistinctByPartition` makes).
    func regrouped(keys: [BoundExpression], aggregates: [AggregateSpec]) -> SelectPlan {
        let plan = SelectPlan()
        plan.snapshot = snapshot
        plan.tableName = tableName
        plan.scannedColumnCount = scannedColumnCount
        plan.joins = joins
        plan.filter = filter
        plan.postJoinFilter = postJoinFilter
        plan.scanColumns = scanColumns
        plan.columnsAfterFilter = columnsAfterFilter
        plan.optimizer = optimizer
        plan.isAggregate = true
        plan.groupKeys = keys
        plan.aggregates = aggregates
        return plan
    }

    enum Sink {
        /// Every row, in table order.
        case collect
        /// The first rows in table order; the scan stops once it has them (limit_pushdown).
        case firstRows(Int)
        /// The first `limit` rows after `offset` by the keys (over table columns), kept per thread in a
        /// bounded heap; blocks whose zone map shows no row can enter are skipped (top_n).
        case topN(keys: [SortKey], limit: Int, offset: Int)
    }
}
