import HuiyanBuffers

extension IntegerBlockCodec {
    /// Writes to `selection` the rows of a block of `count` values whose value lies in `range`, in increasing
    /// order; returns how many (`selection` needs room for `count`). A frame-of-reference block is tested
    /// as it is unpacked, on the packed values (the range moved into their frame), without writing the
    /// values anywhere; other encodings are decoded into `workspace` (or a temporary) first.
    package static func select(_ payload: UnsafeRawBufferPointer, count: Int, within range: ClosedRange<Int64>,
                              into selection: UnsafeMutablePointer<Int32>, workspace: UnsafeMutableRawBufferPointer? = nil) throws -> Int {
        guard count > 0 else { return 0 }
        let selection = UncheckedBuffer(UnsafeMutableBufferPointer(start: selection, count: count))
        var reader = ByteReader(payload)
        if try reader.u8() == IntegerEncoding.frameOfReference.rawValue {
            let (base, scale, width, packed) = try readFrameOfReferenceHeader(&reader, count: count)
            // Values are base + raw * scale: raw from ⌈(lower - base) / scale⌉ to ⌊(upper - base) / scale⌋.
            guard range.upperBound >= base else { return 0 }
            let highest = UInt64(bitPattern: range.upperBound &- base) / scale
            var lowest: UInt64 = 0
            if range.lowerBound > base {
                let distance = UInt64(bitPattern: range.lowerBound &- base)
                lowest = distance / scale + (distance % scale == 0 ? 0 : 1)
            }
            return BitPacking.select(UncheckedBytes(packed), count: count, width: width, lowest: lowest, highest: highest,
                                     into: selection)
        }
        return try withSlotBuffer(Int64.self, count, in: workspace) { values, rest in
            _ = try decode(payload, count: count, into: values, level: 0, workspace: rest)
            let lower = range.lowerBound, span = UInt64(bitPattern: range.upperBound &- range.lowerBound)
            var n = 0
            for i in 0..<count {
                selection[unchecked: n] = Int32(truncatingIfNeeded: i)
                n &+= UInt64(bitPattern: values[unchecked: i] &- lower) <= span ? 1 : 0
            }
            return n
        }
    }
}
