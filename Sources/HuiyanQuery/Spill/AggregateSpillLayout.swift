/// What an aggregation writes of each row when it spills: the group keys, then each aggregate's arguments and
/// FILTER condition (an expression several aggregates share is written once).
struct AggregateSpillLayout {
    /// The expressions written, keys first.
    let columns: [BoundExpression]
    let keyCount: Int
    /// Per aggregate, the columns of its arguments (none: count(*)).
    let arguments: [[Int]]
    /// Per aggregate, the column of its FILTER condition (nil: none).
    let filters: [Int?]

    init(keys: [BoundExpression], aggregates: [AggregateSpec]) {
        var columns = keys
        var index: [BoundExpression: Int] = [:]
        func column(_ e: BoundExpression) -> Int {
            if let i = index[e] { return i }
            columns.append(e)
            index[e] = columns.count - 1
            return columns.count - 1
        }
        arguments = aggregates.map { $0.arguments.map(column) }
        filters = aggregates.map { $0.filter.map(column) }
        self.columns = columns
        keyCount = keys.count
    }

    /// The columns' vectors for the selected rows of a batch.
    func evaluate(_ evaluator: Evaluator, _ batch: Batch) throws -> [Vector] {
        try columns.map { try evaluator.evaluate($0, batch) }
    }

    /// The rows of `batch` an aggregate takes: those whose FILTER condition is true.
    static func selected(_ batch: Batch, filter: Vector?) -> Batch {
        guard let filter else { return batch }
        var rows: [Int32] = []
        batch.forEachSelected { i in if !filter.isNull(i) && filter.ints[i] != 0 { rows.append(Int32(i)) } }
        return Batch(count: batch.count, selection: rows)
    }
}
