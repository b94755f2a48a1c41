/// Packs unsigned integers of a fixed bit width (0…56) back to back, least significant bit first.
///
/// Unpacking reads one unaligned 64-bit word per value (a shift and a mask), which is why widths
/// stop at 56: a value then never straddles more than eight bytes. Wider data is stored plain.
public enum BitPacking {
    public static let maxWidth = 56

    /// Bits needed for `value` (0 for 0).
    @inlinable
    public static func width(of value: UInt64) -> Int { 64 - value.leadingZeroBitCount }

    /// Bytes occupied by `count` values of `width` bits.
    @inlinable
    public static func byteCount(count: Int, width: Int) -> Int { (count * width + 7) >> 3 }

    /// Appends `count` values produced by `value(i)` (each < 2^width) to `out`.
    @inlinable
    public static func pack(count: Int, width: Int, into out: inout [UInt8], _ value: (Int) -> UInt64) {
        guard width > 0, count > 0 else { return }
        let start = out.count
        let total = byteCount(count: count, width: width)
        out.append(contentsOf: repeatElement(0, count: total + 8))
        out.withUnsafeMutableBytes { raw in
            let base = raw.baseAddress! + start
            var bit = 0
            for i in 0..<count {
                let byte = bit >> 3
                let shift = bit & 7
                let word = base.loadUnaligned(fromByteOffset: byte, as: UInt64.self)
                base.storeBytes(of: word | (value(i) << UInt64(shift)), toByteOffset: byte, as: UInt64.self)
                bit += width
            }
        }
        out.removeLast(8)
    }

    /// Unpacks `count` values of `width` bits from `packed`, writing `transform(raw)` to `out[i]`.
    /// `packed` must hold at least `byteCount(count:width:)` bytes (checked by the caller).
    @inlinable
    public static func unpack<T>(
        _ packed: UnsafeRawPointer, packedLength: Int, count: Int, width: Int,
        into out: UnsafeMutablePointer<T>, _ transform: (UInt64) -> T
    ) {
        if width == 0 {
            let v = transform(0)
            for i in 0..<count { out[i] = v }
            return
        }
        let mask: UInt64 = width == 64 ? ~0 : (1 << UInt64(width)) &- 1
        // Fast path: every value whose 8-byte window lies inside the buffer.
        var fastCount = 0
        if packedLength >= 8 {
            fastCount = min(count, ((packedLength - 8) * 8) / width + 1)
            // The last fast value must start at a byte offset <= packedLength - 8.
            while fastCount > 0 && ((fastCount - 1) * width) >> 3 > packedLength - 8 { fastCount -= 1 }
        }
        var bit = 0
        for i in 0..<fastCount {
            let word = packed.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self)
            out[i] = transform((word >> UInt64(bit & 7)) & mask)
            bit &+= width
        }
        // Tail: assemble the window byte by byte.
        for i in fastCount..<count {
            let byte = bit >> 3
            var word: UInt64 = 0
            for k in 0..<min(8, packedLength - byte) {
                word |= UInt64(packed.load(fromByteOffset: byte + k, as: UInt8.self)) << UInt64(8 * k)
            }
            out[i] = transform((word >> UInt64(bit & 7)) & mask)
            bit += width
        }
    }
}
