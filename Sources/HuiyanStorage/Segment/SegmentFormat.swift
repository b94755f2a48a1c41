/// Constants of the segment file format (docs/FORMAT.md).
package enum SegmentFormat {
    /// The current format version, written in header and trailer. Version 2 added the integer encodings 5
    /// (dictionary) and 6 (interleaved) and numeric string dictionaries; version 3 the sum of each block of
    /// an integer or money column in the footer, and totals per code and block of string columns with small
    /// dictionaries (`CodeSummary`). Older files read as before (without either).
    package static let version: UInt32 = 3
    /// Versions this reader reads.
    package static let readableVersions: ClosedRange<UInt32> = 1...3
    /// Rows per block: a block is the unit of compression, checksumming and zone-map skipping.
    package static let blockRows = 65_536
    /// The first eight bytes of every segment file.
    package static let headerMagic: [UInt8] = Array("HUIYANSG".utf8)
    /// The last eight bytes of every segment file.
    package static let trailerMagic: [UInt8] = Array("HYSEGEND".utf8)
    package static let headerSize = 16
    package static let trailerSize = 32
    package static let fileExtension = "hyseg"
    /// A stored range is LZ4-compressed only when that saves at least 1/`lz4SavingDivisor` of its bytes:
    /// LZ4 over bit-packed codes saves little and is paid again by every query that reads the range
    /// (docs/ARCHITECTURE.md, "When a range is compressed").
    package static let lz4SavingDivisor = 4
}

/// How a stored byte range (a block or a dictionary) is compressed.
package enum BlockCodec: UInt8, Sendable {
    case none = 0
    case lz4 = 1
}

/// Where one compressed, checksummed byte range lives in a segment file.
package struct StoredRange: Sendable, Equatable {
    package var offset: UInt64
    package var storedLength: UInt32
    package var rawLength: UInt32
    package var codec: BlockCodec
    /// XXH3-64 of the stored (compressed) bytes.
    package var checksum: UInt64
}

/// One block of one column: its bytes and its zone map.
package struct BlockInfo: Sendable, Equatable {
    package var range: StoredRange
    package var rowCount: Int
    package var nullCount: Int
    /// Zone map over the non-NULL values: integers (and string codes) as-is, doubles as their bit pattern.
    /// Meaningless when `nullCount == rowCount`.
    package var min: Int64
    package var max: Int64
    /// The sum of the block's non-NULL values, for integer and money columns (version 3): nil in older
    /// files, for other types, and when the sum does not fit in Int64. With the row and NULL counts it
    /// answers count, sum and avg of a whole block without reading it.
    package var sum: Int64?

    package init(range: StoredRange, rowCount: Int, nullCount: Int, min: Int64, max: Int64, sum: Int64? = nil) {
        self.range = range
        self.rowCount = rowCount
        self.nullCount = nullCount
        self.min = min
        self.max = max
        self.sum = sum
    }
}

/// The footer's description of one column of a segment.
package struct SegmentColumnInfo: Sendable {
    package var definition: ColumnDefinition
    package var nullCount: Int
    /// The column's size as plain values (8 bytes per number, the UTF-8 length of each string): the base of
    /// the compression ratio that `stats` reports.
    package var plainBytes: Int
    /// The sorted string dictionary of a string column.
    package var dictionary: StoredRange?
    package var dictionaryCount: Int
    /// How the dictionary's bytes are laid out.
    package var dictionaryEncoding: DictionaryEncoding = .frontCoded
    package var blocks: [BlockInfo]
    /// Where a string column's totals per code and block are stored (`CodeSummary`, version 3).
    package var summary: StoredRange?
}

/// Flags at the start of every block payload.
enum BlockPayloadFlags {
    static let hasValidity: UInt8 = 1
}
