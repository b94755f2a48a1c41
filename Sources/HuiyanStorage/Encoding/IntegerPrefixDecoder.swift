/// A block of one of the single-level integer encodings (1–4) decoded in increasing prefixes, each call going on
/// from where the last one stopped with the state its encoding needs: the position alone in a
/// frame-of-reference or plain block, the running value and the next packed delta in a delta block, the running
/// value and the next mini-block's header in a mini-block one. A block read a little at a time (the numbers of a
/// numeric dictionary, up to the codes a top-N's rows use) is then decoded once in all. The payload's bytes
/// must outlive the decoder.
package struct IntegerPrefixDecoder {
    /// The most values one call of `decodeNext` writes.
    package static let chunk = 1025

    /// How many values the block has.
    package let count: Int
    /// How many of its first values are decoded.
    package private(set) var decoded = 0

    private let encoding: IntegerEncoding
    /// At the packed values (encodings 1–3), at the next mini-block (4).
    private var reader: ByteReader
    private let packed: UnsafeRawBufferPointer
    /// The base of a frame of reference; the first value of a delta encoding.
    private let base: Int64
    private let minDelta: Int64
    private let scale: UInt64
    private let width: Int
    /// The last value decoded (delta encodings).
    private var running: Int64

    /// Reads the header of a block of `count` values; throws when it is damaged or not one of encodings 1–4.
    package init(_ payload: UnsafeRawBufferPointer, count: Int) throws {
        guard count > 0 else { throw ByteReader.OutOfBounds() }
        self.count = count
        reader = ByteReader(payload)
        guard let encoding = IntegerEncoding(rawValue: try reader.u8()) else { throw ByteReader.OutOfBounds() }
        self.encoding = encoding
        switch encoding {
        case .frameOfReference:
            (base, scale, width, packed) = try IntegerBlockCodec.readFrameOfReferenceHeader(&reader, count: count)
            minDelta = 0
        case .delta:
            (base, minDelta, scale, width, packed) = try IntegerBlockCodec.readDeltaHeader(&reader, count: count)
        case .deltaMiniBlocks:
            (base, minDelta, scale) = try IntegerBlockCodec.readMiniBlocksHeader(&reader)
            width = 0
            packed = UnsafeRawBufferPointer(rebasing: payload[0..<0])
        case .plain:
            packed = try reader.bytes(count * 8)
            base = 0; minDelta = 0; scale = 1; width = 0
        case .dictionary, .interleaved:
            throw ByteReader.OutOfBounds()
        }
        running = base
    }

    /// How many values are decoded once the next call of `decodeNext` (or `skipNext`) returns.
    package var nextEnd: Int {
        let first = decoded == 0 && (encoding == .delta || encoding == .deltaMiniBlocks) ? 1025 : 1024
        return Swift.min(count, decoded + first)
    }

    /// Goes past the values the next call of `decodeNext` would decode, without them, when that costs less: in a
    /// delta encoding past its first value, when every step is positive (the values then increase strictly
    /// from the last one before) and their sum cannot overflow. Returns the last of them; nil, with nothing
    /// done, otherwise.
    package mutating func skipNext() throws -> Int64? {
        let start = decoded
        guard start > 0, start < count, encoding == .delta || encoding == .deltaMiniBlocks, minDelta >= 1 else { return nil }
        let deltas = (start - 1)..<Swift.min(start - 1 + 1024, count - 1)
        /// `running` moved by `take` steps of `step` plus `scale` times `sum`; nil when that overflows.
        func advance(_ running: Int64, _ take: Int, step: Int64, sum: UInt64) -> Int64? {
            let (scaled, wide) = sum.multipliedReportingOverflow(by: scale)
            let (steps, many) = step.multipliedReportingOverflow(by: Int64(take))
            guard !wide, !many, scaled <= UInt64(Int64.max) else { return nil }
            let (moved, over) = running.addingReportingOverflow(steps)
            let (end, past) = moved.addingReportingOverflow(Int64(scaled))
            return over || past ? nil : end
        }
        var value = running
        if encoding == .delta {
            guard width <= 53 else { return nil }
            let byteOffset = (deltas.lowerBound * width) >> 3
            let sum = width == 0 ? 0 : BitPacking.sum(packed.baseAddress! + byteOffset, packedLength: packed.count - byteOffset,
                                                       count: deltas.count, width: width)
            guard let end = advance(value, deltas.count, step: minDelta, sum: sum) else { return nil }
            value = end
        } else {
            var ahead = reader
            let payloadEnd = ahead.base.baseAddress! + ahead.base.count
            var done = deltas.lowerBound
            while done < deltas.upperBound {
                let take = Swift.min(IntegerBlockCodec.miniBlock, count - 1 - done)
                let width = Int(try ahead.u8())
                let offset = try ahead.varint()
                guard width <= 53 else { return nil }
                let packed = try ahead.bytes(BitPacking.byteCount(count: take, width: width))
                let (scaledOffset, wide) = offset.multipliedReportingOverflow(by: scale)
                guard !wide, scaledOffset <= UInt64(Int64.max) else { return nil }
                let (step, over) = minDelta.addingReportingOverflow(Int64(scaledOffset))
                guard !over else { return nil }
                let start = packed.baseAddress ?? ahead.base.baseAddress!
                let sum = BitPacking.sum(start, packedLength: payloadEnd - start, count: take, width: width)
                guard let end = advance(value, take, step: step, sum: sum) else { return nil }
                value = end
                done += take
            }
            reader = ahead
        }
        running = value
        decoded = deltas.upperBound + 1
        return value
    }

    /// Decodes the next values into `out` (room for `chunk`): 1,024 of them, one more in the first call of a delta
    /// encoding (its first value), fewer at the block's end, none once every value is decoded. Returns how many.
    package mutating func decodeNext(into out: UnsafeMutablePointer<Int64>) throws -> Int {
        let start = decoded
        guard start < count else { return 0 }
        var written = 0
        var lowest = Int64.min, highest = Int64.max
        switch encoding {
        case .frameOfReference:
            // Calls start at multiples of 1,024 values: their bits start a byte.
            written = Swift.min(1024, count - start)
            let byteOffset = (start * width) >> 3
            let base = self.base, scale = self.scale
            BitPacking.unpack((packed.baseAddress ?? reader.base.baseAddress!) + byteOffset, packedLength: packed.count - byteOffset, count: written,
                              width: width, into: out) { base &+ Int64(bitPattern: $0 &* scale) }
        case .plain:
            written = Swift.min(1024, count - start)
            for i in 0..<written { out[i] = Int64(littleEndian: packed.loadUnaligned(fromByteOffset: (start + i) * 8, as: Int64.self)) }
        case .delta, .deltaMiniBlocks:
            if start == 0 {
                out[0] = base
                written = 1
            }
            // Delta d leads to value d + 1; calls start at multiples of 1,024 deltas (whole mini-blocks).
            let from = start + written - 1
            let deltas = from..<Swift.min(from + 1024, count - 1)
            if encoding == .delta {
                try IntegerBlockCodec.sumDeltas(packed, width: width, minDelta: minDelta, scale: scale, deltas: deltas,
                                                running: &running, lowest: &lowest, highest: &highest, into: out + written)
            } else {
                try IntegerBlockCodec.sumMiniBlocks(&reader, minDelta: minDelta, scale: scale, deltas: deltas, total: count - 1,
                                                    running: &running, lowest: &lowest, highest: &highest, into: out + written)
            }
            written += deltas.count
        case .dictionary, .interleaved:
            throw ByteReader.OutOfBounds()
        }
        decoded += written
        return written
    }
}
