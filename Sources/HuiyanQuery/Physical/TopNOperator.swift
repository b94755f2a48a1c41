/// The first `limit` rows after `offset` in the order of the sort keys, kept in a bounded heap: each row
/// costs one comparison with the heap's last row once the heap is full, and the input is never sorted.
final class TopNOperator: PhysicalOperator {
    let input: PhysicalOperator
    let keys: [SortKey]
    let limit: Int
    let offset: Int
    let environment: ExecutionEnvironment

    init(input: PhysicalOperator, keys: [SortKey], limit: Int, offset: Int, environment: ExecutionEnvironment) {
        self.input = input
        self.keys = keys
        self.limit = limit
        self.offset = offset
        self.environment = environment
    }

    var inputs: [PhysicalOperator] { [input] }

    func explanation(offsetSeconds: Int) -> [String] {
        ["TOP \(limit)" + (offset > 0 ? " OFFSET \(offset)" : "") + " [\(SortKey.text(keys, offsetSeconds: offsetSeconds))]"]
    }

    func execute() throws -> [DataChunk] {
        guard limit > 0 else { return [] }
        let (sum, overflow) = limit.addingReportingOverflow(offset)
        let k = overflow ? Int.max : sum
        // The input's chunks are gathered until they hold twice the rows kept (at least 65,536), then cut
        // to the best k: a top-N over an input made chunk by chunk holds about 2k rows, not the input. Once
        // k rows are kept, a chunk's rows that do not come before the worst of them are dropped at once.
        var kept: DataChunk?
        var worst: (row: DataChunk, words: SortOperator.Entry)?
        var pending: [DataChunk] = []
        var pendingRows = 0
        let context = environment.context
        let reduceAt = max(65_536, k.multipliedReportingOverflow(by: 2).overflow ? Int.max : 2 * k)
        try input.stream(in: context) { chunk in
            guard chunk.count > 0 else { return }
            let candidates = try worst.map { try self.rowsBefore($0, in: chunk) } ?? chunk
            guard candidates.count > 0 else { return }
            pending.append(candidates)
            pendingRows += candidates.count
            if pendingRows + (kept?.count ?? 0) >= reduceAt {
                let best = try self.best((kept.map { [$0] } ?? []) + pending, k)
                pending = []
                pendingRows = 0
                if best.chunk.count >= k {
                    kept = best.chunk
                    worst = (best.chunk.gathered([Int32(best.chunk.count - 1)]), best.worst)
                } else {
                    pending = [best.chunk]
                    pendingRows = best.chunk.count
                }
            }
            try context.hold(pending.reduce(kept?.approximateBytes ?? 0) { $0 + $1.approximateBytes }, for: self)
        }
        let all = (kept.map { [$0] } ?? []) + pending
        guard !all.isEmpty else { return [] }
        let top = try best(all, k).chunk
        guard top.count > offset else { return [] }
        return [top.gathered((offset..<top.count).map(Int32.init))]
    }

    /// The rows of `chunk` that come before the worst kept row by the keys (a tie does not: the kept row came
    /// first): by the first two keys' words, by the whole keys only when the words tie.
    private func rowsBefore(_ worst: (row: DataChunk, words: SortOperator.Entry), in chunk: DataChunk) throws -> DataChunk {
        try environment.context.check()
        let order = try RowOrder(keys: keys, chunks: [worst.row, chunk], offsetSeconds: environment.offsetSeconds)
        let first = order.prefixes(ofChunk: 1, count: chunk.count, key: 0)
        // Most rows are decided by the first key's word; the second key's words (a string's bytes, perhaps)
        // are read only for the rows whose first word ties with the worst kept row's.
        var rows: [Int32] = []
        var ties: [Int32] = []
        for r in 0..<chunk.count {
            if first[r] < worst.words.first {
                rows.append(Int32(r))
            } else if first[r] == worst.words.first {
                ties.append(Int32(r))
            }
        }
        if !ties.isEmpty {
            let second = order.prefixes(ofChunk: 1, count: chunk.count, key: order.wordIsWholeValue(key: 0) ? 1 : keys.count, rows: ties)
            for (i, r) in ties.enumerated() {
                let entry = SortOperator.Entry(first: first[Int(r)], second: second[i], chunk: 1, row: r)
                if entry.precedesByWords(worst.words) ?? (order.compare(1, Int(r), 0, 0) < 0) { rows.append(r) }
            }
            rows.sort()
        }
        // A few rows kept of a large chunk (a partition's groups) keep their strings, not the chunk's pools.
        return rows.count == chunk.count ? chunk : rows.count * 4 < chunk.count ? chunk.compacted(rows) : chunk.gathered(rows)
    }

    /// The first `k` rows of `chunks` in the keys' order (ties in input order), as one chunk, and the words
    /// of its last row.
    private func best(_ chunks: [DataChunk], _ k: Int) throws -> (chunk: DataChunk, worst: SortOperator.Entry) {
        let order = try RowOrder(keys: keys, chunks: chunks, offsetSeconds: environment.offsetSeconds)
        var entries = try SortOperator.sortedEntries(chunks, order, first: k, context: environment.context)
        if entries.count > k { entries.removeSubrange(k...) }
        let chunk = SortOperator.gather(chunks, entries.map { (chunk: $0.chunk, row: $0.row) })
        return (chunk, entries.last ?? SortOperator.Entry(first: 0, second: 0, chunk: 0, row: 0))
    }
}

struct BoundedHeap<Element> {
    let capacity: Int
    let precedes: (Element, Element) -> Bool
    private(set) var elements: [Element] = []

    init(capacity: Int, precedes: @escaping (Element, Element) -> Bool) {
        self.capacity = capacity
        self.precedes = precedes
        elements.reserveCapacity(min(capacity, 1 << 20))
    }

    mutating func offer(_ e: Element) {
        if elements.count < capacity {
            elements.append(e)
            siftUp(elements.count - 1)
        } else if capacity > 0, precedes(e, elements[0]) {
            elements[0] = e
            siftDown(0)
        }
    }

    /// The kept elements, first to last.
    func sorted() -> [Element] { elements.sorted(by: precedes) }

    /// The worst kept element (nil while empty).
    var worst: Element? { elements.first }

    /// Whether the heap holds `capacity` elements.
    var isFull: Bool { elements.count >= capacity }

    private mutating func siftUp(_ i: Int) {
        var i = i
        while i > 0 {
            let parent = (i - 1) / 2
            guard precedes(elements[parent], elements[i]) else { break }
            elements.swapAt(parent, i)
            i = parent
        }
    }

    private mutating func siftDown(_ i: Int) {
        var i = i
        let n = elements.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var worst = i
            if l < n, precedes(elements[worst], elements[l]) { worst = l }
            if r < n, precedes(elements[worst], elements[r]) { worst = r }
            if worst == i { return }
            elements.swapAt(i, worst)
            i = worst
        }
    }
}
