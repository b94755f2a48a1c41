/// Keeps the rows of its input for which a predicate holds (HAVING, and WHERE when it could not be
/// pushed into the scan).
final class FilterOperator: StreamingOperator {
    let input: PhysicalOperator
    let predicate: BoundExpression
    let environment: ExecutionEnvironment
    /// How EXPLAIN names the group keys and aggregates of an aggregate below (nil: no aggregate below).
    var names: AggregateNames?

    init(input: PhysicalOperator, predicate: BoundExpression, environment: ExecutionEnvironment) {
        self.input = input
        self.predicate = predicate
        self.environment = environment
    }

    var inputs: [PhysicalOperator] { [input] }

    func explanation(offsetSeconds: Int) -> [String] { ["FILTER \(predicate.text(offsetSeconds: offsetSeconds, names: names))"] }

    func produce(into consume: (DataChunk) throws -> Void) throws {
        try input.stream(in: environment.context) { chunk in
            try environment.context.check()
            var batch = chunk.batch
            try chunk.evaluator(offsetSeconds: environment.offsetSeconds).filter(predicate, &batch)
            guard let selection = batch.selection else { return try consume(chunk) }
            if !selection.isEmpty { try consume(chunk.gathered(selection)) }
        }
    }
}
