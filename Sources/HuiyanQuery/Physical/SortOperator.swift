/// Orders every row of its input by the sort keys (stable: ties keep the input's order).
final class SortOperator: PhysicalOperator {
    let input: PhysicalOperator
    let keys: [SortKey]
    let environment: ExecutionEnvironment

    init(input: PhysicalOperator, keys: [SortKey], environment: ExecutionEnvironment) {
        self.input = input
        self.keys = keys
        self.environment = environment
    }

    var inputs: [PhysicalOperator] { [input] }

    func explanation(offsetSeconds: Int) -> [String] { ["SORT [\(SortKey.text(keys, offsetSeconds: offsetSeconds))]"] }

    func execute() throws -> [DataChunk] {
        let chunks = try input.run(in: environment.context)
        guard !chunks.isEmpty else { return [] }
        let order = try RowOrder(keys: keys, chunks: chunks, offsetSeconds: environment.offsetSeconds)
        // Rows are ordered by their first key's order-preserving word first, by the whole keys only on a tie.
        var entries: [(prefix: UInt64, chunk: Int32, row: Int32)] = []
        entries.reserveCapacity(chunks.reduce(0) { $0 + $1.count })
        for (c, chunk) in chunks.enumerated() {
            for (r, prefix) in order.prefixes(ofChunk: c, count: chunk.count).enumerated() { entries.append((prefix, Int32(c), Int32(r))) }
        }
        // Sorting a large result takes a while: Ctrl-C and the timeout are honoured every 65,536 comparisons.
        var comparisons = 0
        let context = environment.context
        try entries.sort { a, b in
            comparisons &+= 1
            if comparisons & 0xFFFF == 0 { try context.check() }
            if a.prefix != b.prefix { return a.prefix < b.prefix }
            return order.precedes(Int(a.chunk), Int(a.row), Int(b.chunk), Int(b.row))
        }
        let positions = entries.map { (chunk: $0.chunk, row: $0.row) }
        return [Self.gather(chunks, positions)]
    }

    /// One chunk of the rows at `positions`, in that order (string columns re-pooled when chunks differ).
    static func gather(_ chunks: [DataChunk], _ positions: [(chunk: Int32, row: Int32)]) -> DataChunk {
        if chunks.count == 1 { return chunks[0].gathered(positions.map(\.row)) }
        let width = chunks[0].columns.count
        let columns = (0..<width).map { k in
            Vector.concatenated(chunks.map { $0.columns[k] }, positions)
        }
        return DataChunk(columns: columns, count: positions.count, groupKeyCount: chunks[0].groupKeyCount)
    }
}

extension SortKey {
    /// EXPLAIN's text of a list of keys.
    static func text(_ keys: [SortKey], offsetSeconds: Int) -> String {
        keys.map { "\($0.expression.text(offsetSeconds: offsetSeconds))\($0.descending ? " DESC" : "")" }.joined(separator: ", ")
    }
}
