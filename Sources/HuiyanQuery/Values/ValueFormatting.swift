/// How values print: money as yuan with two decimals, timestamps and dates in the database's zone.
public enum ValueFormatting {
    /// Fen as yuan: `12345` → `123.45`, `-5` → `-0.05`.
    public static func money(_ fen: Int64) -> String {
        let negative = fen < 0
        let magnitude = fen.magnitude
        let cents = magnitude % 100
        return (negative ? "-" : "") + String(magnitude / 100) + "." + (cents < 10 ? "0" : "") + String(cents)
    }

    /// A double the way DuckDB prints it (shortest round-trip form, no exponent for ordinary magnitudes).
    public static func double(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) + ".0" }
        return "\(v)"
    }

    /// The text of a value; NULL as nil.
    public static func text(_ value: Value, offsetSeconds: Int) -> String? {
        switch value {
        case .null: return nil
        case .bool(let v): return v ? "true" : "false"
        case .int(let v): return String(v)
        case .double(let v): return double(v)
        case .money(let v): return money(v)
        case .decimal(let v, let scale): return DecimalMath.format(v, scale: scale)
        case .string(let v): return v
        case .timestamp(let v): return TimeMath.formatTimestamp(v, offsetSeconds: offsetSeconds)
        case .date(let v): return TimeMath.formatDate(v)
        }
    }
}
