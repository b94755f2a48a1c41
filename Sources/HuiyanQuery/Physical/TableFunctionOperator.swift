/// A table function's rows (`LogicalPlan.tableFunction`): the source's chunks as it makes them, column `i` the
/// source's column `i` (the `SubqueryOperator` above labels them as FROM's columns).
final class TableFunctionOperator: StreamingOperator {
    let source: TableSource
    let environment: ExecutionEnvironment
    /// Which of the source's columns the query reads (the others are NULL).
    let read: [Bool]
    /// The WHERE terms the source may skip row groups and files by (filter_pushdown).
    let pruning: SourcePruning

    init(source: TableSource, read: [Bool], pruning: SourcePruning = .none, environment: ExecutionEnvironment) {
        self.source = source
        self.read = read
        self.pruning = pruning
        self.environment = environment
    }

    var inputs: [PhysicalOperator] { [] }

    func explanation(offsetSeconds: Int) -> [String] {
        let names = source.columnNames.indices.filter { read[$0] }.map { source.columnNames[$0] }
        var line = "TABLE FUNCTION \(source.explanation) columns [\(names.joined(separator: ", "))]"
        if !pruning.isEmpty {
            let tested = Set(pruning.tests.map(\.column)).sorted().map { source.columnNames[$0] }
            line += " skipping by [\(tested.joined(separator: ", "))]"
        }
        return [line]
    }

    func produce(into consume: (DataChunk) throws -> Void) throws {
        defer { environment.context.release(self) }
        try source.produce(environment, reading: read, pruning: pruning) { chunk in
            try environment.context.check()
            // The chunk being handed on is this operator's until the consumer has taken what it keeps.
            // A file's chunk has string pools of its own: their bytes count too.
            let strings = chunk.columns.reduce(0) { $0 + ($1.pool?.approximateBytes ?? 0) }
            try environment.context.hold(chunk.approximateBytes + strings, for: self)
            try consume(chunk)
        }
    }
}
