/// Reads interval text as PostgreSQL and DuckDB write it: `7 days`, `1 month`, `2 DAY`, `1 year 2 months`,
/// `1 day 03:04:05.5`, `-36 hours`, `90 minutes`. Years, quarters and months are months, weeks and days
/// days, the rest microseconds; a fraction of a month carries into days (of 30), of a day into time, as
/// DuckDB (`1.5 months` is 1 month 15 days).
enum IntervalParsing {
    static func parse(_ text: String) -> Interval? {
        let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard !words.isEmpty else { return nil }
        var months: Int64 = 0, days: Int64 = 0, micros: Int64 = 0
        func add(_ value: Double, to part: inout Int64) -> Bool {
            guard value.magnitude < 4.6e18 else { return false }
            let (r, o) = part.addingReportingOverflow(Int64(value))
            part = r
            return !o
        }
        var i = 0
        while i < words.count {
            let word = words[i]
            if word.contains(":") {
                guard let t = time(word) else { return nil }
                micros += t
                i += 1
                continue
            }
            guard let n = Double(word), n.isFinite, n.magnitude < 1e12, i + 1 < words.count else { return nil }
            var unit = words[i + 1]
            if unit.hasSuffix("s") && unit.count > 1 { unit.removeLast() }
            var m = 0.0, d = 0.0, u = 0.0
            switch unit {
            case "year", "y": m = n * 12
            case "quarter": m = n * 3
            case "month", "mon": m = n
            case "week", "w": d = n * 7
            case "day", "d": d = n
            case "hour", "h", "hr": u = n * 3_600_000_000
            case "minute", "min": u = n * 60_000_000
            case "second", "sec", "s": u = n * 1_000_000
            case "millisecond", "ms": u = n * 1000
            case "microsecond", "us": u = n
            default: return nil
            }
            let wholeMonths = m.rounded(.towardZero)
            d += (m - wholeMonths) * Double(Interval.daysPerMonth)
            let wholeDays = d.rounded(.towardZero)
            u += (d - wholeDays) * Double(TimeMath.microsPerDay)
            guard add(wholeMonths, to: &months), add(wholeDays, to: &days), add(u.rounded(), to: &micros) else { return nil }
            i += 2
        }
        return Interval(months: months, days: days, micros: micros)
    }

    /// `hh:mm[:ss[.ffffff]]`, optionally negative, as microseconds.
    private static func time(_ word: String) -> Int64? {
        let negative = word.hasPrefix("-")
        let parts = word.drop(while: { $0 == "-" || $0 == "+" }).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, let h = Int64(parts[0]), let m = Int64(parts[1]), h < 1_000_000_000, m < 60 else { return nil }
        var micros = (h * 3600 + m * 60) * 1_000_000
        if parts.count == 3 {
            guard let s = Double(parts[2]), s >= 0, s < 60 else { return nil }
            micros += Int64((s * 1_000_000).rounded())
        }
        return negative ? -micros : micros
    }
}
