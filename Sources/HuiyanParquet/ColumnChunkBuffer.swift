import HuiyanStorage

/// The values of one column in the row group being built: definition levels, and the non-NULL values in
/// their lane (integers, doubles, or string codes into a dictionary).
final class ColumnChunkBuffer {
    let column: ParquetColumn
    /// 1 for a value, 0 for NULL, one per row (nullable columns only).
    var levels: [UInt32] = []
    var ints: [Int64] = []
    var doubles: [Double] = []
    var codes: [Int64] = []
    var dictionary = StringDictionaryBuilder()
    var nullCount = 0

    init(_ column: ParquetColumn) { self.column = column }

    /// About how many bytes the buffered values hold.
    var bytes: Int { levels.count * 4 + (ints.count + doubles.count + codes.count) * 8 + dictionary.byteCount + dictionary.count * 8 }

    /// Definition levels of `count` rows (1, or 0 where `nulls[i] != 0`), for a nullable column.
    func appendLevels(count: Int, nulls: UnsafeBufferPointer<UInt8>?) {
        guard let nulls else {
            if column.nullable { levels.append(contentsOf: repeatElement(1, count: count)) }
            return
        }
        precondition(column.nullable, "NULL in a REQUIRED column")
        for i in 0..<count {
            levels.append(nulls[i] == 0 ? 1 : 0)
            if nulls[i] != 0 { nullCount += 1 }
        }
    }

    func reset() {
        levels.removeAll(keepingCapacity: true)
        ints.removeAll(keepingCapacity: true)
        doubles.removeAll(keepingCapacity: true)
        codes.removeAll(keepingCapacity: true)
        if column.kind == .string { dictionary = StringDictionaryBuilder(expectedDistinct: dictionary.successorHint) }
        nullCount = 0
    }

    /// The row group's pages of this column, uncompressed: the dictionary (strings; nil when there are
    /// none or too many distinct ones to be worth it) and the data page, with the encoding of its values
    /// and the statistics' min and max (nil without a non-NULL value).
    func encode() -> (dictionary: (bytes: [UInt8], count: Int)?, data: [UInt8], encoding: Int32, min: [UInt8]?, max: [UInt8]?) {
        var data: [UInt8] = []
        if column.nullable {
            // Definition levels of a data page v1: a 4-byte length, then the hybrid encoding (width 1).
            var encoded: [UInt8] = []
            levels.withUnsafeBufferPointer { HybridEncoder.encode($0, width: 1, into: &encoded) }
            Self.appendLittleEndian(UInt32(encoded.count), to: &data)
            data += encoded
        }
        switch column.kind {
        case .boolean:
            // PLAIN: one bit a value, least significant first.
            var byte: UInt8 = 0
            for (i, v) in ints.enumerated() {
                if v != 0 { byte |= 1 << (i % 8) }
                if i % 8 == 7 { data.append(byte); byte = 0 }
            }
            if ints.count % 8 != 0 { data.append(byte) }
            let stats = ints.isEmpty ? nil : (ints.min()!, ints.max()!)
            return (nil, data, 0, stats.map { [UInt8($0.0)] }, stats.map { [UInt8($0.1)] })
        case .int64, .decimal, .timestampMicrosUTC, .timestampMicrosLocal:
            let minimum = ints.min().map(Self.littleEndian64), maximum = ints.max().map(Self.littleEndian64)
            // Integers and amounts with few distinct values (money, counts) go through a dictionary, as
            // other writers do; timestamps, nearly all distinct, are PLAIN without trying.
            if column.kind != .timestampMicrosUTC && column.kind != .timestampMicrosLocal, let (values, indices) = Self.dictionary(of: ints) {
                var page: [UInt8] = []
                page.reserveCapacity(values.count * 8)
                for v in values { Self.appendLittleEndian(UInt64(bitPattern: v), to: &page) }
                Self.appendIndices(indices, distinct: values.count, to: &data)
                return ((page, values.count), data, 8, minimum, maximum)
            }
            data.reserveCapacity(data.count + ints.count * 8)
            for v in ints { Self.appendLittleEndian(UInt64(bitPattern: v), to: &data) }
            return (nil, data, 0, minimum, maximum)
        case .date:
            for v in ints { Self.appendLittleEndian(UInt32(bitPattern: Int32(truncatingIfNeeded: v)), to: &data) }
            return (nil, data, 0, ints.min().map { Self.littleEndian32(Int32(truncatingIfNeeded: $0)) },
                    ints.max().map { Self.littleEndian32(Int32(truncatingIfNeeded: $0)) })
        case .double:
            for v in doubles { Self.appendLittleEndian(v.bitPattern, to: &data) }
            // No statistics when a NaN is among the values (its order is not defined).
            guard !doubles.isEmpty, !doubles.contains(where: \.isNaN) else { return (nil, data, 0, nil, nil) }
            return (nil, data, 0, Self.littleEndian64(doubles.min()!.bitPattern), Self.littleEndian64(doubles.max()!.bitPattern))
        case .string:
            // Mostly distinct (ids): no dictionary, as writers fall back when one grows past its worth, but
            // DELTA_BYTE_ARRAY — each value as the length of the prefix it shares with the value before and the
            // rest of it — which leaves LZ4 less to do than PLAIN's length before every value (visitor ids: 6 %
            // smaller compressed, where PLAIN was 6 % larger than DuckDB's PLAIN with Snappy). The strings are
            // taken as interned, not sorted.
            if dictionary.count * 2 > codes.count && dictionary.byteCount > 1 << 16 {
                return dictionary.withEntries { bytes, starts in
                    var (low, high) = (0, 0)
                    for c in 1..<(starts.count - 1) {
                        let value = UnsafeBufferPointer(rebasing: bytes[starts[c]..<starts[c + 1]])
                        if value.lexicographicallyPrecedes(bytes[starts[low]..<starts[low + 1]]) { low = c }
                        if bytes[starts[high]..<starts[high + 1]].lexicographicallyPrecedes(value) { high = c }
                    }
                    let minimum = Array(bytes[starts[low]..<starts[low + 1]]), maximum = Array(bytes[starts[high]..<starts[high + 1]])
                    // Statistics of long strings are left out rather than written whole.
                    let keepStats = maximum.count <= 256 && minimum.count <= 256
                    Self.appendDeltaByteArray(codes.lazy.map { Int($0) }, count: codes.count, bytes: bytes, starts: starts, to: &data)
                    return (nil, data, 7, keepStats ? minimum : nil, keepStats ? maximum : nil)
                }
            }
            let (sorted, remap) = dictionary.finish()
            let minimum = sorted.count > 0 ? Array(sorted.bytes[sorted.starts[0]..<sorted.starts[1]]) : nil
            let maximum = sorted.count > 0 ? Array(sorted.bytes[sorted.starts[sorted.count - 1]..<sorted.starts[sorted.count]]) : nil
            // Statistics of long strings are left out rather than written whole.
            let keepStats = (maximum?.count ?? 0) <= 256 && (minimum?.count ?? 0) <= 256
            var page: [UInt8] = []
            page.reserveCapacity(sorted.bytes.count + sorted.count * 4)
            for c in 0..<sorted.count {
                Self.appendLittleEndian(UInt32(sorted.starts[c + 1] - sorted.starts[c]), to: &page)
                page += sorted.bytes[sorted.starts[c]..<sorted.starts[c + 1]]
            }
            Self.appendIndices(codes.map { UInt32(remap[Int($0)]) }, distinct: sorted.count, to: &data)
            return ((page, sorted.count), data, 8, keepStats ? minimum : nil, keepStats ? maximum : nil)
        }
    }

