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
    /// is column `i` of the table. Asks the context to stop between chunks.
    func produce(_ environment: ExecutionEnvironment, into consume: (DataChunk) throws -> Void) throws
}

extension TableSource {
    /// Rows per chunk a table source hands on.
    static var chunkRows: Int { 16_384 }
}

/// A table function bound in FROM: `LogicalPlan.tableFunction`, the input of a `derived` node whose output `i`
/// is column `i` of the source.
struct TableFunctionScan {
    let source: TableSource
}
