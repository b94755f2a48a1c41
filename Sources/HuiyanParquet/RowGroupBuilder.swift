import HuiyanStorage

/// One row group of a Parquet file being built — each column's values, given a column at a time for a run
/// of rows (`appendInts`, `appendDoubles`, `appendStringCodes`, then `endRows`) — and its encoding into
/// column chunks (`encode`). A builder is used by one thread at a time; several builders encode row groups
/// of one file side by side, and `ParquetWriter` lays them out in order.
///
/// A column chunk is a data page v1 (definition levels, then PLAIN values or RLE_DICTIONARY indices),
/// after a dictionary page for strings and for integers with few distinct values (money); each page
/// compressed with LZ4_RAW (the LZ4 block format, parquet.thrift `CompressionCodec` 7). Every chunk carries
/// statistics: null count, min and max.
package final class RowGroupBuilder {
    package let columns: [ParquetColumn]
    private let buffers: [ColumnChunkBuffer]
    /// Rows ended so far (`endRows`).
    package private(set) var rows = 0
    /// Where a page is compressed before it is appended (kept between pages and row groups).
    private var compressed: [UInt8] = []

    package init(columns: [ParquetColumn]) {
        self.columns = columns
        buffers = columns.map(ColumnChunkBuffer.init)
    }

    /// About how many bytes the values given so far hold.
    package var bufferedBytes: Int { buffers.reduce(0) { $0 + $1.bytes } }

    /// BOOLEAN (0 or 1), INT64, DECIMAL (unscaled), TIMESTAMP (µs), DATE (days): `values[i]`, or NULL where
    /// `nulls[i] != 0`.
    package func appendInts(_ column: Int, _ values: UnsafeBufferPointer<Int64>, nulls: UnsafeBufferPointer<UInt8>?) {
        let buffer = buffers[column]
        buffer.appendLevels(count: values.count, nulls: nulls)
        guard let nulls else { return buffer.ints.append(contentsOf: values) }
        for i in values.indices where nulls[i] == 0 { buffer.ints.append(values[i]) }
    }

    package func appendDoubles(_ column: Int, _ values: UnsafeBufferPointer<Double>, nulls: UnsafeBufferPointer<UInt8>?) {
        let buffer = buffers[column]
        buffer.appendLevels(count: values.count, nulls: nulls)
        guard let nulls else { return buffer.doubles.append(contentsOf: values) }
        for i in values.indices where nulls[i] == 0 { buffer.doubles.append(values[i]) }
    }

    /// The code of a string of a STRING column in this row group (for `appendStringCodes`).
    package func internString(_ column: Int, _ bytes: UnsafeRawBufferPointer) -> Int64 {
        buffers[column].dictionary.intern(bytes)
    }

    /// STRING values as codes from `internString` (of this row group), or NULL where `nulls[i] != 0`.
    package func appendStringCodes(_ column: Int, _ codes: UnsafeBufferPointer<Int64>, nulls: UnsafeBufferPointer<UInt8>?) {
        let buffer = buffers[column]
        buffer.appendLevels(count: codes.count, nulls: nulls)
        guard let nulls else { return buffer.codes.append(contentsOf: codes) }
        for i in codes.indices where nulls[i] == 0 { buffer.codes.append(codes[i]) }
    }

    /// Ends `count` rows given to every column.
    package func endRows(_ count: Int) { rows += count }

    /// The row group's column chunks, pages compressed, laid out one after another; the builder is empty
    /// again afterwards (its buffers keep their capacity for the next row group).
    package func encode() -> EncodedRowGroup {
        var bytes: [UInt8] = []
        var chunks: [EncodedRowGroup.Chunk] = []
        for buffer in buffers {
            let encoded = buffer.encode()
            let start = bytes.count
            var dictionaryOffset: Int?
            var uncompressed = 0
            if let dictionary = encoded.dictionary {
                dictionaryOffset = bytes.count
                uncompressed += appendPage(type: 2, body: dictionary.bytes, to: &bytes) { header in
                    header.structure(7) { d in  // DictionaryPageHeader
                        d.i32(1, Int32(dictionary.count))
                        d.i32(2, 0)  // PLAIN
                    }
                }
            }
            let dataOffset = bytes.count
            uncompressed += appendPage(type: 0, body: encoded.data, to: &bytes) { header in
                header.structure(5) { d in  // DataPageHeader
                    d.i32(1, Int32(self.rows))
                    d.i32(2, encoded.encoding)
                    d.i32(3, 3)  // RLE definition levels
                    d.i32(4, 3)  // RLE repetition levels (none)
                }
            }
            chunks.append(EncodedRowGroup.Chunk(encodings: encoded.dictionary == nil ? [encoded.encoding, 3] : [0, 3, 8],
                                                valueCount: rows, uncompressed: uncompressed, compressed: bytes.count - start,
                                                dataPageOffset: dataOffset, dictionaryPageOffset: dictionaryOffset,
                                                nullCount: buffer.nullCount, min: encoded.min, max: encoded.max))
            buffer.reset()
        }
        defer { rows = 0 }
        return EncodedRowGroup(rows: rows, bytes: bytes, chunks: chunks)
    }

    /// Appends a page: its header (PageHeader, `fields` adding the kind's own header) and its body compressed
    /// with LZ4_RAW. Returns the bytes it would take uncompressed, header included.
    private func appendPage(type: Int32, body: [UInt8], to out: inout [UInt8], fields: (inout CompactProtocolWriter) -> Void) -> Int {
        let bound = LZ4Codec.maxCompressedSize(body.count) + 16
        if compressed.count < bound { compressed = [UInt8](repeating: 0, count: bound) }
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
        out += header.bytes
        out += compressed[0..<size]
        return header.bytes.count + body.count
    }
}

/// A row group's column chunks as bytes, with what the footer says of each chunk (offsets from the start
/// of `bytes`; `ParquetWriter` places them in the file).
package struct EncodedRowGroup: Sendable {
    struct Chunk: Sendable {
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

    package let rows: Int
    let bytes: [UInt8]
    let chunks: [Chunk]

    /// How many bytes the row group takes in the file.
    package var byteCount: Int { bytes.count }
}
