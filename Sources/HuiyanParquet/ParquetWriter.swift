import HuiyanStorage

/// Writes a Parquet file (apache/parquet-format, "File Format") to a sink, row group by row group, in
/// memory bounded by one row group: `PAR1`, each row group's column chunks, the footer (`FileMetaData`
/// in Thrift's compact protocol), its 4-byte length and `PAR1`.
///
/// A column chunk is a data page v1 (definition levels, then PLAIN values or RLE_DICTIONARY indices),
/// after a dictionary page for strings and for integers with few distinct values (money); each page compressed with LZ4_RAW (the LZ4 block format,
/// parquet.thrift `CompressionCodec` 7). Every chunk carries statistics: null count, min and max.
///
/// Values are given a column at a time for a run of rows (`appendInts`, `appendDoubles`,
/// `appendStringCodes`), then `endRows` ends the run.
public final class ParquetWriter {
    public let columns: [ParquetColumn]
    private let buffers: [ColumnChunkBuffer]
    private let sink: (UnsafeRawBufferPointer) throws -> Void
    private let rowGroupRows: Int
    private var offset = 0
    private var rowsInGroup = 0
    private var rowGroups: [RowGroupMetadata] = []
    /// Rows written so far.
    public private(set) var rows = 0

    /// About how many bytes the row group being built holds.
    public var bufferedBytes: Int { buffers.reduce(0) { $0 + $1.bytes } }

    struct ChunkMetadata {
        var encodings: [Int32]
        var valueCount: Int
        var uncompressed: Int
        var compressed: Int
        var dataPageOffset: Int
        var dictionaryPageOffset: Int?
        var nullCount: Int
        var min: [UInt8]?
        var max: [UInt8]?
    }

    struct RowGroupMetadata {
        var chunks: [ChunkMetadata]
        var rows: Int
        var offset: Int
    }

    /// `rowGroupRows`: rows per row group (what bounds memory).
    public init(columns: [ParquetColumn], rowGroupRows: Int = 1 << 17, sink: @escaping (UnsafeRawBufferPointer) throws -> Void) throws {
        self.columns = columns
        buffers = columns.map(ColumnChunkBuffer.init)
        self.rowGroupRows = rowGroupRows
        self.sink = sink
        try write(Array("PAR1".utf8))
    }

    // MARK: Values

    /// Rows the row group being built still takes (appends go a column at a time, up to this many rows,
    /// then `endRows`).
    public var rowsLeftInGroup: Int { rowGroupRows - rowsInGroup }

    /// Row groups written so far (string codes from `internString` hold within one).
    public var rowGroupsWritten: Int { rowGroups.count }

    /// BOOLEAN (0 or 1), INT64, DECIMAL (unscaled), TIMESTAMP (µs), DATE (days): `values[i]`, or NULL where
    /// `nulls[i] != 0`.
    public func appendInts(_ column: Int, _ values: UnsafeBufferPointer<Int64>, nulls: UnsafeBufferPointer<UInt8>?) {
        let buffer = buffers[column]
        buffer.appendLevels(count: values.count, nulls: nulls)
        guard let nulls else { return buffer.ints.append(contentsOf: values) }
        for i in values.indices where nulls[i] == 0 { buffer.ints.append(values[i]) }
    }

    public func appendDoubles(_ column: Int, _ values: UnsafeBufferPointer<Double>, nulls: UnsafeBufferPointer<UInt8>?) {
        let buffer = buffers[column]
        buffer.appendLevels(count: values.count, nulls: nulls)
        guard let nulls else { return buffer.doubles.append(contentsOf: values) }
        for i in values.indices where nulls[i] == 0 { buffer.doubles.append(values[i]) }
    }

    /// The code of a string of a STRING column in the row group being built (for `appendStringCodes`).
    public func internString(_ column: Int, _ bytes: UnsafeRawBufferPointer) -> Int64 {
        buffers[column].dictionary.intern(bytes)
    }

    /// STRING values as codes from `internString` (of this row group), or NULL where `nulls[i] != 0`.
    public func appendStringCodes(_ column: Int, _ codes: UnsafeBufferPointer<Int64>, nulls: UnsafeBufferPointer<UInt8>?) {
        let buffer = buffers[column]
        buffer.appendLevels(count: codes.count, nulls: nulls)
        guard let nulls else { return buffer.codes.append(contentsOf: codes) }
        for i in codes.indices where nulls[i] == 0 { buffer.codes.append(codes[i]) }
    }

    /// Ends `count` rows given to every column; a full row group is written.
    public func endRows(_ count: Int) throws {
        precondition(count <= rowsLeftInGroup, "rows past the row group")
        rows += count
        rowsInGroup += count
        if rowsInGroup >= rowGroupRows { try flushRowGroup() }
    }

    /// Writes the last row group and the footer.
    public func finish() throws {
        if rowsInGroup > 0 { try flushRowGroup() }
        let footer = fileMetadata()
        try write(footer)
        var tail: [UInt8] = []
        ColumnChunkBuffer.appendLittleEndian(UInt32(footer.count), to: &tail)
        try write(tail + Array("PAR1".utf8))
    }

    // MARK: Layout

