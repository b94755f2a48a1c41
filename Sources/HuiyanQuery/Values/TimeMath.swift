import HuiyanValues

/// Calendar arithmetic on microsecond timestamps and day numbers, in a fixed UTC offset, with integers only
/// (no Foundation calendars: a zone-aware calendar per value is what makes bucketing slow elsewhere).
package enum TimeMath {
    package static let microsPerSecond: Int64 = 1_000_000
    package static let microsPerDay: Int64 = 86_400_000_000

    /// Floor division.
    @inline(__always)
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Days since 1970-01-01 of a civil date (proleptic Gregorian).
    package static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day number.
    package static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The local day number of a timestamp.
    @inline(__always)
    package static func localDay(_ micros: Int64, offsetSeconds: Int) -> Int64 {
        floorDiv(micros + Int64(offsetSeconds) * microsPerSecond, microsPerDay)
    }

    /// The UTC timestamp of local midnight of a day.
    @inline(__always)
    package static func midnight(ofDay day: Int64, offsetSeconds: Int) -> Int64 {
        day * microsPerDay - Int64(offsetSeconds) * microsPerSecond
    }

    /// Units of `date_trunc`.
    package enum Unit: String, Sendable, CaseIterable {
        case second, minute, hour, day, week, month, quarter, year

        package init?(name: String) {
            var n = name.lowercased()
            if n.hasSuffix("s") && n != "s" { n.removeLast() }
            switch n {
            case "second", "sec": self = .second
            case "minute", "min": self = .minute
            case "hour", "hr", "h": self = .hour
            case "day", "d": self = .day
            case "week", "w": self = .week
            case "month", "mon": self = .month
            case "quarter": self = .quarter
            case "year", "yr", "y": self = .year
            default: return nil
            }
        }
    }

    /// Truncates a timestamp to the start of its unit in local time; returns a UTC timestamp. Weeks start on Monday.
    package static func truncate(_ micros: Int64, to unit: Unit, offsetSeconds: Int) -> Int64 {
        let offset = Int64(offsetSeconds) * microsPerSecond
        let local = micros + offset
        if let length = fixedLength(unit) { return floorDiv(local, length) * length - offset }
        return midnight(ofDay: truncateDay(floorDiv(local, microsPerDay), to: unit), offsetSeconds: offsetSeconds)
    }

    /// The length in microseconds of a unit whose every instance has one (second, minute, hour, day: the
    /// zone's offset is fixed); nil for weeks and longer, which `truncate` finds through the day.
    static func fixedLength(_ unit: Unit) -> Int64? {
        switch unit {
        case .second: return microsPerSecond
        case .minute: return 60 * microsPerSecond
        case .hour: return 3600 * microsPerSecond
        case .day: return microsPerDay
        default: return nil
        }
    }

    /// Truncates a day number to the first day of its week (Monday), month, quarter or year.
    package static func truncateDay(_ day: Int64, to unit: Unit) -> Int64 {
        switch unit {
        case .second, .minute, .hour, .day: return day
        case .week:
            // 1970-01-01 was a Thursday: Monday-based weekday = (day + 3) mod 7.
            let weekday = ((day + 3) % 7 + 7) % 7
            return day - weekday
        case .month:
            let c = civil(days: day)
            return days(year: c.year, month: c.month, day: 1)
        case .quarter:
            let c = civil(days: day)
            return days(year: c.year, month: (c.month - 1) / 3 * 3 + 1, day: 1)
        case .year:
            return days(year: civil(days: day).year, month: 1, day: 1)
        }
    }

    /// Fields of EXTRACT and date_part.
    package enum Field: String, Sendable {
        case year, quarter, month, day, hour, minute, second, dow, isodow, doy, week, epoch, millisecond, microsecond

        package init?(name: String) {
            switch name.lowercased() {
            case "year", "years", "y": self = .year
            case "quarter", "quarters": self = .quarter
            case "month", "months", "mon": self = .month
            case "day", "days", "d": self = .day
            case "hour", "hours", "h": self = .hour
            case "minute", "minutes", "min": self = .minute
            case "second", "seconds", "s", "sec": self = .second
            case "dow", "dayofweek", "weekday": self = .dow
            case "isodow": self = .isodow
            case "doy", "dayofyear": self = .doy
            case "week", "weeks", "weekofyear": self = .week
            case "epoch": self = .epoch
            case "millisecond", "milliseconds", "ms": self = .millisecond
            case "microsecond", "microseconds", "us": self = .microsecond
            default: return nil
            }
        }
    }

    /// A field of a timestamp in local time.
    package static func extract(_ field: Field, fromTimestamp micros: Int64, offsetSeconds: Int) -> Int64 {
        let local = micros + Int64(offsetSeconds) * microsPerSecond
        let day = floorDiv(local, microsPerDay)
        let inDay = local - day * microsPerDay
        switch field {
        case .hour: return inDay / (3600 * microsPerSecond)
        case .minute: return inDay / (60 * microsPerSecond) % 60
        case .second: return inDay / microsPerSecond % 60
        case .millisecond: return inDay / 1000 % 60_000
        case .microsecond: return inDay % 60_000_000
        case .epoch: return floorDiv(micros, microsPerSecond)
        default: return extract(field, fromDay: day)
        }
    }

    /// A field of a day number (time fields are 0).
    package static func extract(_ field: Field, fromDay day: Int64) -> Int64 {
        switch field {
        case .year: return civil(days: day).year
        case .quarter: return (civil(days: day).month - 1) / 3 + 1
        case .month: return civil(days: day).month
        case .day: return civil(days: day).day
        case .dow: return ((day + 4) % 7 + 7) % 7  // Sunday = 0
        case .isodow: return ((day + 3) % 7 + 7) % 7 + 1  // Monday = 1
        case .doy: return day - days(year: civil(days: day).year, month: 1, day: 1) + 1
        case .week:
            // ISO week number.
            let isodow = ((day + 3) % 7 + 7) % 7 + 1
            let thursday = day - isodow + 4
            let year = civil(days: thursday).year
            return (thursday - days(year: year, month: 1, day: 1)) / 7 + 1
        case .epoch: return day * 86_400
        case .hour, .minute, .second, .millisecond, .microsecond: return 0
        }
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// `2025-10-01`
    package static func formatDate(_ day: Int64) -> String {
        let c = civil(days: day)
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))"
    }

    /// `2025-10-01 08:30:00` in local time; fractional seconds shown only when present.
    /// `YYYY-MM-DD HH:MM:SS[.ffffff]` in the zone; where the zone would leave years 0001–9999 (within hours of
    /// either end, under another zone than the database's), in UTC with a `Z`, which reads back the same.
    package static func formatTimestamp(_ micros: Int64, offsetSeconds: Int) -> String {
        if offsetSeconds != 0 && !ValueParsing.timestampRange.contains(micros &+ Int64(offsetSeconds) * microsPerSecond)
            && ValueParsing.timestampRange.contains(micros) {
            return formatTimestamp(micros, offsetSeconds: 0) + "Z"
        }
        let local = micros + Int64(offsetSeconds) * microsPerSecond
        let day = floorDiv(local, microsPerDay)
        let inDay = local - day * microsPerDay
        let seconds = inDay / microsPerSecond
        var text = formatDate(day) + " " + pad(seconds / 3600, 2) + ":" + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2)
        let fraction = inDay % microsPerSecond
        if fraction != 0 {
            var digits = pad(fraction, 6)
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text
    }

    /// The directives `strftime` knows (docs/SQL.md lists them).
    package static let strftimeDirectives: Set<Character> = ["Y", "y", "m", "d", "e", "H", "I", "p", "M", "S", "f", "j",
                                                            "u", "w", "V", "b", "B", "a", "A", "F", "T", "%"]

    /// The first directive of `format` that `strftime` does not know (`%` alone at the end included), or nil.
    package static func unknownStrftimeDirective(_ format: String) -> String? {
        var iterator = format.makeIterator()
        while let ch = iterator.next() {
            guard ch == "%" else { continue }
            guard let d = iterator.next() else { return "%" }
            if !strftimeDirectives.contains(d) { return "%" + String(d) }
        }
        return nil
    }

    /// The finest unit a strftime format shows, in microseconds: a microsecond (`%f`), a second (`%S`,
    /// `%T`), a minute (`%M`), else an hour (the other fields change at most once a local hour).
    package static func strftimeResolution(_ format: String) -> Int64 {
        var finest = 3600 * microsPerSecond
        var iterator = format.makeIterator()
        while let ch = iterator.next() {
            guard ch == "%", let d = iterator.next() else { continue }
            switch d {
            case "f": return 1
            case "S", "T": finest = Swift.min(finest, microsPerSecond)
            case "M": finest = Swift.min(finest, 60 * microsPerSecond)
            default: break
            }
        }
        return finest
    }

    /// `micros` in the zone `offsetSeconds` east of UTC, written by `format` (directives in
    /// `strftimeDirectives`; the binder refuses others).
    package static func strftime(_ micros: Int64, format: String, offsetSeconds: Int) -> String {
        let local = micros + Int64(offsetSeconds) * microsPerSecond
        let day = floorDiv(local, microsPerDay)
        let inDay = local - day * microsPerDay
        let c = civil(days: day)
        let seconds = inDay / microsPerSecond
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                      "October", "November", "December"]
        let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
        var out = ""
        var iterator = format.makeIterator()
        while let ch = iterator.next() {
            guard ch == "%" else { out.append(ch); continue }
            guard let d = iterator.next() else { out.append("%"); break }
            switch d {
            case "Y": out += pad(c.year, 4)
            case "y": out += pad(c.year % 100, 2)
            case "m": out += pad(c.month, 2)
            case "d": out += pad(c.day, 2)
            case "e": out += String(c.day)
            case "H": out += pad(seconds / 3600, 2)
            case "M": out += pad(seconds / 60 % 60, 2)
            case "S": out += pad(seconds % 60, 2)
            case "f": out += pad(inDay % microsPerSecond, 6)
            case "I": out += pad((seconds / 3600 + 11) % 12 + 1, 2)
            case "p": out += seconds / 3600 < 12 ? "AM" : "PM"
            case "j": out += pad(extract(.doy, fromDay: day), 3)
            case "u": out += String(extract(.isodow, fromDay: day))
            case "w": out += String(extract(.dow, fromDay: day))
            case "V": out += pad(extract(.week, fromDay: day), 2)
            case "b": out += String(months[Int(c.month) - 1].prefix(3))
            case "B": out += months[Int(c.month) - 1]
            case "a": out += String(weekdays[Int(extract(.dow, fromDay: day))].prefix(3))
            case "A": out += weekdays[Int(extract(.dow, fromDay: day))]
            case "F": out += formatDate(day)
            case "T": out += pad(seconds / 3600, 2) + ":" + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2)
            case "%": out += "%"
            default: out += "%" + String(d)
            }
        }
        return out
    }
}
