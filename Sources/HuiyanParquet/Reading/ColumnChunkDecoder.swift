/// Decodes one column chunk (parquet-format, "Column chunks", "Data Pages"): its optional dictionary page, then
/// data pages v1 (levels and values compressed together; definition levels with a 4-byte length) and v2 (levels
/// uncompressed before the values). Values: PLAIN, PLAIN_DICTIONARY / RLE_DICTIONARY (indices into the
/// dictionary page, a bit-width byte and the RLE / bit-packing hybrid), RLE for booleans, DELTA_BINARY_PACKED
/// for integers, DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY for strings, BYTE_STREAM_SPLIT (Encodings.md). Flat columns only: no repetition levels, definition level 0 or 1.
struct ColumnChunkDecoder {
    /// How one leaf's physical values become the column's.
    struct Leaf {
        /// parquet.thrift `Type`: BOOLEAN 0, INT32 1, INT64 2, INT96 3, FLOAT 4, DOUBLE 5, BYTE_ARRAY 6,
        /// FIXED_LEN_BYTE_ARRAY 7.
        var physical: Int32
        var typeLength: Int
        var optional: Bool
        var kind: ParquetColumn.Kind
        /// INT32 / INT64 read as unsigned.
        var unsigned = false
        /// TIMESTAMP units per microsecond: 1000 (MILLIS) multiplies, -1000 (NANOS) divides, 1 (MICROS).
        var timeScale: Int64 = 1
        var name: String
    }

    /// A page's uncompressed size may not pass this (a damaged header must not allocate without bound).
    static let largestPage = 1 << 30

    let leaf: Leaf
    private var out = ParquetColumnData()
    /// The dictionary page's values (strings: its entries are `out`'s first `dictionaryCount`).
    private var dictionaryInts: [Int64] = []
    private var dictionaryDoubles: [Double] = []
    private var dictionaryCount = -1
    /// Staging of one page's non-NULL values.
    private var stagedInts: [Int64] = []
    private var stagedDoubles: [Double] = []
    private var indices: [UInt32] = []
    private var levels: [UInt32] = []

    init(leaf: Leaf) { self.leaf = leaf }

    /// Decodes the chunk at `range` of the file (`file` is the whole mapped file).
    static func decode(_ file: UnsafeRawBufferPointer, _ chunk: ParquetMetadata.ColumnChunk, rows: Int, leaf: Leaf) throws -> ParquetColumnData {
        var decoder = ColumnChunkDecoder(leaf: leaf)
        try decoder.run(file, chunk, rows: rows)
        return decoder.out
    }