    private func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try sink($0) }
        offset += bytes.count
    }

    private func flushRowGroup() throws {
        let groupOffset = offset
        var chunks: [ChunkMetadata] = []
        for buffer in buffers {
            let encoded = buffer.encode()
            let start = offset
            var dictionaryOffset: Int?
            var uncompressed = 0
            if let dictionary = encoded.dictionary {
                dictionaryOffset = offset
                uncompressed += try writePage(type: 2, body: dictionary.bytes) { header in
                    header.structure(7) { d in  // DictionaryPageHeader
                        d.i32(1, Int32(dictionary.count))
                        d.i32(2, 0)  // PLAIN
                    }
                }
            }
            let dataOffset = offset
            uncompressed += try writePage(type: 0, body: encoded.data) { header in
                header.structure(5) { d in  // DataPageHeader
                    d.i32(1, Int32(self.rowsInGroup))
                    d.i32(2, encoded.encoding)
                    d.i32(3, 3)  // RLE definition levels
                    d.i32(4, 3)  // RLE repetition levels (none)
                }
            }
            chunks.append(ChunkMetadata(encodings: encoded.dictionary == nil ? [encoded.encoding, 3] : [0, 3, 8],
                                        valueCount: rowsInGroup, uncompressed: uncompressed, compressed: offset - start,
                                        dataPageOffset: dataOffset, dictionaryPageOffset: dictionaryOffset,
                                        nullCount: buffer.nullCount, min: encoded.min, max: encoded.max))
            buffer.reset()
        }
        rowGroups.append(RowGroupMetadata(chunks: chunks, rows: rowsInGroup, offset: groupOffset))
        rowsInGroup = 0
    }

    /// Writes a page: its header (PageHeader, `fields` adding the kind's own header) and its body compressed
    /// with LZ4_RAW. Returns the bytes it would take uncompressed, header included.
    private func writePage(type: Int32, body: [UInt8], fields: (inout CompactProtocolWriter) -> Void) throws -> Int {
        var compressed = [UInt8](repeating: 0, count: LZ4Codec.maxCompressedSize(body.count) + 16)
        let size = body.withUnsafeBytes { source in
            compressed.withUnsafeMutableBytes { LZ4Codec.compress(source, into: $0) }
        } ?? 0
        var header = CompactProtocolWriter()
        header.beginStruct()
        header.i32(1, type)
        header.i32(2, Int32(body.count))
        header.i32(3, Int32(size))
        fields(&header)
        header.endStruct()
        try write(header.bytes)
        try write(Array(compressed[0..<size]))
        return header.bytes.count + body.count
    }

    /// FileMetaData (parquet.thrift): version, the schema (a root, then the columns), rows, row groups.
    private func fileMetadata() -> [UInt8] {
        var out = CompactProtocolWriter()
        out.beginStruct()
        out.i32(1, 1)
        out.list(2, .structure, count: columns.count + 1) { s, i in
            guard i > 0 else {
                s.string(4, "schema")
                s.i32(5, Int32(self.columns.count))
                return
            }
            let column = self.columns[i - 1]
            s.i32(1, column.physicalType)
            s.i32(3, column.nullable ? 1 : 0)  // OPTIONAL : REQUIRED
            s.string(4, column.name)
            switch column.kind {
            case .string:
                s.i32(6, 0)  // converted type UTF8
                s.structure(10) { $0.structure(1) { _ in } }  // LogicalType STRING
            case .decimal(let precision, let scale):
                s.i32(6, 5)  // DECIMAL
                s.i32(7, Int32(scale))
                s.i32(8, Int32(precision))
                s.structure(10) { l in l.structure(5) { d in d.i32(1, Int32(scale)); d.i32(2, Int32(precision)) } }
            case .timestampMicrosUTC, .timestampMicrosLocal:
                s.i32(6, 10)  // TIMESTAMP_MICROS
                let utc = column.kind == .timestampMicrosUTC
                s.structure(10) { l in
                    l.structure(8) { t in  // TimestampType
                        t.bool(1, utc)     // isAdjustedToUTC
                        t.structure(2) { $0.structure(2) { _ in } }  // TimeUnit MICROS
                    }
                }
            case .date:
                s.i32(6, 6)  // DATE
                s.structure(10) { $0.structure(6) { _ in } }
            case .boolean, .int64, .double:
                break
            }
        }
        out.i64(3, Int64(rows))
        out.list(4, .structure, count: rowGroups.count) { g, i in
            let group = self.rowGroups[i]
            g.list(1, .structure, count: group.chunks.count) { c, k in
                let chunk = group.chunks[k]
                let column = self.columns[k]
                c.i64(2, Int64(chunk.dictionaryPageOffset ?? chunk.dataPageOffset))
                c.structure(3) { m in  // ColumnMetaData
                    m.i32(1, column.physicalType)
                    m.list(2, .i32, count: chunk.encodings.count) { e, j in e.listI32(chunk.encodings[j]) }
                    m.list(3, .binary, count: 1) { p, _ in p.listBinary(Array(column.name.utf8)) }
                    m.i32(4, 7)  // LZ4_RAW
                    m.i64(5, Int64(chunk.valueCount))
                    m.i64(6, Int64(chunk.uncompressed))
                    m.i64(7, Int64(chunk.compressed))
                    m.i64(9, Int64(chunk.dataPageOffset))
                    if let dictionary = chunk.dictionaryPageOffset { m.i64(11, Int64(dictionary)) }
                    m.structure(12) { s in  // Statistics
                        s.i64(3, Int64(chunk.nullCount))
                        if let max = chunk.max, let min = chunk.min {
                            s.binary(5, max)
                            s.binary(6, min)
                        }
                    }
                }
            }
            g.i64(2, Int64(group.chunks.reduce(0) { $0 + $1.uncompressed }))
            g.i64(3, Int64(group.rows))
            g.i64(5, Int64(group.offset))
            g.i64(6, Int64(group.chunks.reduce(0) { $0 + $1.compressed }))
        }
        out.string(6, "huiyan")
        out.endStruct()
        return out.bytes
    }
}
