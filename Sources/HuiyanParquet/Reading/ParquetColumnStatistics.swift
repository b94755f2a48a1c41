/// What a row group's column chunk's statistics say (parquet.thrift `Statistics`), in the values `read` gives:
/// integers as `ParquetColumnData.ints` holds them (timestamps in microseconds, decimals unscaled), doubles,
/// strings as their bytes. A reader may skip the row group when no value between the bounds can match.
package struct ParquetColumnStatistics: Sendable, Equatable {
    /// The smallest and largest non-NULL value.
    package enum Bounds: Sendable, Equatable {
        case ints(Int64, Int64)
        case doubles(Double, Double)
        /// UTF-8 bytes, compared byte by byte (unsigned: the order parquet-format gives STRING).
        case bytes([UInt8], [UInt8])
    }

    /// NULLs in the chunk, when the writer counted them.
    package var nullCount: Int?
    /// nil when the writer gave none, or none this reader can trust (unsigned integers, NaN, the deprecated
    /// fields of a byte array).
    package var bounds: Bounds?
}

extension ParquetColumnStatistics {
    /// The statistics of a chunk as the leaf's values; nil when the chunk has none.
    init?(_ s: ParquetMetadata.Statistics?, leaf: ColumnChunkDecoder.Leaf) {
        guard let s else { return nil }
        nullCount = s.nullCount.flatMap { $0 >= 0 ? Int($0) : nil }
        // parquet-format: min_value / max_value follow the column order; min / max are signed comparisons
        // and for byte arrays (strings, decimals) of no use.
        var pair: (min: [UInt8], max: [UInt8])?
        if let lo = s.minValue, let hi = s.maxValue { pair = (lo, hi) }
        else if let lo = s.legacyMin, let hi = s.legacyMax, [0, 1, 2, 4, 5].contains(leaf.physical) { pair = (lo, hi) }
        guard let pair, !leaf.unsigned else { return }
        bounds = Self.bounds(pair.min, pair.max, leaf)
    }

    private static func bounds(_ lo: [UInt8], _ hi: [UInt8], _ leaf: ColumnChunkDecoder.Leaf) -> Bounds? {
        func littleEndian(_ bytes: [UInt8], _ width: Int) -> UInt64? {
            guard bytes.count == width else { return nil }
            return bytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
        switch (leaf.physical, leaf.kind) {
        case (0, _):
            guard let a = littleEndian(lo, 1), let b = littleEndian(hi, 1) else { return nil }
            return .ints(Int64(a & 1), Int64(b & 1))
        case (1, _):
            guard let a = littleEndian(lo, 4), let b = littleEndian(hi, 4) else { return nil }
            return .ints(Int64(Int32(truncatingIfNeeded: a)), Int64(Int32(truncatingIfNeeded: b)))
        case (2, _):
            guard let a = littleEndian(lo, 8), let b = littleEndian(hi, 8),
                  let x = ColumnChunkDecoder.microseconds(Int64(bitPattern: a), timeScale: leaf.timeScale),
                  let y = ColumnChunkDecoder.microseconds(Int64(bitPattern: b), timeScale: leaf.timeScale) else { return nil }
            return .ints(x, y)
        case (4, _):
            guard let a = littleEndian(lo, 4), let b = littleEndian(hi, 4) else { return nil }
            let x = Double(Float(bitPattern: UInt32(a))), y = Double(Float(bitPattern: UInt32(b)))
            return x.isNaN || y.isNaN ? nil : .doubles(x, y)
        case (5, _):
            guard let a = littleEndian(lo, 8), let b = littleEndian(hi, 8) else { return nil }
            let x = Double(bitPattern: a), y = Double(bitPattern: b)
            return x.isNaN || y.isNaN ? nil : .doubles(x, y)
        case (6, .string):
            return .bytes(lo, hi)
        case (6, .decimal), (7, .decimal):
            guard let x = ColumnChunkDecoder.bigEndianInteger(lo), let y = ColumnChunkDecoder.bigEndianInteger(hi) else { return nil }
            return .ints(x, y)
        default:
            return nil
        }
    }
}