    private mutating func run(_ file: UnsafeRawBufferPointer, _ chunk: ParquetMetadata.ColumnChunk, rows: Int) throws {
        guard chunk.valueCount == Int64(rows) else {
            throw ParquetReadError.damaged("column \"\(leaf.name)\" has \(chunk.valueCount) values in a row group of \(rows) rows")
        }
        guard PageDecompressor.supports(chunk.codec) else {
            throw ParquetReadError("column \"\(leaf.name)\" is compressed with \(PageDecompressor.name(of: chunk.codec)), which cannot be read here (SNAPPY, GZIP, ZSTD, LZ4_RAW and UNCOMPRESSED can)")
        }
        var start = chunk.dataPageOffset
        if let d = chunk.dictionaryPageOffset, d > 0, d < start { start = d }
        let (end, overflow) = start.addingReportingOverflow(chunk.compressedSize)
        guard start >= 4, chunk.compressedSize >= 0, !overflow, end <= Int64(file.count - 8) else {
            throw ParquetReadError.damaged("column \"\(leaf.name)\"'s pages lie outside the file")
        }
        out.ints.reserveCapacity(leaf.kind == .double ? 0 : min(rows, 1 << 20))
        out.doubles.reserveCapacity(leaf.kind == .double ? min(rows, 1 << 20) : 0)
        var position = Int(start)
        var page = [UInt8]()
        while out.count < rows {
            guard position < Int(end) else { throw ParquetReadError.damaged("column \"\(leaf.name)\" ends after \(out.count) of its \(rows) values") }
            var r = CompactProtocolReader(UnsafeRawBufferPointer(rebasing: file[position..<Int(end)]))
            let header = try PageHeader(&r)
            position += r.position
            guard Int(header.compressedSize) <= Int(end) - position, Int(header.uncompressedSize) <= Self.largestPage else {
                throw ParquetReadError.damaged("a page of column \"\(leaf.name)\" runs past its column chunk")
            }
            let body = UnsafeRawBufferPointer(rebasing: file[position..<(position + Int(header.compressedSize))])
            position += Int(header.compressedSize)
            // A data page's values fit the rows left (checked before its levels are decoded into that many slots).
            if header.type == 0 || header.type == 3, Int(header.valueCount) > rows - out.count {
                throw ParquetReadError.damaged("a page of column \"\(leaf.name)\" holds more values than its row group has rows")
            }
            switch header.type {
            case 2:
                guard dictionaryCount < 0 else { throw ParquetReadError.damaged("column \"\(leaf.name)\" has two dictionary pages") }
                try decompress(chunk.codec, body, size: Int(header.uncompressedSize), into: &page)
                try page.withUnsafeBytes { try dictionaryPage($0, count: Int(header.valueCount)) }
            case 0:
                try decompress(chunk.codec, body, size: Int(header.uncompressedSize), into: &page)
                try page.withUnsafeBytes { bytes in
                    var values = bytes
                    var defined = Int(header.valueCount)
                    if leaf.optional {
                        guard bytes.count >= 4 else { throw ParquetReadError.damaged("a page of column \"\(leaf.name)\" ends in its levels") }
                        let length = Int(bytes.loadUnaligned(as: UInt32.self).littleEndian)
                        guard length <= bytes.count - 4 else { throw ParquetReadError.damaged("the levels of a page of column \"\(leaf.name)\" run past it") }
                        defined = try definitionLevels(UnsafeRawBufferPointer(rebasing: bytes[4..<(4 + length)]), count: Int(header.valueCount))
                        values = UnsafeRawBufferPointer(rebasing: bytes[(4 + length)...])
                    }
                    try dataValues(values, encoding: header.encoding, count: Int(header.valueCount), defined: defined, rows: rows)
                }
            case 3:
                guard header.repetitionLevelsLength == 0 else { throw ParquetReadError("column \"\(leaf.name)\" is repeated (nested), which is not supported") }
                let levelBytes = Int(header.definitionLevelsLength)
                guard levelBytes <= body.count, levelBytes <= Int(header.uncompressedSize) else {
                    throw ParquetReadError.damaged("the levels of a page of column \"\(leaf.name)\" run past it")
                }
                var defined = Int(header.valueCount)
                if leaf.optional {
                    defined = try definitionLevels(UnsafeRawBufferPointer(rebasing: body[..<levelBytes]), count: Int(header.valueCount))
                }
                let rest = UnsafeRawBufferPointer(rebasing: body[levelBytes...])
                if header.valuesCompressed {
                    try decompress(chunk.codec, rest, size: Int(header.uncompressedSize) - levelBytes, into: &page)
                } else {
                    page = Array(rest)
                }
                try page.withUnsafeBytes { try dataValues($0, encoding: header.encoding, count: Int(header.valueCount), defined: defined, rows: rows) }
            default:
                continue
            }
        }
    }

