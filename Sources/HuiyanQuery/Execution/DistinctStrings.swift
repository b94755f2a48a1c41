import CXXHash
import HuiyanStorage
import Foundation

/// Exact count(DISTINCT) of strings per group, over the codes each group saw in each dictionary (segment
/// dictionaries differ, so equal strings have different codes across segments).
///
/// A group that saw one dictionary only counts its codes. Otherwise the strings are cut into ranges by
/// split keys sampled from every dictionary: segment dictionaries are sorted, so each range is one
/// stretch of codes in each dictionary, found by binary search, and equal strings fall in the same range.
/// Each range is counted on its own, on every core, in an open-addressing table sized to it (about 16,000
/// strings, so it stays in cache): every (group, string) is hashed once, and equal hashes are confirmed by
/// comparing the strings — strings of up to 15 bytes (visitor and order ids) are kept inline next to their
/// hash, so confirming a duplicate touches no dictionary — so the count is exact. Nothing is materialized
/// per string beyond the table of the range at hand: memory is the dictionaries and the bitmaps.
enum DistinctStrings {
    /// The codes group `group` saw in `pool`, as a bitmap.
    struct Run {
        let group: Int
        let pool: StringPool
        let bits: [UInt64]
    }

    /// Distinct strings per group (`groups` results).
    static func count(_ runs: [Run], groups: Int, threads: Int) -> [Int] {
        var result = [Int](repeating: 0, count: groups)
        var runsPerGroup = [Int](repeating: 0, count: groups)
        for run in runs { runsPerGroup[run.group] += 1 }
        // Groups with one dictionary: their codes are their distinct strings.
        var spread: [Run] = []
        for run in runs {
            if runsPerGroup[run.group] == 1 {
                result[run.group] = run.bits.reduce(0) { $0 + $1.nonzeroBitCount }
            } else {
                spread.append(run)
            }
        }
        guard !spread.isEmpty else { return result }
        let counted = countByRanges(spread, groups: groups, threads: threads)
        for g in 0..<groups { result[g] += counted[g] }
        return result
    }

    /// Strings per range, the size a range's table is made for.
    static let rangeTarget = 16_384

    /// One (group, string) in a range's table: its hash, and the string itself when it has at most 15 bytes
    /// (`head`, then `tail` with the length in its top byte), else where its bytes are (`head` = run << 32 |
    /// code, and `tail` = `long`).
    private struct Entry {
        var hash: UInt64
        var head: UInt64
        var tail: UInt64
        var group: UInt32

        static let long = UInt64(0xFF) << 56
    }

    private static func countByRanges(_ runs: [Run], groups: Int, threads: Int) -> [Int] {
        // The distinct dictionaries (groups share their segments' pools), and each run's.
        var poolIndex: [ObjectIdentifier: Int] = [:]
        var dictionaries: [StringDictionary] = []
        let dictionaryOf = runs.map { run -> Int in
            if let i = poolIndex[ObjectIdentifier(run.pool)] { return i }
            dictionaries.append(run.pool.dictionary)
            poolIndex[ObjectIdentifier(run.pool)] = dictionaries.count - 1
            return dictionaries.count - 1
        }
        return withDictionaryBytes(dictionaries) { poolBytes, poolStarts in
            let bytes = dictionaryOf.map { poolBytes[$0] }, starts = dictionaryOf.map { poolStarts[$0] }
            let sizes = runs.map { $0.bits.reduce(0) { $0 + $1.nonzeroBitCount } }
            let total = sizes.reduce(0, +)
            // Split keys at quantiles of a sample of every dictionary, then each run's code at each key.
            let splits = splitKeys(dictionaries: dictionaries, poolBytes: poolBytes, poolStarts: poolStarts,
                                   weights: dictionaryWeights(dictionaryOf, sizes, count: dictionaries.count),
                                   ranges: max(1, (total + rangeTarget - 1) / rangeTarget))
            var boundariesOf: [Int: [Int]] = [:]
            let boundaries = dictionaryOf.map { d -> [Int] in
                if let known = boundariesOf[d] { return known }
                let count = dictionaries[d].count
                let b = [0] + splits.map { lowerBound($0, poolBytes[d], poolStarts[d], count) } + [count]
                boundariesOf[d] = b
                return b
            }
            let ranges = splits.count + 1
            let workers = max(1, min(threads, ranges))
            let nextRange = LockedValue(0)
            let perWorker = ConcurrentLoop.map(workers) { _ in
                var mine = [Int](repeating: 0, count: groups)
                var table = RangeTable()
                while true {
                    let range = nextRange.withLock { next in
                        defer { next += 1 }
                        return next
                    }
                    guard range < ranges else { break }
                    countRange(range, runs: runs, boundaries: boundaries, bytes: bytes, starts: starts, table: &table, into: &mine)
                }
                table.free()
                return mine
            }
            return (0..<groups).map { g in perWorker.reduce(0) { $0 + $1[g] } }
        }
    }

