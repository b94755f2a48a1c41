/// UNION ALL: the left input's rows, then the right's, each chunk cut to the union's columns (an input's
/// plan may compute more, for its ORDER BY).
final class UnionOperator: StreamingOperator {
    let left: PhysicalOperator
    let right: PhysicalOperator
    let width: Int
    let environment: ExecutionEnvironment

    init(left: PhysicalOperator, right: PhysicalOperator, width: Int, environment: ExecutionEnvironment) {
        self.left = left
        self.right = right
        self.width = width
        self.environment = environment
    }

    var inputs: [PhysicalOperator] { [left, right] }

    func explanation(offsetSeconds: Int) -> [String] { ["UNION ALL"] }

    func produce(into consume: (DataChunk) throws -> Void) throws {
        for input in inputs {
            try input.stream(in: environment.context) { chunk in
                try consume(DataChunk(columns: Array(chunk.columns.prefix(width)), count: chunk.count))
            }
        }
    }
}
