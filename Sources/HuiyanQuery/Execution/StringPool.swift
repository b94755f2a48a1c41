import Foundation
import HuiyanStorage

/// The strings a string vector's codes point into: a segment's sorted dictionary or strings computed for one
/// batch. Predicates and functions on strings are computed once per pool entry, then gathered by code.
final class StringPool {
    /// The entries as a dictionary, or nil while they are numbers not yet written out (`deferred`).
    private let stored: StringDictionary?
    /// Entries that are numbers of one numeric form (the merged ids of a GROUP BY): each is written out when
    /// read (`withBytes`), and all of them only for a reader of `dictionary`.
    private let deferred: DeferredNumericDictionary?
    /// Whether code order is byte order (segment dictionaries are sorted).
    let isSorted: Bool
    let count: Int

    /// Results computed over every entry, kept with the pool (`memoized`).
    private var memos: [AnyHashable: Any] = [:]
    private let memoLock = NSLock()

    init(_ dictionary: StringDictionary, isSorted: Bool) {
        stored = dictionary
        deferred = nil
        count = dictionary.count
        self.isSorted = isSorted
    }

    /// A pool of the entries `numbers` holds as numbers, each written out as it is read: a top-10 of
    /// millions of groups writes ten.
    init(numbers: NumericEntries, isSorted: Bool) {
        stored = nil
        deferred = DeferredNumericDictionary(numbers)
        count = numbers.count
        self.isSorted = isSorted
    }

    /// Every entry's bytes (a pool of numbers writes them all out on first use, once).
    var dictionary: StringDictionary { stored ?? deferred.unsafelyUnwrapped.dictionary }

    /// Calls `body` with the bytes of entry `code` (a pool of numbers writes that one entry out).
    @inline(__always)
    func withBytes<R>(at code: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if let stored { return try stored.withBytes(at: code, body) }
        return try deferred.unsafelyUnwrapped.withBytes(at: code, body)
    }

    /// The entries as numbers of one numeric form, for a pool that holds them so (a segment's numeric dictionary,
    /// or merged ids): readers that compare or hash ids can take the numbers and never write the text out.
    var numericEntries: NumericEntries? { deferred?.entries }

    /// About the bytes this pool holds, without writing out the entries of a pool of numbers.
    var approximateBytes: Int {
        if let deferred { return count * 8 + (deferred.isWrittenOut ? count * (deferred.width + 8) : 0) }
        return dictionary.bytes.count + count * 8
    }

    /// About how many bytes an entry takes, on average.
    var averageLength: Int {
        if let deferred { return deferred.width }
        return count == 0 ? 0 : dictionary.bytes.count / count
    }

    /// What `make` computes over this pool's entries (a predicate's truth or a function's result per entry),
    /// made on first use and kept with the pool under `key` for every later batch of it: a segment's
    /// dictionary of a million visitor ids is then walked once, in order, not looked up at random per row.
    /// Threads may share a pool; two racing for the same key may both make it, and one result is kept.
    func memoized<T>(_ key: AnyHashable, _ make: () throws -> T) rethrows -> T {
        memoLock.lock()
        let kept = memos[key] as? T
        memoLock.unlock()
        if let kept { return kept }
        let made = try make()
        memoLock.lock()
        memos[key] = made
        memoLock.unlock()
        return made
    }

    /// A pool of the given strings, in that order; `isSorted` only when they are distinct and in byte order.
    convenience init(strings: [String], isSorted: Bool = false) {
        var bytes: [UInt8] = []
        var starts = [0]
        for s in strings {
            bytes.append(contentsOf: s.utf8)
            starts.append(bytes.count)
        }
        self.init(StringDictionary(bytes: bytes, starts: starts), isSorted: isSorted)
    }

    func string(_ code: Int) -> String {
        precondition(code >= 0 && code < count, "string pool code out of range")
        return withBytes(at: code) { String(decoding: $0, as: UTF8.self) }
    }

