/// The rows of a window operator's input in one window's order: numbered by partition in a `GroupTable`
/// (a hash of the PARTITION BY keys), dealt into their partitions by counting, then each partition sorted
/// by the ORDER BY keys alone — by `RowOrder`'s words of its first two keys, the whole keys only where the
/// words tie (as `SortOperator` sorts). Rows are named by their flat index: row `r` of chunk `c` is
/// `offsets[c] + r`.
struct WindowOrdering {
    /// Flat row indexes, partition after partition, each in its order.
    let rows: [Int32]
    let partitions: [WindowPartition]

    init(chunks: [DataChunk], offsets: [Int], partition: [BoundExpression], order: [SortKey], environment: ExecutionEnvironment,
         holder: AnyObject, heldBytes: Int) throws {
        let context = environment.context
        let n = chunks.reduce(0) { $0 + $1.count }
        // Partition numbers, in the order partitions first appear.
        var numbers: [[Int32]] = []
        var partitionCount = 1
        if partition.isEmpty {
            numbers = chunks.map { [Int32](repeating: 0, count: $0.count) }
        } else {
            let table = GroupTable(keyTypes: partition.map(\.type), shortcuts: environment.optimizer.allows(.bucketAggregation))
            for chunk in chunks {
                try context.check()
                let evaluator = chunk.evaluator(offsetSeconds: environment.offsetSeconds)
                let keys = try partition.map { try evaluator.evaluate($0, chunk.batch) }
                var groups = [Int32](repeating: 0, count: chunk.count)
                table.assign(keys, chunk.batch, into: &groups)
                numbers.append(groups)
                try context.hold(heldBytes + 2 * table.approximateBytes + n * 4, for: holder)
            }
            partitionCount = Swift.max(1, table.groupCount)
        }
        // Where each partition starts, then every row dealt into its place (in input order within it).
        var starts = [Int](repeating: 0, count: partitionCount + 1)
        for groups in numbers { for g in groups { starts[Int(g) + 1] += 1 } }
        for p in 0..<partitionCount { starts[p + 1] += starts[p] }
        let keys = try RowOrder(keys: order, chunks: chunks, offsetSeconds: environment.offsetSeconds)
        let firsts = chunks.indices.map { keys.prefixes(ofChunk: $0, count: chunks[$0].count, key: 0) }
        let seconds = chunks.indices.map { keys.prefixes(ofChunk: $0, count: chunks[$0].count, key: keys.wordIsWholeValue(key: 0) ? 1 : order.count) }
        var entries = [SortOperator.Entry](repeating: SortOperator.Entry(first: 0, second: 0, chunk: 0, row: 0), count: n)
        var cursor = Array(starts.dropLast())
        for (c, groups) in numbers.enumerated() {
            for (r, g) in groups.enumerated() {
                entries[cursor[Int(g)]] = SortOperator.Entry(first: firsts[c][r], second: seconds[c][r], chunk: Int32(c), row: Int32(r))
                cursor[Int(g)] += 1
            }
        }
        numbers = []
        if !order.isEmpty {
            var comparisons = 0
            for p in 0..<partitionCount where starts[p + 1] - starts[p] > 1 {
                try entries[starts[p]..<starts[p + 1]].sort { a, b in
                    comparisons &+= 1
                    if comparisons & 0xFFFF == 0 { try context.check() }
                    return a.precedesByWords(b) ?? keys.precedes(Int(a.chunk), Int(a.row), Int(b.chunk), Int(b.row))
                }
            }
        }
        // Peer groups: neighbours whose ORDER BY keys tie (all of a partition without ORDER BY).
        var peerStart = [Int](repeating: 0, count: n)
        var peerEnd = [Int](repeating: 0, count: n)
        for p in 0..<partitionCount {
            let start = starts[p], m = starts[p + 1] - start
            var group = 0
            for j in 0..<m {
                if j > 0 {
                    let a = entries[start + j - 1], b = entries[start + j]
                    if a.first != b.first || a.second != b.second || keys.compare(Int(a.chunk), Int(a.row), Int(b.chunk), Int(b.row)) != 0 {
                        for k in group..<j { peerEnd[start + k] = j }
                        group = j
                    }
                }
                peerStart[start + j] = group
            }
            for k in group..<m { peerEnd[start + k] = m }
        }
        let flat = entries.map { Int32(offsets[Int($0.chunk)] + Int($0.row)) }
        rows = flat
        partitions = (0..<partitionCount).compactMap { p in
            starts[p + 1] > starts[p]
                ? WindowPartition(rows: flat, start: starts[p], count: starts[p + 1] - starts[p], peerStart: peerStart, peerEnd: peerEnd)
                : nil
        }
    }
}
