import CXXHash

/// Interns the distinct strings of one column of one segment and hands out dense codes in order of
/// first appearance; `finish()` sorts the dictionary so that code order equals byte order.
///
/// An open-addressing table over a byte arena: no `String` and no allocation per value.
public final class StringDictionaryBuilder {
    private var arena: [UInt8] = []
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    private var slots: UnsafeMutablePointer<Int32>
    private var slotMask: Int

    public init(expectedDistinct: Int = 1024) {
        var capacity = 1024
        while capacity < expectedDistinct * 2 { capacity <<= 1 }
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: -1, count: capacity)
        slotMask = capacity - 1
    }

    deinit { slots.deallocate() }

    /// Number of distinct strings so far.
    public var count: Int { hashes.count }

    /// Bytes held by the distinct strings.
    public var byteCount: Int { arena.count }

    /// The code of `bytes`, adding it when new.
    @inline(__always)
    public func intern(_ bytes: UnsafeRawBufferPointer) -> Int64 {
        let hash = XXH3_64bits(bytes.baseAddress, bytes.count)
        var slot = Int(truncatingIfNeeded: hash) & slotMask
        while true {
            let entry = Int(slots[slot])
            if entry < 0 { break }
            if hashes[entry] == hash && equals(entry, bytes) { return Int64(entry) }
            slot = (slot &+ 1) & slotMask
        }
        let code = hashes.count
        slots[slot] = Int32(code)
        hashes.append(hash)
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        if hashes.count * 2 > slotMask + 1 { grow() }
        return Int64(code)
    }

    /// Sorts the dictionary by bytes; returns it with `remap[oldCode] = newCode`.
    public func finish() -> (dictionary: StringDictionary, remap: [Int64]) {
        let n = count
        var order = Array(0..<n)
        arena.withUnsafeBufferPointer { bytes in
            let base = bytes.baseAddress
            order.sort { a, b in
                let la = starts[a + 1] - starts[a], lb = starts[b + 1] - starts[b]
                let common = Swift.min(la, lb)
                let c = common == 0 ? 0 : memcmp(base! + starts[a], base! + starts[b], common)
                return c != 0 ? c < 0 : la < lb
            }
        }
        var remap = [Int64](repeating: 0, count: n)
        var sortedBytes: [UInt8] = []
        sortedBytes.reserveCapacity(arena.count)
        var sortedStarts: [Int] = [0]
        sortedStarts.reserveCapacity(n + 1)
        for (newCode, old) in order.enumerated() {
            remap[old] = Int64(newCode)
            sortedBytes.append(contentsOf: arena[starts[old]..<starts[old + 1]])
            sortedStarts.append(sortedBytes.count)
        }
        return (StringDictionary(bytes: sortedBytes, starts: sortedStarts), remap)
    }

    private func equals(_ entry: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = starts[entry]
        let length = starts[entry + 1] - start
        guard length == bytes.count else { return false }
        if length == 0 { return true }
        return arena.withUnsafeBufferPointer { memcmp($0.baseAddress! + start, bytes.baseAddress!, length) == 0 }
    }

    private func grow() {
        let capacity = (slotMask + 1) * 2
        slots.deallocate()
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: -1, count: capacity)
        slotMask = capacity - 1
        for (entry, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & slotMask
            while slots[slot] >= 0 { slot = (slot &+ 1) & slotMask }
            slots[slot] = Int32(entry)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
