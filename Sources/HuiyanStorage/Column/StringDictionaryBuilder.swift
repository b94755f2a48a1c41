import CXXHash
#if canImport(Glibc)
import Glibc
#endif

/// Interns the distinct strings of one column of one segment and hands out dense codes in order of
/// first appearance; `finish()` sorts the dictionary so that code order equals byte order.
///
/// An open-addressing table whose slots hold the entry number and 32 bits of its hash, over a byte arena
/// of raw memory: a lookup touches the arena only when the fingerprint matches, and nothing is allocated
/// per value.
///
/// A column that turns out to be mostly distinct (ids: over half of the first 16,384 values new) switches to
/// appending every value without lookup: probing a table far larger than the caches costs a memory miss a
/// value, while `finish()` sorts the entries anyway and then merges equal neighbours for free.
package final class StringDictionaryBuilder {
    /// Values interned so far, and whether lookups have stopped (every value is appended).
    private var interned = 0
    package private(set) var appendsWithoutLookup = false
    static let modeDecisionPoint = 16_384
    /// Bytes allocated past the arena's capacity, so that `finish()` may load 8 bytes at any entry's start.
    static let arenaSlack = 16
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCount = 0
    private var arenaCapacity: Int
    /// `starts[i] ..< starts[i + 1]` is entry `i` in the arena.
    private var starts: UnsafeMutablePointer<Int>
    private var entryCount = 0
    private var entryCapacity: Int
    /// 0 = empty; else `(hash >> 32) << 32 | (entry + 1)`.
    private var slots: UnsafeMutablePointer<UInt64>
    private var slotMask: Int

    /// `expectedDistinct` sizes the table up front (a hint, e.g. the previous segment's count).
    package init(expectedDistinct: Int = 256) {
        var capacity = 512
        while capacity < expectedDistinct * 2 { capacity <<= 1 }
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        slotMask = capacity - 1
        entryCapacity = capacity / 2
        starts = .allocate(capacity: entryCapacity + 1)
        starts[0] = 0
        arenaCapacity = 4096
        arena = .allocate(capacity: arenaCapacity + Self.arenaSlack)
    }

    deinit {
        slots.deallocate()
        starts.deallocate()
        arena.deallocate()
    }

    /// Number of entries so far: the distinct strings, or (once values are appended without lookup) every value.
    package var count: Int { entryCount }

    /// A good size hint for the next segment's dictionary of the same column.
    package var successorHint: Int { appendsWithoutLookup ? 256 : entryCount }

    /// Bytes held by the distinct strings.
    package var byteCount: Int { arenaCount }

    /// The distinct strings in the order they were interned, without sorting them (`finish` sorts): all
    /// bytes back to back, and `starts[i] ..< starts[i + 1]` string `i` (code `i`), `count + 1` starts.
    package func withEntries<R>(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<Int>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: arena, count: arenaCount), UnsafeBufferPointer(start: starts, count: entryCount + 1))
    }

    /// The hash `intern`, `find` and `insert` use for `bytes`.
    ///
    /// Strings of up to 16 bytes (names of spots, origins, ids) are hashed inline: two overlapping loads that
    /// together hold every byte, mixed with the length by one 128-bit multiply (wyhash's "mum"); a call to XXH3
    /// cost more than the probe. Longer strings go through XXH3. Only this table uses the hash: it is not
    /// stored anywhere.
    @inline(__always)
    package static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let n = bytes.count
        guard n <= 16 else { return XXH3_64bits(bytes.baseAddress, n) }
        var a: UInt64 = 0, b: UInt64 = 0
        if let p = bytes.baseAddress, n > 0 {
            if n >= 8 {
                a = p.loadUnaligned(as: UInt64.self)
                b = (p + n - 8).loadUnaligned(as: UInt64.self)
            } else if n >= 4 {
                a = UInt64(p.loadUnaligned(as: UInt32.self))
                b = UInt64((p + n - 4).loadUnaligned(as: UInt32.self))
            } else {
                let bytes = p.assumingMemoryBound(to: UInt8.self)
                a = UInt64(bytes[0]) << 16 | UInt64(bytes[n >> 1]) << 8 | UInt64(bytes[n - 1])
            }
        }
        let product = (a ^ 0x9E37_79B9_7F4A_7C15).multipliedFullWidth(by: b ^ 0xD6E8_FEB8_6659_FD93 ^ UInt64(n))
        return product.high ^ product.low
    }

    /// The code of `bytes`, adding it when new.
    @inline(__always)
    package func intern(_ bytes: UnsafeRawBufferPointer) -> Int64 {
        intern(bytes, hash: Self.hash(bytes))
    }

    /// The code of `bytes` (whose `hash(_:)` is `hash`), adding it when new.
    @inline(__always)
    package func intern(_ bytes: UnsafeRawBufferPointer, hash: UInt64) -> Int64 {
        interned &+= 1
        if appendsWithoutLookup { return append(bytes) }
        let (found, slot) = probe(bytes, hash: hash)
        // Decided at the decision point's value whether or not it repeats (a repeat there once skipped the
        // decision for good).
        if interned == Self.modeDecisionPoint && (entryCount + (found >= 0 ? 0 : 1)) * 2 > interned { appendsWithoutLookup = true }
        if found >= 0 { return found }
        return insert(bytes, fingerprint: hash & 0xFFFF_FFFF_0000_0000, slot: slot)
    }

    /// The code of `bytes` if it was interned already, else nil; adds nothing. Always nil once values are
    /// appended without lookup.
    @inline(__always)
    package func find(_ bytes: UnsafeRawBufferPointer, hash: UInt64) -> Int64? {
        if appendsWithoutLookup { return nil }
        let (found, _) = probe(bytes, hash: hash)
        return found >= 0 ? found : nil
    }

    /// The entry holding `bytes` (or -1) and the slot where the search ended.
    @inline(__always)
    private func probe(_ bytes: UnsafeRawBufferPointer, hash: UInt64) -> (Int64, Int) {
        let fingerprint = hash & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: hash) & slotMask
        while true {
            let value = slots[slot]
            if value == 0 { return (-1, slot) }
            if value & 0xFFFF_FFFF_0000_0000 == fingerprint {
                let entry = Int(truncatingIfNeeded: value & 0xFFFF_FFFF) - 1
                let start = starts[entry]
                if starts[entry + 1] - start == bytes.count && Self.equal(arena + start, bytes.baseAddress, bytes.count) {
                    return (Int64(entry), slot)
                }
            }
            slot = (slot &+ 1) & slotMask
        }
    }

    /// Byte equality for short strings without a call: overlapping 8-byte loads.
    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafeRawPointer?, _ count: Int) -> Bool {
        guard count > 0, let b else { return true }
        if count >= 8 {
            var i = 0
            while i + 8 <= count {
                if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self) != (b + i).loadUnaligned(as: UInt64.self) { return false }
                i += 8
            }
            return i == count
                || UnsafeRawPointer(a + count - 8).loadUnaligned(as: UInt64.self) == (b + count - 8).loadUnaligned(as: UInt64.self)
        }
        let bytes = b.assumingMemoryBound(to: UInt8.self)
        for i in 0..<count where a[i] != bytes[i] { return false }
        return true
    }

    private func insert(_ bytes: UnsafeRawBufferPointer, fingerprint: UInt64, slot: Int) -> Int64 {
        let entry = append(bytes)
        slots[slot] = fingerprint | UInt64(entry + 1)
        if entryCount * 2 > slotMask { grow() }
        return entry
    }

    /// Adds an entry (possibly equal to an earlier one) to the arena; returns its number.
    private func append(_ bytes: UnsafeRawBufferPointer) -> Int64 {
        let entry = entryCount
        if arenaCount + bytes.count > arenaCapacity {
            var capacity = arenaCapacity * 2
            while capacity < arenaCount + bytes.count { capacity *= 2 }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity + Self.arenaSlack)
            grown.update(from: arena, count: arenaCount)
            arena.deallocate()
            arena = grown
            arenaCapacity = capacity
        }
        if bytes.count > 0 {
            (arena + arenaCount).update(from: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        }
        arenaCount += bytes.count
        if entryCount == entryCapacity { growStarts(entryCapacity * 2) }
        entryCount += 1
        starts[entryCount] = arenaCount
        return Int64(entry)
    }

    private func growStarts(_ capacity: Int) {
        let grown = UnsafeMutablePointer<Int>.allocate(capacity: capacity + 1)
        grown.update(from: starts, count: entryCount + 1)
        starts.deallocate()
        starts = grown
        entryCapacity = capacity
    }

    /// Sorts the dictionary by bytes, merging equal entries; returns it with `remap[oldCode] = newCode`.
    package func finish() -> (dictionary: StringDictionary, remap: [Int64]) {
        let n = entryCount
        let arena = self.arena, starts = self.starts
        let keys = Self.sortedKeys(arena: arena, starts: starts, count: n)
        defer { keys.deallocate() }
        var remap = [Int64](repeating: 0, count: n)
        var sortedBytes = [UInt8](repeating: 0, count: arenaCount)
        var sortedStarts = [Int](repeating: 0, count: n + 1)
        var distinct = 0
        var position = 0
        remap.withUnsafeMutableBufferPointer { remap in
            sortedStarts.withUnsafeMutableBufferPointer { sortedStarts in
                sortedBytes.withUnsafeMutableBufferPointer { out in
                    let out = out.baseAddress!
                    var previous = SortKey(hi: 0, lo: 0, entry: 0, length: 0)
                    for k in 0..<n {
                        let key = keys[k]
                        let old = Int(key.entry), length = Int(key.length)
                        // Up to 16 bytes the key holds the whole string: no look into the arena.
                        if k > 0 && key.length == previous.length && key.hi == previous.hi && key.lo == previous.lo
                            && (length <= 16 || Self.equal(arena + starts[Int(previous.entry)], arena + starts[old], length)) {
                            remap[old] = Int64(distinct - 1)
                            continue
                        }
                        remap[old] = Int64(distinct)
                        if length > 16 {
                            (out + position).update(from: arena + starts[old], count: length)
                        } else if length > 0 {
                            var bytes = (key.hi.bigEndian, key.lo.bigEndian)
                            withUnsafeBytes(of: &bytes) { (out + position).update(from: $0.baseAddress!.assumingMemoryBound(to: UInt8.self), count: length) }
                        }
                        position += length
                        distinct += 1
                        sortedStarts[distinct] = position
                        previous = key
                    }
                }
            }
        }
        sortedBytes.removeLast(sortedBytes.count - position)
        sortedStarts.removeLast(sortedStarts.count - distinct - 1)
        return (StringDictionary(bytes: sortedBytes, starts: sortedStarts), remap)
    }

    /// Byte order of entries `a` and `b` (memcmp of the common prefix, then the shorter first): -1, 0 or 1.
    @inline(__always)
    static func compare(_ arena: UnsafePointer<UInt8>, _ starts: UnsafePointer<Int>, _ a: Int, _ b: Int, from skip: Int) -> Int {
        let la = starts[a + 1] - starts[a], lb = starts[b + 1] - starts[b]
        let common = Swift.min(la, lb)
        if common > skip {
            let c = memcmp(arena + starts[a] + skip, arena + starts[b] + skip, common - skip)
            if c != 0 { return c < 0 ? -1 : 1 }
        }
        return la == lb ? 0 : (la < lb ? -1 : 1)
    }

    /// Byte order of two keys: their 16-byte prefixes, then the rest of the strings and their lengths.
    @inline(__always)
    static func compare(_ a: SortKey, _ b: SortKey, _ arena: UnsafePointer<UInt8>, _ starts: UnsafePointer<Int>) -> Int {
        if a.hi != b.hi { return a.hi < b.hi ? -1 : 1 }
        if a.lo != b.lo { return a.lo < b.lo ? -1 : 1 }
        // Equal first 16 bytes: when either string ends within them, the shorter comes first.
        if a.length <= 16 || b.length <= 16 { return a.length == b.length ? 0 : (a.length < b.length ? -1 : 1) }
        return compare(arena, starts, Int(a.entry), Int(b.entry), from: 16)
    }

    /// An entry's sort key: its first 16 bytes, zero-padded, read big-endian (so that where two keys differ
    /// their order is the strings' byte order), with its number and length.
    struct SortKey {
        var hi: UInt64
        var lo: UInt64
        var entry: UInt32
        var length: UInt32
    }

    /// The keys of entries `0 ..< count`, sorted by the entries' bytes (equal entries next to each other, in any
    /// order). The caller deallocates the result.
    ///
    /// Entries already in order (sequential ids) are left as they are. Otherwise an LSD radix sort orders the
    /// keys: byte positions where every key has the same byte (the `V0` of visitor ids) are skipped, and the
    /// others are ranked by the values that occur there and grouped into digits of up to 2,048 buckets (three
    /// decimal digits of an id make one pass). Runs of equal keys are then put in order by the bytes after the
    /// 16th and the length. A memcmp-comparator sort of a million visitor ids cost about 230 ns an entry; this
    /// is a few passes over the keys.
    static func sortedKeys(arena: UnsafePointer<UInt8>, starts: UnsafePointer<Int>, count n: Int) -> UnsafeMutablePointer<SortKey> {
        precondition(n < Int(UInt32.max), "too many dictionary entries")
        var keys = UnsafeMutablePointer<SortKey>.allocate(capacity: max(n, 1))
        guard n > 0 else { return keys }
        // Histograms of all 16 byte positions in one pass: 16 × 256 counters.
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: 16 * 256)
        defer { counts.deallocate() }
        counts.initialize(repeating: 0, count: 16 * 256)
        var sorted = true
        for i in 0..<n {
            let start = starts[i], length = starts[i + 1] - start
            let hi = prefixKey(arena + start, length)
            let lo = length > 8 ? prefixKey(arena + start + 8, length - 8) : 0
            let key = SortKey(hi: hi, lo: lo, entry: UInt32(truncatingIfNeeded: i), length: UInt32(truncatingIfNeeded: length))
            keys[i] = key
            if sorted && i > 0 && compare(keys[i - 1], key, arena, starts) > 0 { sorted = false }
            for b in 0..<8 {
                counts[(7 - b) * 256 + Int(truncatingIfNeeded: (hi >> UInt64(8 * b)) & 0xFF)] += 1
                counts[(15 - b) * 256 + Int(truncatingIfNeeded: (lo >> UInt64(8 * b)) & 0xFF)] += 1
            }
        }
        if sorted { return keys }

        // Digits: groups of varying byte positions, least significant first, each with its rank tables.
        // `ranks[p * 256 + byte]` is the byte's rank among the values at position p times the position's
        // multiplier within its digit.
        let ranks = UnsafeMutablePointer<Int>.allocate(capacity: 16 * 256)
        defer { ranks.deallocate() }
        ranks.initialize(repeating: 0, count: 16 * 256)
        var digits: [(positions: [Int], buckets: Int)] = []
        var current: [Int] = [], buckets = 1
        for position in stride(from: 15, through: 0, by: -1) {
            let histogram = counts + position * 256
            var values = 0
            for v in 0..<256 where histogram[v] != 0 { values += 1 }
            if values <= 1 { continue }
            if buckets * values > 2048 {
                digits.append((current, buckets))
                current = []; buckets = 1
            }
            var rank = 0
            for v in 0..<256 where histogram[v] != 0 {
                ranks[position * 256 + v] = rank * buckets
                rank += 1
            }
            current.append(position)
            buckets *= values
        }
        if !current.isEmpty { digits.append((current, buckets)) }

        var spare = UnsafeMutablePointer<SortKey>.allocate(capacity: n)
        defer { spare.deallocate() }
        let offsets = UnsafeMutablePointer<Int>.allocate(capacity: 2048)
        defer { offsets.deallocate() }
        for (positions, bucketCount) in digits {
            @inline(__always) func digit(_ key: SortKey) -> Int {
                var d = 0
                for p in positions {
                    let byte = p < 8 ? (key.hi >> UInt64(8 * (7 - p))) & 0xFF : (key.lo >> UInt64(8 * (15 - p))) & 0xFF
                    d &+= ranks[p * 256 + Int(truncatingIfNeeded: byte)]
                }
                return d
            }
            offsets.initialize(repeating: 0, count: bucketCount)
            if positions.count == 1 {
                // One byte position: its histogram is known already.
                let p = positions[0]
                for v in 0..<256 where counts[p * 256 + v] != 0 { offsets[ranks[p * 256 + v]] = counts[p * 256 + v] }
            } else {
                for i in 0..<n { offsets[digit(keys[i])] += 1 }
            }
            var total = 0
            for d in 0..<bucketCount {
                let c = offsets[d]
                offsets[d] = total
                total += c
            }
            for i in 0..<n {
                let key = keys[i]
                let d = digit(key)
                spare[offsets[d]] = key
                offsets[d] += 1
            }
            swap(&keys, &spare)
        }
        // Runs of equal keys: equal first 16 bytes (or shorter entries padded with zero bytes).
        var runStart = 0
        while runStart < n {
            var runEnd = runStart + 1
            while runEnd < n && keys[runEnd].hi == keys[runStart].hi && keys[runEnd].lo == keys[runStart].lo { runEnd += 1 }
            if runEnd - runStart > 1 { sortRun(keys + runStart, count: runEnd - runStart, arena: arena, starts: starts) }
            runStart = runEnd
        }
        return keys
    }

    /// The first `min(length, 8)` bytes at `bytes` as a big-endian integer, zero-padded on the right.
    /// Reads 8 bytes: the arena keeps 16 bytes of slack past its end.
    @inline(__always)
    static func prefixKey(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        if length <= 0 { return 0 }
        var word = UnsafeRawPointer(bytes).loadUnaligned(as: UInt64.self)
        if length < 8 { word &= (UInt64(1) << UInt64(8 * length)) &- 1 }
        return UInt64(littleEndian: word).byteSwapped
    }

    /// Orders keys whose first 16 bytes (zero-padded) agree: by the bytes after the 16th, then length.
    private static func sortRun(_ run: UnsafeMutablePointer<SortKey>, count: Int,
                                arena: UnsafePointer<UInt8>, starts: UnsafePointer<Int>) {
        if count <= 24 {
            for i in 1..<count {
                let item = run[i]
                var j = i
                while j > 0 && compare(run[j - 1], item, arena, starts) > 0 {
                    run[j] = run[j - 1]
                    j -= 1
                }
                run[j] = item
            }
            return
        }
        var buffer = UnsafeMutableBufferPointer(start: run, count: count)
        buffer.sort { a, b in compare(a, b, arena, starts) < 0 }
    }

    private func grow() {
        let capacity = (slotMask + 1) * 2
        slots.deallocate()
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        slotMask = capacity - 1
        for entry in 0..<entryCount {
            let start = starts[entry]
            let hash = Self.hash(UnsafeRawBufferPointer(start: arena + start, count: starts[entry + 1] - start))
            var slot = Int(truncatingIfNeeded: hash) & slotMask
            while slots[slot] != 0 { slot = (slot &+ 1) & slotMask }
            slots[slot] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(entry + 1)
        }
    }
}
