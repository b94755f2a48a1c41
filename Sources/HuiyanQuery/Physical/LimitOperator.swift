import Dispatch

/// The rows of its input after skipping `offset`, at most `limit` of them (nil: all). It takes its input chunk
/// by chunk and stops it once it has its rows, so that `SELECT * FROM range(0, 1000000000000) LIMIT 3` ends
/// at once.
final class LimitOperator: StreamingOperator {
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

    /// Thrown through the input to stop it when the limit is reached.
    private struct Enough: Error {}

    func produce(into consume: (DataChunk) throws -> Void) throws {
        var skip = offset
        var left = limit ?? Int.max
        guard left > 0 else { return }
        let start = DispatchTime.now().uptimeNanoseconds
        var rows = 0
        do {
            try input.stream(in: environment.context) { chunk in
                rows += chunk.count
                if skip >= chunk.count { skip -= chunk.count; return }
                let take = min(chunk.count - skip, left)
                try consume(skip == 0 && take == chunk.count ? chunk : chunk.gathered((skip..<(skip + take)).map(Int32.init)))
                left -= take
                skip = 0
                if left == 0 { throw Enough() }
            }
        } catch is Enough {
            // The input stopped early: what `stream` would have recorded for it.
            environment.context.release(input)
            environment.context.statistics.record(input, rows: rows, nanoseconds: DispatchTime.now().uptimeNanoseconds - start)
        }
    }

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
