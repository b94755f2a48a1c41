/// Computes expressions over its input's rows: output column `i` is expression `i`.
final class ProjectOperator: StreamingOperator {
    let input: PhysicalOperator
    let expressions: [BoundExpression]
    let environment: ExecutionEnvironment
    /// How EXPLAIN names the group keys and aggregates of an aggregate below (nil: no aggregate below).
    var names: AggregateNames?

    init(input: PhysicalOperator, expressions: [BoundExpression], environment: ExecutionEnvironment) {
        self.input = input
        self.expressions = expressions
        self.environment = environment
    }

    var inputs: [PhysicalOperator] { [input] }

    func explanation(offsetSeconds: Int) -> [String] {
        ["PROJECT [\(expressions.map { $0.text(offsetSeconds: offsetSeconds, names: names) }.joined(separator: ", "))]"]
    }

    func produce(into consume: (DataChunk) throws -> Void) throws {
        try input.stream(in: environment.context) { chunk in
            try environment.context.check()
            let evaluator = chunk.evaluator(offsetSeconds: environment.offsetSeconds)
            try consume(DataChunk(columns: try expressions.map { try evaluator.evaluate($0, chunk.batch) }, count: chunk.count))
        }
    }
}
