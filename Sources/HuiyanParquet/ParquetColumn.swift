/// A column of a Parquet file as Huiyan writes it — a flat schema, every column OPTIONAL (NULL allowed)
/// unless it is not nullable (REQUIRED) — or as `ParquetReader` reads it (whatever the physical type that
/// held the values: INT32 as BIGINT, DECIMAL on byte arrays, timestamps in MILLIS or NANOS as MICROS).
package struct ParquetColumn: Sendable, Equatable {
    /// The logical types written (parquet-format LogicalTypes.md), each on its physical type.
    package enum Kind: Sendable, Equatable {
        case boolean
        /// INT64, no logical type.
        case int64
        /// DOUBLE.
        case double
        /// DECIMAL(precision, scale) on INT64, the unscaled value (fen for money: DECIMAL(18,2)).
        case decimal(precision: Int, scale: Int)
        /// STRING (UTF8) on BYTE_ARRAY, dictionary-encoded.
        case string
        /// TIMESTAMP(isAdjustedToUTC = true, unit = MICROS) on INT64.
        case timestampMicrosUTC
        /// TIMESTAMP(isAdjustedToUTC = false, unit = MICROS) on INT64: a wall-clock time of no zone (read only).
        case timestampMicrosLocal
        /// DATE on INT32: days since 1970-01-01.
        case date
    }

    package var name: String
    package var kind: Kind
    package var nullable: Bool

    package init(name: String, kind: Kind, nullable: Bool = true) {
        self.name = name
        self.kind = kind
        self.nullable = nullable
    }

    /// The physical type (parquet.thrift `Type`).
    var physicalType: Int32 {
        switch kind {
        case .boolean: return 0          // BOOLEAN
        case .date: return 1             // INT32
        case .int64, .decimal, .timestampMicrosUTC, .timestampMicrosLocal: return 2  // INT64
        case .double: return 5           // DOUBLE
        case .string: return 6           // BYTE_ARRAY
        }
    }
}