    /// The codes whose strings satisfy `string op constant`, as one inclusive range, for a sorted pool
    /// (code order is byte order: one or two binary searches); nil for an unsorted pool.
    func codeRange(_ op: ComparisonOperator, _ constant: String) -> ClosedRange<Int64>?? {
        guard isSorted else { return nil }
        let n = Int64(count)
        let below = Int64(lowerBound(constant, inclusive: false))
        let belowOrEqual = Int64(lowerBound(constant, inclusive: true))
        let range: (Int64, Int64)
        switch op {
        case .equal: range = (below, belowOrEqual - 1)
        case .less: range = (0, below - 1)
        case .lessOrEqual: range = (0, belowOrEqual - 1)
        case .greater: range = (belowOrEqual, n - 1)
        case .greaterOrEqual: range = (below, n - 1)
        case .notEqual: return nil
        }
        return range.0 <= range.1 ? .some(range.0...range.1) : .some(nil)
    }

    /// How many entries are `< s` (or `<= s` when inclusive), by byte order; the pool must be sorted.
    func lowerBound(_ s: String, inclusive: Bool) -> Int {
        let target = Array(s.utf8)
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            let c = compareEntry(mid, target)
            if c < 0 || (inclusive && c == 0) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Byte order of entry `code` against `target`.
    private func compareEntry(_ code: Int, _ target: [UInt8]) -> Int {
        withBytes(at: code) { entry in target.withUnsafeBytes { Evaluator.byteOrder(entry, $0) } }
    }

    /// `body` of every entry's string, in code order, computed once and kept under `key` (`memoized`); long
    /// loops ask `CancellationPoll`.
    func perEntry<T>(_ key: AnyHashable, _ body: (String) throws -> T) throws -> [T] {
        try perEntryBytes(key) { try body(String(decoding: $0, as: UTF8.self)) }
    }

    /// `perEntry` handing `body` each entry's UTF-8 bytes, for readers that need no `String`. Every entry is
    /// read: a pool of numbers writes them all out once, not one at a time; `CancellationPoll` is asked every
    /// few kilobytes, not per entry.
    func perEntryBytes<T>(_ key: AnyHashable, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> [T] {
        try memoized(key) {
            var results: [T] = []
            results.reserveCapacity(count)
            var work = 0
            try dictionary.forEachEntry { bytes in
                work += bytes.count + 16
                if work >= 1 << 12 { try CancellationPoll.spend(work); work = 0 }
                results.append(try body(bytes))
            }
            return results
        }
    }

    /// The codes whose strings begin with `prefix`, for a sorted pool (two binary searches); nil for an unsorted
    /// one. In byte order the strings that begin with a prefix lie together: after every string below it, before
    /// every string above it that does not begin with it.
    func codes(withPrefix prefix: [UInt8]) -> Range<Int>? {
        guard isSorted else { return nil }
        /// Entry `code` against `prefix`, over the prefix's length: 0 when it begins with the prefix.
        func order(_ code: Int) -> Int {
            withBytes(at: code) { entry in
                let n = Swift.min(entry.count, prefix.count)
                for k in 0..<n where entry[k] != prefix[k] { return entry[k] < prefix[k] ? -1 : 1 }
                return entry.count < prefix.count ? -1 : 0
            }
        }
        /// The first code whose order is not below `limit` (the orders rise with the codes).
        func first(atLeast limit: Int) -> Int {
            var lo = 0, hi = count
            while lo < hi {
                let mid = (lo + hi) / 2
                if order(mid) < limit { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        return first(atLeast: 0)..<first(atLeast: 1)
    }

    /// Every entry as a `String`, decoded once (for functions that need `String`s).
    var strings: [String] {
        memoized(DecodedStrings()) {
            var strings: [String] = []
            strings.reserveCapacity(count)
            dictionary.forEachEntry { strings.append(String(decoding: $0, as: UTF8.self)) }
            return strings
        }
    }

    private struct DecodedStrings: Hashable {}
}
