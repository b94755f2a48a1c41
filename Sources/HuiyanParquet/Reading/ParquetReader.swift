import HuiyanStorage

/// Reads a Parquet file (parquet-format: "File format" — `PAR1`, column chunks, the footer's Thrift
/// `FileMetaData`, its length and `PAR1` again) a row group's column at a time. Flat schemas; the kinds of
/// `ParquetColumn.Kind` on their physical types, with the codecs of `PageDecompressor` and the encodings
/// of `ColumnChunkDecoder`. What it cannot read it refuses with a message naming the column and the feature;
/// damaged files give `ParquetReadError`, never a crash (every length and offset is checked).
package final class ParquetReader {
    package let path: String
    package let columns: [ParquetColumn]
    /// All rows of the file.
    package let rowCount: Int
    private let file: MappedFile
    private let metadata: ParquetMetadata
    private let leaves: [ColumnChunkDecoder.Leaf]
    /// The most rows a row group may have to be read (a row group is decoded whole: the caller's memory bounds
    /// it; a damaged row count must not make the decoder fill that many slots).
    package var largestRowGroup = Int.max

    /// Opens the file and reads its footer and schema.
    package init(path: String) throws {
        self.path = path
        do {
            file = try MappedFile(path: path, followingSymlinks: true)
        } catch {
            throw ParquetReadError("\(path): \(error)")
        }
        let bytes = file.bytes
        let magic: [UInt8] = Array("PAR1".utf8)
        guard bytes.count >= 12, Array(bytes.prefix(4)) == magic, Array(bytes.suffix(4)) == magic else {
            throw ParquetReadError("\(path) is not a Parquet file (it does not begin and end with PAR1)")
        }
        let footerLength = Int(bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt32.self).littleEndian)
        guard footerLength > 0, footerLength <= bytes.count - 12 else {
            throw ParquetReadError("\(path): damaged Parquet file: the footer's length does not fit the file")
        }
        let footer = UnsafeRawBufferPointer(rebasing: bytes[(bytes.count - 8 - footerLength)..<(bytes.count - 8)])
        let metadata: ParquetMetadata
        let leaves: [ColumnChunkDecoder.Leaf]
        do {
            metadata = try ParquetMetadata(footer)
            (columns, leaves) = try Self.flatColumns(metadata.schema)
        } catch let error as ParquetReadError {
            throw ParquetReadError("\(path): \(error.message)")
        }
        self.metadata = metadata
        self.leaves = leaves
        let width = leaves.count
        guard metadata.rowCount >= 0, metadata.rowGroups.allSatisfy({ $0.rowCount >= 0 && $0.columns.count == width }),
              metadata.rowGroups.reduce(Int64(0), { $0 &+ $1.rowCount }) == metadata.rowCount else {
            throw ParquetReadError("\(path): damaged Parquet file: its row groups do not add up to its rows or columns")
        }
        rowCount = Int(metadata.rowCount)
    }

    package var rowGroupCount: Int { metadata.rowGroups.count }

    package func rowCount(ofGroup group: Int) -> Int { Int(metadata.rowGroups[group].rowCount) }

    /// What the statistics of column `column` in row group `group` say (nil without statistics); the bounds
    /// are in the values `read` gives.
    package func statistics(group: Int, column: Int) -> ParquetColumnStatistics? {
        ParquetColumnStatistics(metadata.rowGroups[group].columns[column].statistics, leaf: leaves[column])
    }

    /// Column `column` of row group `group`, decoded.
    package func read(group: Int, column: Int) throws -> ParquetColumnData {
        let chunk = metadata.rowGroups[group].columns[column]
        guard rowCount(ofGroup: group) <= largestRowGroup else {
            throw ParquetReadError("\(path): row group \(group) has \(rowCount(ofGroup: group)) rows, more than the memory limit lets a row group be read whole")
        }
        guard chunk.hasMetadata, chunk.type == leaves[column].physical else {
            throw ParquetReadError("\(path): damaged Parquet file: column \"\(columns[column].name)\" of row group \(group) does not match the schema")
        }
        do {
            return try ColumnChunkDecoder.decode(file.bytes, chunk, rows: rowCount(ofGroup: group), leaf: leaves[column])
        } catch let error as ParquetReadError {
            throw ParquetReadError("\(path): \(error.message)")
        }
    }

    /// The schema's leaves as columns: the root's children, none of them a group or repeated.
    private static func flatColumns(_ schema: [ParquetMetadata.SchemaElement]) throws -> ([ParquetColumn], [ColumnChunkDecoder.Leaf]) {
        guard let root = schema.first, let children = root.childCount, Int(children) == schema.count - 1 else {
            throw ParquetReadError("nested columns (groups, lists, maps) are not supported: only flat files can be read")
        }
        var columns: [ParquetColumn] = [], leaves: [ColumnChunkDecoder.Leaf] = []
        for element in schema.dropFirst() {
            guard (element.childCount ?? 0) == 0, let physical = element.type else {
                throw ParquetReadError("column \"\(element.name)\" is a group (nested), which is not supported")
            }
            guard element.repetition != 2 else { throw ParquetReadError("column \"\(element.name)\" is repeated (a list), which is not supported") }
            var leaf = ColumnChunkDecoder.Leaf(physical: physical, typeLength: Int(element.typeLength ?? 0), optional: element.repetition == 1,
                                               kind: .int64, name: element.name)
            leaf.kind = try kind(element, &leaf)
            leaves.append(leaf)
            columns.append(ParquetColumn(name: element.name, kind: leaf.kind, nullable: leaf.optional))
        }
        return (columns, leaves)
    }

    /// What a leaf's values are, from its logical type (or converted type) and physical type.
    private static func kind(_ e: ParquetMetadata.SchemaElement, _ leaf: inout ColumnChunkDecoder.Leaf) throws -> ParquetColumn.Kind {
        let unsupported = { (what: String) in ParquetReadError("column \"\(e.name)\" is \(what), which cannot be read here") }
        // The decimal annotation, new or legacy (ConvertedType DECIMAL = 5 with scale and precision).
        var decimal: (scale: Int, precision: Int)?
        if case .decimal(let s, let p)? = e.logical { decimal = (Int(s), Int(p)) }
        else if e.convertedType == 5 { decimal = (Int(e.scale ?? 0), Int(e.precision ?? 0)) }
        if let decimal {
            guard [1, 2, 6, 7].contains(leaf.physical) else { throw unsupported("a DECIMAL on an unusual physical type") }
            guard decimal.scale >= 0, decimal.scale <= 18 else { throw unsupported("a DECIMAL of scale \(decimal.scale)") }
            return .decimal(precision: decimal.precision, scale: decimal.scale)
        }
        switch leaf.physical {
        case 0: return .boolean
        case 1:
            if case .date? = e.logical { return .date }
            if e.convertedType == 6 { return .date }
            if case .integer(_, let signed)? = e.logical { leaf.unsigned = !signed }
            if let c = e.convertedType, (11...13).contains(c) { leaf.unsigned = true }
            if case .other? = e.logical { throw unsupported("an INT32 of an unusual logical type (TIME?)") }
            if e.convertedType == 7 { throw unsupported("a TIME") }
            return .int64
        case 2:
            if case .timestamp(let utc, let unit)? = e.logical {
                leaf.timeScale = unit == 1 ? 1000 : (unit == 3 ? -1000 : 1)
                return utc ? .timestampMicrosUTC : .timestampMicrosLocal
            }
            if e.convertedType == 9 { leaf.timeScale = 1000; return .timestampMicrosUTC }
            if e.convertedType == 10 { return .timestampMicrosUTC }
            if case .integer(_, let signed)? = e.logical { leaf.unsigned = !signed }
            if e.convertedType == 14 { leaf.unsigned = true }
            if case .other? = e.logical { throw unsupported("an INT64 of an unusual logical type (TIME?)") }
            if e.convertedType == 8 { throw unsupported("a TIME") }
            return .int64
        case 3: throw unsupported("an INT96 timestamp (an old form; write the file with TIMESTAMP(MICROS))")
        case 4, 5: return .double
        case 6: return .string
        case 7: throw unsupported("a FIXED_LEN_BYTE_ARRAY that is not a DECIMAL (a UUID or FLOAT16?)")
        default: throw ParquetReadError.damaged("column \"\(e.name)\" has physical type \(leaf.physical)")
        }
    }
}
