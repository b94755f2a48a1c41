import HuiyanStorage

/// For `x IN (long list of strings)` over a segment's sorted dictionary: which codes the list holds, found
/// once per dictionary and list rather than once per block (an IN subquery's thousands of ids were looked
/// up by binary search in every block). Entries are keyed by the pool (held weakly: a finished statement's
/// dictionaries go, and their entries with them) and the list's storage (the same array, not a copy); short
/// lists are cheap and not cached. Shared by the scan threads.
final class InListCodeCache: Sendable {
    static let shared = InListCodeCache()
    /// Lists shorter than this are looked up each time.
    static let shortestCached = 64
    private static let capacity = 16

    // Safe to share although a `StringPool` is not: the cache never uses a pool, it only compares it by
    // identity and sees whether it is gone (a weak reference loads atomically); the rest are values.
    private struct Entry: @unchecked Sendable {
        weak var pool: StringPool?
        let values: [Value]
        let wanted: [Bool]
    }

    private let entries = LockedValue<[Entry]>([])

    /// Per code of the sorted pool, whether the list holds its string.
    func wanted(_ pool: StringPool, _ values: [Value]) -> [Bool] {
        let cached = values.count >= Self.shortestCached
        if cached {
            if let hit = entries.withLock({ $0.first { $0.pool === pool && Self.sameStorage($0.values, values) }?.wanted }) {
                return hit
            }
        }
        var wanted = [Bool](repeating: false, count: pool.count)
        for case .string(let s) in values { if let code = pool.dictionary.code(of: s) { wanted[code] = true } }
        if cached {
            entries.withLock { entries in
                entries.removeAll { $0.pool == nil }
                if entries.count >= Self.capacity { entries.removeFirst() }
                entries.append(Entry(pool: pool, values: values, wanted: wanted))
            }
        }
        return wanted
    }

    private static func sameStorage(_ a: [Value], _ b: [Value]) -> Bool {
        a.count == b.count && a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress } }
    }
}
