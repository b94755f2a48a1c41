/// A column of a Parquet file as this reader gives it (flat schemas: every leaf a column).
public struct ParquetFileColumn: Sendable, Equatable {
    /// What a column's values are, whatever the physical type that held them (parquet-format,
    /// LogicalTypes.md; the legacy ConvertedType annotations are read too).
    public enum Kind: Sendable, Equatable {
        /// BOOLEAN: 0 or 1 in `ints`.
        case boolean
        /// INT32 or INT64 (signed or unsigned within BIGINT), no logical type but INTEGER.
        case int64
        /// FLOAT or DOUBLE.
        case double
        /// DECIMAL(precision, scale) on INT32, INT64, FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY: the unscaled value
        /// in `ints` (a value past Int64 is an error).
        case decimal(precision: Int, scale: Int)
        /// BYTE_ARRAY (STRING, ENUM, JSON or unannotated): codes into the data's string entries.
        case string
        /// TIMESTAMP in MILLIS, MICROS or NANOS on INT64, as microseconds since the epoch; adjusted to UTC
        /// or a wall-clock time of no zone.
        case timestamp(adjustedToUTC: Bool)
        /// DATE on INT32: days since 1970-01-01.
        case date
    }

    public let name: String
    public let kind: Kind
    /// Whether the column may hold NULLs (OPTIONAL).
    public let nullable: Bool
}

/// One column chunk's values (a row group's column), decoded.
public struct ParquetColumnData {
    public internal(set) var count = 0
    /// Values of every kind but `double` (strings: codes into `stringStarts`); 0 where NULL.
    public internal(set) var ints: [Int64] = []
    public internal(set) var doubles: [Double] = []
    /// 1 where NULL; nil when none is.
    public internal(set) var nulls: [UInt8]?
    /// A string column's entries: entry `i` is `stringBytes[stringStarts[i] ..< stringStarts[i + 1]]`.
    public internal(set) var stringBytes: [UInt8] = []
    public internal(set) var stringStarts: [Int] = [0]
}
