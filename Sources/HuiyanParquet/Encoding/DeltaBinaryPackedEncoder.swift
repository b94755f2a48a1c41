/// DELTA_BINARY_PACKED (parquet-format Encodings.md, "Delta Encoding"): a header — values per block (128),
/// miniblocks per block (4), the value count and the first value (zigzag) — then blocks of the differences
/// between consecutive values: each block's smallest difference (zigzag), the bit width of each of its
/// miniblocks of 32, and the miniblocks bit-packed (least significant bit first) as differences from that
/// smallest one. Lengths of strings (DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY) are written this way.
enum DeltaBinaryPackedEncoder {
    static let blockValues = 128
    static let miniblocks = 4

    static func encode(_ values: UnsafeBufferPointer<Int64>, into out: inout [UInt8]) {
        Varint.append(UInt64(blockValues), to: &out)
        Varint.append(UInt64(miniblocks), to: &out)
        Varint.append(UInt64(values.count), to: &out)
        Varint.append(zigzag(values.first ?? 0), to: &out)
        guard values.count > 1 else { return }
        let miniblockValues = blockValues / miniblocks
        var deltas = [UInt64](repeating: 0, count: blockValues)
        var start = 1
        while start < values.count {
            let count = min(blockValues, values.count - start)
            var minimum = Int64.max
            for k in 0..<count {
                let delta = values[start + k] &- values[start + k - 1]
                deltas[k] = UInt64(bitPattern: delta)
                minimum = min(minimum, delta)
            }
            Varint.append(zigzag(minimum), to: &out)
            // The widths first (a miniblock past the values: width 0, no bytes), then the miniblocks.
            var widths = [Int](repeating: 0, count: miniblocks)
            for m in 0..<miniblocks where m * miniblockValues < count {
                var largest: UInt64 = 0
                for k in (m * miniblockValues)..<min(count, (m + 1) * miniblockValues) {
                    deltas[k] = deltas[k] &- UInt64(bitPattern: minimum)
                    largest = max(largest, deltas[k])
                }
                widths[m] = UInt64.bitWidth - largest.leadingZeroBitCount
            }
            for width in widths { out.append(UInt8(width)) }
            for m in 0..<miniblocks where m * miniblockValues < count && widths[m] > 0 {
                // A miniblock is always whole: the values past the last are padded with zeros.
                var writer = BitWriter()
                for k in (m * miniblockValues)..<((m + 1) * miniblockValues) {
                    writer.append(k < count ? deltas[k] : 0, width: widths[m], to: &out)
                }
                writer.flush(to: &out)
            }
            start += count
        }
    }

    static func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }
}

/// Bits appended least significant first, a byte at a time.
struct BitWriter {
    private var buffer: UInt64 = 0
    private var bits = 0

    mutating func append(_ value: UInt64, width: Int, to out: inout [UInt8]) {
        var value = value, width = width
        while width > 0 {
            let take = min(width, 56 - bits)
            let part = take == 64 ? value : value & ((1 << UInt64(take)) - 1)
            buffer |= part << UInt64(bits)
            bits += take
            value = take == 64 ? 0 : value >> UInt64(take)
            width -= take
            while bits >= 8 {
                out.append(UInt8(truncatingIfNeeded: buffer))
                buffer >>= 8
                bits -= 8
            }
        }
    }

    /// Writes the last partial byte, if any.
    mutating func flush(to out: inout [UInt8]) {
        if bits > 0 { out.append(UInt8(truncatingIfNeeded: buffer)) }
        buffer = 0
        bits = 0
    }
}
