/// Exact 64-bit keys for the values of one thread's count(DISTINCT): equal keys if and only if equal values,
/// whatever dictionary the value came from (a segment's codes mean nothing in another segment).
///
/// Each string has exactly one form, decided by its bytes alone:
/// - at most one non-digit byte, then 1–15 ASCII digits (visitor and order ids: "483920117", "V00012345"):
///   tag 01, the prefix byte (0x30 when none — a prefix is never a digit), digits − 1, the number (< 2^50);
/// - else up to 7 bytes: tag 00, the length, the bytes;
/// - else tag 10 and its id in this thread's `LongStringIds` (compared byte by byte): such keys are the
///   thread's own, and merging threads translates them through the bytes.
/// The first two forms, and numbers (their value; doubles by their bits, −0 as 0, one NaN), are the same on
/// every thread.
///
/// Keys of a pool's codes are computed once per pool and thread: on a code's first row, and once the pool
/// has served rows as many as a sixteenth of its entries, all the rest in one sequential pass (random ids
/// appear about once per segment: computing each on its row cost two cache misses into the dictionary).
final class DistinctKeys {
    /// A code whose key is not computed yet (no key has tag 11 and all ones).
    static let absent = UInt64.max

    let long = LongStringIds()

    /// One pool's code → key array.
    final class PoolKeys {
        let pool: StringPool
        var keys: [UInt64]
        /// Rows served so far, and whether every key is computed.
        var rows = 0
        var complete = false
        init(_ pool: StringPool, reusing old: [UInt64]) {
            self.pool = pool
            keys = old
            keys.removeAll(keepingCapacity: true)
            keys.append(contentsOf: repeatElement(DistinctKeys.absent, count: pool.count))
        }
    }

    /// The last few pools seen (a thread reads a segment's blocks one after another; a segment's pool is one
    /// object for all its blocks).
    private var cached: [PoolKeys] = []

    /// The code → key array of a pool, made on first sight.
    func keys(for pool: StringPool) -> PoolKeys {
        for entry in cached where entry.pool === pool { return entry }
        // The oldest pool's array is reused (a fresh one would fault in its pages again).
        var old: [UInt64] = []
        if cached.count >= 2 { swap(&old, &cached[0].keys); cached.removeFirst() }
        let entry = PoolKeys(pool, reusing: old)
        cached.append(entry)
        return entry
    }

    /// Calls `body` with the pool's code → key array (entries `absent` until computed), its dictionary's
    /// bytes and string starts, for `rows` rows.
    func withPool<R>(_ pool: StringPool, rows: Int, _ body: (UnsafeMutablePointer<UInt64>, UnsafePointer<UInt8>, UnsafePointer<Int>) -> R) -> R {
        let entry = keys(for: pool)
        entry.rows += rows
        let fill = !entry.complete && entry.rows * 16 >= pool.count
        if fill { entry.complete = true }
        let dictionary = pool.dictionary
        return dictionary.bytes.withUnsafeBufferPointer { bytes in
            dictionary.starts.withUnsafeBufferPointer { starts in
                entry.keys.withUnsafeMutableBufferPointer { keys in
                    // An empty dictionary's bytes may have no address; it is never read.
                    let k = keys.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!
                    let b = bytes.baseAddress ?? UnsafePointer(bitPattern: 8)!, s = starts.baseAddress!
                    if fill { for code in 0..<keys.count { _ = key(code: code, k, b, s) } }
                    return body(k, b, s)
                }
            }
        }
    }

    /// The key of code `code`, computed and stored on first use.
    @inline(__always)
    func key(code: Int, _ keys: UnsafeMutablePointer<UInt64>, _ bytes: UnsafePointer<UInt8>, _ starts: UnsafePointer<Int>) -> UInt64 {
        let known = keys[code]
        if known != Self.absent { return known }
        let start = starts[code]
        let k = key(bytes + start, starts[code + 1] - start)
        keys[code] = k
        return k
    }

    /// The key of a string.
    func key(_ p: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        if let k = Self.inlineKey(p, length) { return k }
        let hash = LongStringIds.hash(p, length)
        return 2 << 62 | UInt64(long.id(p, length, hash: hash))
    }

    /// The key of a string in one of the two inline forms; nil for a long string.
    static func inlineKey(_ p: UnsafePointer<UInt8>, _ length: Int) -> UInt64? {
        if length >= 1 && length <= 16 {
            let first = p[0]
            let prefixed = first &- 0x30 > 9
            let start = prefixed ? 1 : 0, digits = length - start
            if digits >= 1 && digits <= 15 {
                var value: UInt64 = 0
                var allDigits = true
                for i in start..<length {
                    let d = p[i] &- 0x30
                    if d > 9 { allDigits = false; break }
                    value = value &* 10 &+ UInt64(d)
                }
                if allDigits { return 1 << 62 | UInt64(prefixed ? first : 0x30) << 54 | UInt64(digits - 1) << 50 | value }
            }
        }
        if length <= 7 {
            var v = UInt64(length) << 56
            for i in 0..<length { v |= UInt64(p[i]) << UInt64(8 * i) }
            return v
        }
        return nil
    }

    /// The key of a double: its bits, −0 as 0 and every NaN as one.
    @inline(__always)
    static func key(double d: Double) -> UInt64 { d == 0 ? 0 : (d.isNaN ? Double.nan.bitPattern : d.bitPattern) }

    /// This thread's key of a string key of `other` (long strings are interned here; the rest are equal).
    func translate(_ key: UInt64, from other: DistinctKeys) -> UInt64 {
        guard key >> 62 == 2 else { return key }
        return other.long.withBytes(Int(key & (1 << 62 - 1))) { p, n in self.key(p, n) }
    }

    /// Whether a string key is a long string's (its id is its thread's own).
    @inline(__always)
    static func isLong(_ key: UInt64) -> Bool { key >> 62 == 2 }

    /// Bytes held (for the memory limit).
    var approximateBytes: Int { cached.reduce(0) { $0 + $1.keys.capacity * 8 } + long.approximateBytes }
}
