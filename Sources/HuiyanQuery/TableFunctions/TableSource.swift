/// The rows of a table function in FROM (`generate_series`, `read_csv`, `read_parquet` …): its columns, known
/// when it is bound, and its rows made a chunk at a time when it runs (`TableFunctionOperator`).
protocol TableSource: AnyObject {
    var columnNames: [String] { get }
    var columnTypes: [SQLType] { get }
    /// EXPLAIN's line for it, e.g. `read_csv('visits.csv')`.
    var explanation: String { get }
    /// About how many rows it makes, when known (a hash join builds the smaller side).
    var estimatedRows: Int? { get }
    /// Makes the rows, `chunkRows` at most per chunk, handing each chunk on as it is made; column `i` of a chunk
    /// is column `i` of the table. Only the columns `read` says are needed are read (projection_pruning: a file's
    /// other columns are not decoded); the others are NULL. A source may leave out rows `pruning` rules out (a
    /// Parquet row group by its statistics, a file by its partition values), counted in the statement's
    /// `QueryStatistics`; the filter above still applies.
    func produce(_ environment: ExecutionEnvironment, reading read: [Bool], pruning: SourcePruning,
                 into consume: (DataChunk) throws -> Void) throws
}

extension TableSource {
    /// Rows per chunk a table source hands on.
    static var chunkRows: Int { 16_384 }

    /// A column not read: NULL in every row.
    func unread(_ column: Int, count: Int) -> Vector { Vector.constant(.null, type: columnTypes[column], count: count) }
}

/// A table function bound in FROM: `LogicalPlan.tableFunction`, the input of a `derived` node whose output `i`
/// is column `i` of the source.
struct TableFunctionScan {
    let source: TableSource
}