    /// DELTA_BYTE_ARRAY (Encodings.md, "Delta Strings"): the prefix lengths (DELTA_BINARY_PACKED), then the
    /// suffixes as DELTA_LENGTH_BYTE_ARRAY — their lengths (DELTA_BINARY_PACKED), then their bytes.
    static func appendDeltaByteArray<Entries: Sequence<Int>>(_ entries: Entries, count: Int, bytes: UnsafeBufferPointer<UInt8>,
                                                             starts: UnsafeBufferPointer<Int>, to data: inout [UInt8]) {
        var prefixes: [Int64] = [], suffixLengths: [Int64] = [], suffixes: [UInt8] = []
        prefixes.reserveCapacity(count)
        suffixLengths.reserveCapacity(count)
        var previous = 0..<0
        for c in entries {
            let value = starts[c]..<starts[c + 1]
            let limit = min(value.count, previous.count)
            var shared = 0
            while shared < limit && bytes[value.lowerBound + shared] == bytes[previous.lowerBound + shared] { shared += 1 }
            prefixes.append(Int64(shared))
            suffixLengths.append(Int64(value.count - shared))
            suffixes.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(value.lowerBound + shared)..<value.upperBound]))
            previous = value
        }
        prefixes.withUnsafeBufferPointer { DeltaBinaryPackedEncoder.encode($0, into: &data) }
        suffixLengths.withUnsafeBufferPointer { DeltaBinaryPackedEncoder.encode($0, into: &data) }
        data += suffixes
    }

    /// RLE_DICTIONARY values of a data page: the bit width in one byte, then the indices in the hybrid encoding.
    static func appendIndices(_ indices: [UInt32], distinct: Int, to data: inout [UInt8]) {
        let width = HybridEncoder.width(forMaximum: max(0, distinct - 1))
        data.append(UInt8(width))
        indices.withUnsafeBufferPointer { HybridEncoder.encode($0, width: width, into: &data) }
    }

    /// The distinct values of `values` in order of first appearance and each value's index among them; nil
    /// when more than a quarter of them are distinct (the dictionary would not pay).
    static func dictionary(of values: [Int64]) -> (values: [Int64], indices: [UInt32])? {
        let limit = values.count / 4
        guard limit > 0 else { return nil }
        var index: [Int64: UInt32] = [:]
        index.reserveCapacity(min(limit, 1 << 16))
        var distinct: [Int64] = []
        var indices: [UInt32] = []
        indices.reserveCapacity(values.count)
        for v in values {
            if let i = index[v] {
                indices.append(i)
            } else {
                guard distinct.count < limit else { return nil }
                index[v] = UInt32(distinct.count)
                indices.append(UInt32(distinct.count))
                distinct.append(v)
            }
        }
        return (distinct, indices)
    }

    static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
    }

    static func littleEndian64(_ value: Int64) -> [UInt8] { littleEndian64(UInt64(bitPattern: value)) }
    static func littleEndian64(_ value: UInt64) -> [UInt8] { var out: [UInt8] = []; appendLittleEndian(value, to: &out); return out }
    static func littleEndian32(_ value: Int32) -> [UInt8] { var out: [UInt8] = []; appendLittleEndian(UInt32(bitPattern: value), to: &out); return out }
}
