/// How a block of the integer lane (timestamps, integers, money, booleans, dictionary codes) is laid out
/// before LZ4. The encoder picks whichever is smallest for each block.
public enum IntegerEncoding: UInt8, Sendable {
    /// `value = base + packed[i] * scale`, `packed[i]` of `width` bits (frame of reference).
    case frameOfReference = 1
    /// `value[0] = first`, `value[i] = value[i-1] + minDelta + packed[i-1] * scale` (delta, then frame of reference).
    case delta = 2
    /// Raw little-endian Int64.
    case plain = 3
}

/// Encodes and decodes one block of the integer lane.
public enum IntegerBlockCodec {
    /// Appends the encoding of `values` to `out`: one encoding byte, then its parameters and data.
    public static func encode(_ values: UnsafeBufferPointer<Int64>, into out: inout [UInt8]) {
        let n = values.count
        guard n > 0 else {
            out.append(IntegerEncoding.frameOfReference.rawValue)
            appendFORHeader(base: 0, scale: 1, width: 0, into: &out)
            return
        }
        // Frame of reference over the whole block.
        var lo = values[0], hi = values[0]
        for v in values { lo = Swift.min(lo, v); hi = Swift.max(hi, v) }
        var forSize = Int.max
        var forScale: UInt64 = 1
        var forWidth = 0
        let (range, rangeOverflow) = hi.subtractingReportingOverflow(lo)
        if !rangeOverflow {
            forScale = commonDivisor(count: n) { UInt64(bitPattern: values[$0] &- lo) }
            forWidth = BitPacking.width(of: UInt64(range) / forScale)
            if forWidth <= BitPacking.maxWidth { forSize = 18 + BitPacking.byteCount(count: n, width: forWidth) }
        }
        // Delta, then frame of reference over the deltas.
        var deltaSize = Int.max
        var dLo: Int64 = 0, dScale: UInt64 = 1, dWidth = 0
        if n >= 2 {
            var ok = true
            var dHi = Int64.min
            dLo = Int64.max
            for i in 1..<n {
                let (d, overflow) = values[i].subtractingReportingOverflow(values[i - 1])
                if overflow { ok = false; break }
                dLo = Swift.min(dLo, d); dHi = Swift.max(dHi, d)
            }
            if ok {
                let (dRange, overflow) = dHi.subtractingReportingOverflow(dLo)
                if !overflow {
                    let base = dLo
                    dScale = commonDivisor(count: n - 1) { UInt64(bitPattern: (values[$0 + 1] &- values[$0]) &- base) }
                    dWidth = BitPacking.width(of: UInt64(dRange) / dScale)
                    if dWidth <= BitPacking.maxWidth {
                        deltaSize = 26 + BitPacking.byteCount(count: n - 1, width: dWidth)
                    }
                }
            }
        }
        let plainSize = 1 + 8 * n
        if forSize <= deltaSize && forSize <= plainSize {
            out.append(IntegerEncoding.frameOfReference.rawValue)
            appendFORHeader(base: lo, scale: forScale, width: forWidth, into: &out)
            let scale = forScale
            BitPacking.pack(count: n, width: forWidth, into: &out) { UInt64(bitPattern: values[$0] &- lo) / scale }
        } else if deltaSize <= plainSize {
            out.append(IntegerEncoding.delta.rawValue)
            appendI64(values[0], into: &out)
            appendFORHeader(base: dLo, scale: dScale, width: dWidth, into: &out)
            let base = dLo, scale = dScale
            BitPacking.pack(count: n - 1, width: dWidth, into: &out) {
                UInt64(bitPattern: (values[$0 + 1] &- values[$0]) &- base) / scale
            }
        } else {
            out.append(IntegerEncoding.plain.rawValue)
            for v in values { appendI64(v, into: &out) }
        }
    }