    /// Per dictionary, how many of its entries the runs saw (what its samples stand for).
    private static func dictionaryWeights(_ dictionaryOf: [Int], _ sizes: [Int], count: Int) -> [Int] {
        var weights = [Int](repeating: 0, count: count)
        for (r, d) in dictionaryOf.enumerated() { weights[d] += sizes[r] }
        return weights
    }

    /// `ranges - 1` increasing split keys: entries sampled evenly from each dictionary, each standing for its
    /// share of the dictionary's weight, cut at equal cumulative weight.
    private static func splitKeys(dictionaries: [StringDictionary], poolBytes: [UnsafePointer<UInt8>], poolStarts: [UnsafePointer<Int>],
                                  weights: [Int], ranges: Int) -> [[UInt8]] {
        guard ranges > 1 else { return [] }
        let perDictionary = 64
        var samples: [(key: [UInt8], weight: Double)] = []
        for (d, dictionary) in dictionaries.enumerated() where dictionary.count > 0 && weights[d] > 0 {
            let n = Swift.min(perDictionary, dictionary.count)
            for k in 0..<n {
                let code = k * dictionary.count / n
                let start = poolStarts[d][code], end = poolStarts[d][code + 1]
                samples.append((Array(UnsafeBufferPointer(start: poolBytes[d] + start, count: end - start)), Double(weights[d]) / Double(n)))
            }
        }
        samples.sort { compare($0.key, $1.key) < 0 }
        let step = samples.reduce(0) { $0 + $1.weight } / Double(ranges)
        var keys: [[UInt8]] = []
        var cumulative = 0.0
        for sample in samples {
            cumulative += sample.weight
            if cumulative >= step * Double(keys.count + 1), keys.count < ranges - 1,
               keys.last.map({ compare($0, sample.key) < 0 }) ?? true {
                keys.append(sample.key)
            }
        }
        return keys
    }

