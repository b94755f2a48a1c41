import HuiyanBuffers

extension IntegerBlockCodec {
    /// Adds to `counts[v]` the number of values `v` of a block of `count` values, every one of which must
    /// lie in `0..<limit` (dictionary codes; `limit` defaults to `counts.count`); returns false when one
    /// does not (nothing is then known of `counts`). With `firsts` (another column's codes for the same
    /// rows, 16 bits each), value `v` of row `i` counts at `counts[firsts[i] · stride + v]` instead: pairs of codes, each
    /// first code's counts a row of `stride` slots (`limit` at most `stride`; `counts` must hold every row
    /// `firsts` names). A frame-of-reference block is counted as it is unpacked, with no value written
    /// anywhere; other encodings are decoded into `workspace` (or a temporary) first.
    package static func count(_ payload: UnsafeRawBufferPointer, count: Int, into counts: UnsafeMutableBufferPointer<Int64>,
                             limit: Int? = nil, by firsts: UnsafePointer<UInt16>? = nil, stride: Int? = nil,
                             workspace: UnsafeMutableRawBufferPointer? = nil) throws -> Bool {
        guard count > 0 else { return true }
        let limit = limit ?? counts.count
        let stride = stride ?? counts.count
        precondition(limit <= stride && (firsts != nil || stride <= counts.count), "count: codes must fit a row of counts")
        let firstSlots = firsts == nil ? 1 : counts.count / stride
        var reader = ByteReader(payload)
        if try reader.u8() == IntegerEncoding.frameOfReference.rawValue {
            let (base, scale, width, packed) = try readFrameOfReferenceHeader(&reader, count: count)
            // Values are base + raw: counted per raw value (2^width of them per first code), then moved to
            // their codes. Past 2^16 raw slots per lane the block is decoded and counted instead.
            guard scale == 1, base >= 0, width <= 16, firstSlots << width <= 1 << 16 else {
                return try countDecoded(payload, count: count, into: counts, limit: limit, by: firsts, stride: stride, workspace: workspace)
            }
            let span = 1 << width
            let slots = firstSlots * span
            let counts = UncheckedBuffer(counts)
            return withSlotBuffer(Int64.self, 5 * slots, in: workspace) { space, _ in
                let raw = space.slice(unchecked: 0..<slots)
                raw.fill(with: 0)
                BitPacking.histogram(UncheckedBytes(packed), count: count, width: width,
                                     by: firsts.map { UncheckedBuffer(UnsafeMutableBufferPointer(mutating: UnsafeBufferPointer(start: $0, count: count))) },
                                     firstSlots: firstSlots, into: raw, lanes: space.slice(unchecked: slots..<(5 * slots)))
                for f in 0..<firstSlots {
                    for r in 0..<span where raw[unchecked: f * span + r] != 0 {
                        let code = Int(base) + r
                        guard code < limit else { return false }
                        counts[unchecked: f * stride + code] &+= raw[unchecked: f * span + r]
                    }
                }
                return true
            }
        }
        return try countDecoded(payload, count: count, into: counts, limit: limit, by: firsts, stride: stride, workspace: workspace)
    }

    /// `count` for any encoding: the block decoded, then counted.
    private static func countDecoded(_ payload: UnsafeRawBufferPointer, count: Int, into counts: UnsafeMutableBufferPointer<Int64>,
                                     limit: Int, by firsts: UnsafePointer<UInt16>?, stride: Int,
                                     workspace: UnsafeMutableRawBufferPointer?) throws -> Bool {
        guard limit > 0 else { return false }
        let counts = UncheckedBuffer(counts)
        return try withSlotBuffer(Int64.self, count, in: workspace) { values, rest in
            guard try decode(payload, count: count, into: values, level: 0, workspace: rest,
                             within: 0...Int64(limit - 1)) else { return false }
            // Every value is in 0 ..< limit (checked by `decode`), and limit <= stride.
            if let firsts {
                let firsts = UncheckedBuffer(UnsafeMutableBufferPointer(mutating: UnsafeBufferPointer(start: firsts, count: count)))
                for i in 0..<count { counts[unchecked: Int(firsts[unchecked: i]) * stride + Int(values[unchecked: i])] &+= 1 }
            } else {
                for i in 0..<count { counts[unchecked: Int(values[unchecked: i])] &+= 1 }
            }
            return true
        }
    }
}