    private func decompress(_ codec: Int32, _ body: UnsafeRawBufferPointer, size: Int, into page: inout [UInt8]) throws {
        guard size >= 0 else { throw ParquetReadError.damaged("a page of column \"\(leaf.name)\" has a negative size") }
        // A damaged size must not allocate much: no codec here expands past these ratios.
        let most: Int
        switch codec {
        case 0: most = body.count
        case 1: most = body.count * 22 + 64
        case 7: most = body.count * 256 + 64
        case 2: most = body.count * 1_100 + 1_024
        default: most = Self.largestPage
        }
        guard size <= most else { throw ParquetReadError.damaged("a page of column \"\(leaf.name)\" says it holds more than its bytes can") }
        page = [UInt8](repeating: 0, count: size)
        try page.withUnsafeMutableBytes { try PageDecompressor.decompress(codec, body, into: $0) }
    }

    /// Reads `count` definition levels (width 1) into `levels`; returns how many are defined (not NULL).
    private mutating func definitionLevels(_ bytes: UnsafeRawBufferPointer, count: Int) throws -> Int {
        levels = [UInt32](repeating: 0, count: count)
        var decoder = try HybridDecoder(bytes, width: 1)
        try levels.withUnsafeMutableBufferPointer { try decoder.decode(count, into: $0) }
        var defined = 0
        for l in levels { defined += Int(l & 1) }
        return defined
    }

    private mutating func dictionaryPage(_ bytes: UnsafeRawBufferPointer, count: Int) throws {
        stagedInts.removeAll(keepingCapacity: true)
        stagedDoubles.removeAll(keepingCapacity: true)
        try plain(bytes, count: count)
        dictionaryCount = count
        dictionaryInts = stagedInts
        dictionaryDoubles = stagedDoubles
    }

