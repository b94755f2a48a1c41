import CXXHash
import Foundation

/// Dense ids for the strings too long for an inline 64-bit key (`DistinctKeys`), for one thread: their bytes
/// in one arena and an open-addressing table whose slots hold 32 bits of the string's hash beside its id + 1.
/// Equal hashes are confirmed by comparing bytes, so an id stands for exactly one string.
final class LongStringIds {
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCapacity: Int
    private var arenaCount = 0
    /// String `id` is `arena[starts[id]..<starts[id + 1]]`.
    private var starts: [Int] = [0]
    /// Per id, its full hash (to grow the table without hashing again).
    private(set) var hashes: [UInt64] = []
    private var slots: UnsafeMutablePointer<UInt64>
    private var mask: Int

    init() {
        arenaCapacity = 4096
        arena = .allocate(capacity: arenaCapacity)
        mask = 1023
        slots = .allocate(capacity: mask + 1)
        slots.initialize(repeating: 0, count: mask + 1)
    }

    deinit {
        arena.deallocate()
        slots.deallocate()
    }

    var count: Int { hashes.count }

    /// The hash of a string's bytes (XXH3-64).
    @inline(__always)
    static func hash(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> UInt64 { XXH3_64bits(bytes, length) }

    /// The id of the string `bytes[0..<length]` whose hash is `hash`, given a new id on first sight.
    func id(_ bytes: UnsafePointer<UInt8>, _ length: Int, hash: UInt64) -> Int {
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var s = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[s]
            if slot == 0 { break }
            if slot & 0xFFFF_FFFF_0000_0000 == tag {
                let id = Int(slot & 0xFFFF_FFFF) - 1
                let start = starts[id]
                if starts[id + 1] - start == length, length == 0 || memcmp(arena + start, bytes, length) == 0 { return id }
            }
            s = (s + 1) & mask
        }
        let id = hashes.count
        if arenaCount + length > arenaCapacity {
            var capacity = arenaCapacity * 2
            while capacity < arenaCount + length { capacity *= 2 }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            grown.update(from: arena, count: arenaCount)
            arena.deallocate()
            arena = grown
            arenaCapacity = capacity
        }
        (arena + arenaCount).update(from: bytes, count: length)
        arenaCount += length
        starts.append(arenaCount)
        hashes.append(hash)
        slots[s] = tag | UInt64(id + 1)
        if hashes.count * 2 > mask { grow() }
        return id
    }

    /// Calls `body` with the bytes of string `id`.
    func withBytes<R>(_ id: Int, _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
        body(arena + starts[id], starts[id + 1] - starts[id])
    }

    private func grow() {
        let capacity = (mask + 1) * 2
        slots.deallocate()
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        mask = capacity - 1
        for (id, hash) in hashes.enumerated() {
            var s = Int(truncatingIfNeeded: hash) & mask
            while slots[s] != 0 { s = (s + 1) & mask }
            slots[s] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(id + 1)
        }
    }

    /// Bytes held (for the memory limit).
    var approximateBytes: Int { arenaCapacity + (mask + 1) * 8 + starts.count * 8 + hashes.count * 8 }
}