    /// The first code whose string is not below `key` (byte order).
    private static func lowerBound(_ key: [UInt8], _ bytes: UnsafePointer<UInt8>, _ starts: UnsafePointer<Int>, _ count: Int) -> Int {
        key.withUnsafeBufferPointer { k in
            var lo = 0, hi = count
            while lo < hi {
                let mid = (lo + hi) >> 1
                let start = starts[mid], length = starts[mid + 1] - start
                let common = Swift.min(length, k.count)
                var c = common == 0 ? 0 : memcmp(bytes + start, k.baseAddress!, common)
                if c == 0 { c = length < k.count ? -1 : (length > k.count ? 1 : 0) }
                if c < 0 { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
    }

    private static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// A range's open-addressing table, reused from range to range: a slot holds 32 bits of the hash beside
    /// the entry's number + 1, so that probing past other keys does not touch their entries.
    private struct RangeTable {
        var slots = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        var slotCapacity = 0
        var entries = UnsafeMutablePointer<Entry>.allocate(capacity: 1)
        var entryCapacity = 0

        /// Room for `count` entries, every slot empty; returns the slot mask.
        mutating func reset(for count: Int) -> Int {
            var capacity = 16
            while capacity < count * 2 { capacity <<= 1 }
            if capacity > slotCapacity {
                slots.deallocate()
                slots = .allocate(capacity: capacity)
                slotCapacity = capacity
            }
            slots.initialize(repeating: 0, count: capacity)
            if count > entryCapacity {
                entries.deallocate()
                entries = .allocate(capacity: count)
                entryCapacity = count
            }
            return capacity - 1
        }

        func free() {
            slots.deallocate()
            entries.deallocate()
        }
    }

    /// Counts the (group, string)s of range `range`: each run's codes between its boundaries, hashed into the
    /// table; each new one adds one to its group.
    private static func countRange(_ range: Int, runs: [Run], boundaries: [[Int]], bytes: [UnsafePointer<UInt8>],
                                   starts: [UnsafePointer<Int>], table: inout RangeTable, into counts: inout [Int]) {
        var total = 0
        for (r, run) in runs.enumerated() {
            total += run.bits.withUnsafeBufferPointer { popCount($0, boundaries[r][range]..<boundaries[r][range + 1]) }
        }
        guard total > 0 else { return }
        let mask = table.reset(for: total)
        let slots = table.slots, entries = table.entries
        var stored = 0
        for (r, run) in runs.enumerated() {
            let salt = UInt64(run.group) &* 0x9E37_79B9_7F4A_7C15
            let base = bytes[r], offsets = starts[r]
            let end = offsets[run.pool.count]
            let group = UInt32(run.group)
            run.bits.withUnsafeBufferPointer { words in
                forEachCode(words, boundaries[r][range]..<boundaries[r][range + 1]) { code in
                    let start = offsets[code], length = offsets[code + 1] - start
                    let hash = mix(XXH3_64bits(base + start, length) ^ salt)
                    var entry = Entry(hash: hash, head: UInt64(r) << 32 | UInt64(code), tail: Entry.long, group: group)
                    if length <= 15 {
                        let (head, tail) = inlineBytes(base + start, length, readable: end - start)
                        entry.head = head
                        entry.tail = tail | UInt64(length) << 56
                    }
                    let tag = hash & 0xFFFF_FFFF_0000_0000
                    var s = Int(truncatingIfNeeded: hash) & mask
                    while true {
                        let slot = slots[s]
                        if slot == 0 {
                            entries[stored] = entry
                            stored += 1
                            slots[s] = tag | UInt64(stored)
                            counts[Int(group)] += 1
                            return
                        }
                        if slot & 0xFFFF_FFFF_0000_0000 == tag {
                            let other = entries[Int(slot & 0xFFFF_FFFF) - 1]
                            if other.hash == hash, other.group == group, other.tail == entry.tail,
                               other.head == entry.head || (entry.tail == Entry.long && sameBytes(bytes, starts, other.head, entry.head)) {
                                return
                            }
                        }
                        s = (s + 1) & mask
                    }
                }
            }
        }
    }

    /// Set bits of `words` among bits `range`.
    @inline(__always)
    private static func popCount(_ words: UnsafeBufferPointer<UInt64>, _ range: Range<Int>) -> Int {
        var n = 0
        forEachWord(words, range) { _, word in n += word.nonzeroBitCount }
        return n
    }

    /// Calls `body` with every set bit of `words` among bits `range`, in order.
    @inline(__always)
    private static func forEachCode(_ words: UnsafeBufferPointer<UInt64>, _ range: Range<Int>, _ body: (Int) -> Void) {
        forEachWord(words, range) { w, word in
            var rest = word
            while rest != 0 {
                body(w << 6 | rest.trailingZeroBitCount)
                rest &= rest &- 1
            }
        }
    }

    /// Calls `body(index, word)` with the words covering bits `range`, bits outside it masked off.
    @inline(__always)
    private static func forEachWord(_ words: UnsafeBufferPointer<UInt64>, _ range: Range<Int>, _ body: (Int, UInt64) -> Void) {
        guard !range.isEmpty else { return }
        let first = range.lowerBound >> 6, last = (range.upperBound - 1) >> 6
        for w in first...last {
            var word = words[w]
            if w == first { word &= ~0 << UInt64(range.lowerBound & 63) }
            if w == last, range.upperBound & 63 != 0 { word &= (1 << UInt64(range.upperBound & 63)) &- 1 }
            body(w, word)
        }
    }

    /// Up to 15 bytes as two words, zero-padded; two unaligned loads when 16 bytes are readable (a copy
    /// through memory measured ten times slower: the loads waited for the copy's stores).
    @inline(__always)
    private static func inlineBytes(_ p: UnsafePointer<UInt8>, _ length: Int, readable: Int) -> (UInt64, UInt64) {
        if readable >= 16 {
            let raw = UnsafeRawPointer(p)
            let a = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            let b = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            let keepA: UInt64 = length >= 8 ? ~0 : (UInt64(1) << UInt64(length * 8)) &- 1
            let keepB: UInt64 = length <= 8 ? 0 : (UInt64(1) << UInt64((length - 8) * 8)) &- 1
            return (a & keepA, b & keepB)
        }
        var a: UInt64 = 0, b: UInt64 = 0
        for i in 0..<length {
            if i < 8 { a |= UInt64(p[i]) << UInt64(i * 8) } else { b |= UInt64(p[i]) << UInt64((i - 8) * 8) }
        }
        return (a, b)
    }

    @inline(__always)
    private static func sameBytes(_ bytes: [UnsafePointer<UInt8>], _ starts: [UnsafePointer<Int>], _ a: UInt64, _ b: UInt64) -> Bool {
        let (r1, c1, r2, c2) = (Int(a >> 32), Int(a & 0xFFFF_FFFF), Int(b >> 32), Int(b & 0xFFFF_FFFF))
        let s1 = starts[r1][c1], n1 = starts[r1][c1 + 1] - s1
        let s2 = starts[r2][c2], n2 = starts[r2][c2 + 1] - s2
        return n1 == n2 && (n1 == 0 || memcmp(bytes[r1] + s1, bytes[r2] + s2, n1) == 0)
    }

    /// A final 64-bit mixer (from MurmurHash3): spreads the salted hash over every bit.
    @inline(__always)
    private static func mix(_ x: UInt64) -> UInt64 {
        var h = x
        h ^= h >> 33; h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33; h &*= 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    /// Calls `body` with stable pointers to every dictionary's bytes and string starts.
    private static func withDictionaryBytes<R>(_ dictionaries: [StringDictionary],
                                               _ body: ([UnsafePointer<UInt8>], [UnsafePointer<Int>]) -> R) -> R {
        var bytes: [UnsafePointer<UInt8>] = [], starts: [UnsafePointer<Int>] = []
        func next(_ i: Int) -> R {
            guard i < dictionaries.count else { return body(bytes, starts) }
            return dictionaries[i].bytes.withUnsafeBufferPointer { b in
                dictionaries[i].starts.withUnsafeBufferPointer { s in
                    // An empty dictionary's bytes may have no address; it is never read.
                    bytes.append(b.baseAddress ?? UnsafePointer(bitPattern: 1)!)
                    starts.append(s.baseAddress!)
                    return next(i + 1)
                }
            }
        }
        return next(0)
    }
}
