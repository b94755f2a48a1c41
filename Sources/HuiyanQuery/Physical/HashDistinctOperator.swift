/// The rows of its input without repeats (the first of equal rows kept, in input order): rows are numbered
/// by a hash table of their values (`GroupTable`), and a row is kept when its number is new.
final class HashDistinctOperator: PhysicalOperator {
    let input: PhysicalOperator
    let environment: ExecutionEnvironment

    init(input: PhysicalOperator, environment: ExecutionEnvironment) {
        self.input = input
        self.environment = environment
    }

    var inputs: [PhysicalOperator] { [input] }

    func explanation(offsetSeconds: Int) -> [String] { ["HASH DISTINCT"] }

    func execute() throws -> [DataChunk] {
        let chunks = try input.run(in: environment.context)
        guard let first = chunks.first else { return [] }
        let table = GroupTable(keyTypes: first.columns.map(\.type), shortcuts: environment.optimizer.allows(.bucketAggregation))
        var seen: [Bool] = []
        var out: [DataChunk] = []
        for chunk in chunks {
            try environment.context.check()
            var groups = [Int32](repeating: 0, count: chunk.count)
            table.assign(chunk.columns, chunk.batch, into: &groups)
            if seen.count < table.groupCount { seen += [Bool](repeating: false, count: table.groupCount - seen.count) }
            var kept: [Int32] = []
            for r in 0..<chunk.count where !seen[Int(groups[r])] {
                seen[Int(groups[r])] = true
                kept.append(Int32(r))
            }
            if kept.count == chunk.count { out.append(chunk) } else if !kept.isEmpty { out.append(chunk.gathered(kept)) }
            try environment.context.hold(table.approximateBytes + out.reduce(0) { $0 + $1.approximateBytes }, for: self)
        }
        return out
    }
}
