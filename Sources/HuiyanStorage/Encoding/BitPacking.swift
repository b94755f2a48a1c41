import HuiyanBuffers

/// Packs unsigned integers of a fixed bit width (0…56) back to back, least significant bit first.
///
/// Unpacking reads one unaligned 64-bit word per value (a shift and a mask), which is why widths
/// stop at 56: a value then never straddles more than eight bytes. Wider data is stored plain.
///
/// The packed bytes are read through `UncheckedBytes` and outputs written through `UncheckedBuffer`, so a debug
/// build asserts every load and store inside its buffer; the entry points that take bare pointers (kept for the
/// callers that hold them) only wrap them, with `count` values of room assumed for the output.
package enum BitPacking {
    package static let maxWidth = 56

    /// Bits needed for `value` (0 for 0).
    @inlinable
    package static func width(of value: UInt64) -> Int { 64 - value.leadingZeroBitCount }

    /// Bytes occupied by `count` values of `width` bits.
    @inlinable
    package static func byteCount(count: Int, width: Int) -> Int { (count * width + 7) >> 3 }

    /// Appends `count` values produced by `value(i)` (each < 2^width) to `out`.
    @inlinable
    package static func pack(count: Int, width: Int, into out: inout [UInt8], _ value: (Int) -> UInt64) {
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

    /// Eight unpacked values, in order.
    package typealias Eight = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    /// Unpacks `count` values of `width` bits from `packed`, writing `transform(raw)` to `out[i]`; returns
    /// whether every raw value is at most `limit`. Values are only compared when `limit` is below the
    /// largest `width`-bit value, and then without a branch or a running maximum: the sign of
    /// `limit - raw`, or-ed over the values, shows whether any passed it.
    /// `packed` must hold at least `byteCount(count:width:)` bytes (checked by the caller).
    @inlinable @discardableResult
    package static func unpack<T: BitwiseCopyable>(
        _ packed: UnsafeRawPointer, packedLength: Int, count: Int, width: Int,
        into out: UnsafeMutablePointer<T>, atMost limit: UInt64 = .max, _ transform: (UInt64) -> T
    ) -> Bool {
        unpack(UncheckedBytes(start: packed, count: packedLength), count: count, width: width,
               into: UncheckedBuffer(UnsafeMutableBufferPointer(start: out, count: count)), atMost: limit, transform)
    }

    /// `unpack` from a byte view into `out` (room for `count` values).
    @inlinable @discardableResult
    package static func unpack<T: BitwiseCopyable>(
        _ packed: UncheckedBytes, count: Int, width: Int,
        into out: UncheckedBuffer<T>, atMost limit: UInt64 = .max, _ transform: (UInt64) -> T
    ) -> Bool {
        assert(count <= out.capacity, "BitPacking.unpack: output too small")
        if width == 0 {
            let v = transform(0)
            for i in 0..<count { out[unchecked: i] = v }
            return true
        }
        let checked = limit < (width >= 64 ? UInt64.max : (UInt64(1) << UInt64(width)) &- 1)
        // Below 2^63 the sign of `limit - raw` shows a value above the limit (values are below 2^56).
        let bound = Swift.min(limit, UInt64(Int64.max))
        var over: UInt64 = 0
        forEach(packed, count: count, width: width, eight: { i, v in
            if checked {
                over |= ((bound &- v.0) | (bound &- v.1)) | ((bound &- v.2) | (bound &- v.3))
                    | ((bound &- v.4) | (bound &- v.5)) | ((bound &- v.6) | (bound &- v.7))
            }
            out[unchecked: i] = transform(v.0); out[unchecked: i &+ 1] = transform(v.1)
            out[unchecked: i &+ 2] = transform(v.2); out[unchecked: i &+ 3] = transform(v.3)
            out[unchecked: i &+ 4] = transform(v.4); out[unchecked: i &+ 5] = transform(v.5)
            out[unchecked: i &+ 6] = transform(v.6); out[unchecked: i &+ 7] = transform(v.7)
        }, one: { i, v in
            over |= bound &- v
            out[unchecked: i] = transform(v)
        })
        return !checked || over >> 63 == 0
    }

    /// Writes to `selection` the indexes of the values that lie in `lowest...highest`, in order;
    /// returns how many. `selection` needs room for `count` indexes. Nothing branches on a value (a test that
    /// keeps half of the values at random would mispredict every other one): each group of eight makes an
    /// 8-bit mask, and one table lookup gives the indexes it keeps, stored in one go.
    @inlinable
    package static func select(
        _ packed: UncheckedBytes, count: Int, width: Int,
        lowest: UInt64, highest: UInt64, into selection: UncheckedBuffer<Int32>
    ) -> Int {
        assert(count <= selection.capacity, "BitPacking.select: selection too small")
        let top: UInt64 = width >= 56 ? (1 << 56) &- 1 : (1 << UInt64(width)) &- 1
        let highest = Swift.min(highest, top)
        guard lowest <= highest else { return 0 }
        let span = highest &- lowest
        var n = 0
        // 1 when lowest <= v <= highest, by sign bits (values and the span are below 2^56): v - lowest
        // wraps when v is below, and span - (v - lowest) when v is above.
        @inline(__always) func inside(_ v: UInt64) -> UInt32 {
            let d = v &- lowest
            return UInt32(truncatingIfNeeded: ((d | (span &- d)) >> 63) ^ 1)
        }
        if width == 0 {
            guard inside(0) == 1 else { return 0 }
            for i in 0..<count { selection[unchecked: i] = Int32(truncatingIfNeeded: i) }
            return count
        }
        if lowest == highest, width == 1 || width == 2 || width == 4 {
            return selectEqual(packed, count: count, width: width, value: lowest, into: selection)
        }
        let table = selectionTable
        table.withUnsafeBufferPointer { table in
            forEach(packed, count: count, width: width, eight: { i, v in
                let mask = Int(inside(v.0) | inside(v.1) << 1 | inside(v.2) << 2 | inside(v.3) << 3
                    | inside(v.4) << 4 | inside(v.5) << 5 | inside(v.6) << 6 | inside(v.7) << 7)
                let entry = table[mask]
                // Eight slots from n on: n is at most i, so they lie inside the room for `count`.
                selection.storeBytes(of: SIMD8<Int32>(truncatingIfNeeded: entry & 0xFF) &+ Int32(truncatingIfNeeded: i),
                                     uncheckedAt: n)
                n &+= Int(truncatingIfNeeded: entry[7] >> 8)
            }, one: { i, v in
                selection[unchecked: n] = Int32(truncatingIfNeeded: i)
                n &+= Int(inside(v))
            })
        }
        return n
    }

    /// `select` for one value of a width that divides 64 and is at most 4 (dictionary codes of a handful of
    /// categories, channels or types): each 64-bit word is compared whole — the fields that differ from the
    /// value are or-ed down to their lowest bit — and the equal fields' indexes are stored eight at a time
    /// through `selectionTable` (a loop over the set bits mispredicted its exit on every word of a filter
    /// keeping half of the rows: 14 % of 雁城四宝 by product and platform).
    @inlinable
    static func selectEqual(_ packed: UncheckedBytes, count: Int, width: Int,
                            value: UInt64, into selection: UncheckedBuffer<Int32>) -> Int {
        let perWord = 64 / width
        let lowBits: UInt64 = width == 1 ? ~0 : width == 2 ? 0x5555_5555_5555_5555 : 0x1111_1111_1111_1111
        let wanted = value &* lowBits                   // the value in every field
        let words = Swift.min(count / perWord, packed.count / 8)
        var n = 0
        selectionTable.withUnsafeBufferPointer { table in
            for w in 0..<words {
                let differ = packed.loadUnaligned(uncheckedAt: w &* 8, as: UInt64.self) ^ wanted
                var folded = differ
                if width >= 2 { folded |= differ >> 1 }
                if width == 4 { folded |= (differ >> 2) | (differ >> 3) }
                let equal = ~folded & lowBits
                if equal == 0 { continue }      // a selective filter skips most words here
                // The equal fields' bits gathered to the bottom (bit k = field k), then eight fields at a
                // time through the table, as in `select`: no branch on how many fields are equal.
                let fields = gatherFieldBits(equal, width: width)
                let start = Int32(truncatingIfNeeded: w &* perWord)
                var group = 0
                while group < perWord {
                    let entry = table[Int(truncatingIfNeeded: (fields >> UInt64(group)) & 0xFF)]
                    // Eight slots from n on: n is at most the group's first index, so they lie in the room for `count`.
                    selection.storeBytes(of: SIMD8<Int32>(truncatingIfNeeded: entry & 0xFF) &+ (start &+ Int32(truncatingIfNeeded: group)),
                                         uncheckedAt: n)
                    n &+= Int(truncatingIfNeeded: entry[7] >> 8)
                    group &+= 8
                }
            }
        }
        let done = words &* perWord
        if done < count {
            rest(packed, from: done, count: count, width: width) { i, v in
                selection[unchecked: n] = Int32(truncatingIfNeeded: i)
                n &+= v == value ? 1 : 0
            }
        }
        return n
    }

    /// The lowest bit of each `width`-bit field of `word` (width 1, 2 or 4; other bits clear) moved down to
    /// bit `k` for field `k`, by folding halves together.
    @inlinable @inline(__always)
    static func gatherFieldBits(_ word: UInt64, width: Int) -> UInt64 {
        var x = word
        switch width {
        case 2:
            x = (x | x >> 1) & 0x3333_3333_3333_3333
            x = (x | x >> 2) & 0x0F0F_0F0F_0F0F_0F0F
            x = (x | x >> 4) & 0x00FF_00FF_00FF_00FF
            x = (x | x >> 8) & 0x0000_FFFF_0000_FFFF
            x = (x | x >> 16) & 0xFFFF_FFFF
        case 4:
            x = (x | x >> 3) & 0x0303_0303_0303_0303
            x = (x | x >> 6) & 0x000F_000F_000F_000F
            x = (x | x >> 12) & 0x0000_00FF_0000_00FF
            x = (x | x >> 24) & 0xFFFF
        default:
            break
        }
        return x
    }

    /// For each 8-bit mask: the positions of its set bits in order (low byte of each lane), and in the
    /// second byte of the last lane how many there are.
    @usableFromInline static let selectionTable: [SIMD8<Int32>] = (0..<256).map { mask in
        var entry = SIMD8<Int32>(repeating: 0)
        var k = 0
        for bit in 0..<8 where mask & (1 << bit) != 0 {
            entry[k] = Int32(bit)
            k += 1
        }
        entry[7] |= Int32(k) << 8
        return entry
    }

    /// Adds one to `counts[raw]` for each of the `count` values (so `counts` needs 2^width slots), through
    /// four interleaved copies of the histogram (a popular value's count is then not incremented back to
    /// back, each increment waiting for the one before); `lanes` is scratch for 4 · 2^width counts. With
    /// `firsts`, value `i` counts at `counts[firsts[i] · 2^width + raw]` instead (pairs of codes: `firsts`
    /// holds another column's codes, each below `firstSlots`), and `counts` and a quarter of `lanes` need
    /// `firstSlots` · 2^width slots.
    @inlinable
    package static func histogram(_ packed: UncheckedBytes, count: Int, width: Int,
                                 by firsts: UncheckedBuffer<UInt16>? = nil, firstSlots: Int = 1,
                                 into counts: UncheckedBuffer<Int64>, lanes: UncheckedBuffer<Int64>) {
        if width == 0 {
            guard let firsts else { counts[unchecked: 0] &+= Int64(count); return }
            for i in 0..<count { counts[unchecked: Int(truncatingIfNeeded: firsts[unchecked: i])] &+= 1 }
            return
        }
        // One loop for each kind of slot, so that each inlines its own copy of `forEach`.
        if let firsts {
            histogram(packed, count: count, width: width, PairSlots(firsts: firsts, shift: width),
                      slots: firstSlots << width, into: counts, lanes: lanes)
        } else {
            histogram(packed, count: count, width: width, ValueSlots(), slots: 1 << width, into: counts, lanes: lanes)
        }
    }

    /// Where value `i` of a histogram counts: at the value itself, or in the row of its first code.
    @usableFromInline protocol HistogramSlots {
        func callAsFunction(_ i: Int, _ value: UInt64) -> Int
    }

    @usableFromInline struct ValueSlots: HistogramSlots {
        @inlinable init() {}
        @inlinable @inline(__always) func callAsFunction(_ i: Int, _ value: UInt64) -> Int { Int(truncatingIfNeeded: value) }
    }

    @usableFromInline struct PairSlots: HistogramSlots {
        @usableFromInline let firsts: UncheckedBuffer<UInt16>
        @usableFromInline let shift: Int
        @inlinable init(firsts: UncheckedBuffer<UInt16>, shift: Int) { self.firsts = firsts; self.shift = shift }
        @inlinable @inline(__always) func callAsFunction(_ i: Int, _ value: UInt64) -> Int {
            Int(truncatingIfNeeded: firsts[unchecked: i]) &<< shift | Int(truncatingIfNeeded: value)
        }
    }

    @inlinable
    static func histogram<S: HistogramSlots>(_ packed: UncheckedBytes, count: Int, width: Int, _ slot: S,
                                             slots: Int, into counts: UncheckedBuffer<Int64>, lanes: UncheckedBuffer<Int64>) {
        let lanes = lanes.slice(unchecked: 0..<(4 * slots))
        lanes.fill(with: 0)
        let l0 = lanes.slice(unchecked: 0..<slots), l1 = lanes.slice(unchecked: slots..<(2 * slots))
        let l2 = lanes.slice(unchecked: (2 * slots)..<(3 * slots)), l3 = lanes.slice(unchecked: (3 * slots)..<(4 * slots))
        forEach(packed, count: count, width: width, eight: { i, v in
            l0[unchecked: slot(i, v.0)] &+= 1; l1[unchecked: slot(i + 1, v.1)] &+= 1
            l2[unchecked: slot(i + 2, v.2)] &+= 1; l3[unchecked: slot(i + 3, v.3)] &+= 1
            l0[unchecked: slot(i + 4, v.4)] &+= 1; l1[unchecked: slot(i + 5, v.5)] &+= 1
            l2[unchecked: slot(i + 6, v.6)] &+= 1; l3[unchecked: slot(i + 7, v.7)] &+= 1
        }, one: { i, v in l0[unchecked: slot(i, v)] &+= 1 })
        for s in 0..<slots {
            counts[unchecked: s] &+= l0[unchecked: s] &+ l1[unchecked: s] &+ l2[unchecked: s] &+ l3[unchecked: s]
        }
    }

    /// The sum of `count` values of `width` bits (at most 53, so that 1,024 of them cannot overflow).
    @inlinable
    package static func sum(_ packed: UnsafeRawPointer, packedLength: Int, count: Int, width: Int) -> UInt64 {
        sum(UncheckedBytes(start: packed, count: packedLength), count: count, width: width)
    }

    /// `sum` of values packed in a byte view.
    @inlinable
    package static func sum(_ packed: UncheckedBytes, count: Int, width: Int) -> UInt64 {
        guard width > 0 else { return 0 }
        var a: UInt64 = 0, b: UInt64 = 0
        forEach(packed, count: count, width: width, eight: { _, v in
            a &+= (v.0 &+ v.1) &+ (v.2 &+ v.3)
            b &+= (v.4 &+ v.5) &+ (v.6 &+ v.7)
        }, one: { _, v in a &+= v })
        return a &+ b
    }

    /// Calls `eight(i, values)` for values `i..<i + 8` while whole groups of eight can be read with 8-byte
    /// loads (widths up to 32), then `one(i, value)` for each remaining value. `width` must be at least 1.
    @inlinable @inline(__always)
    static func forEach(_ packed: UncheckedBytes, count: Int, width: Int,
                        eight: (Int, Eight) -> Void, one: (Int, UInt64) -> Void) {
        // Widths up to 32 (dictionary codes, most deltas): eight values at a time, in a copy of the loop
        // made for each width, so that every shift and offset is a constant.
        var done = 0
        switch width {
        case 1: done = groups(Width1.self, packed, count: count, eight)
        case 2: done = groups(Width2.self, packed, count: count, eight)
        case 3: done = groups(Width3.self, packed, count: count, eight)
        case 4: done = groups(Width4.self, packed, count: count, eight)
        case 5: done = groups(Width5.self, packed, count: count, eight)
        case 6: done = groups(Width6.self, packed, count: count, eight)
        case 7: done = groups(Width7.self, packed, count: count, eight)
        case 8: done = groups(Width8.self, packed, count: count, eight)
        case 9: done = groups(Width9.self, packed, count: count, eight)
        case 10: done = groups(Width10.self, packed, count: count, eight)
        case 11: done = groups(Width11.self, packed, count: count, eight)
        case 12: done = groups(Width12.self, packed, count: count, eight)
        case 13: done = groups(Width13.self, packed, count: count, eight)
        case 14: done = groups(Width14.self, packed, count: count, eight)
        case 15: done = groups(Width15.self, packed, count: count, eight)
        case 16: done = groups(Width16.self, packed, count: count, eight)
        case 17: done = groups(Width17.self, packed, count: count, eight)
        case 18: done = groups(Width18.self, packed, count: count, eight)
        case 19: done = groups(Width19.self, packed, count: count, eight)
        case 20: done = groups(Width20.self, packed, count: count, eight)
        case 21: done = groups(Width21.self, packed, count: count, eight)
        case 22: done = groups(Width22.self, packed, count: count, eight)
        case 23: done = groups(Width23.self, packed, count: count, eight)
        case 24: done = groups(Width24.self, packed, count: count, eight)
        case 25: done = groups(Width25.self, packed, count: count, eight)
        case 26: done = groups(Width26.self, packed, count: count, eight)
        case 27: done = groups(Width27.self, packed, count: count, eight)
        case 28: done = groups(Width28.self, packed, count: count, eight)
        case 29: done = groups(Width29.self, packed, count: count, eight)
        case 30: done = groups(Width30.self, packed, count: count, eight)
        case 31: done = groups(Width31.self, packed, count: count, eight)
        case 32: done = groups(Width32.self, packed, count: count, eight)
        default: break
        }
        if done < count { rest(packed, from: done, count: count, width: width, one) }
    }

    /// Unpacks whole groups of eight values (eight values of `width` bits are `width` bytes) while their
    /// 8-byte windows lie inside the buffer, handing each group to `eight`; returns how many values it read.
    @inlinable @inline(__always)
    static func groups<W: PackedWidth>(_: W.Type, _ packed: UncheckedBytes, count: Int,
                                       _ eight: (Int, Eight) -> Void) -> Int {
        let width = W.bits
        let mask: UInt64 = (1 << UInt64(width)) &- 1
        // Group g reads bytes g*width … g*width + (7*width)/8 + 7.
        let reach = (7 * width) >> 3 + 8
        guard packed.count >= reach else { return 0 }
        let groups = Swift.min(count >> 3, (packed.count - reach) / width + 1)
        var p = 0
        for g in 0..<groups {
            @inline(__always) func word(_ k: Int) -> UInt64 {
                (packed.loadUnaligned(uncheckedAt: p &+ (k * width) >> 3, as: UInt64.self) >> UInt64((k * width) & 7)) & mask
            }
            eight(g << 3, (word(0), word(1), word(2), word(3), word(4), word(5), word(6), word(7)))
            p &+= width
        }
        return groups << 3
    }

    /// Unpacks values `start..<count` one at a time (any width), handing each to `one`.
    @inlinable @inline(__always)
    static func rest(_ packed: UncheckedBytes, from start: Int, count: Int, width: Int,
                     _ one: (Int, UInt64) -> Void) {
        let packedLength = packed.count
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
            let word = packed.loadUnaligned(uncheckedAt: bit >> 3, as: UInt64.self)
            one(i, (word >> UInt64(bit & 7)) & mask)
            bit &+= width
        }
        // Tail: assemble the window byte by byte.
        for i in fastCount..<count {
            let byte = bit >> 3
            var word: UInt64 = 0
            for k in 0..<min(8, packedLength - byte) {
                word |= UInt64(packed[unchecked: byte + k]) << UInt64(8 * k)
            }
            one(i, (word >> UInt64(bit & 7)) & mask)
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
