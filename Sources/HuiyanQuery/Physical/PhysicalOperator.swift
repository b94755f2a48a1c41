import Dispatch

/// A physical operator: it runs its inputs and produces its rows as chunks of column vectors.
protocol PhysicalOperator: AnyObject {
    /// The operators whose rows this one reads.
    var inputs: [PhysicalOperator] { get }
    /// EXPLAIN's lines for this operator: its name first, then details (indented by the caller).
    func explanation(offsetSeconds: Int) throws -> [String]
    /// Runs the operator (and its inputs).
    func execute() throws -> [DataChunk]
}

/// What every operator needs at run time.
struct ExecutionEnvironment {
    let context: QueryContext
    let offsetSeconds: Int
    /// The rules in force (the statement's and the environment variable's).
    let optimizer: OptimizerSettings
}

extension PhysicalOperator {
    /// Runs the operator, recording its rows and time (its inputs' included) for EXPLAIN ANALYZE.
    func run(in context: QueryContext) throws -> [DataChunk] {
        let start = DispatchTime.now().uptimeNanoseconds
        let chunks = try execute()
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        // What an operator returns is held until the operator above has made its own from it.
        for input in inputs { context.release(input) }
        try context.hold(chunks.reduce(0) { $0 + $1.approximateBytes }, for: self)
        context.statistics.record(self, rows: chunks.reduce(0) { $0 + $1.count }, nanoseconds: elapsed)
        return chunks
    }
}
