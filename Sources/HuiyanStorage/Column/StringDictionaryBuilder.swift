import CXXHash
import HuiyanBuffers
#if canImport(Glibc)
import Glibc
#endif

/// Interns the distinct strings of one column of one segment and hands out dense codes in order of
/// first appearance; `finish()` sorts the dictionary so that code order equals byte order.
///
/// An open-addressing table whose slots hold the entry number and 32 bits of its hash, over a byte arena
/// of raw memory: a lookup touches the arena only when the fingerprint matches, and nothing is allocated
/// per value. The table, the arena and the sort's scratch are `UncheckedBuffer`s: every step is asserted in
/// debug builds.
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
    /// `arenaCapacity + arenaSlack` bytes.
    private var arena: UncheckedBuffer<UInt8>
    private var arenaCount = 0
    private var arenaCapacity: Int
    /// `starts[i] ..< starts[i + 1]` is entry `i` in the arena (`entryCapacity + 1` slots).
    private var starts: UncheckedBuffer<Int>
    private var entryCount = 0
    private var entryCapacity: Int
    /// 0 = empty; else `(hash >> 32) << 32 | (entry + 1)`.
    private var slots: UncheckedBuffer<UInt64>
    private var slotMask: Int

    /// `expectedDistinct` sizes the table up front (a hint, e.g. the previous segment's count).
    package init(expectedDistinct: Int = 256) {
        var capacity = 512
        while capacity < expectedDistinct * 2 { capacity <<= 1 }
        slots = .allocate(capacity: capacity, filledWith: 0)
        slotMask = capacity - 1
        entryCapacity = capacity / 2
        starts = .allocate(capacity: entryCapacity + 1)
        starts[unchecked: 0] = 0
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
        try body(arena.buffer(unchecked: 0..<arenaCount), starts.buffer(unchecked: 0..<(entryCount + 1)))
    }

    /// The hash `intern`, `find` and `insert` use for `bytes`.
    ///
    /// Strings of up to 16 bytes (names of spots, origins, ids) are hashed inline: two overlapping loads that
    /// together hold every byte, mixed with the length by one 128-bit multiply (wyhash's "mum"); a call to XXH3
    /// cost more than the probe. Longer strings go through XXH3. Only this table uses the hash: it is not
    /// stored anywhere.
    @inline(__always)
    package static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        hash(UncheckedBytes(bytes))
    }

    /// `hash` of a byte view.
    @inline(__always)
    static func hash(_ bytes: UncheckedBytes) -> UInt64 {
        let n = bytes.count
        guard n <= 16 else { return XXH3_64bits(bytes.rawBuffer.baseAddress, n) }
        var a: UInt64 = 0, b: UInt64 = 0
        if n >= 8 {
            a = bytes.loadUnaligned(uncheckedAt: 0, as: UInt64.self)
            b = bytes.loadUnaligned(uncheckedAt: n - 8, as: UInt64.self)
        } else if n >= 4 {
            a = UInt64(bytes.loadUnaligned(uncheckedAt: 0, as: UInt32.self))
            b = UInt64(bytes.loadUnaligned(uncheckedAt: n - 4, as: UInt32.self))
        } else if n > 0 {
            a = UInt64(bytes[unchecked: 0]) << 16 | UInt64(bytes[unchecked: n >> 1]) << 8 | UInt64(bytes[unchecked: n - 1])
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
        let bytes = UncheckedBytes(bytes)
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
        let (found, _) = probe(UncheckedBytes(bytes), hash: hash)
        return found >= 0 ? found : nil
    }

    /// The entry holding `bytes` (or -1) and the slot where the search ended.
    @inline(__always)
    private func probe(_ bytes: UncheckedBytes, hash: UInt64) -> (Int64, Int) {
        let fingerprint = hash & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: hash) & slotMask
        while true {
            let value = slots[unchecked: slot]
            if value == 0 { return (-1, slot) }
            if value & 0xFFFF_FFFF_0000_0000 == fingerprint {
                let entry = Int(truncatingIfNeeded: value & 0xFFFF_FFFF) - 1
                let start = starts[unchecked: entry], end = starts[unchecked: entry + 1]
                if end - start == bytes.count && Self.equal(arena.bytes(unchecked: start..<end), bytes) {
                    return (Int64(entry), slot)
                }
            }
            slot = (slot &+ 1) & slotMask
        }
    }

    /// Byte equality of two views of the same length, for short strings without a call: overlapping 8-byte loads.
    @inline(__always)
    static func equal(_ a: UncheckedBytes, _ b: UncheckedBytes) -> Bool {
        let count = a.count
        assert(b.count == count, "equal: views of different lengths")
        if count >= 8 {
            var i = 0
            while i + 8 <= count {
                if a.loadUnaligned(uncheckedAt: i, as: UInt64.self) != b.loadUnaligned(uncheckedAt: i, as: UInt64.self) { return false }
                i += 8
            }
            return i == count
                || a.loadUnaligned(uncheckedAt: count - 8, as: UInt64.self) == b.loadUnaligned(uncheckedAt: count - 8, as: UInt64.self)
        }
        for i in 0..<count where a[unchecked: i] != b[unchecked: i] { return false }
        return true
    }

    private func insert(_ bytes: UncheckedBytes, fingerprint: UInt64, slot: Int) -> Int64 {
        let entry = append(bytes)
        slots[unchecked: slot] = fingerprint | UInt64(entry + 1)
        if entryCount * 2 > slotMask { grow() }
        return entry
    }

    /// Adds an entry (possibly equal to an earlier one) to the arena; returns its number.
    private func append(_ bytes: UncheckedBytes) -> Int64 {
        let entry = entryCount
        if arenaCount + bytes.count > arenaCapacity {
            var capacity = arenaCapacity * 2
            while capacity < arenaCount + bytes.count { capacity *= 2 }
            arena = arena.reallocated(capacity: capacity + Self.arenaSlack, keeping: arenaCount)
            arenaCapacity = capacity
        }
        arena.update(uncheckedAt: arenaCount, from: bytes)
        arenaCount += bytes.count
        if entryCount == entryCapacity {
            starts = starts.reallocated(capacity: entryCapacity * 2 + 1, keeping: entryCount + 1)
            entryCapacity *= 2
        }
        entryCount += 1
        starts[unchecked: entryCount] = arenaCount
        return Int64(entry)
    }

    /// Sorts the dictionary by bytes, merging equal entries; returns it with `remap[oldCode] = newCode`.
    package func finish() -> (dictionary: StringDictionary, remap: [Int64]) {
        let n = entryCount
        let arena = self.arena, starts = self.starts
        let keys = Self.sortedKeys(arena: arena, starts: starts, count: n)
        defer { keys.deallocate() }
        @inline(__always) func entryBytes(_ entry: Int, _ length: Int) -> UncheckedBytes {
            arena.bytes(unchecked: starts[unchecked: entry]..<(starts[unchecked: entry] + length))
        }
        var remap = [Int64](repeating: 0, count: n)
        var sortedBytes = [UInt8](repeating: 0, count: arenaCount)
        var sortedStarts = [Int](repeating: 0, count: n + 1)
        var distinct = 0
        var position = 0
        remap.withUnsafeMutableBufferPointer { remap in
            sortedStarts.withUnsafeMutableBufferPointer { sortedStarts in
                sortedBytes.withUnsafeMutableBufferPointer { out in
                    let out = UncheckedBuffer(out)
                    var previous = SortKey(hi: 0, lo: 0, entry: 0, length: 0)
                    for k in 0..<n {
                        let key = keys[unchecked: k]
                        let old = Int(key.entry), length = Int(key.length)
                        // Up to 16 bytes the key holds the whole string: no look into the arena.
                        if k > 0 && key.length == previous.length && key.hi == previous.hi && key.lo == previous.lo
                            && (length <= 16 || Self.equal(entryBytes(Int(previous.entry), length), entryBytes(old, length))) {
                            remap[old] = Int64(distinct - 1)
                            continue
                        }
                        remap[old] = Int64(distinct)
                        if length > 16 {
                            out.update(uncheckedAt: position, from: entryBytes(old, length))
                        } else if length > 0 {
                            let bytes = (key.hi.bigEndian, key.lo.bigEndian)
                            withUnsafeBytes(of: bytes) { out.update(uncheckedAt: position, from: UncheckedBytes($0).slice(unchecked: 0..<length)) }
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
    static func compare(_ arena: UncheckedBuffer<UInt8>, _ starts: UncheckedBuffer<Int>, _ a: Int, _ b: Int, from skip: Int) -> Int {
        let la = starts[unchecked: a + 1] - starts[unchecked: a], lb = starts[unchecked: b + 1] - starts[unchecked: b]
        let common = Swift.min(la, lb)
        if common > skip {
            let c = memcmp(arena.pointer(uncheckedAt: starts[unchecked: a] + skip, count: common - skip),
                           arena.pointer(uncheckedAt: starts[unchecked: b] + skip, count: common - skip), common - skip)
            if c != 0 { return c < 0 ? -1 : 1 }
        }
        return la == lb ? 0 : (la < lb ? -1 : 1)
    }

    /// Byte order of two keys: their 16-byte prefixes, then the rest of the strings and their lengths.
    @inline(__always)
    static func compare(_ a: SortKey, _ b: SortKey, _ arena: UncheckedBuffer<UInt8>, _ starts: UncheckedBuffer<Int>) -> Int {
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
    static func sortedKeys(arena: UncheckedBuffer<UInt8>, starts: UncheckedBuffer<Int>, count n: Int) -> UncheckedBuffer<SortKey> {
        precondition(n < Int(UInt32.max), "too many dictionary entries")
        var keys = UncheckedBuffer<SortKey>.allocate(capacity: n)
        guard n > 0 else { return keys }
        // Histograms of all 16 byte positions in one pass: 16 × 256 counters.
        let counts = UncheckedBuffer<Int>.allocate(capacity: 16 * 256, filledWith: 0)
        defer { counts.deallocate() }
        var sorted = true
        for i in 0..<n {
            let start = starts[unchecked: i], length = starts[unchecked: i + 1] - start
            let hi = prefixKey(arena, at: start, length)
            let lo = length > 8 ? prefixKey(arena, at: start + 8, length - 8) : 0
            let key = SortKey(hi: hi, lo: lo, entry: UInt32(truncatingIfNeeded: i), length: UInt32(truncatingIfNeeded: length))
            keys[unchecked: i] = key
            if sorted && i > 0 && compare(keys[unchecked: i - 1], key, arena, starts) > 0 { sorted = false }
            for b in 0..<8 {
                counts[unchecked: (7 - b) * 256 + Int(truncatingIfNeeded: (hi >> UInt64(8 * b)) & 0xFF)] += 1
                counts[unchecked: (15 - b) * 256 + Int(truncatingIfNeeded: (lo >> UInt64(8 * b)) & 0xFF)] += 1
            }
        }
        if sorted { return keys }

        // Digits: groups of varying byte positions, least significant first, each with its rank tables.
        // `ranks[p * 256 + byte]` is the byte's rank among the values at position p times the position's
        // multiplier within its digit.
        let ranks = UncheckedBuffer<Int>.allocate(capacity: 16 * 256, filledWith: 0)
        defer { ranks.deallocate() }
        var digits: [(positions: [Int], buckets: Int)] = []
        var current: [Int] = [], buckets = 1
        for position in stride(from: 15, through: 0, by: -1) {
            let histogram = counts.slice(unchecked: (position * 256)..<(position * 256 + 256))
            var values = 0
            for v in 0..<256 where histogram[unchecked: v] != 0 { values += 1 }
            if values <= 1 { continue }
            if buckets * values > 2048 {
                digits.append((current, buckets))
                current = []; buckets = 1
            }
            var rank = 0
            for v in 0..<256 where histogram[unchecked: v] != 0 {
                ranks[unchecked: position * 256 + v] = rank * buckets
                rank += 1
            }
            current.append(position)
            buckets *= values
        }
        if !current.isEmpty { digits.append((current, buckets)) }

        var spare = UncheckedBuffer<SortKey>.allocate(capacity: n)
        defer { spare.deallocate() }
        let allOffsets = UncheckedBuffer<Int>.allocate(capacity: 2048)
        defer { allOffsets.deallocate() }
        for (positions, bucketCount) in digits {
            @inline(__always) func digit(_ key: SortKey) -> Int {
                var d = 0
                for p in positions {
                    let byte = p < 8 ? (key.hi >> UInt64(8 * (7 - p))) & 0xFF : (key.lo >> UInt64(8 * (15 - p))) & 0xFF
                    d &+= ranks[unchecked: p * 256 + Int(truncatingIfNeeded: byte)]
                }
                return d
            }
            let offsets = allOffsets.slice(unchecked: 0..<bucketCount)
            offsets.fill(with: 0)
            if positions.count == 1 {
                // One byte position: its histogram is known already.
                let p = positions[0]
                for v in 0..<256 where counts[unchecked: p * 256 + v] != 0 {
                    offsets[unchecked: ranks[unchecked: p * 256 + v]] = counts[unchecked: p * 256 + v]
                }
            } else {
                for i in 0..<n { offsets[unchecked: digit(keys[unchecked: i])] += 1 }
            }
            var total = 0
            for d in 0..<bucketCount {
                let c = offsets[unchecked: d]
                offsets[unchecked: d] = total
                total += c
            }
            for i in 0..<n {
                let key = keys[unchecked: i]
                let d = digit(key)
                spare[unchecked: offsets[unchecked: d]] = key
                offsets[unchecked: d] += 1
            }
            swap(&keys, &spare)
        }
        // Runs of equal keys: equal first 16 bytes (or shorter entries padded with zero bytes).
        var runStart = 0
        while runStart < n {
            var runEnd = runStart + 1
            while runEnd < n && keys[unchecked: runEnd].hi == keys[unchecked: runStart].hi
                && keys[unchecked: runEnd].lo == keys[unchecked: runStart].lo { runEnd += 1 }
            if runEnd - runStart > 1 { sortRun(keys.slice(unchecked: runStart..<runEnd), arena: arena, starts: starts) }
            runStart = runEnd
        }
        return keys
    }

    /// The first `min(length, 8)` bytes at `offset` of the arena as a big-endian integer, zero-padded on the right.
    /// Reads 8 bytes: the arena keeps 16 bytes of slack past its end.
    @inline(__always)
    static func prefixKey(_ arena: UncheckedBuffer<UInt8>, at offset: Int, _ length: Int) -> UInt64 {
        if length <= 0 { return 0 }
        var word = arena.bytes(unchecked: offset..<(offset + 8)).loadUnaligned(uncheckedAt: 0, as: UInt64.self)
        if length < 8 { word &= (UInt64(1) << UInt64(8 * length)) &- 1 }
        return UInt64(littleEndian: word).byteSwapped
    }

    /// Orders keys whose first 16 bytes (zero-padded) agree: by the bytes after the 16th, then length.
    private static func sortRun(_ run: UncheckedBuffer<SortKey>, arena: UncheckedBuffer<UInt8>, starts: UncheckedBuffer<Int>) {
        let count = run.capacity
        if count <= 24 {
            for i in 1..<count {
                let item = run[unchecked: i]
                var j = i
                while j > 0 && compare(run[unchecked: j - 1], item, arena, starts) > 0 {
                    run[unchecked: j] = run[unchecked: j - 1]
                    j -= 1
                }
                run[unchecked: j] = item
            }
            return
        }
        var buffer = run.mutableBuffer(unchecked: 0..<count)
        buffer.sort { a, b in compare(a, b, arena, starts) < 0 }
    }

    private func grow() {
        let capacity = (slotMask + 1) * 2
        slots.deallocate()
        slots = .allocate(capacity: capacity, filledWith: 0)
        slotMask = capacity - 1
        for entry in 0..<entryCount {
            let hash = Self.hash(arena.bytes(unchecked: starts[unchecked: entry]..<starts[unchecked: entry + 1]))
            var slot = Int(truncatingIfNeeded: hash) & slotMask
            while slots[unchecked: slot] != 0 { slot = (slot &+ 1) & slotMask }
            slots[unchecked: slot] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(entry + 1)
        }
    }
}
