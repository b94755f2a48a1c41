import HuiyanBuffers

/// The RLE / bit-packing hybrid (parquet-format, Encodings.md, "Run Length Encoding / Bit-Packing Hybrid"):
/// runs, each a varint header — even: `header >> 1` repeats of one value stored in ⌈width / 8⌉ little-endian
/// bytes; odd: `header >> 1` groups of 8 values bit-packed LSB first in `width` bytes each. Definition levels
/// (width 1) and dictionary indices (width given in the page's first byte) are written so.
struct HybridDecoder {
    private let bytes: UnsafeRawBufferPointer
    private var position: Int
    private let width: Int
    /// The run being read: values left, and for a repeat its value, for a packed run the bit position.
    private var left = 0
    private var repeated = false
    private var value: UInt64 = 0
    private var bit = 0

    init(_ bytes: UnsafeRawBufferPointer, width: Int) throws {
        guard (0...32).contains(width) else { throw ParquetReadError.damaged("a bit width of \(width)") }
        self.bytes = bytes
        self.width = width
        position = 0
    }

    /// The next `count` values into `out` (as many as asked, or an error).
    mutating func decode(_ count: Int, into out: UnsafeMutableBufferPointer<UInt32>) throws {
        precondition(count <= out.count, "HybridDecoder: more values asked for than fit")
        var done = 0
        let mask: UInt64 = width == 64 ? ~0 : (1 << UInt64(width)) - 1
        while done < count {
            if left == 0 { try nextRun() }
            let take = min(left, count - done)
            if repeated {
                let v = UInt32(truncatingIfNeeded: value)
                for k in 0..<take { out[done + k] = v }
            } else {
                // The bit position in a local (not the stored property) keeps the loop in registers.
                var bit = self.bit
                let width = self.width
                try bytes.withMemoryRebound(to: UInt8.self) { b in
                    var k = 0
                    // Whole 8-byte words inside the page: one unaligned load a value.
                    let page = UncheckedBytes(b)
                    while k < take && (bit >> 3) + 8 <= page.count {
                        let word = page.loadUnaligned(uncheckedAt: bit >> 3, as: UInt64.self)
                        out[done + k] = UInt32(truncatingIfNeeded: (UInt64(littleEndian: word) >> UInt64(bit & 7)) & mask)
                        bit += width
                        k += 1
                    }
                    // The last values, byte by byte.
                    while k < take {
                        let at = bit >> 3
                        var word: UInt64 = 0
                        guard at < b.count || width == 0 else { throw ParquetReadError.damaged("bit-packed values run past their page") }
                        for j in 0..<min(8, b.count - at) { word |= UInt64(b[at + j]) << (8 * UInt64(j)) }
                        out[done + k] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
                        bit += width
                        k += 1
                    }
                }
                self.bit = bit
            }
            left -= take
            done += take
        }
    }

    private mutating func nextRun() throws {
        var header: UInt64 = 0, shift: UInt64 = 0
        while true {
            guard position < bytes.count, shift < 35 else { throw ParquetReadError.damaged("RLE / bit-packed data ends early") }
            let b = bytes[position]; position += 1
            header |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { break }
            shift += 7
        }
        if header & 1 == 0 {
            left = Int(header >> 1)
            repeated = true
            let n = (width + 7) / 8
            guard left > 0, position + n <= bytes.count else { throw ParquetReadError.damaged("an RLE run is empty or ends early") }
            value = 0
            for k in 0..<n { value |= UInt64(bytes[position + k]) << (8 * UInt64(k)) }
            position += n
        } else {
            let groups = Int(header >> 1)
            let size = groups * width
            guard groups > 0, size <= bytes.count - position else { throw ParquetReadError.damaged("a bit-packed run ends early") }
            left = groups * 8
            repeated = false
            bit = position * 8
            position += size
        }
    }
}
