/// How values print: money as yuan with two decimals, timestamps and dates in the database's zone.
public enum ValueFormatting {
    /// Fen as yuan: `12345` → `123.45`, `-5` → `-0.05`.
    package static func money(_ fen: Int64) -> String {
        let negative = fen < 0
        let magnitude = fen.magnitude
        let cents = magnitude % 100
        return (negative ? "-" : "") + String(magnitude / 100) + "." + (cents < 10 ? "0" : "") + String(cents)
    }

    /// A double the way DuckDB prints it (shortest round-trip form, no exponent for ordinary magnitudes).
    package static func double(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) + ".0" }
        return "\(v)"
    }

    /// An interval as DuckDB writes it: `1 year 2 months 3 days 04:05:06.5`, `-1 day -02:00:00`, `36:00:00`
    /// (the time part is not carried into days).
    package static func interval(_ x: Interval) -> String {
        var parts: [String] = []
        func unit(_ n: Int64, _ name: String) { if n != 0 { parts.append("\(n) \(name)\(n.magnitude == 1 ? "" : "s")") } }
        unit(x.months / 12, "year")
        unit(x.months % 12, "month")
        unit(x.days, "day")
        if x.micros != 0 || parts.isEmpty {
            let m = x.micros.magnitude, seconds = m / 1_000_000, fraction = m % 1_000_000
            func two(_ n: UInt64) -> String { n < 10 ? "0\(n)" : "\(n)" }
            var time = (x.micros < 0 ? "-" : "") + two(seconds / 3600) + ":" + two(seconds / 60 % 60) + ":" + two(seconds % 60)
            if fraction != 0 {
                var f = String(fraction)
                f = String(repeating: "0", count: 6 - f.count) + f
                while f.hasSuffix("0") { f.removeLast() }
                time += "." + f
            }
            parts.append(time)
        }
        return parts.joined(separator: " ")
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
        case .interval(let x): return interval(x)
        }
    }
}
