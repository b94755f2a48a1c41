import HuiyanStorage

/// The types of SQL values.
public enum SQLType: Sendable, Hashable, CustomStringConvertible {
    case boolean
    case int64
    case float64
    /// Exact money: Int64 fen, shown as yuan with two decimals (DECIMAL(18,2)).
    case money
    /// An exact decimal of 3 to 18 decimals (`scale`): Int64 units of 10^-scale (products of money and
    /// rates, quotients). Scale 2 is always `money`: build through `decimal(scale:)`.
    case decimal(Int)
    case string
    /// Microseconds since the epoch, UTC; shown in the database's zone.
    case timestamp
    /// Days since 1970-01-01 in the database's zone.
    case date
    /// A length of time: calendar months, days and microseconds (`Interval`); in a vector the integer lane
    /// holds the normalized total and `Vector.intervalParts` the months and days.
    case interval
    /// The type of a bare NULL literal: converts to anything.
    case null

    /// The type's SQL name.
    public var rawValue: String {
        switch self {
        case .boolean: return "BOOLEAN"
        case .int64: return "BIGINT"
        case .float64: return "DOUBLE"
        case .money: return "DECIMAL(18,2)"
        case .decimal(let scale): return "DECIMAL(18,\(scale))"
        case .string: return "VARCHAR"
        case .timestamp: return "TIMESTAMP"
        case .date: return "DATE"
        case .interval: return "INTERVAL"
        case .null: return "NULL"
        }
    }

    /// The type's SQL name.
    public var description: String { rawValue }

    /// The exact decimal type of a scale (2: money); nil past 18.
    static func decimal(scale: Int) -> SQLType? {
        guard scale >= 2, scale <= DecimalMath.maxScale else { return nil }
        return scale == 2 ? .money : .decimal(scale)
    }

    /// Decimals of an exact decimal type (money: 2); nil for the others.
    public var decimalScale: Int? {
        switch self {
        case .money: return 2
        case .decimal(let s): return s
        default: return nil
        }
    }

    /// Whether the type is an exact decimal (money among them).
    package var isDecimal: Bool { decimalScale != nil }

    /// The SQL type of a stored column.
    public init(_ type: ColumnType) {
        switch type {
        case .timestamp: self = .timestamp
        case .int64: self = .int64
        case .float64: self = .float64
        case .bool: self = .boolean
        case .money: self = .money
        case .string: self = .string
        case .date: self = .date
        }
    }

    package var isNumeric: Bool { self == .int64 || self == .float64 || isDecimal }

    /// Whether values live in the integer lane of a vector (everything but doubles).
    var usesIntegers: Bool { self != .float64 }

    /// Parses a type name as written in CAST or CREATE TABLE.
    package init?(typeName: String) {
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
                // DECIMAL(p,2) is money; DECIMAL(p,s) for s in 3…18 an exact decimal of that scale.
                let inside = name.dropFirst(8).dropLast()
                let parts = inside.split(separator: ",", omittingEmptySubsequences: false)
                guard name.hasSuffix(")"), parts.count == 2, let precision = Int(parts[0]), let scale = Int(parts[1]),
                      precision >= scale, precision <= 38, let type = SQLType.decimal(scale: scale) else { return nil }
                self = type
                return
            }
            return nil
        }
    }

    /// The storage type of a column declared with this SQL type (CREATE TABLE).
    package var columnType: ColumnType? {
        switch self {
        case .boolean: return .bool
        case .int64: return .int64
        case .float64: return .float64
        case .money: return .money
        case .string: return .string
        case .timestamp: return .timestamp
        case .date: return .date
        case .null, .decimal, .interval: return nil
        }
    }
}
