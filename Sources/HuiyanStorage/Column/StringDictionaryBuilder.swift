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
public final class StringDictionaryBuilder {
    /// Values interned so far, and whether lookups have stopped (every value is appended).
    private var interned = 0
    public private(set) var appendsWithoutLookup = false
    static let modeDecisionPoint = 16_384
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
    public init(expectedDistinct: Int = 256) {
        var capacity = 512
        while capacity < expectedDistinct * 2 { capacity <<= 1 }
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        slotMask = capacity - 1
        entryCapacity = capacity / 2
        starts = .allocate(capacity: entryCapacity + 1)
        starts[0] = 0
        arenaCapacity = 4096
        arena = .allocate(capacity: arenaCapacity)
    }

    deinit {
        slots.deallocate()
        starts.deallocate()
        arena.deallocate()
    }

    /// Number of entries so far: the distinct strings, or (once values are appended without lookup) every value.
    public var count: Int { entryCount }

    /// A good size hint for the next segment's dictionary of the same column.
    public var successorHint: Int { appendsWithoutLookup ? 256 : entryCount }

    /// Bytes held by the distinct strings.
    public var byteCount: Int { arenaCount }

    /// The hash `intern`, `find` and `insert` use for `bytes`.
    @inline(__always)
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        XXH3_64bits(bytes.baseAddress, bytes.count)
    }

    /// The code of `bytes`, adding it when new.
    @inline(__always)
    public func intern(_ bytes: UnsafeRawBufferPointer) -> Int64 {
        intern(bytes, hash: Self.hash(bytes))
    }

    /// The code of `bytes` (whose `hash(_:)` is `hash`), adding it when new.
    @inline(__always)
    public func intern(_ bytes: UnsafeRawBufferPointer, hash: UInt64) -> Int64 {
        interned &+= 1
        if appendsWithoutLookup { return append(bytes) }
        let (found, slot) = probe(bytes, hash: hash)
        if found >= 0 { return found }
        if interned == Self.modeDecisionPoint && entryCount * 2 > interned { appendsWithoutLookup = true }
        return insert(bytes, fingerprint: hash & 0xFFFF_FFFF_0000_0000, slot: slot)
    }

    /// The code of `bytes` if it was interned already, else nil; adds nothing. Always nil once values are
    /// appended without lookup.
    @inline(__always)
    public func find(_ bytes: UnsafeRawBufferPointer, hash: UInt64) -> Int64? {
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
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
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
    public func finish() -> (dictionary: StringDictionary, remap: [Int64]) {
        let n = entryCount
        var order = Array(0..<n)
        let arena = self.arena, starts = self.starts
        order.sort { a, b in
            let la = starts[a + 1] - starts[a], lb = starts[b + 1] - starts[b]
            let common = Swift.min(la, lb)
            let c = common == 0 ? 0 : memcmp(arena + starts[a], arena + starts[b], common)
            return c != 0 ? c < 0 : la < lb
        }
        var remap = [Int64](repeating: 0, count: n)
        var sortedBytes = [UInt8](repeating: 0, count: arenaCount)
        var sortedStarts = [Int](repeating: 0, count: n + 1)
        var distinct = 0
        var position = 0
        sortedBytes.withUnsafeMutableBufferPointer { out in
            var previous = -1
            for old in order {
                let length = starts[old + 1] - starts[old]
                if previous >= 0 && starts[previous + 1] - starts[previous] == length
                    && Self.equal(arena + starts[previous], arena + starts[old], length) {
                    remap[old] = Int64(distinct - 1)
                    continue
                }
                remap[old] = Int64(distinct)
                if length > 0 { (out.baseAddress! + position).update(from: arena + starts[old], count: length) }
                position += length
                distinct += 1
                sortedStarts[distinct] = position
                previous = old
            }
        }
        sortedBytes.removeLast(sortedBytes.count - position)
        sortedStarts.removeLast(sortedStarts.count - distinct - 1)
        return (StringDictionary(bytes: sortedBytes, starts: sortedStarts), remap)
    }

    private func grow() {
        let capacity = (slotMask + 1) * 2
        slots.deallocate()
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        slotMask = capacity - 1
        for entry in 0..<entryCount {
            let start = starts[entry]
            let hash = XXH3_64bits(arena + start, starts[entry + 1] - start)
            var slot = Int(truncatingIfNeeded: hash) & slotMask
            while slots[slot] != 0 { slot = (slot &+ 1) & slotMask }
            slots[slot] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(entry + 1)
        }
    }
}
