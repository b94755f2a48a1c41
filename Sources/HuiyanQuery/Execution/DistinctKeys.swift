import HuiyanStorage

/// Exact 64-bit keys for the values of one thread's count(DISTINCT): equal keys if and only if equal values,
/// whatever dictionary the value came from (a segment's codes mean nothing in another segment).
///
/// Each string has exactly one form, decided by its bytes alone:
/// - at most one non-digit byte, then 1–15 ASCII digits (visitor and order ids: "483920117", "V00012345"):
///   tag 01, the prefix byte (0x30 when none — a prefix is never a digit), digits − 1, the number (< 2^50);
/// - else up to 7 bytes: tag 00, the length, the bytes;
/// - else tag 10 and its id in this thread's `StringInterner` (compared byte by byte): such keys are the
///   thread's own, and merging threads translates them through the bytes.
/// The first two forms, and numbers (their value; doubles by their bits, −0 as 0, one NaN), are the same on
/// every thread.
///
/// Keys of a pool's codes are computed once per pool and thread: on a code's first row, and once the pool
/// has served rows as many as a sixteenth of its entries, all the rest in one sequential pass (random ids
/// appear about once per segment: computing each on its row cost two cache misses into the dictionary). A pool of
/// numbers in a digit form (a segment's numeric dictionary) needs no such array: a key is its number's, and the
/// text is never written out.
final class DistinctKeys {
    /// A code whose key is not computed yet (no key has tag 11 and all ones).
    static let absent = UInt64.max

    let long = StringInterner()

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

    /// A pool's code → key array (entries `absent` until computed) and its dictionary's bytes, for one batch; or,
    /// for a pool of numbers in a digit form, the numbers, each key made from its number alone.
    struct PoolView {
        let keys: UnsafeMutablePointer<UInt64>
        let bytes: UnsafePointer<UInt8>
        let starts: UnsafePointer<Int>
        /// Bytes of the dictionary.
        let end: Int
        /// A pool of numbers: entry `code`'s key is `numberKey | numbers[code] × numberScale`.
        let numbers: UnsafePointer<Int>?
        let numberKey: UInt64
        let numberScale: UInt64
    }

    /// Calls `body` with a view of the pool, for `rows` rows.
    func withPool<R>(_ pool: StringPool, rows: Int, _ body: (PoolView) -> R) -> R {
        // An address for views that are never read through (an empty buffer may have none).
        let nowhere = UnsafeMutablePointer<UInt64>(bitPattern: 8)!
        if let entries = pool.numericEntries, let form = Self.digitForm(entries) {
            return entries.numbers.withUnsafeBufferPointer { numbers in
                body(PoolView(keys: nowhere, bytes: UnsafePointer(bitPattern: 8)!, starts: UnsafePointer(bitPattern: 8)!, end: 0,
                              numbers: numbers.baseAddress ?? UnsafePointer(bitPattern: 8)!, numberKey: form.key, numberScale: form.scale))
            }
        }
        let entry = keys(for: pool)
        entry.rows += rows
        let fill = !entry.complete && entry.rows * 16 >= pool.count
        if fill { entry.complete = true }
        let dictionary = pool.dictionary
        return dictionary.bytes.withUnsafeBufferPointer { bytes in
            dictionary.starts.withUnsafeBufferPointer { starts in
                entry.keys.withUnsafeMutableBufferPointer { keys in
                    let view = PoolView(keys: keys.baseAddress ?? nowhere, bytes: bytes.baseAddress ?? UnsafePointer(bitPattern: 8)!,
                                        starts: starts.baseAddress!, end: starts[keys.count], numbers: nil, numberKey: 0, numberScale: 0)
                    if fill { for code in 0..<keys.count { _ = key(code: code, view) } }
                    return body(view)
                }
            }
        }
    }

    /// The key of code `code`, computed and stored on first use.
    @inline(__always)
    func key(code: Int, _ pool: PoolView) -> UInt64 {
        if let numbers = pool.numbers { return pool.numberKey | UInt64(truncatingIfNeeded: numbers[code]) &* pool.numberScale }
        let known = pool.keys[code]
        if known != Self.absent { return known }
        let start = pool.starts[code]
        let k = key(pool.bytes + start, pool.starts[code + 1] - start, readable: pool.end - start)
        pool.keys[code] = k
        return k
    }

    /// For entries of a numeric form that is a digit form (no prefix or one non-digit byte, then 1–15 digits):
    /// the key of the number 0, and the factor of a number in the key; nil for any other form.
    static func digitForm(_ entries: NumericEntries) -> (key: UInt64, scale: UInt64)? {
        let prefix = entries.prefix
        guard entries.digits >= 1 && entries.digits <= 15 else { return nil }
        if prefix.count > 1 || (prefix.count == 1 && prefix[0] &- 0x30 <= 9) { return nil }
        return (digitKey(prefix: prefix.first, digits: entries.digits, scaled: 0), powersOfTen[15 - entries.digits])
    }

