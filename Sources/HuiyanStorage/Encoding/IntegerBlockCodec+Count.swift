extension IntegerBlockCodec {
    /// Adds to `counts[v]` the number of values `v` of a block of `count` values, every one of which must
    /// lie in `0..<counts.count` (dictionary codes); returns false when one does not (nothing is then
    /// known of `counts`). A frame-of-reference block is counted as it is unpacked, with no value written
    /// anywhere; other encodings are decoded into `workspace` (or a temporary) first.
    public static func count(_ payload: UnsafeRawBufferPointer, count: Int, into counts: UnsafeMutableBufferPointer<Int64>,
                             workspace: UnsafeMutableRawBufferPointer? = nil) throws -> Bool {
        guard count > 0 else { return true }
        let slots = counts.count
        var reader = ByteReader(payload)
        if try reader.u8() == IntegerEncoding.frameOfReference.rawValue {
            let (base, scale, width, packed) = try readFrameOfReferenceHeader(&reader, count: count)
            // Values are base + raw: counted per raw value (2^width of them), then moved to their codes.
            guard scale == 1, base >= 0, width <= 16 else { return try countDecoded(payload, count: count, into: counts, workspace: workspace) }
            let span = 1 << width
            return withSlots(Int64.self, 5 * span, in: workspace) { raw, _ in
                raw.initialize(repeating: 0, count: span)
                BitPacking.histogram(packed.baseAddress ?? payload.baseAddress!, packedLength: packed.count, count: count,
                                     width: width, into: raw, lanes: raw + span)
                var inside = true
                for r in 0..<span where raw[r] != 0 {
                    let code = Int(base) + r
                    guard code < slots else { inside = false; break }
                    counts[code] &+= raw[r]
                }
                return inside
            }
        }
        return try countDecoded(payload, count: count, into: counts, workspace: workspace)
    }

    /// `count` for any encoding: the block decoded, then counted.
    private static func countDecoded(_ payload: UnsafeRawBufferPointer, count: Int, into counts: UnsafeMutableBufferPointer<Int64>,
                                     workspace: UnsafeMutableRawBufferPointer?) throws -> Bool {
        try withSlots(Int64.self, count, in: workspace) { values, rest in
            guard try decode(payload, count: count, into: values, level: 0, workspace: rest,
                             within: 0...Int64(counts.count - 1), { $0 }) else { return false }
            for i in 0..<count { counts[Int(values[i])] &+= 1 }
            return true
        }
    }
}
