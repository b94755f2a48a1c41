/// Several files read as one table — a glob (`read_parquet('visits/*/*.parquet')`) or a list
/// (`read_parquet(['a.parquet', 'b.parquet'])`) — one after another in the order given (a glob's matches
/// sorted), each through a source of its own made when its turn comes. Every file must have the first
/// file's columns, of the same types (an error names the file that does not) — or, with `union_by_name`,
/// the table has every column any file has, matched by name (case aside) in the order first met, NULL in
/// the rows of a file without it, of the type its files' types meet in (`unify`). The Hive partition columns of
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
    /// With union_by_name: every file's source, opened when bound (their columns make the table's), and for
    /// each file, which of its columns is each of the table's (nil: NULL in its rows).
    private let byName: (sources: [TableSource], placements: [[Int?]])?

    /// The files' own columns, before the partition columns.
    private let fileWidth: Int

    var estimatedRows: Int? { first.estimatedRows.map { $0 * files.count } }

    /// `unify`: with union_by_name, the type of a column whose files give it two types (nil: every file
    /// has the first file's columns).
    init(files: [String], partitions: HivePartitions?, explanation: String, unify: ((SQLType, SQLType) -> SQLType)? = nil,
         open: @escaping (String) throws -> TableSource) throws {
        self.files = files
        self.partitions = partitions
        self.explanation = explanation
        self.open = open
        first = try open(files[0])
        var names = first.columnNames, types = first.columnTypes
        if let unify {
            let sources = try [first] + files.dropFirst().map(open)
            var index: [String: Int] = [:]
            for (k, name) in names.enumerated() where index[name.lowercased()] == nil { index[name.lowercased()] = k }
            for source in sources.dropFirst() {
                for (name, type) in zip(source.columnNames, source.columnTypes) {
                    if let k = index[name.lowercased()] {
                        types[k] = unify(types[k], type)
                    } else {
                        index[name.lowercased()] = names.count
                        names.append(name)
                        types.append(type)
                    }
                }
            }
            byName = (sources, sources.map { source in
                names.map { name in source.columnNames.firstIndex { $0.lowercased() == name.lowercased() } }
            })
        } else {
            byName = nil
        }
        fileWidth = names.count
        let hiveNames = partitions?.names ?? []
        for name in hiveNames where names.contains(where: { $0.lowercased() == name.lowercased() }) {
            throw QueryError("'\(files[0])' has a column \"\(name)\" and a partition folder \(name)=…: read it with hive_partitioning = false")
        }
        columnNames = names + hiveNames
        columnTypes = types + (partitions?.types ?? [])
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
            if let byName {
                try produceByName(byName.sources[f], byName.placements[f], environment, read, fileTests) { chunk in
                    try consume(DataChunk(columns: chunk.columns + constants(values, read, count: chunk.count), count: chunk.count))
                }
                continue
            }
            let source = f == 0 ? first : try open(path)
            guard source.columnNames == first.columnNames, source.columnTypes == first.columnTypes else {
                throw QueryError("'\(path)' does not have the columns of '\(files[0])' (\(Self.describe(first))): "
                                 + "it has \(Self.describe(source))")
            }
            try source.produce(environment, reading: Array(read.prefix(width)), pruning: fileTests) { chunk in
                guard !values.isEmpty else { return try consume(chunk) }
                try consume(DataChunk(columns: chunk.columns + constants(values, read, count: chunk.count), count: chunk.count))
            }
        }
    }

    /// The partition columns of a file's chunk: its folders' values (those read).
    private func constants(_ values: [Value], _ read: [Bool], count: Int) -> [Vector] {
        let width = fileWidth
        return values.indices.map { k -> Vector in
            read[width + k] ? Vector.constant(values[k], type: columnTypes[width + k], count: count) : unread(width + k, count: count)
        }
    }

    /// The rows of one file of a union by name: the table's columns from the file's own (converted to the
    /// table's type), NULL where it has none. The tests go to the file's columns; a test on a column the file
    /// lacks (NULL in every row: no comparison holds) skips the file.
    private func produceByName(_ source: TableSource, _ placement: [Int?], _ environment: ExecutionEnvironment, _ read: [Bool],
                               _ tests: SourcePruning, into consume: (DataChunk) throws -> Void) throws {
        var fileTests: [ZoneTest] = []
        for var test in tests.tests {
            guard let k = placement[test.column] else {
                environment.context.statistics.addFileSkipped()
                return
            }
            guard source.columnTypes[k] == columnTypes[test.column] else { continue }
            test.column = k
            fileTests.append(test)
        }
        var fileRead = [Bool](repeating: false, count: source.columnNames.count)
        for (c, k) in placement.enumerated() where read[c] { if let k { fileRead[k] = true } }
        try source.produce(environment, reading: fileRead, pruning: SourcePruning(tests: fileTests)) { chunk in
            var evaluator: Evaluator?
            let columns = try placement.enumerated().map { c, k -> Vector in
                guard read[c], let k else { return unread(c, count: chunk.count) }
                let type = source.columnTypes[k]
                guard type != columnTypes[c] else { return chunk.columns[k] }
                if evaluator == nil { evaluator = chunk.evaluator(offsetSeconds: environment.offsetSeconds) }
                return try evaluator!.evaluate(.cast(.column(k, name: source.columnNames[k], type: type), to: columnTypes[c]), chunk.batch)
            }
            try consume(DataChunk(columns: columns, count: chunk.count))
        }
    }

    private static func describe(_ source: TableSource) -> String {
        zip(source.columnNames, source.columnTypes).map { "\($0) \($1)" }.joined(separator: ", ")
    }
}