    /// Decodes `count` values into `out`, each narrowed by `transform` (identity for Int64, a cast for codes);
    /// returns bounds that hold every decoded value (exact for delta and plain blocks, from the largest packed
    /// value for frame-of-reference), for callers that must check values (dictionary codes) without a pass.
    /// Throws on any inconsistency between the header and the bytes available.
    @inlinable @discardableResult
    public static func decode<T>(
        _ payload: UnsafeRawBufferPointer, count: Int, into out: UnsafeMutablePointer<T>,
        _ transform: (Int64) -> T
    ) throws -> (lowest: Int64, highest: Int64) {
        let unbounded = (lowest: Int64.min, highest: Int64.max)
        guard count > 0 else { return (Int64.max, Int64.min) }
        var reader = ByteReader(payload)
        guard let encoding = IntegerEncoding(rawValue: try reader.u8()) else { throw ByteReader.OutOfBounds() }
        switch encoding {
        case .frameOfReference:
            let base = try reader.i64()
            let scale = try reader.u64()
            let width = Int(try reader.u8())
            guard width <= BitPacking.maxWidth, scale > 0 else { throw ByteReader.OutOfBounds() }
            let length = BitPacking.byteCount(count: count, width: width)
            let packed = try reader.bytes(length)
            if width == 0 {
                let v = transform(base)
                for i in 0..<count { out[i] = v }
                return (base, base)
            }
            let packedBase = packed.baseAddress ?? payload.baseAddress!
            let largest: UInt64
            if scale == 1 {
                largest = BitPacking.unpack(packedBase, packedLength: length, count: count, width: width, into: out) {
                    transform(base &+ Int64(bitPattern: $0))
                }
            } else {
                largest = BitPacking.unpack(packedBase, packedLength: length, count: count, width: width, into: out) {
                    transform(base &+ Int64(bitPattern: $0 &* scale))
                }
            }
            // Values are base + raw * scale with 0 <= raw <= largest, unless that wraps around.
            let (span, wide) = largest.multipliedReportingOverflow(by: scale)
            guard !wide, span <= UInt64(Int64.max) else { return unbounded }
            let (highest, over) = base.addingReportingOverflow(Int64(span))
            return over ? unbounded : (base, highest)
        case .delta:
            let first = try reader.i64()
            let minDelta = try reader.i64()
            let scale = try reader.u64()
            let width = Int(try reader.u8())
            guard width <= BitPacking.maxWidth, scale > 0, count > 0 else { throw ByteReader.OutOfBounds() }
            let length = BitPacking.byteCount(count: count - 1, width: width)
            let packed = try reader.bytes(length)
            var running = first
            var lowest = first, highest = first
            out[0] = transform(first)
            if width == 0 {
                for i in 1..<max(count, 1) {
                    running &+= minDelta
                    lowest = Swift.min(lowest, running)
                    highest = Swift.max(highest, running)
                    out[i] = transform(running)
                }
                return (lowest, highest)
            }
            // Unpack deltas in chunks into a stack buffer, then run the prefix sum.
            let packedBase = packed.baseAddress ?? payload.baseAddress!
            let chunk = 1024
            try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: chunk) { deltas in
                var done = 0
                let total = count - 1
                while done < total {
                    let take = Swift.min(chunk, total - done)
                    let bitOffset = done * width
                    // Chunks start at multiples of 1024 values: 1024 * width bits is whole bytes.
                    let byteOffset = bitOffset >> 3
                    guard byteOffset <= length else { throw ByteReader.OutOfBounds() }
                    BitPacking.unpack(packedBase + byteOffset, packedLength: length - byteOffset, count: take,
                                      width: width, into: deltas.baseAddress!) { $0 }
                    for k in 0..<take {
                        running = running &+ minDelta &+ Int64(bitPattern: deltas[k] &* scale)
                        lowest = Swift.min(lowest, running)
                        highest = Swift.max(highest, running)
                        out[done + k + 1] = transform(running)
                    }
                    done += take
                }
            }
            return (lowest, highest)
        case .plain:
            let raw = try reader.bytes(count * 8)
            var lowest = Int64.max, highest = Int64.min
            for i in 0..<count {
                let v = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))
                lowest = Swift.min(lowest, v)
                highest = Swift.max(highest, v)
                out[i] = transform(v)
            }
            return (lowest, highest)
        }
    }

    /// The largest of 10⁶, 10³, 100 and 10 that divides every `value(i)` (1 when none does). Whole seconds
    /// in microsecond timestamps and whole yuan in fen then cost no bits; division by constants stays cheap.
    private static func commonDivisor(count: Int, _ value: (Int) -> UInt64) -> UInt64 {
        var by1e6 = true, by1e3 = true, by100 = true, by10 = true
        for i in 0..<count {
            let v = value(i)
            by10 = by10 && v % 10 == 0
            if !by10 { return 1 }
            by100 = by100 && v % 100 == 0
            by1e3 = by1e3 && v % 1000 == 0
            by1e6 = by1e6 && v % 1_000_000 == 0
        }
        return by1e6 ? 1_000_000 : by1e3 ? 1000 : by100 ? 100 : 10
    }

    private static func appendFORHeader(base: Int64, scale: UInt64, width: Int, into out: inout [UInt8]) {
        appendI64(base, into: &out)
        withUnsafeBytes(of: scale.littleEndian) { out.append(contentsOf: $0) }
        out.append(UInt8(width))
    }

    private static func appendI64(_ value: Int64, into out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }
}
