import Foundation
import HuiyanStorage

/// Gives each distinct string (by its UTF-8 bytes: canonically equivalent spellings stay apart, as the
/// dialect compares strings by bytes) a dense id in order of first appearance. The bytes live in one
/// growing arena and an open-addressing table of (32-bit fingerprint, id) finds them: no `String` and no
/// allocation per string.
final class StringInterner {
    private var arena: [UInt8] = []
    /// `starts[i] ..< starts[i + 1]` is string `i` in the arena.
    private var starts: [Int] = [0]
    /// Each string's hash, so that growing the table reads no bytes.
    private var hashes: [UInt64] = []
    /// 0 = empty; else `fingerprint << 32 | (id + 1)`.
    private var slots: [UInt64]
    private var mask: Int

    init() {
        slots = [UInt64](repeating: 0, count: 1024)
        mask = 1023
    }

    var count: Int { starts.count - 1 }

    /// Bytes held.
    var approximateBytes: Int { arena.capacity + starts.capacity * 8 + hashes.capacity * 8 + slots.count * 8 }

    /// The id of `bytes`, adding them when new.
    func intern(_ bytes: UnsafeRawBufferPointer) -> Int64 {
        let hash = StringDictionaryBuilder.hash(bytes)
        let fingerprint = hash >> 32
        let (slot, found) = locate(bytes, hash: hash)
        if let found { return Int64(found) }
        let id = count
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        hashes.append(hash)
        slots[slot] = fingerprint << 32 | UInt64(id + 1)
        if count * 2 > mask { grow(to: slots.count * 2) }
        return Int64(id)
    }

    /// The id of `bytes` if they were interned (nothing is added).
    func id(of bytes: UnsafeRawBufferPointer) -> Int64? {
        locate(bytes, hash: StringDictionaryBuilder.hash(bytes)).id.map(Int64.init)
    }

    /// The slot that holds `bytes` (and their id), or the empty slot where they would go.
    @inline(__always)
    private func locate(_ bytes: UnsafeRawBufferPointer, hash: UInt64) -> (slot: Int, id: Int?) {
        let fingerprint = hash >> 32
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let value = slots[slot]
            if value == 0 { return (slot, nil) }
            if value >> 32 == fingerprint {
                let id = Int(truncatingIfNeeded: value & 0xFFFF_FFFF) - 1
                if equals(id, bytes) { return (slot, id) }
            }
            slot = (slot + 1) & mask
        }
    }

    /// Makes room for `strings` strings in all without growing on the way.
    func reserve(_ strings: Int) {
        var capacity = slots.count
        while strings * 2 > capacity - 1 { capacity *= 2 }
        if capacity > slots.count { grow(to: capacity) }
        hashes.reserveCapacity(strings)
        starts.reserveCapacity(strings + 1)
    }

    /// The id of a string, adding it when new.
    func intern(_ string: String) -> Int64 {
        var s = string
        return s.withUTF8 { intern(UnsafeRawBufferPointer($0)) }
    }

    /// The bytes of string `id`.
    func withBytes<R>(_ id: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let start = starts[id], end = starts[id + 1]
        return try arena.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    func string(_ id: Int) -> String { withBytes(id) { String(decoding: $0, as: UTF8.self) } }

    /// Every string, ids as codes, as a dictionary for a string pool (not sorted).
    func dictionary() -> StringDictionary { StringDictionary(bytes: arena, starts: starts) }

    private func equals(_ id: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = starts[id], length = starts[id + 1] - start
        guard length == bytes.count else { return false }
        guard length > 0 else { return true }
        return arena.withUnsafeBytes { memcmp($0.baseAddress! + start, bytes.baseAddress!, length) == 0 }
    }

    private func grow(to capacity: Int) {
        var fresh = [UInt64](repeating: 0, count: capacity)
        let newMask = capacity - 1
        for id in 0..<count {
            let hash = hashes[id]
            var slot = Int(truncatingIfNeeded: hash) & newMask
            while fresh[slot] != 0 { slot = (slot + 1) & newMask }
            fresh[slot] = (hash >> 32) << 32 | UInt64(id + 1)
        }
        slots = fresh
        mask = newMask
    }
}
