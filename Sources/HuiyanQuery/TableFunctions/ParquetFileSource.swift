/// `read_parquet('f.parquet')` (placeholder until the reader lands).
final class ParquetFileSource: TableSource {
    let columnNames: [String] = []
    let columnTypes: [SQLType] = []
    let explanation: String
    var estimatedRows: Int? { nil }

    init(path: String, explanation: String) throws {
        self.explanation = explanation
        throw QueryError("\(path): Parquet files cannot be read yet")
    }

    func produce(_ environment: ExecutionEnvironment, into consume: (DataChunk) throws -> Void) throws {}
}