    /// The key of a string; `readable` bytes may be read from `p` (at least `length`).
    func key(_ p: UnsafePointer<UInt8>, _ length: Int, readable: Int? = nil) -> UInt64 {
        if let k = Self.inlineKey(p, length, readable: readable ?? length) { return k }
        return 2 << 62 | UInt64(long.intern(UnsafeRawBufferPointer(start: p, count: length)))
    }

    /// 10^k.
    private static let powersOfTen: [UInt64] = (0...19).map { k in (0..<k).reduce(1) { r, _ in r * 10 } }

    /// The key of a digit form: the number as `number × 10^(15 − digits)` (what the 16-byte parse gives).
    @inline(__always)
    private static func digitKey(prefix: UInt8?, digits: Int, scaled: UInt64) -> UInt64 {
        1 << 62 | UInt64(prefix ?? 0x30) << 54 | UInt64(digits - 1) << 50 | scaled
    }

    /// Whether every byte of `x` is an ASCII digit.
    @inline(__always)
    private static func allDigits(_ x: UInt64) -> Bool {
        let high: UInt64 = 0xF0F0_F0F0_F0F0_F0F0, threes: UInt64 = 0x3030_3030_3030_3030
        return x & high == threes && (x &+ 0x0606_0606_0606_0606) & high == threes
    }

    /// Eight ASCII digits, the first in the lowest byte, as a number (Lemire's SWAR parse).
    @inline(__always)
    private static func parseEight(_ x: UInt64) -> UInt64 {
        var v = x &- 0x3030_3030_3030_3030
        v = v &* 10 &+ v >> 8
        let mask: UInt64 = 0x0000_00FF_0000_00FF
        return ((v & mask) &* 0x000F_4240_0000_0064 &+ ((v >> 16) & mask) &* 0x0000_2710_0000_0001) >> 32
    }

    /// The key of a string in one of the two inline forms; nil for a long string. With 16 bytes readable a
    /// digit form is checked and parsed eight bytes at a time.
    static func inlineKey(_ p: UnsafePointer<UInt8>, _ length: Int, readable: Int) -> UInt64? {
        if length >= 2 && length <= 16 && readable >= 16 {
            let raw = UnsafeRawPointer(p)
            var lo = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            var hi = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            let first = UInt8(truncatingIfNeeded: lo)
            let prefixed = first &- 0x30 > 9
            var digits = length
            if prefixed { lo = lo >> 8 | hi << 56; hi >>= 8; digits -= 1 }
            if digits <= 15 {
                // Bytes past the digits become '0': trailing zeros, so the parse is number × 10^(16 − digits).
                let zeros: UInt64 = 0x3030_3030_3030_3030
                let keepLo: UInt64 = digits >= 8 ? ~0 : (1 << UInt64(digits * 8)) &- 1
                let keepHi: UInt64 = digits <= 8 ? 0 : (1 << UInt64((digits - 8) * 8)) &- 1
                lo = lo & keepLo | zeros & ~keepLo
                hi = hi & keepHi | zeros & ~keepHi
                if allDigits(lo) && allDigits(hi) {
                    let scaled = (parseEight(lo) &* 100_000_000 &+ parseEight(hi)) / 10
                    return digitKey(prefix: prefixed ? first : nil, digits: digits, scaled: scaled)
                }
            }
            return length <= 7 ? shortKey(p, length) : nil
        }
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
                if allDigits { return digitKey(prefix: prefixed ? first : nil, digits: digits, scaled: value &* powersOfTen[15 - digits]) }
            }
        }
        return length <= 7 ? shortKey(p, length) : nil
    }

    /// The key of a string of up to 7 bytes not in the digit form.
    @inline(__always)
    private static func shortKey(_ p: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        var v = UInt64(length) << 56
        for i in 0..<length { v |= UInt64(p[i]) << UInt64(8 * i) }
        return v
    }

    /// The key of a double: its bits, −0 as 0 and every NaN as one.
    @inline(__always)
    static func key(double d: Double) -> UInt64 { d == 0 ? 0 : (d.isNaN ? Double.nan.bitPattern : d.bitPattern) }

    /// This thread's key of a string key of `other` (long strings are interned here; the rest are equal).
    func translate(_ key: UInt64, from other: DistinctKeys) -> UInt64 {
        guard key >> 62 == 2 else { return key }
        return other.long.withBytes(Int(key & (1 << 62 - 1))) { bytes in
            self.key(bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), bytes.count)
        }
    }

    /// Whether a string key is a long string's (its id is its thread's own).
    @inline(__always)
    static func isLong(_ key: UInt64) -> Bool { key >> 62 == 2 }

    /// Bytes held (for the memory limit).
    var approximateBytes: Int { cached.reduce(0) { $0 + $1.keys.capacity * 8 } + long.approximateBytes }
}
