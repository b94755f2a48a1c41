/// Orders every row of its input by the sort keys (stable: ties keep the input's order).
final class SortOperator: StreamingOperator {
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

    /// The input is taken chunk by chunk; once the rows held pass a quarter of what the memory limit leaves
    /// beside the other states (the scan's decoded dictionaries), they are sorted and written to disk as a
    /// run (`SortedRuns`), and at the end the runs are merged as they are read back and handed on a chunk at
    /// a time. Within the limit, one sort in memory, one chunk. (Sorting a run takes about three times its
    /// bytes beside it — entries, key words, the gathered copy —: measured at 10 M visits and a 256 MiB limit,
    /// runs of a quarter of the whole limit beside 153 MiB of dictionaries peaked at 425–554 MiB.)
    func produce(into consume: (DataChunk) throws -> Void) throws {
        let context = environment.context
        var pending: [DataChunk] = []
        var pendingBytes = 0
        var runs: SortedRuns?
        // What the input's chunks say of their columns (group keys, column indexes), kept on the merged ones.
        var shape = DataChunk(columns: [], count: 0)
        try input.stream(in: context) { chunk in
            guard chunk.count > 0 else { return }
            shape = chunk.withColumns([], count: 0)
            pending.append(chunk)
            pendingBytes += chunk.approximateBytes
            if let limit = context.memoryLimit, pendingBytes > max((limit - context.heldBytes(excluding: self)) / 4, limit / 32),
               let area = context.spillArea {
                if runs == nil { runs = SortedRuns(keys: keys, offsetSeconds: environment.offsetSeconds, context: context, area: area) }
                try runs!.add(pending)
                pending = []
                pendingBytes = 0
            }
            try context.hold(pendingBytes, for: self)
        }
        guard var runs else {
            guard !pending.isEmpty else { return }
            try consume(try Self.sorted(pending, keys: keys, offsetSeconds: environment.offsetSeconds, context: context))
            return
        }
        if !pending.isEmpty { try runs.add(pending) }
        pending = []
        try context.hold(0, for: self)
        try runs.merge(like: shape, into: consume)
    }

    /// The rows of `chunks` in the keys' order (stable), as one chunk.
    static func sorted(_ chunks: [DataChunk], keys: [SortKey], offsetSeconds: Int, context: QueryContext) throws -> DataChunk {
        let order = try RowOrder(keys: keys, chunks: chunks, offsetSeconds: offsetSeconds)
        let positions = try sortedEntries(chunks, order, context: context).map { (chunk: $0.chunk, row: $0.row) }
        return gather(chunks, positions)
    }

    /// A row to sort: the words of its first two keys (`RowOrder.prefixes`) and where it is.
    struct Entry {
        var first: UInt64
        var second: UInt64
        var chunk: Int32
        var row: Int32

        /// Whether the words alone put `self` before `other` (nil: they tie).
        @inline(__always)
        func precedesByWords(_ other: Entry) -> Bool? {
            if first != other.first { return first < other.first }
            if second != other.second { return second < other.second }
            return nil
        }
    }

    /// Every row of `chunks` in `order` (stable): rows are compared by the words of their first two keys
    /// first, by the whole keys only when the words tie. The second key's word counts only when the first
    /// key's word is its whole value (not a string: equal words there may hide different strings). With
    /// `first`, only rows that may be among the first that many are sorted: those whose first key's word is
    /// not above the `first`-th smallest (at least that many rows come before any other). Ctrl-C and the
    /// timeout are honoured every 65,536 comparisons.
    static func sortedEntries(_ chunks: [DataChunk], _ order: RowOrder, first wanted: Int? = nil, context: QueryContext) throws -> [Entry] {
        let total = chunks.reduce(0) { $0 + $1.count }
        let firsts = chunks.indices.map { order.prefixes(ofChunk: $0, count: chunks[$0].count, key: 0) }
        var bound = UInt64.max
        if let wanted, wanted > 0, wanted < total / 2 {
            var smallest = BoundedHeap<UInt64>(capacity: wanted) { $0 < $1 }
            // Once the heap is full, a word not below its worst is passed over at one comparison.
            var worst = UInt64.max
            for words in firsts {
                for w in words where w < worst || !smallest.isFull {
                    smallest.offer(w)
                    if smallest.isFull { worst = smallest.worst! }
                }
            }
            bound = smallest.worst ?? .max
        }
        var entries: [Entry] = []
        entries.reserveCapacity(bound == .max ? total : min(total, 2 * (wanted ?? 0) + 64))
        for (c, chunk) in chunks.enumerated() {
            let first = firsts[c]
            let rows = bound == .max ? nil : (0..<Int32(chunk.count)).filter { first[Int($0)] <= bound }
            let second = order.prefixes(ofChunk: c, count: chunk.count, key: order.wordIsWholeValue(key: 0) ? 1 : order.keys.count, rows: rows)
            if let rows {
                for (i, r) in rows.enumerated() { entries.append(Entry(first: first[Int(r)], second: second[i], chunk: Int32(c), row: r)) }
            } else {
                for r in 0..<chunk.count { entries.append(Entry(first: first[r], second: second[r], chunk: Int32(c), row: Int32(r))) }
            }
        }
        var comparisons = 0
        try entries.sort { a, b in
            comparisons &+= 1
            if comparisons & 0xFFFF == 0 { try context.check() }
            return a.precedesByWords(b) ?? order.precedes(Int(a.chunk), Int(a.row), Int(b.chunk), Int(b.row))
        }
        return entries
    }

    /// One chunk of the rows at `positions`, in that order (string columns re-pooled when chunks differ).
    static func gather(_ chunks: [DataChunk], _ positions: [(chunk: Int32, row: Int32)]) -> DataChunk {
        if chunks.count == 1 { return chunks[0].gathered(positions.map(\.row)) }
        let width = chunks[0].columns.count
        let columns = (0..<width).map { k in
            Vector.concatenated(chunks.map { $0.columns[k] }, positions)
        }
        return chunks[0].withColumns(columns, count: positions.count)
    }
}

extension SortKey {
    /// EXPLAIN's text of a list of keys.
    static func text(_ keys: [SortKey], offsetSeconds: Int) -> String {
        keys.map { "\($0.expression.text(offsetSeconds: offsetSeconds))\($0.descending ? " DESC" : "")" }.joined(separator: ", ")
    }
}
