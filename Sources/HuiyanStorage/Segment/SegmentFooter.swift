/// The footer of a segment: row count and, per column, schema, dictionary and blocks with zone maps.
package struct SegmentFooter: Sendable {
    package var rowCount: Int
    package var columns: [SegmentColumnInfo]

    /// Serializes the footer (little-endian, see docs/FORMAT.md) in format `version` (before 3: without
    /// block sums).
    func encoded(version: UInt32 = SegmentFormat.version) -> [UInt8] {
        var out = ByteWriter(capacity: 256 + columns.count * 64 + columns.reduce(0) { $0 + $1.blocks.count * 53 })
        out.u64(UInt64(rowCount))
        out.u32(UInt32(columns.count))
        for column in columns {
            out.string(column.definition.name)
            out.u8(column.definition.type.formatCode)
            var flags: UInt8 = 0
            if column.definition.nullable { flags |= 1 }
            if column.definition.optional { flags |= 2 }
            if column.definition.minimum != nil { flags |= 4 }
            out.u8(flags)
            out.i64(column.definition.minimum ?? 0)
            out.u64(UInt64(column.nullCount))
            out.u64(UInt64(column.plainBytes))
            if let dictionary = column.dictionary {
                out.u8(column.dictionaryEncoding.rawValue)
                Self.write(dictionary, to: &out)
                out.u32(UInt32(column.dictionaryCount))
            } else {
                out.u8(0)
            }
            out.u32(UInt32(column.blocks.count))
            for block in column.blocks {
                Self.write(block.range, to: &out)
                out.u32(UInt32(block.rowCount))
                out.u32(UInt32(block.nullCount))
                out.i64(block.min)
                out.i64(block.max)
                if version >= 3 {
                    out.u8(block.sum == nil ? 0 : 1)
                    if let sum = block.sum { out.i64(sum) }
                }
            }
            if version >= 3 {
                out.u8(column.summary == nil ? 0 : 1)
                if let summary = column.summary { Self.write(summary, to: &out) }
            }
        }
        return out.bytes
    }

    /// Parses a footer of format `version`, checking every count and range against `fileSize`; throws a
    /// description of the damage.
    static func decode(_ bytes: UnsafeRawBufferPointer, fileSize: Int, version: UInt32) throws -> SegmentFooter {
        var reader = ByteReader(bytes)
        do {
            let rowCount = Int(clamping: try reader.u64())
            let columnCount = Int(try reader.u32())
            guard rowCount >= 0, rowCount <= Int(UInt32.max) * 64, columnCount <= reader.remaining else {
                throw FooterError("impossible row or column count")
            }
            var columns: [SegmentColumnInfo] = []
            for _ in 0..<columnCount {
                let name = try reader.string()
                guard let type = ColumnType(formatCode: try reader.u8()) else { throw FooterError("unknown column type in column \"\(name)\"") }
                let flags = try reader.u8()
                let minimum = try reader.i64()
                let definition = ColumnDefinition(name, type, nullable: flags & 1 != 0, optional: flags & 2 != 0,
                                                  minimum: flags & 4 != 0 ? minimum : nil)
                let nullCount = Int(clamping: try reader.u64())
                let plainBytes = Int(clamping: try reader.u64())
                var dictionary: StoredRange?
                var dictionaryCount = 0
                // 1 front coded, 2 numeric (version 2); any other value: no dictionary.
                let dictionaryEncoding = DictionaryEncoding(rawValue: try reader.u8())
                if dictionaryEncoding != nil {
                    dictionary = try read(&reader, fileSize: fileSize)
                    dictionaryCount = Int(try reader.u32())
                }
                let blockCount = Int(try reader.u32())
                guard blockCount <= reader.remaining else { throw FooterError("impossible block count in column \"\(name)\"") }
                var blocks: [BlockInfo] = []
                blocks.reserveCapacity(blockCount)
                var rows = 0
                for _ in 0..<blockCount {
                    let range = try read(&reader, fileSize: fileSize)
                    let blockRows = Int(try reader.u32())
                    let blockNulls = Int(try reader.u32())
                    let lo = try reader.i64(), hi = try reader.i64()
                    guard blockRows <= SegmentFormat.blockRows, blockNulls <= blockRows else {
                        throw FooterError("impossible block row count in column \"\(name)\"")
                    }
                    // Version 3: the block's sum, for integer and money columns only.
                    var sum: Int64?
                    if version >= 3 {
                        switch try reader.u8() {
                        case 0: break
                        case 1 where type == .int64 || type == .money: sum = try reader.i64()
                        default: throw FooterError("impossible block sum in column \"\(name)\"")
                        }
                    }
                    rows += blockRows
                    blocks.append(BlockInfo(range: range, rowCount: blockRows, nullCount: blockNulls, min: lo, max: hi, sum: sum))
                }
                guard rows == rowCount else { throw FooterError("column \"\(name)\" has \(rows) rows in its blocks, the segment \(rowCount)") }
                // Version 3: where the column's totals per code are, for string columns only.
                var summary: StoredRange?
                if version >= 3 {
                    switch try reader.u8() {
                    case 0: break
                    case 1 where type == .string: summary = try read(&reader, fileSize: fileSize)
                    default: throw FooterError("impossible code summary in column \"\(name)\"")
                    }
                }
                columns.append(SegmentColumnInfo(definition: definition, nullCount: nullCount, plainBytes: plainBytes, dictionary: dictionary,
                                                 dictionaryCount: dictionaryCount, dictionaryEncoding: dictionaryEncoding ?? .frontCoded,
                                                 blocks: blocks, summary: summary))
            }
            // Readers take block b of every column together: each column splits the rows into the same blocks.
            if let first = columns.first {
                for column in columns.dropFirst() where column.blocks.map(\.rowCount) != first.blocks.map(\.rowCount) {
                    throw FooterError("column \"\(column.definition.name)\" splits its rows into other blocks than column \"\(first.definition.name)\"")
                }
            }
            return SegmentFooter(rowCount: rowCount, columns: columns)
        } catch is ByteReader.OutOfBounds {
            throw FooterError("footer ends too early")
        }
    }

    struct FooterError: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    private static func write(_ range: StoredRange, to out: inout ByteWriter) {
        out.u64(range.offset)
        out.u32(range.storedLength)
        out.u32(range.rawLength)
        out.u8(range.codec.rawValue)
        out.u64(range.checksum)
    }

    private static func read(_ reader: inout ByteReader, fileSize: Int) throws -> StoredRange {
        let offset = try reader.u64()
        let stored = try reader.u32()
        let raw = try reader.u32()
        guard let codec = BlockCodec(rawValue: try reader.u8()) else { throw FooterError("unknown codec") }
        let checksum = try reader.u64()
        // (offset + stored can overflow for a damaged offset: checked without the addition trapping.)
        let (end, overflow) = offset.addingReportingOverflow(UInt64(stored))
        guard offset >= UInt64(SegmentFormat.headerSize), !overflow,
              end <= UInt64(fileSize - SegmentFormat.trailerSize) else {
            throw FooterError("a block lies outside the file")
        }
        if codec == .none && stored != raw { throw FooterError("an uncompressed block has two lengths") }
        // LZ4 expands at most 255-fold: a larger raw length is damage (and must not size a buffer).
        if codec == .lz4 && UInt64(raw) > UInt64(stored) * 255 + 16 { throw FooterError("impossible decompressed length") }
        return StoredRange(offset: offset, storedLength: stored, rawLength: raw, codec: codec, checksum: checksum)
    }
}
