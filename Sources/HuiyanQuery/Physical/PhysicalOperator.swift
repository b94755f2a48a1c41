import Dispatch

/// A physical operator: it runs its inputs and produces its rows as chunks of column vectors.
protocol PhysicalOperator: AnyObject {
    /// The operators whose rows this one reads.
    var inputs: [PhysicalOperator] { get }
    /// The statement's context, zone and rules.
    var environment: ExecutionEnvironment { get }
    /// EXPLAIN's lines for this operator: its name first, then details (indented by the caller).
    func explanation(offsetSeconds: Int) throws -> [String]
    /// Runs the operator (and its inputs).
    func execute() throws -> [DataChunk]
    /// Runs the operator, handing each chunk to `consume` as soon as it is made, so that the operator above
    /// holds only what it keeps (a top-N over a spilled aggregation's partitions). Operators that make their
    /// rows all at once hand them on at the end (the default).
    func produce(into consume: (DataChunk) throws -> Void) throws
}

/// What every operator needs at run time.
struct ExecutionEnvironment {
    let context: QueryContext
    let offsetSeconds: Int
    /// The rules in force (the statement's and the environment variable's).
    let optimizer: OptimizerSettings
}

/// An operator that makes its rows chunk by chunk (`produce`); `execute` gathers them.
protocol StreamingOperator: PhysicalOperator {}

extension StreamingOperator {
    func execute() throws -> [DataChunk] {
        var out: [DataChunk] = []
        try produce { out.append($0) }
        return out
    }
}

extension PhysicalOperator {
    /// Made all at once, the chunks are held (until the consumer is done with its input) while handed on.
    func produce(into consume: (DataChunk) throws -> Void) throws {
        let chunks = try execute()
        try environment.context.hold(chunks.reduce(0) { $0 + $1.approximateBytes }, for: self)
        for chunk in chunks { try consume(chunk) }
    }

    /// Runs the operator through `produce`, recording its rows and its time (its inputs' included, the
    /// consumer's not) for EXPLAIN ANALYZE; chunks handed on one at a time are not held for it: `consume`
    /// holds what it keeps.
    func stream(in context: QueryContext, _ consume: (DataChunk) throws -> Void) throws {
        let start = DispatchTime.now().uptimeNanoseconds
        var consuming: UInt64 = 0
        var rows = 0
        try produce { chunk in
            rows += chunk.count
            let handed = DispatchTime.now().uptimeNanoseconds
            try consume(chunk)
            consuming += DispatchTime.now().uptimeNanoseconds - handed
        }
        for input in inputs { context.release(input) }
        context.statistics.record(self, rows: rows, nanoseconds: DispatchTime.now().uptimeNanoseconds - start - consuming)
    }

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
