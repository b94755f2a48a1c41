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
        let chunks = try input.run(in: environment.context)
        let (k, overflow) = limit.addingReportingOverflow(offset)
        guard !chunks.isEmpty, limit > 0 else { return [] }
        let total = chunks.reduce(0) { $0 + $1.count }
        let order = try RowOrder(keys: keys, chunks: chunks, offsetSeconds: environment.offsetSeconds)
        var heap = BoundedHeap<(chunk: Int32, row: Int32)>(capacity: overflow ? total : min(k, total)) { a, b in
            order.precedes(Int(a.chunk), Int(a.row), Int(b.chunk), Int(b.row))
        }
        for (c, chunk) in chunks.enumerated() {
            try environment.context.check()
            for r in 0..<chunk.count { heap.offer((Int32(c), Int32(r))) }
        }
        let best = heap.sorted()
        guard best.count > offset else { return [] }
        return [SortOperator.gather(chunks, Array(best[offset...]))]
    }
}

/// The `capacity` smallest elements offered, by `precedes`: a max-heap whose top is the worst kept element,
/// so an element that does not precede it costs one comparison.
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
