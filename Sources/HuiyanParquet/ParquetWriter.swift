import HuiyanStorage

/// Writes a Parquet file (apache/parquet-format, "File Format") to a sink, row group by row group: `PAR1`,
/// each row group's column chunks (encoded by a `RowGroupBuilder`, on any thread), the footer
/// (`FileMetaData` in Thrift's compact protocol), its 4-byte length and `PAR1`. The writer itself only
/// lays out: row groups go to the file in the order `write` is called, and their encoding decides the
/// bytes, so a file is the same whichever threads encoded its row groups.
package final class ParquetWriter {
    package let columns: [ParquetColumn]
    private let sink: (UnsafeRawBufferPointer) throws -> Void
    private var offset = 0
    private var rowGroups: [RowGroupMetadata] = []
    /// Rows written so far.
    package private(set) var rows = 0

    struct RowGroupMetadata {
        var chunks: [EncodedRowGroup.Chunk]
        var rows: Int
        var offset: Int
    }

    package init(columns: [ParquetColumn], sink: @escaping (UnsafeRawBufferPointer) throws -> Void) throws {
        self.columns = columns
        self.sink = sink
        try write(Array("PAR1".utf8))
    }

    /// Row groups written so far.
    package var rowGroupsWritten: Int { rowGroups.count }

    /// Writes a row group (of a builder over the same columns) after those written before.
    package func write(_ group: EncodedRowGroup) throws {
        precondition(group.chunks.count == columns.count, "a row group of other columns")
        let start = offset
        try write(group.bytes)
        rowGroups.append(RowGroupMetadata(chunks: group.chunks.map { chunk in
            var placed = chunk
            placed.dataPageOffset += start
            placed.dictionaryPageOffset = chunk.dictionaryPageOffset.map { $0 + start }
            return placed
        }, rows: group.rows, offset: start))
        rows += group.rows
    }

    /// Writes the footer.
    package func finish() throws {
        let footer = fileMetadata()
        try write(footer)
        var tail: [UInt8] = []
        ColumnChunkBuffer.appendLittleEndian(UInt32(footer.count), to: &tail)
        try write(tail + Array("PAR1".utf8))
    }

    private func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try sink($0) }
        offset += bytes.count
    }

    /// FileMetaData (parquet.thrift): version, the schema (a root, then the columns), rows, row groups, the
    /// writer, the columns' sort orders.
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
        // Every column's statistics in its type's own order (ColumnOrder TYPE_ORDER): without it readers
        // (pyarrow) ignore the min and max of strings, timestamps and decimals.
        out.list(7, .structure, count: columns.count) { order, _ in order.structure(1) { _ in } }
        out.endStruct()
        return out.bytes
    }
}
