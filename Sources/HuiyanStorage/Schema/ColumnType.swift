/// The logical type of a column.
///
/// Every type maps onto one of three physical lanes (`Int64`, `Double`, or dictionary-coded
/// strings), so the segment format, the encoders and the scan code handle three cases only.
public enum ColumnType: String, Codable, Sendable, CaseIterable, BitwiseCopyable {
    /// Microseconds since the Unix epoch, UTC.
    case timestamp
    case int64
    case float64
    /// Stored as 0 or 1 in the integer lane.
    case bool
    /// Exact money: Int64 fen (yuan × 100), rendered as yuan with two decimals.
    case money
    /// UTF-8 text, dictionary-encoded per segment.
    case string
    /// A calendar day: days since 1970-01-01 (no zone: a day of the calendar, not an instant).
    case date

    /// The storage lane a logical type lives in.
    package enum Lane: Sendable, BitwiseCopyable {
        case int64, float64, string
    }

    package var lane: Lane {
        switch self {
        case .timestamp, .int64, .bool, .money, .date: return .int64
        case .float64: return .float64
        case .string: return .string
        }
    }

    /// The one-byte code used in segment footers (see docs/FORMAT.md).
    package var formatCode: UInt8 {
        switch self {
        case .timestamp: return 1
        case .int64: return 2
        case .float64: return 3
        case .bool: return 4
        case .money: return 5
        case .string: return 6
        case .date: return 7
        }
    }

    package init?(formatCode: UInt8) {
        guard let type = ColumnType.allCases.first(where: { $0.formatCode == formatCode }) else { return nil }
        self = type
    }

    /// Accepts the usual SQL spellings (`BIGINT`, `VARCHAR`, `DOUBLE`, `BOOLEAN` …) as well as Huiyan's names.
    public init?(sqlName: String) {
        switch sqlName.lowercased() {
        case "timestamp", "timestamptz", "datetime": self = .timestamp
        case "int64", "bigint", "int", "integer", "int8", "long": self = .int64
        case "float64", "double", "float", "real", "float8", "double precision": self = .float64
        case "bool", "boolean": self = .bool
        case "money", "decimal", "decimal(18,2)", "numeric": self = .money
        case "string", "varchar", "text": self = .string
        case "date": self = .date
        default: return nil
        }
    }

    /// The name shown to users (`DESCRIBE`, `tables`).
    public var displayName: String { rawValue.uppercased() }
}
