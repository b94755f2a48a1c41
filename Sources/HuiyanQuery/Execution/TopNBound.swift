import HuiyanStorage

/// The first keys of the best rows that any thread of a top-N scan has offered to its heap: each is a
/// distinct row of the table, offered once, so once `capacity` of them are held, a row or a block whose
/// first key comes strictly after the worst of them cannot be among the best rows, whichever thread reads it.
/// The threads' own heaps each hold only a share of the best rows, and their own worst rows are looser.
final class TopNBound: @unchecked Sendable {
    // Sendable: `key` and `capacity` are set once and only read; the values live behind `state`'s lock.
    let key: SortKey
    let capacity: Int
    /// The best first keys so far, best first, at most `capacity`.
    private let state = LockedValue<[Value]>([])

    /// Bounds kept for at most this many rows (a larger LIMIT keeps each thread's own bound alone).
    static let largestCapacity = 4_096

    init(key: SortKey, capacity: Int) {
        self.key = key
        self.capacity = capacity
    }

    /// Takes the first keys of rows just offered to a heap.
    func offer(_ values: [Value]) {
        guard capacity > 0, capacity <= Self.largestCapacity, !values.isEmpty else { return }
        state.withLock { best in
            for value in values {
                if best.count >= capacity, TopNHeap.compare(value, best[best.count - 1], key) >= 0 { continue }
                var lo = 0, hi = best.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if TopNHeap.compare(best[mid], value, key) <= 0 { lo = mid + 1 } else { hi = mid }
                }
                best.insert(value, at: lo)
                if best.count > capacity { best.removeLast() }
            }
        }
    }

    /// The first key no row strictly after can enter the result with; nil until `capacity` rows are known.
    var bound: Value? {
        state.withLock { best in best.count >= capacity && capacity > 0 ? best[best.count - 1] : nil }
    }
}
