/// One SQL value (constants, results, group keys).
public enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    /// Fen.
    case money(Int64)
    /// Units of 10^-scale, scale 3…18 (scale 2 is `money`: build through `exact(_:scale:)`).
    case decimal(Int64, scale: Int)
    case string(String)
    /// Microseconds since the epoch, UTC.
    case timestamp(Int64)
    /// Days since 1970-01-01.
    case date(Int64)
    /// Calendar months, days and microseconds.
    case interval(Interval)

    /// True for SQL NULL.
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The SQL type of the value (`.null` for NULL).
    public var type: SQLType {
        switch self {
        case .null: return .null
        case .bool: return .boolean
        case .int: return .int64
        case .double: return .float64
        case .money: return .money
        case .decimal(_, let scale): return .decimal(scale)
        case .string: return .string
        case .timestamp: return .timestamp
        case .date: return .date
        case .interval: return .interval
        }
    }

    /// An exact decimal of `units` × 10^-scale (scale 2: money).
    static func exact(_ units: Int64, scale: Int) -> Value {
        scale == 2 ? .money(units) : .decimal(units, scale: scale)
    }

    /// The integer lane of an exact number: a BIGINT, or a decimal's units.
    var units: Int64? {
        switch self {
        case .int(let v), .money(let v), .decimal(let v, _): return v
        default: return nil
        }
    }

    /// The word of the integer lane of a vector holding the value (an interval's normalized total); nil for
    /// doubles, strings, booleans and NULL.
    var integerLane: Int64? {
        switch self {
        case .int(let v), .money(let v), .decimal(let v, _), .timestamp(let v), .date(let v): return v
        case .interval(let x): return x.key
        default: return nil
        }
    }

    /// The value as a double (numbers only; money in yuan).
    public var doubleValue: Double? {
        switch self {
        case .int(let v): return Double(v)
        case .double(let v): return v
        case .money(let v): return Double(v) / 100
        case .decimal(let v, let scale): return Double(v) / Double(DecimalMath.power(scale))
        case .bool(let v): return v ? 1 : 0
        default: return nil
        }
    }
}