    /// A data page's values: `count` rows of which `defined` are not NULL (`levels` says which, when optional).
    private mutating func dataValues(_ bytes: UnsafeRawBufferPointer, encoding: Int32, count: Int, defined: Int, rows: Int) throws {
        guard count <= rows - out.count else { throw ParquetReadError.damaged("column \"\(leaf.name)\" has more values than rows") }
        stagedInts.removeAll(keepingCapacity: true)
        stagedDoubles.removeAll(keepingCapacity: true)
        switch encoding {
        case 0:
            try plain(bytes, count: defined)
        case 2, 8:
            guard dictionaryCount >= 0 else { throw ParquetReadError.damaged("column \"\(leaf.name)\" has dictionary indices but no dictionary page") }
            guard let width = bytes.first else {
                if defined == 0 { break }
                throw ParquetReadError.damaged("a dictionary-encoded page of column \"\(leaf.name)\" is empty")
            }
            indices = [UInt32](repeating: 0, count: defined)
            var decoder = try HybridDecoder(UnsafeRawBufferPointer(rebasing: bytes[1...]), width: Int(width))
            try indices.withUnsafeMutableBufferPointer { try decoder.decode(defined, into: $0) }
            let n = UInt32(dictionaryCount)
            for i in indices where i >= n { throw ParquetReadError.damaged("column \"\(leaf.name)\" has a dictionary index past its dictionary") }
            if leaf.kind == .double {
                stagedDoubles = indices.map { dictionaryDoubles[Int($0)] }
            } else if leaf.kind == .string {
                stagedInts = indices.map { Int64($0) }
            } else {
                stagedInts = indices.map { dictionaryInts[Int($0)] }
            }
        case 3 where leaf.physical == 0:
            guard bytes.count >= 4 else { throw ParquetReadError.damaged("an RLE page of column \"\(leaf.name)\" is empty") }
            let length = Int(bytes.loadUnaligned(as: UInt32.self).littleEndian)
            guard length <= bytes.count - 4 else { throw ParquetReadError.damaged("an RLE page of column \"\(leaf.name)\" runs past its end") }
            indices = [UInt32](repeating: 0, count: defined)
            var decoder = try HybridDecoder(UnsafeRawBufferPointer(rebasing: bytes[4..<(4 + length)]), width: 1)
            try indices.withUnsafeMutableBufferPointer { try decoder.decode(defined, into: $0) }
            stagedInts = indices.map { Int64($0) }
        case 5 where leaf.physical == 1 || leaf.physical == 2:
            var decoder = DeltaBinaryPackedDecoder(bytes)
            try decoder.decode(limit: defined, into: &stagedInts)
            if leaf.physical == 1 {
                stagedInts = stagedInts.map { leaf.unsigned ? Int64(UInt32(truncatingIfNeeded: $0)) : Int64(Int32(truncatingIfNeeded: $0)) }
            }
            try convertIntegers(&stagedInts)
        case 6 where leaf.physical == 6:
            // DELTA_LENGTH_BYTE_ARRAY: the lengths (DELTA_BINARY_PACKED), then the values' bytes one after another.
            var lengths: [Int64] = []
            var decoder = DeltaBinaryPackedDecoder(bytes)
            try decoder.decode(limit: defined, into: &lengths)
            var p = decoder.position
            for length in lengths {
                guard length >= 0, length <= Int64(bytes.count - p) else { throw ParquetReadError.damaged("DELTA_LENGTH_BYTE_ARRAY values of column \"\(leaf.name)\" run past their page") }
                try byteArray(UnsafeRawBufferPointer(rebasing: bytes[p..<(p + Int(length))]))
                p += Int(length)
            }
        case 7 where leaf.physical == 6 || leaf.physical == 7:
            // DELTA_BYTE_ARRAY: each value is the previous one's first `prefix` bytes and a suffix (the prefix
            // lengths, then the suffixes as DELTA_LENGTH_BYTE_ARRAY).
            var prefixes: [Int64] = [], lengths: [Int64] = []
            var first = DeltaBinaryPackedDecoder(bytes)
            try first.decode(limit: defined, into: &prefixes)
            let rest = UnsafeRawBufferPointer(rebasing: bytes[first.position...])
            var second = DeltaBinaryPackedDecoder(rest)
            try second.decode(limit: defined, into: &lengths)
            guard prefixes.count == lengths.count else { throw ParquetReadError.damaged("DELTA_BYTE_ARRAY data of column \"\(leaf.name)\" is inconsistent") }
            var p = second.position
            var previous: [UInt8] = []
            for (prefix, length) in zip(prefixes, lengths) {
                guard prefix >= 0, prefix <= Int64(previous.count), length >= 0, length <= Int64(rest.count - p) else {
                    throw ParquetReadError.damaged("DELTA_BYTE_ARRAY values of column \"\(leaf.name)\" run past their page")
                }
                previous.removeSubrange(Int(prefix)...)
                previous.append(contentsOf: rest[p..<(p + Int(length))])
                p += Int(length)
                try previous.withUnsafeBytes { try byteArray($0) }
            }
        case 9 where [1, 2, 4, 5, 7].contains(leaf.physical):
            // BYTE_STREAM_SPLIT: byte k of every value, then byte k + 1 …: put back together as PLAIN.
            let width = [1: 4, 2: 8, 4: 4, 5: 8][Int(leaf.physical)] ?? leaf.typeLength
            guard width > 0, defined <= bytes.count / width else { throw ParquetReadError.damaged("BYTE_STREAM_SPLIT values of column \"\(leaf.name)\" end early") }
            var joined = [UInt8](repeating: 0, count: defined * width)
            for k in 0..<width {
                for i in 0..<defined { joined[i * width + k] = bytes[k * defined + i] }
            }
            try joined.withUnsafeBytes { try plain($0, count: defined) }
        default:
            throw ParquetReadError("column \"\(leaf.name)\" uses encoding \(Self.encodingName(encoding)), which cannot be read here "
                + "(PLAIN, dictionaries, RLE, the DELTA encodings and BYTE_STREAM_SPLIT can)")
        }
        let isDouble = leaf.kind == .double
        guard (isDouble ? stagedDoubles.count : stagedInts.count) == defined else {
            throw ParquetReadError.damaged("a page of column \"\(leaf.name)\" holds fewer values than it says")
        }
        // Strings from the dictionary are its entries (the first `dictionaryCount`); PLAIN strings were added.
        if defined == count {
            if isDouble { out.doubles += stagedDoubles } else { out.ints += stagedInts }
            out.nulls?.append(contentsOf: repeatElement(0, count: count))
        } else {
            // The defined values spread over the page's rows by its levels, 0 and a NULL flag elsewhere.
            var nulls = out.nulls ?? [UInt8](repeating: 0, count: out.count)
            out.nulls = nil
            let base = nulls.count
            nulls.append(contentsOf: repeatElement(0, count: count))
            if isDouble {
                var values = out.doubles
                out.doubles = []
                values.append(contentsOf: repeatElement(0, count: count))
                Self.spread(stagedDoubles, levels, count, into: &values, nulls: &nulls, at: base)
                out.doubles = values
            } else {
                var values = out.ints
                out.ints = []
                values.append(contentsOf: repeatElement(0, count: count))
                Self.spread(stagedInts, levels, count, into: &values, nulls: &nulls, at: base)
                out.ints = values
            }
            out.nulls = nulls
        }
        out.count += count
    }

