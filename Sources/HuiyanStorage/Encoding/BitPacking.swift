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

    /// Unpacks `count` values of `width` bits from `packed`, writing `transform(raw)` to `out[i]`; returns
    /// whether every raw value is at most `limit`. Values are only compared when `limit` is below the
    /// largest `width`-bit value, and then without a branch or a running maximum: the sign of
    /// `limit - raw`, or-ed over the values, shows whether any passed it.
    /// `packed` must hold at least `byteCount(count:width:)` bytes (checked by the caller).
    @inlinable @discardableResult
    public static func unpack<T>(
        _ packed: UnsafeRawPointer, packedLength: Int, count: Int, width: Int,
        into out: UnsafeMutablePointer<T>, atMost limit: UInt64 = .max, _ transform: (UInt64) -> T
    ) -> Bool {
        if width == 0 {
            let v = transform(0)
            for i in 0..<count { out[i] = v }
            return true
        }
        let checked = limit < (width >= 64 ? UInt64.max : (UInt64(1) << UInt64(width)) &- 1)
        // Widths up to 32 (dictionary codes, most deltas): eight values at a time, in a copy of the loop
        // made for each width, so that every shift and offset is a constant.
        var done = 0
        var over: UInt64 = 0
        switch width {
        case 1: done = unpackGroups(Width1.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 2: done = unpackGroups(Width2.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 3: done = unpackGroups(Width3.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 4: done = unpackGroups(Width4.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 5: done = unpackGroups(Width5.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 6: done = unpackGroups(Width6.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 7: done = unpackGroups(Width7.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 8: done = unpackGroups(Width8.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 9: done = unpackGroups(Width9.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 10: done = unpackGroups(Width10.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 11: done = unpackGroups(Width11.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 12: done = unpackGroups(Width12.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 13: done = unpackGroups(Width13.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 14: done = unpackGroups(Width14.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 15: done = unpackGroups(Width15.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 16: done = unpackGroups(Width16.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 17: done = unpackGroups(Width17.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 18: done = unpackGroups(Width18.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 19: done = unpackGroups(Width19.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 20: done = unpackGroups(Width20.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 21: done = unpackGroups(Width21.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 22: done = unpackGroups(Width22.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 23: done = unpackGroups(Width23.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 24: done = unpackGroups(Width24.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 25: done = unpackGroups(Width25.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 26: done = unpackGroups(Width26.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 27: done = unpackGroups(Width27.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 28: done = unpackGroups(Width28.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 29: done = unpackGroups(Width29.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 30: done = unpackGroups(Width30.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 31: done = unpackGroups(Width31.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        case 32: done = unpackGroups(Width32.self, packed, packedLength: packedLength, count: count, into: out, limit: limit, checked: checked, over: &over, transform)
        default: break
        }
        if done < count {
            unpackRest(packed, packedLength: packedLength, from: done, count: count, width: width, into: out,
                       limit: limit, over: &over, transform)
        }
        return !checked || over >> 63 == 0
    }

    /// Unpacks whole groups of eight values (eight values of `width` bits are `width` bytes) while their
    /// 8-byte windows lie inside the buffer; returns how many values it wrote. When `checked`, the sign bit
    /// of `over` is set if a value passed `limit` (which is below 2^56, as every value is).
    @inlinable
    static func unpackGroups<W: PackedWidth, T>(
        _: W.Type, _ packed: UnsafeRawPointer, packedLength: Int, count: Int, into out: UnsafeMutablePointer<T>,
        limit: UInt64, checked: Bool, over: inout UInt64, _ transform: (UInt64) -> T
    ) -> Int {
        let width = W.bits
        let mask: UInt64 = (1 << UInt64(width)) &- 1
        // Group g reads bytes g*width … g*width + (7*width)/8 + 7.
        let reach = (7 * width) >> 3 + 8
        guard packedLength >= reach else { return 0 }
        let groups = Swift.min(count >> 3, (packedLength - reach) / width + 1)
        var p = packed
        var o = out
        var passed = over
        @inline(__always) func run(checking: Bool) {
            for _ in 0..<groups {
                let v0 = p.loadUnaligned(as: UInt64.self) & mask
                let v1 = (p.loadUnaligned(fromByteOffset: width >> 3, as: UInt64.self) >> UInt64(width & 7)) & mask
                let v2 = (p.loadUnaligned(fromByteOffset: (2 * width) >> 3, as: UInt64.self) >> UInt64((2 * width) & 7)) & mask
                let v3 = (p.loadUnaligned(fromByteOffset: (3 * width) >> 3, as: UInt64.self) >> UInt64((3 * width) & 7)) & mask
                let v4 = (p.loadUnaligned(fromByteOffset: (4 * width) >> 3, as: UInt64.self) >> UInt64((4 * width) & 7)) & mask
                let v5 = (p.loadUnaligned(fromByteOffset: (5 * width) >> 3, as: UInt64.self) >> UInt64((5 * width) & 7)) & mask
                let v6 = (p.loadUnaligned(fromByteOffset: (6 * width) >> 3, as: UInt64.self) >> UInt64((6 * width) & 7)) & mask
                let v7 = (p.loadUnaligned(fromByteOffset: (7 * width) >> 3, as: UInt64.self) >> UInt64((7 * width) & 7)) & mask
                if checking {
                    passed |= ((limit &- v0) | (limit &- v1)) | ((limit &- v2) | (limit &- v3))
                        | ((limit &- v4) | (limit &- v5)) | ((limit &- v6) | (limit &- v7))
                }
                o[0] = transform(v0); o[1] = transform(v1); o[2] = transform(v2); o[3] = transform(v3)
                o[4] = transform(v4); o[5] = transform(v5); o[6] = transform(v6); o[7] = transform(v7)
                p += width
                o += 8
            }
        }
        if checked { run(checking: true) } else { run(checking: false) }
        over = passed
        return groups << 3
    }

    /// Unpacks values `start..<count` one at a time (any width), setting the sign bit of `over` if one
    /// passes `limit`.
    @inlinable
    static func unpackRest<T>(
        _ packed: UnsafeRawPointer, packedLength: Int, from start: Int, count: Int, width: Int,
        into out: UnsafeMutablePointer<T>, limit: UInt64, over: inout UInt64, _ transform: (UInt64) -> T
    ) {
        var passed = over
        defer { over = passed }
        // Above 2^63 - 1 the sign of `limit - raw` says nothing: then no value can pass the limit anyway.
        let bound = Swift.min(limit, UInt64(Int64.max))
        let mask: UInt64 = width == 64 ? ~0 : (1 << UInt64(width)) &- 1
        // Fast path: every value whose 8-byte window lies inside the buffer.
        var fastCount = start
        if packedLength >= 8 {
            fastCount = max(start, min(count, ((packedLength - 8) * 8) / width + 1))
            // The last fast value must start at a byte offset <= packedLength - 8.
            while fastCount > start && ((fastCount - 1) * width) >> 3 > packedLength - 8 { fastCount -= 1 }
        }
        var bit = start * width
        for i in start..<fastCount {
            let word = packed.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self)
            let v = (word >> UInt64(bit & 7)) & mask
            passed |= bound &- v
            out[i] = transform(v)
            bit &+= width
        }
        // Tail: assemble the window byte by byte.
        for i in fastCount..<count {
            let byte = bit >> 3
            var word: UInt64 = 0
            for k in 0..<min(8, packedLength - byte) {
                word |= UInt64(packed.load(fromByteOffset: byte + k, as: UInt8.self)) << UInt64(8 * k)
            }
            let v = (word >> UInt64(bit & 7)) & mask
            passed |= bound &- v
            out[i] = transform(v)
            bit += width
        }
    }
}

/// A bit width known when the code is compiled: each width gets its own unpacking loop.
@usableFromInline protocol PackedWidth {
    static var bits: Int { get }
}

@usableFromInline enum Width1: PackedWidth { @inlinable static var bits: Int { 1 } }
@usableFromInline enum Width2: PackedWidth { @inlinable static var bits: Int { 2 } }
@usableFromInline enum Width3: PackedWidth { @inlinable static var bits: Int { 3 } }
@usableFromInline enum Width4: PackedWidth { @inlinable static var bits: Int { 4 } }
@usableFromInline enum Width5: PackedWidth { @inlinable static var bits: Int { 5 } }
@usableFromInline enum Width6: PackedWidth { @inlinable static var bits: Int { 6 } }
@usableFromInline enum Width7: PackedWidth { @inlinable static var bits: Int { 7 } }
@usableFromInline enum Width8: PackedWidth { @inlinable static var bits: Int { 8 } }
@usableFromInline enum Width9: PackedWidth { @inlinable static var bits: Int { 9 } }
@usableFromInline enum Width10: PackedWidth { @inlinable static var bits: Int { 10 } }
@usableFromInline enum Width11: PackedWidth { @inlinable static var bits: Int { 11 } }
@usableFromInline enum Width12: PackedWidth { @inlinable static var bits: Int { 12 } }
@usableFromInline enum Width13: PackedWidth { @inlinable static var bits: Int { 13 } }
@usableFromInline enum Width14: PackedWidth { @inlinable static var bits: Int { 14 } }
@usableFromInline enum Width15: PackedWidth { @inlinable static var bits: Int { 15 } }
@usableFromInline enum Width16: PackedWidth { @inlinable static var bits: Int { 16 } }
@usableFromInline enum Width17: PackedWidth { @inlinable static var bits: Int { 17 } }
@usableFromInline enum Width18: PackedWidth { @inlinable static var bits: Int { 18 } }
@usableFromInline enum Width19: PackedWidth { @inlinable static var bits: Int { 19 } }
@usableFromInline enum Width20: PackedWidth { @inlinable static var bits: Int { 20 } }
@usableFromInline enum Width21: PackedWidth { @inlinable static var bits: Int { 21 } }
@usableFromInline enum Width22: PackedWidth { @inlinable static var bits: Int { 22 } }
@usableFromInline enum Width23: PackedWidth { @inlinable static var bits: Int { 23 } }
@usableFromInline enum Width24: PackedWidth { @inlinable static var bits: Int { 24 } }
@usableFromInline enum Width25: PackedWidth { @inlinable static var bits: Int { 25 } }
@usableFromInline enum Width26: PackedWidth { @inlinable static var bits: Int { 26 } }
@usableFromInline enum Width27: PackedWidth { @inlinable static var bits: Int { 27 } }
@usableFromInline enum Width28: PackedWidth { @inlinable static var bits: Int { 28 } }
@usableFromInline enum Width29: PackedWidth { @inlinable static var bits: Int { 29 } }
@usableFromInline enum Width30: PackedWidth { @inlinable static var bits: Int { 30 } }
@usableFromInline enum Width31: PackedWidth { @inlinable static var bits: Int { 31 } }
@usableFromInline enum Width32: PackedWidth { @inlinable static var bits: Int { 32 } }
