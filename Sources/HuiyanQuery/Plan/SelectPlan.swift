import HuiyanStorage

/// A bound SELECT: what to scan, filter, group, aggregate, compute, order and return.
final class SelectPlan {
    /// The table scanned; nil for a SELECT without FROM.
    var snapshot: TableSnapshot?
    var tableName: String?
    /// The scanned table's columns are 0..<scannedColumnCount; joined tables' columns follow.
    var scannedColumnCount = 0
    /// Tables joined to the scanned one, probed in this order.
    var joins: [JoinPlan] = []
    /// The WHERE terms over the scanned table's columns, applied before the joins (and used by zone maps).
    var filter: BoundExpression?
    /// The WHERE (and inner ON) terms that need joined columns, applied after the joins.
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
    /// HAVING, over group keys and aggregates.
    var having: BoundExpression?
    /// The select list: over table columns, or (aggregate queries) over group keys and aggregates.
    var outputs: [BoundExpression] = []
    var outputNames: [String] = []
    /// ORDER BY keys, in the same space as `outputs`.
    var orderBy: [(expression: BoundExpression, descending: Bool, nullsFirst: Bool)] = []
    var distinct = false
    var limit: Int?
    var offset = 0
}
