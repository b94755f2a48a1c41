/// The parts of a Parquet footer the reader uses (parquet.thrift: `FileMetaData`, `SchemaElement`,
/// `LogicalType`, `RowGroup`, `ColumnChunk`, `ColumnMetaData`); other fields are skipped.
struct ParquetMetadata {
    var schema: [SchemaElement] = []
    var rowCount: Int64 = 0
    var rowGroups: [RowGroup] = []

    /// parquet.thrift `SchemaElement`.
    struct SchemaElement {
        var type: Int32?
        var typeLength: Int32?
        /// REQUIRED 0, OPTIONAL 1, REPEATED 2.
        var repetition: Int32?
        var name = ""
        var childCount: Int32?
        /// parquet.thrift `ConvertedType` (the legacy annotations).
        var convertedType: Int32?
        var scale: Int32?
        var precision: Int32?
        var logical: LogicalType?
    }

    /// parquet.thrift `LogicalType` (a union), the members read.
    enum LogicalType {
        case string, enumeration, json, date
        case decimal(scale: Int32, precision: Int32)
        /// unit: 1 MILLIS, 2 MICROS, 3 NANOS (the `TimeUnit` union's field ids).
        case timestamp(adjustedToUTC: Bool, unit: Int16)
        case integer(bitWidth: Int8, signed: Bool)
        case other(Int16)
    }

    struct RowGroup {
        var columns: [ColumnChunk] = []
        var rowCount: Int64 = 0
    }

    /// parquet.thrift `ColumnChunk` with its `ColumnMetaData`.
    struct ColumnChunk {
        var type: Int32 = -1
        var codec: Int32 = 0
        var valueCount: Int64 = 0
        var compressedSize: Int64 = 0
        var dataPageOffset: Int64 = -1
        var dictionaryPageOffset: Int64?
        var path: [String] = []
        var hasMetadata = false
        var statistics: Statistics?
    }

    /// parquet.thrift `Statistics`: the null count and the bounds, as stored (PLAIN bytes of one value).
    struct Statistics {
        var nullCount: Int64?
        /// `min_value` / `max_value` (fields 6 and 5), in the column's own sort order.
        var minValue: [UInt8]?
        var maxValue: [UInt8]?
        /// The deprecated `min` / `max` (fields 2 and 1): signed order, so of use for signed numbers alone.
        var legacyMin: [UInt8]?
        var legacyMax: [UInt8]?
    }

    init(_ bytes: UnsafeRawBufferPointer) throws {
        var r = CompactProtocolReader(bytes)
        var last: Int16 = 0
        while let (id, type) = try r.fieldHeader(&last) {
            switch id {
            case 2:
                let (count, element) = try r.listHeader(type)
                schema.reserveCapacity(count)
                for _ in 0..<count { schema.append(try Self.schemaElement(&r, element)) }
            case 3: rowCount = try r.i64(type)
            case 4:
                let (count, element) = try r.listHeader(type)
                for _ in 0..<count { rowGroups.append(try Self.rowGroup(&r, element)) }
            default: try r.skip(type)
            }
        }
    }

    private static func schemaElement(_ r: inout CompactProtocolReader, _ type: UInt8) throws -> SchemaElement {
        try r.enterStruct(type)
        defer { r.leaveStruct() }
        var e = SchemaElement()
        var last: Int16 = 0
        while let (id, t) = try r.fieldHeader(&last) {
            switch id {
            case 1: e.type = try r.i32(t)
            case 2: e.typeLength = try r.i32(t)
            case 3: e.repetition = try r.i32(t)
            case 4: e.name = try r.string(t)
            case 5: e.childCount = try r.i32(t)
            case 6: e.convertedType = try r.i32(t)
            case 7: e.scale = try r.i32(t)
            case 8: e.precision = try r.i32(t)
            case 10: e.logical = try logicalType(&r, t)
            default: try r.skip(t)
            }
        }
        return e
    }

    private static func logicalType(_ r: inout CompactProtocolReader, _ type: UInt8) throws -> LogicalType? {
        try r.enterStruct(type)
        defer { r.leaveStruct() }
        var result: LogicalType?
        var last: Int16 = 0
        while let (id, t) = try r.fieldHeader(&last) {
            switch id {
            case 1: result = .string; try r.skip(t)
            case 4: result = .enumeration; try r.skip(t)
            case 6: result = .date; try r.skip(t)
            case 12: result = .json; try r.skip(t)
            case 5:
                var scale: Int32 = 0, precision: Int32 = 0
                try fields(&r, t) { r, id, t in
                    switch id {
                    case 1: scale = try r.i32(t)
                    case 2: precision = try r.i32(t)
                    default: try r.skip(t)
                    }
                }
                result = .decimal(scale: scale, precision: precision)
            case 8:
                var utc = false, unit: Int16 = 0
                try fields(&r, t) { r, id, t in
                    switch id {
                    case 1: utc = try r.bool(t)
                    case 2: try fields(&r, t) { r, id, t in unit = id; try r.skip(t) }
                    default: try r.skip(t)
                    }
                }
                result = .timestamp(adjustedToUTC: utc, unit: unit)
            case 10:
                var width: Int8 = 64, signed = true
                try fields(&r, t) { r, id, t in
                    switch id {
                    case 1: width = Int8(truncatingIfNeeded: try r.i32(t))
                    case 2: signed = try r.bool(t)
                    default: try r.skip(t)
                    }
                }
                result = .integer(bitWidth: width, signed: signed)
            default: result = .other(id); try r.skip(t)
            }
        }
        return result
    }

