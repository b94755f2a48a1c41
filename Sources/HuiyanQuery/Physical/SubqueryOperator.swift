/// A subquery's rows as a table of FROM (`LogicalPlan.derived`): the first columns of its plan's output,
/// labelled with the combined column indexes the query above reads them by.
final class SubqueryOperator: StreamingOperator {
    let input: PhysicalOperator
    let table: DerivedTable
    let environment: ExecutionEnvironment

    init(input: PhysicalOperator, table: DerivedTable, environment: ExecutionEnvironment) {
        self.input = input
        self.table = table
        self.environment = environment
    }

    var inputs: [PhysicalOperator] { [input] }

    func explanation(offsetSeconds: Int) -> [String] {
        ["SUBQUERY \(table.name) columns [\(table.columnNames.joined(separator: ", "))]"]
    }

    func produce(into consume: (DataChunk) throws -> Void) throws {
        let indexes = Array(table.base..<(table.base + table.width))
        try input.stream(in: environment.context) { chunk in
            try consume(DataChunk(columns: Array(chunk.columns.prefix(table.width)), count: chunk.count, columnIndexes: indexes))
        }
    }
}
