/// The RLE / bit-packing hybrid of parquet-format's Encodings.md ("Run Length Encoding / Bit-Packing
/// Hybrid (RLE = 3)"): definition levels and dictionary indices. A run of one repeated value is
/// `varint(count << 1)` and the value in ⌈width / 8⌉ little-endian bytes; other values go in bit-packed
/// groups of eight, `varint(groups << 1 | 1)` and `width` bytes a group, values packed from the least
/// significant bit. Only the last group may be padded.
enum HybridEncoder {
    static func encode(_ values: UnsafeBufferPointer<UInt32>, width: Int, into out: inout [UInt8]) {
        let n = values.count
        var literalStart = 0
        var i = 0
        while i < n {
            var j = i + 1
            while j < n && values[j] == values[i] { j += 1 }
            // Literals before a run must fill whole groups: the run lends them the values they lack.
            let pad = (8 - (i - literalStart) % 8) % 8
            if j - i >= 8 + pad {
                let runStart = i + pad
                if runStart > literalStart { packed(values, literalStart..<runStart, width: width, into: &out) }
                Varint.append(UInt64(j - runStart) << 1, to: &out)
                var value = values[i]
                for _ in 0..<(width + 7) / 8 {
                    out.append(UInt8(truncatingIfNeeded: value))
                    value >>= 8
                }
                literalStart = j
            }
            i = j
        }
        if literalStart < n { packed(values, literalStart..<n, width: width, into: &out) }
    }

    /// Bit-packed groups of the values in `range` (the last group padded with zeros).
    private static func packed(_ values: UnsafeBufferPointer<UInt32>, _ range: Range<Int>, width: Int, into out: inout [UInt8]) {
        let groups = (range.count + 7) / 8
        Varint.append(UInt64(groups) << 1 | 1, to: &out)
        var buffer: UInt64 = 0
        var bits = 0
        for k in 0..<(groups * 8) {
            let index = range.lowerBound + k
            let value = index < range.upperBound ? UInt64(values[index]) : 0
            buffer |= value << bits
            bits += width
            while bits >= 8 {
                out.append(UInt8(truncatingIfNeeded: buffer))
                buffer >>= 8
                bits -= 8
            }
        }
    }

    /// Bits needed for values up to `maximum` (at least 1).
    static func width(forMaximum maximum: Int) -> Int { max(1, Int.bitWidth - maximum.leadingZeroBitCount) }
}