    /// Reads a nested struct's fields through `body` (which reads or skips each).
    private static func fields(_ r: inout CompactProtocolReader, _ type: UInt8,
                               _ body: (inout CompactProtocolReader, Int16, UInt8) throws -> Void) throws {
        try r.enterStruct(type)
        defer { r.leaveStruct() }
        var last: Int16 = 0
        while let (id, t) = try r.fieldHeader(&last) { try body(&r, id, t) }
    }

    private static func rowGroup(_ r: inout CompactProtocolReader, _ type: UInt8) throws -> RowGroup {
        var group = RowGroup()
        try fields(&r, type) { r, id, t in
            switch id {
            case 1:
                let (count, element) = try r.listHeader(t)
                for _ in 0..<count { group.columns.append(try columnChunk(&r, element)) }
            case 3: group.rowCount = try r.i64(t)
            default: try r.skip(t)
            }
        }
        return group
    }

    private static func columnChunk(_ r: inout CompactProtocolReader, _ type: UInt8) throws -> ColumnChunk {
        var chunk = ColumnChunk()
        try fields(&r, type) { r, id, t in
            switch id {
            case 1: throw ParquetReadError("column data in another file (ColumnChunk.file_path) is not supported")
            case 3:
                chunk.hasMetadata = true
                try fields(&r, t) { r, id, t in
                    switch id {
                    case 1: chunk.type = try r.i32(t)
                    case 3:
                        let (count, element) = try r.listHeader(t)
                        for _ in 0..<count { chunk.path.append(try r.string(element)) }
                    case 4: chunk.codec = try r.i32(t)
                    case 5: chunk.valueCount = try r.i64(t)
                    case 7: chunk.compressedSize = try r.i64(t)
                    case 9: chunk.dataPageOffset = try r.i64(t)
                    case 11: chunk.dictionaryPageOffset = try r.i64(t)
                    case 12: chunk.statistics = try statistics(&r, t)
                    default: try r.skip(t)
                    }
                }
            default: try r.skip(t)
            }
        }
        return chunk
    }

    private static func statistics(_ r: inout CompactProtocolReader, _ type: UInt8) throws -> Statistics {
        var s = Statistics()
        try fields(&r, type) { r, id, t in
            switch id {
            case 1: s.legacyMax = Array(try r.binary(t))
            case 2: s.legacyMin = Array(try r.binary(t))
            case 3: s.nullCount = try r.i64(t)
            case 5: s.maxValue = Array(try r.binary(t))
            case 6: s.minValue = Array(try r.binary(t))
            default: try r.skip(t)
            }
        }
        return s
    }
}

/// parquet.thrift `PageHeader` with its data, dictionary and data-v2 headers, the fields read.
struct PageHeader {
    /// DATA_PAGE 0, INDEX_PAGE 1, DICTIONARY_PAGE 2, DATA_PAGE_V2 3.
    var type: Int32 = -1
    var uncompressedSize: Int32 = 0
    var compressedSize: Int32 = 0
    var valueCount: Int32 = 0
    var encoding: Int32 = 0
    /// Data page v2: the NULLs and the levels' byte lengths (stored uncompressed before the values).
    var nullCount: Int32 = 0
    var definitionLevelsLength: Int32 = 0
    var repetitionLevelsLength: Int32 = 0
    var valuesCompressed = true

    init(_ r: inout CompactProtocolReader) throws {
        var last: Int16 = 0
        while let (id, t) = try r.fieldHeader(&last) {
            switch id {
            case 1: type = try r.i32(t)
            case 2: uncompressedSize = try r.i32(t)
            case 3: compressedSize = try r.i32(t)
            case 5, 7:
                // DataPageHeader and DictionaryPageHeader both start: 1 num_values, 2 encoding.
                try r.enterStruct(t)
                var inner: Int16 = 0
                while let (fid, ft) = try r.fieldHeader(&inner) {
                    switch fid {
                    case 1: valueCount = try r.i32(ft)
                    case 2: encoding = try r.i32(ft)
                    default: try r.skip(ft)
                    }
                }
                r.leaveStruct()
            case 8:
                try r.enterStruct(t)
                var inner: Int16 = 0
                while let (fid, ft) = try r.fieldHeader(&inner) {
                    switch fid {
                    case 1: valueCount = try r.i32(ft)
                    case 2: nullCount = try r.i32(ft)
                    case 4: encoding = try r.i32(ft)
                    case 5: definitionLevelsLength = try r.i32(ft)
                    case 6: repetitionLevelsLength = try r.i32(ft)
                    case 7: valuesCompressed = try r.bool(ft)
                    default: try r.skip(ft)
                    }
                }
                r.leaveStruct()
            default: try r.skip(t)
            }
        }
        guard uncompressedSize >= 0, compressedSize >= 0, valueCount >= 0, definitionLevelsLength >= 0, repetitionLevelsLength >= 0 else {
            throw ParquetReadError.damaged("a page header has a negative size")
        }
    }
}
