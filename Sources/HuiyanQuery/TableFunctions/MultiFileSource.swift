/// Several files read as one table — a glob (`read_parquet('visits/*/*.parquet')`) or a list
/// (`read_parquet(['a.parquet', 'b.parquet'])`) — one after another in the order given (a glob's matches
/// sorted), each through a source of its own made when its turn comes. Every file must have the first
/// file's columns, of the same types (an error names the file that does not). The Hive partition columns of
/// their folders (`HivePartitions`) follow the files' columns, the same value in every row of a file; a file
/// whose partition values fail the WHERE clause is not opened (`QueryStatistics.filesSkipped`).
final class MultiFileSource: TableSource {
    let columnNames: [String]
    let columnTypes: [SQLType]
    let explanation: String
    private let files: [String]
    private let partitions: HivePartitions?
    /// The first file's source (its columns are the table's) and how the others are opened.
    private let first: TableSource
    private let open: (String) throws -> TableSource

    /// The files' own columns, before the partition columns.
    private var fileWidth: Int { first.columnNames.count }

    var estimatedRows: Int? { first.estimatedRows.map { $0 * files.count } }

    init(files: [String], partitions: HivePartitions?, explanation: String, open: @escaping (String) throws -> TableSource) throws {
        self.files = files
        self.partitions = partitions
        self.explanation = explanation
        self.open = open
        first = try open(files[0])
        let hiveNames = partitions?.names ?? []
        for name in hiveNames where first.columnNames.contains(where: { $0.lowercased() == name.lowercased() }) {
            throw QueryError("'\(files[0])' has a column \"\(name)\" and a partition folder \(name)=…: read it with hive_partitioning = false")
        }
        columnNames = first.columnNames + hiveNames
        columnTypes = first.columnTypes + (partitions?.types ?? [])
    }

    func produce(_ environment: ExecutionEnvironment, reading read: [Bool], pruning: SourcePruning,
                 into consume: (DataChunk) throws -> Void) throws {
        let width = fileWidth
        // The tests on the files' columns go to each file's source; those on partition columns decide here.
        let fileTests = SourcePruning(tests: pruning.tests.filter { $0.column < width })
        for (f, path) in files.enumerated() {
            try environment.context.check()
            let values = partitions?.values[f] ?? []
            if values.indices.contains(where: { pruning.excludes(column: width + $0, constant: values[$0]) }) {
                environment.context.statistics.addFileSkipped()
                continue
            }
            let source = f == 0 ? first : try open(path)
            guard source.columnNames == first.columnNames, source.columnTypes == first.columnTypes else {
                throw QueryError("'\(path)' does not have the columns of '\(files[0])' (\(Self.describe(first))): "
                                 + "it has \(Self.describe(source))")
            }
            try source.produce(environment, reading: Array(read.prefix(width)), pruning: fileTests) { chunk in
                guard !values.isEmpty else { return try consume(chunk) }
                let constants = values.indices.map { k -> Vector in
                    read[width + k] ? Vector.constant(values[k], type: columnTypes[width + k], count: chunk.count)
                                    : unread(width + k, count: chunk.count)
                }
                try consume(DataChunk(columns: chunk.columns + constants, count: chunk.count))
            }
        }
    }

    private static func describe(_ source: TableSource) -> String {
        zip(source.columnNames, source.columnTypes).map { "\($0) \($1)" }.joined(separator: ", ")
    }
}
