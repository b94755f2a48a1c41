/// DELTA_BINARY_PACKED (parquet-format, Encodings.md): a header (block size, miniblocks per block, value
/// count, first value as a zigzag varint), then blocks: the minimum delta (zigzag varint), one bit width per
/// miniblock, and each miniblock's deltas less the minimum, bit-packed LSB first. Arithmetic wraps, as the
/// encoding's is modulo 2^64.
struct DeltaBinaryPackedDecoder {
    private let bytes: UnsafeRawBufferPointer
    /// Bytes read so far (what follows is another part of the page: DELTA_LENGTH_BYTE_ARRAY's strings).
    private(set) var position = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    private mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0, shift: UInt64 = 0
        while true {
            guard position < bytes.count, shift < 64 else { throw ParquetReadError.damaged("DELTA_BINARY_PACKED data ends early") }
            let b = bytes[position]; position += 1
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    private mutating func zigzag() throws -> Int64 {
        let v = try varint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    /// Appends every value (the header says how many; more than `limit` is damage) to `out`.
    mutating func decode(limit: Int, into out: inout [Int64]) throws {
        let damaged = ParquetReadError.damaged("DELTA_BINARY_PACKED data is inconsistent")
        let blockSize = Int(clamping: try varint()), miniblocks = Int(clamping: try varint())
        let count = Int(clamping: try varint())
        var value = try zigzag()
        guard count <= limit else { throw damaged }
        // Writers use blocks of 128 or a few times that; a damaged size must not make a long loop.
        guard blockSize > 0, blockSize <= 1 << 16, blockSize % 128 == 0, miniblocks > 0, blockSize % miniblocks == 0,
              (blockSize / miniblocks) % 32 == 0 else { throw damaged }
        let perMiniblock = blockSize / miniblocks
        guard count > 0 else { return }
        out.reserveCapacity(out.count + count)
        out.append(value)
        var produced = 1
        while produced < count {
            let minDelta = try zigzag()
            guard miniblocks <= bytes.count - position else { throw damaged }
            let widths = Array(bytes[position..<(position + miniblocks)])
            position += miniblocks
            for width in widths {
                guard produced < count else { break }
                let w = Int(width)
                guard w <= 64 else { throw damaged }
                let size = perMiniblock * w / 8
                guard size <= bytes.count - position else { throw damaged }
                var bit = position * 8
                for _ in 0..<perMiniblock {
                    var delta: UInt64 = 0
                    for k in 0..<w {
                        let b = bit + k
                        delta |= UInt64((bytes[b >> 3] >> UInt8(b & 7)) & 1) << UInt64(k)
                    }
                    bit += w
                    if produced < count {
                        value = value &+ minDelta &+ Int64(bitPattern: delta)
                        out.append(value)
                        produced += 1
                    }
                }
                position += size
            }
        }
    }
}
