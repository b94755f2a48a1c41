import HuiyanStorage

/// The types of SQL values.
public enum SQLType: String, Sendable, Equatable, CustomStringConvertible {
    case boolean = "BOOLEAN"
    case int64 = "BIGINT"
    case float64 = "DOUBLE"
    /// Exact money: Int64 fen, shown as yuan with two decimals (DECIMAL(18,2)).
    case money = "DECIMAL(18,2)"
    case string = "VARCHAR"
    /// Microseconds since the epoch, UTC; shown in the database's zone.
    case timestamp = "TIMESTAMP"
    /// Days since 1970-01-01 in the database's zone.
    case date = "DATE"
    /// The type of a bare NULL literal: converts to anything.
    case null = "NULL"

    public var description: String { rawValue }

    /// The SQL type of a stored column.
    public init(_ type: ColumnType) {
        switch type {
        case .timestamp: self = .timestamp
        case .int64: self = .int64
        case .float64: self = .float64
        case .bool: self = .boolean
        case .money: self = .money
        case .string: self = .string
        }
    }

    public var isNumeric: Bool { self == .int64 || self == .float64 || self == .money }

    /// Whether values live in the integer lane of a vector (everything but doubles).
    var usesIntegers: Bool { self != .float64 }

    /// Parses a type name as written in CAST or CREATE TABLE.
    public init?(typeName: String) {
        let name = typeName.uppercased().replacingOccurrences(of: " ", with: "")
        switch name {
        case "BOOLEAN", "BOOL": self = .boolean
        case "BIGINT", "INT", "INTEGER", "INT8", "INT4", "SMALLINT", "INT64", "HUGEINT", "LONG": self = .int64
        case "DOUBLE", "FLOAT", "FLOAT8", "REAL", "FLOAT4", "DOUBLEPRECISION", "FLOAT64": self = .float64
        case "MONEY", "DECIMAL", "NUMERIC", "DECIMAL(18,2)", "NUMERIC(18,2)": self = .money
        case "VARCHAR", "TEXT", "STRING": self = .string
        case "TIMESTAMP", "TIMESTAMPTZ", "DATETIME", "TIMESTAMPWITHTIMEZONE": self = .timestamp
        case "DATE": self = .date
        default:
            if name.hasPrefix("VARCHAR(") { self = .string; return }
            if name.hasPrefix("DECIMAL(") || name.hasPrefix("NUMERIC(") {
                // Any DECIMAL(p,2) is money; other scales are not exact in fen.
                if name.hasSuffix(",2)") { self = .money; return }
                return nil
            }
            return nil
        }
    }

    /// The storage type of a column declared with this SQL type (CREATE TABLE).
    public var columnType: ColumnType? {
        switch self {
        case .boolean: return .bool
        case .int64: return .int64
        case .float64: return .float64
        case .money: return .money
        case .string: return .string
        case .timestamp: return .timestamp
        case .date, .null: return nil
        }
    }
}
