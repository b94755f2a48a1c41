/// The rows of its input after skipping `offset`, at most `limit` of them (nil: all).
final class LimitOperator: PhysicalOperator {
    let input: PhysicalOperator
    let limit: Int?
    let offset: Int
    let environment: ExecutionEnvironment

    init(input: PhysicalOperator, limit: Int?, offset: Int, environment: ExecutionEnvironment) {
        self.input = input
        self.limit = limit
        self.offset = offset
        self.environment = environment
    }

    var inputs: [PhysicalOperator] { [input] }

    func explanation(offsetSeconds: Int) -> [String] {
        ["LIMIT \(limit.map(String.init) ?? "ALL")" + (offset > 0 ? " OFFSET \(offset)" : "")]
    }

    func execute() throws -> [DataChunk] { Self.slice(try input.run(in: environment.context), limit: limit, offset: offset) }

    /// The rows `offset ..< offset + limit` of a list of chunks.
    static func slice(_ chunks: [DataChunk], limit: Int?, offset: Int) -> [DataChunk] {
        var skip = offset
        var left = limit ?? Int.max
        var out: [DataChunk] = []
        for chunk in chunks where left > 0 {
            if skip >= chunk.count { skip -= chunk.count; continue }
            let take = min(chunk.count - skip, left)
            out.append(skip == 0 && take == chunk.count ? chunk : chunk.gathered((skip..<(skip + take)).map(Int32.init)))
            left -= take
            skip = 0
        }
        return out
    }
}
