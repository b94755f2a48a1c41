import HuiyanBuffers

extension ValueParsing {
    /// The default local zone offset of the database: Asia/Shanghai, UTC+08:00 (no DST since 1991).
    package static let defaultLocalOffsetSeconds = 8 * 3600

    /// Parses an ISO 8601 timestamp into microseconds since 1970-01-01T00:00:00Z.
    ///
    /// Accepted forms (all fields zero-padded, fixed width):
    /// - `YYYY-MM-DD` — midnight local time;
    /// - `YYYY-MM-DD[T|t|space]HH:MM[:SS[.f…]]` followed by nothing (local time), `Z`/`z`, or an
    ///   offset `±HH:MM`, `±HHMM` or `±HH`.
    ///
    /// Fractional seconds have 1–9 digits; digits beyond microseconds are truncated (not rounded).
    /// Years are 0001–9999 (the instant within them in UTC, and with `withinLocalYears` in local time: what a
    /// feed may hold, so that stored instants print in the database's zone with four-digit years), months 1–12, days valid for the month (leap years per the Gregorian
    /// rules), hours 0–23, minutes and seconds 0–59: leap second `:60` and `24:00` are rejected.
    /// Offsets may have hours 0–23 and minutes 0–59. Local time means `localOffsetSeconds` east
    /// of UTC (a fixed offset, not a zone with DST). Pure integer arithmetic; no Foundation.
    package static func parseTimestampMicros(
        _ bytes: UnsafeBufferPointer<UInt8>,
        localOffsetSeconds: Int = defaultLocalOffsetSeconds,
        withinLocalYears: Bool = false
    ) -> ParsedValue<Int64> {
        let n = bytes.count
        guard n > 0 else { return .invalid(.empty) }
        let b = UncheckedBytes(bytes)
        let malformed = ParsedValue<Int64>.invalid(
            hasSurroundingWhitespace(bytes) ? .surroundingWhitespace : .invalidTimestamp(.malformed))

        // Reads `count` ASCII digits at `at` as a number, or -1 if any is not a digit.
        @inline(__always) func digits(_ at: Int, _ count: Int) -> Int {
            var v = 0
            for k in at..<(at + count) {
                let d = b[unchecked: k] &- ASCIIByte.zero
                if d >= 10 { return -1 }
                v = v * 10 + Int(d)
            }
            return v
        }

        // Date: YYYY-MM-DD
        guard n >= 10, b[unchecked: 4] == ASCIIByte.minus, b[unchecked: 7] == ASCIIByte.minus else { return malformed }
        let year = digits(0, 4), month = digits(5, 2), day = digits(8, 2)
        guard year >= 0, month >= 0, day >= 0 else { return malformed }
        if year < 1 { return .invalid(.invalidTimestamp(.year(year))) }
        if month < 1 || month > 12 { return .invalid(.invalidTimestamp(.month(month))) }
        if day < 1 || day > daysInMonth(year: year, month: month) {
            return .invalid(.invalidTimestamp(.day(day, month: month, year: year)))
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        if n == 10 {
            return .value((days * 86_400 - Int64(localOffsetSeconds)) * 1_000_000)
        }

        // Time: HH:MM[:SS[.fraction]]
        let sep = b[unchecked: 10]
        guard sep == UInt8(ascii: "T") || sep == UInt8(ascii: "t") || sep == ASCIIByte.space,
              n >= 16, b[unchecked: 13] == ASCIIByte.colon else { return malformed }
        let hour = digits(11, 2), minute = digits(14, 2)
        guard hour >= 0, minute >= 0 else { return malformed }
        var i = 16
        var second = 0
        var micros = 0
        if i < n, b[unchecked: i] == ASCIIByte.colon {
            guard i + 3 <= n else { return malformed }
            second = digits(i + 1, 2)
            guard second >= 0 else { return malformed }
            i += 3
            if i < n, b[unchecked: i] == ASCIIByte.dot {
                i += 1
                let fractionStart = i
                while i < n, ASCIIByte.isDigit(b[unchecked: i]) {
                    if i - fractionStart < 6 { micros = micros * 10 + Int(b[unchecked: i] &- ASCIIByte.zero) }
                    i += 1
                }
                let fractionDigits = i - fractionStart
                guard fractionDigits > 0 else { return malformed }
                if fractionDigits > 9 { return .invalid(.invalidTimestamp(.fractionTooLong)) }
                for _ in fractionDigits..<max(fractionDigits, 6) { micros *= 10 }
            }
        }

        // Offset: nothing | Z | ±HH[:MM] | ±HHMM
        var offsetSeconds = localOffsetSeconds
        if i < n {
            let c = b[unchecked: i]
            if c == UInt8(ascii: "Z") || c == UInt8(ascii: "z") {
                guard i + 1 == n else { return malformed }
                offsetSeconds = 0
            } else if c == ASCIIByte.plus || c == ASCIIByte.minus {
                guard i + 3 <= n else { return malformed }
                let oh = digits(i + 1, 2)
                guard oh >= 0 else { return malformed }
                var om = 0
                var j = i + 3
                if j < n {
                    if b[unchecked: j] == ASCIIByte.colon { j += 1 }
                    guard j + 2 == n else { return malformed }
                    om = digits(j, 2)
                    guard om >= 0 else { return malformed }
                }
                if oh > 23 || om > 59 { return .invalid(.invalidTimestamp(.offset(hours: oh, minutes: om))) }
                offsetSeconds = (oh * 3600 + om * 60) * (c == ASCIIByte.minus ? -1 : 1)
            } else {
                return malformed
            }
        }

        if hour > 23 { return .invalid(.invalidTimestamp(.hour(hour))) }
        if minute > 59 { return .invalid(.invalidTimestamp(.minute(minute))) }
        if second > 59 { return .invalid(.invalidTimestamp(.second(second))) }

        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        let value = seconds * 1_000_000 + Int64(micros)
        // An instant lies in years 0001–9999 in UTC (and, with `withinLocalYears`, in local time too): then it
        // prints with a four-digit year — in the zone, or in UTC with `Z` where a zone would leave that range —
        // and that text reads back as the same instant.
        let local = value + Int64(localOffsetSeconds) * 1_000_000
        guard timestampRange.contains(value), !withinLocalYears || timestampRange.contains(local) else {
            return .invalid(.invalidTimestamp(.outOfRange))
        }
        return .value(value)
    }

    /// Microseconds from 0001-01-01T00:00:00 up to (not including) 10000-01-01T00:00:00.
    package static let timestampRange: Range<Int64> =
        daysFromCivil(year: 1, month: 1, day: 1) * 86_400_000_000 ..< daysFromCivil(year: 10_000, month: 1, day: 1) * 86_400_000_000

    /// True for Gregorian leap years.
    @inline(__always)
    static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// Number of days in `month` (1–12) of `year`.
    @inline(__always)
    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    @inline(__always)
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400                                          // [0, 399]
        let mp = month > 2 ? month - 3 : month + 9                       // March = 0
        let doy = (153 * mp + 2) / 5 + day - 1                           // [0, 365]
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy                  // [0, 146096]
        return Int64(era * 146_097 + doe - 719_468)
    }
}