    /// Writes the defined values of a page to rows `at ..< at + count` of `values` where the level is 1, and a
    /// NULL flag where it is 0 (both ranges already there, zeroed).
    private static func spread<T>(_ defined: [T], _ levels: [UInt32], _ count: Int, into values: inout [T], nulls: inout [UInt8], at base: Int) {
        defined.withUnsafeBufferPointer { source in
            levels.withUnsafeBufferPointer { levels in
                values.withUnsafeMutableBufferPointer { values in
                    nulls.withUnsafeMutableBufferPointer { nulls in
                        var k = 0
                        for j in 0..<count {
                            if levels[j] & 1 != 0 {
                                values[base + j] = source[k]
                                k += 1
                            } else {
                                nulls[base + j] = 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// `count` PLAIN values into the staging arrays (strings: new entries, their codes staged).
    private mutating func plain(_ bytes: UnsafeRawBufferPointer, count: Int) throws {
        let short = ParquetReadError.damaged("the values of a page of column \"\(leaf.name)\" end early")
        switch leaf.physical {
        case 0:
            guard (count + 7) / 8 <= bytes.count else { throw short }
            stagedInts.reserveCapacity(count)
            for i in 0..<count { stagedInts.append(Int64((bytes[i >> 3] >> UInt8(i & 7)) & 1)) }
        case 1:
            guard count <= bytes.count / 4 else { throw short }
            stagedInts.reserveCapacity(count)
            for i in 0..<count {
                let raw = bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self).littleEndian
                stagedInts.append(leaf.unsigned ? Int64(raw) : Int64(Int32(bitPattern: raw)))
            }
            try convertIntegers(&stagedInts)
        case 2:
            guard count <= bytes.count / 8 else { throw short }
            stagedInts.reserveCapacity(count)
            for i in 0..<count { stagedInts.append(Int64(bitPattern: bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self).littleEndian)) }
            try convertIntegers(&stagedInts)
        case 4:
            guard count <= bytes.count / 4 else { throw short }
            stagedDoubles.reserveCapacity(count)
            for i in 0..<count { stagedDoubles.append(Double(Float(bitPattern: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self).littleEndian))) }
        case 5:
            guard count <= bytes.count / 8 else { throw short }
            stagedDoubles.reserveCapacity(count)
            for i in 0..<count { stagedDoubles.append(Double(bitPattern: bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self).littleEndian)) }
        case 6:
            var p = 0
            stagedInts.reserveCapacity(count)
            for _ in 0..<count {
                guard p + 4 <= bytes.count else { throw short }
                let length = Int(bytes.loadUnaligned(fromByteOffset: p, as: UInt32.self).littleEndian)
                p += 4
                guard length <= bytes.count - p else { throw short }
                try byteArray(UnsafeRawBufferPointer(rebasing: bytes[p..<(p + length)]))
                p += length
            }
        case 7:
            let width = leaf.typeLength
            guard width > 0, count <= bytes.count / width else { throw short }
            for i in 0..<count { try byteArray(UnsafeRawBufferPointer(rebasing: bytes[(i * width)..<((i + 1) * width)])) }
        default:
            throw ParquetReadError("column \"\(leaf.name)\" has physical type INT96 (an old timestamp form), which cannot be read here")
        }
    }

    /// A BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY value: a string entry, or a decimal's big-endian unscaled value.
    private mutating func byteArray(_ value: UnsafeRawBufferPointer) throws {
        if leaf.kind == .string {
            stagedInts.append(Int64(out.stringStarts.count - 1))
            out.stringBytes.append(contentsOf: value)
            out.stringStarts.append(out.stringBytes.count)
            return
        }
        guard !value.isEmpty else { stagedInts.append(0); return }
        guard let v = Self.bigEndianInteger(value) else {
            throw ParquetReadError("column \"\(leaf.name)\" holds a DECIMAL past 18 digits, which cannot be read here")
        }
        stagedInts.append(v)
    }

    /// A two's complement big-endian value (a DECIMAL's unscaled value on a byte array), nil unless it is
    /// not empty and fits 64 bits once sign-extended.
    static func bigEndianInteger<Bytes: Collection>(_ value: Bytes) -> Int64? where Bytes.Element == UInt8, Bytes.Index == Int {
        guard let first = value.first else { return nil }
        let fill: UInt8 = first & 0x80 != 0 ? 0xFF : 0
        let extra = max(0, value.count - 8)
        let start = value.startIndex
        guard value.prefix(extra).allSatisfy({ $0 == fill }), extra == 0 || (value[start + extra] & 0x80) == (fill & 0x80) else { return nil }
        var v: UInt64 = fill == 0xFF ? ~0 : 0
        for b in value.suffix(8) { v = v << 8 | UInt64(b) }
        return Int64(bitPattern: v)
    }

    /// A TIMESTAMP value in microseconds, from the unit `timeScale` says (nil when it overflows).
    @inline(__always) static func microseconds(_ v: Int64, timeScale: Int64) -> Int64? {
        switch timeScale {
        case 1: return v
        case let s where s > 0:
            let (x, overflow) = v.multipliedReportingOverflow(by: s)
            return overflow ? nil : x
        default:
            let d = -timeScale
            return v >= 0 ? v / d : -((-(v + 1)) / d) - 1
        }
    }

    /// Timestamps to microseconds; unsigned 64-bit values past BIGINT refused.
    private func convertIntegers(_ values: inout [Int64]) throws {
        if leaf.unsigned && leaf.physical == 2, values.contains(where: { $0 < 0 }) {
            throw ParquetReadError("column \"\(leaf.name)\" holds an unsigned value past BIGINT's range")
        }
        guard leaf.timeScale != 1 else { return }
        for i in values.indices {
            guard let v = Self.microseconds(values[i], timeScale: leaf.timeScale) else {
                throw ParquetReadError("column \"\(leaf.name)\" holds a timestamp out of range")
            }
            values[i] = v
        }
    }

    static func encodingName(_ encoding: Int32) -> String {
        switch encoding {
        case 0: return "PLAIN"
        case 2: return "PLAIN_DICTIONARY"
        case 3: return "RLE"
        case 4: return "BIT_PACKED"
        case 5: return "DELTA_BINARY_PACKED"
        case 6: return "DELTA_LENGTH_BYTE_ARRAY"
        case 7: return "DELTA_BYTE_ARRAY"
        case 8: return "RLE_DICTIONARY"
        case 9: return "BYTE_STREAM_SPLIT"
        default: return "\(encoding)"
        }
    }
}
