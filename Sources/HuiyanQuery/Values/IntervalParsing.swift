/// Reads interval text as PostgreSQL and DuckDB write it: `7 days`, `1 month`, `2 DAY`, `1 year 2 months`,
/// `1 day 03:04:05.5`, `-36 hours`, `90 minutes`. Months stay months (their length depends on the date);
/// weeks, days and times become microseconds.
enum IntervalParsing {
    static func parse(_ text: String) -> (months: Int64, micros: Int64)? {
        let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard !words.isEmpty else { return nil }
        var months: Int64 = 0, micros: Int64 = 0
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
            let perUnit: (months: Double, micros: Double)
            switch unit {
            case "year", "y": perUnit = (12, 0)
            case "quarter": perUnit = (3, 0)
            case "month", "mon": perUnit = (1, 0)
            case "week", "w": perUnit = (0, 7 * 86_400_000_000)
            case "day", "d": perUnit = (0, 86_400_000_000)
            case "hour", "h", "hr": perUnit = (0, 3_600_000_000)
            case "minute", "min": perUnit = (0, 60_000_000)
            case "second", "sec", "s": perUnit = (0, 1_000_000)
            case "millisecond", "ms": perUnit = (0, 1000)
            case "microsecond", "us": perUnit = (0, 1)
            default: return nil
            }
            // Past ±2^62 of either part is no interval a time could take.
            let m = (n * perUnit.months).rounded(.towardZero), u = (n * perUnit.micros).rounded()
            guard m.magnitude < 4.6e18, u.magnitude < 4.6e18 else { return nil }
            let (newMonths, o1) = months.addingReportingOverflow(Int64(m)), (newMicros, o2) = micros.addingReportingOverflow(Int64(u))
            guard !o1, !o2 else { return nil }
            (months, micros) = (newMonths, newMicros)
            i += 2
        }
        return (months, micros)
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
