/// A table function's rows (`LogicalPlan.tableFunction`): the source's chunks as it makes them, column `i` the
/// source's column `i` (the `SubqueryOperator` above labels them as FROM's columns).
final class TableFunctionOperator: StreamingOperator {
    let source: TableSource
    let environment: ExecutionEnvironment

    init(source: TableSource, environment: ExecutionEnvironment) {
        self.source = source
        self.environment = environment
    }

    var inputs: [PhysicalOperator] { [] }

    func explanation(offsetSeconds: Int) -> [String] {
        ["TABLE FUNCTION \(source.explanation) columns [\(source.columnNames.joined(separator: ", "))]"]
    }

    func produce(into consume: (DataChunk) throws -> Void) throws {
        try source.produce(environment) { chunk in
            try environment.context.check()
            // The chunk being handed on is this operator's until the consumer has taken what it keeps.
            try environment.context.hold(chunk.approximateBytes, for: self)
            try consume(chunk)
        }
        environment.context.release(self)
    }
}
