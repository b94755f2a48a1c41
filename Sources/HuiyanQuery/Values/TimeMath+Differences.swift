extension TimeMath {
    /// The instants and days arithmetic may make: about ±90,000 years, so that shifting by a zone and
    /// converting days to microseconds never overflow.
    static let maxMicros: Int64 = 2_840_000_000_000_000_000
    static let maxDays: Int64 = maxMicros / microsPerDay

    /// Whether a TIMESTAMP (µs) or DATE (days) value is within those bounds.
    static func inRange(_ v: Int64, _ type: SQLType) -> Bool {
        v.magnitude <= (type == .date ? maxDays : maxMicros).magnitude
    }

    /// Parts date_diff and date_sub count.
    enum DiffUnit: String, CaseIterable {
        case year, quarter, month, week, day, hour, minute, second, millisecond, microsecond

        init?(name: String) {
            var n = name.lowercased()
            if n.hasSuffix("s") && n.count > 1 { n.removeLast() }
            switch n {
            case "year", "yr", "y": self = .year
            case "quarter": self = .quarter
            case "month", "mon": self = .month
            case "week", "w": self = .week
            case "day", "d", "dayofmonth": self = .day
            case "hour", "hr", "h": self = .hour
            case "minute", "min", "m": self = .minute
            case "second", "sec": self = .second
            case "millisecond", "ms": self = .millisecond
            case "microsecond", "us": self = .microsecond
            default: return nil
            }
        }

        /// Microseconds of a fixed-length part (nil for months, quarters, years).
        var micros: Int64? {
            switch self {
            case .week: return 7 * TimeMath.microsPerDay
            case .day: return TimeMath.microsPerDay
            case .hour: return 3_600_000_000
            case .minute: return 60_000_000
            case .second: return 1_000_000
            case .millisecond: return 1000
            case .microsecond: return 1
            case .year, .quarter, .month: return nil
            }
        }
    }

    /// Months since year 0 of an instant's local date.
    private static func monthNumber(_ micros: Int64, offsetSeconds: Int) -> Int64 {
        let (y, m, _) = civil(days: localDay(micros, offsetSeconds: offsetSeconds))
        return y * 12 + m - 1
    }

    /// The part boundaries crossed from `a` to `b` in local time (date_diff, as DuckDB: weeks are whole
    /// weeks elapsed).
    static func boundaries(_ unit: DiffUnit, _ a: Int64, _ b: Int64, offsetSeconds: Int) -> Int64 {
        let shift = Int64(offsetSeconds) * microsPerSecond
        switch unit {
        case .year: return floorDiv(monthNumber(b, offsetSeconds: offsetSeconds), 12) - floorDiv(monthNumber(a, offsetSeconds: offsetSeconds), 12)
        case .quarter: return floorDiv(monthNumber(b, offsetSeconds: offsetSeconds), 3) - floorDiv(monthNumber(a, offsetSeconds: offsetSeconds), 3)
        case .month: return monthNumber(b, offsetSeconds: offsetSeconds) - monthNumber(a, offsetSeconds: offsetSeconds)
        case .week: return (b &- a) / unit.micros!
        default: return floorDiv(b &+ shift, unit.micros!) - floorDiv(a &+ shift, unit.micros!)
        }
    }

    /// Whole parts elapsed from `a` to `b` (date_sub, as DuckDB): a month is complete when the day and time
    /// of the month are reached again, or the end month has no such day and its last day is reached.
    static func completeParts(_ unit: DiffUnit, _ a: Int64, _ b: Int64, offsetSeconds: Int) -> Int64 {
        if let length = unit.micros { return (b &- a) / length }
        if a > b { return -completeParts(unit, b, a, offsetSeconds: offsetSeconds) }
        var months = monthNumber(b, offsetSeconds: offsetSeconds) - monthNumber(a, offsetSeconds: offsetSeconds)
        let dayA = localDay(a, offsetSeconds: offsetSeconds), dayB = localDay(b, offsetSeconds: offsetSeconds)
        let timeA = a - midnight(ofDay: dayA, offsetSeconds: offsetSeconds), timeB = b - midnight(ofDay: dayB, offsetSeconds: offsetSeconds)
        let (_, _, dA) = civil(days: dayA)
        let (yB, mB, dB) = civil(days: dayB)
        let lastOfMonth = FunctionRegistry.daysInMonth(yB, mB)
        if (dB, timeB) < (dA, timeA) && !(dB == lastOfMonth && dA > dB && timeB >= timeA) { months -= 1 }
        switch unit {
        case .year: return months / 12
        case .quarter: return months / 3
        default: return months
        }
    }
}
