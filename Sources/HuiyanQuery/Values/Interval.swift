/// A length of time as PostgreSQL and DuckDB hold it: calendar months, days and microseconds, kept apart
/// because a month's length depends on the date it is added to (and a day's would, in a zone with daylight
/// saving). Months and days fit in 32 bits each, as in DuckDB.
///
/// Two intervals compare, group and join by their `normalizedMicros` (a month counted as 30 days, a day as
/// 24 hours, as DuckDB and PostgreSQL compare them): `INTERVAL '1 month' = INTERVAL '30 days'`. In a
/// `Vector` the integer lane holds that total and `Vector.intervalParts` the months and days (`packed`), so
/// everything that orders or hashes integers orders and hashes intervals as DuckDB does.
public struct Interval: Sendable, Hashable {
    /// Calendar months.
    public var months: Int64
    /// Days.
    public var days: Int64
    /// Microseconds.
    public var micros: Int64

    package static let daysPerMonth: Int64 = 30
    static let microsPerMonth = daysPerMonth * TimeMath.microsPerDay

    /// An interval of the given parts.
    public init(months: Int64 = 0, days: Int64 = 0, micros: Int64 = 0) {
        self.months = months
        self.days = days
        self.micros = micros
    }

    /// The interval as PostgreSQL and DuckDB write it.
    public var text: String { ValueFormatting.interval(self) }

    /// Months as 30 days and days as 24 hours, in microseconds; nil past Int64.
    package var normalizedMicros: Int64? {
        let (m, o1) = months.multipliedReportingOverflow(by: Interval.microsPerMonth)
        let (d, o2) = days.multipliedReportingOverflow(by: TimeMath.microsPerDay)
        let (s, o3) = m.addingReportingOverflow(d)
        let (t, o4) = s.addingReportingOverflow(micros)
        return o1 || o2 || o3 || o4 ? nil : t
    }

    /// The interval, checked: months and days within 32 bits and the time and the total within ±(2⁶³ − 1)
    /// (so that each negates), else an error naming it.
    func checked() throws -> Interval {
        guard Int64(Int32.min)...Int64(Int32.max) ~= months, Int64(Int32.min)...Int64(Int32.max) ~= days, micros != .min,
              let total = normalizedMicros, total != .min else {
            throw QueryError("INTERVAL out of range: \(text) (months and days hold 32 bits each, the whole ±290,000 years)")
        }
        return self
    }

    /// The total the integer lane holds (call on a `checked()` interval).
    var key: Int64 { normalizedMicros ?? 0 }

    /// Months and days in one word: months in the high 32 bits, days in the low.
    var packed: Int64 { (months << 32) | Int64(UInt32(truncatingIfNeeded: days)) }

    /// The interval of a lane's total and packed months and days.
    init(key: Int64, packed: Int64) {
        months = packed >> 32
        days = Int64(Int32(truncatingIfNeeded: packed))
        micros = key &- months &* Interval.microsPerMonth &- days &* TimeMath.microsPerDay
    }

    /// The interval of a total without its parts (a lane that lost them): whole days and the rest.
    init(key: Int64) {
        days = key / TimeMath.microsPerDay
        micros = key % TimeMath.microsPerDay
        months = 0
    }

    /// The span between two instants as `ts1 - ts2` gives it in DuckDB: whole days and the rest, one sign.
    static func between(_ micros: Int64) -> Interval { Interval(key: micros) }

    package static prefix func - (x: Interval) -> Interval { Interval(months: -x.months, days: -x.days, micros: -x.micros) }

    /// The part-wise sum (or difference), checked.
    func adding(_ other: Interval, sign: Int64 = 1) throws -> Interval {
        let (m, o1) = months.addingReportingOverflow(sign * other.months)
        let (d, o2) = days.addingReportingOverflow(sign * other.days)
        let (u, o3) = micros.addingReportingOverflow(sign * other.micros)
        guard !o1, !o2, !o3 else { throw QueryError("INTERVAL out of range in \(sign > 0 ? "+" : "-"): \(text) and \(other.text)") }
        return try Interval(months: m, days: d, micros: u).checked()
    }

    /// Each part times `k`, exactly.
    func multiplied(by k: Int64) throws -> Interval {
        let (m, o1) = months.multipliedReportingOverflow(by: k)
        let (d, o2) = days.multipliedReportingOverflow(by: k)
        let (u, o3) = micros.multipliedReportingOverflow(by: k)
        guard !o1, !o2, !o3 else { throw QueryError("INTERVAL out of range in *: \(text) * \(k)") }
        return try Interval(months: m, days: d, micros: u).checked()
    }

    /// Each part times `factor`, a fraction of a month carried into days (of 30) and of a day into
    /// microseconds, as DuckDB: `INTERVAL '1 month 1 day' * 1.5` is 1 month 16 days 12:00:00.
    func multiplied(by factor: Double) throws -> Interval {
        guard factor.isFinite else { throw QueryError("INTERVAL out of range in *: \(text) * \(factor)") }
        let m = Double(months) * factor, wholeMonths = m.rounded(.towardZero)
        let d = Double(days) * factor + (m - wholeMonths) * Double(Interval.daysPerMonth), wholeDays = d.rounded(.towardZero)
        let u = (Double(micros) * factor + (d - wholeDays) * Double(TimeMath.microsPerDay)).rounded()
        guard wholeMonths.magnitude < 9e18, wholeDays.magnitude < 9e18, u.magnitude < 9e18 else {
            throw QueryError("INTERVAL out of range in *: \(text) * \(factor)")
        }
        return try Interval(months: Int64(wholeMonths), days: Int64(wholeDays), micros: Int64(u)).checked()
    }

    /// Each part divided by `k`, the remainders carried down as DuckDB: `INTERVAL '1 month' / 2` is 15 days.
    func divided(by k: Int64) throws -> Interval? {
        guard k != 0 else { return nil }
        let m = months / k
        let (dd, o1) = days.addingReportingOverflow((months % k) * Interval.daysPerMonth)
        let d = dd / k
        let (uu, o2) = micros.addingReportingOverflow((dd % k) * TimeMath.microsPerDay)
        guard !o1, !o2, !(uu == .min && k == -1) else { throw QueryError("INTERVAL out of range in /: \(text) / \(k)") }
        return try Interval(months: m, days: d, micros: DecimalMath.roundDiv(uu, k)).checked()
    }

    /// `ts1 − ts2` in years, months, days and time of day as PostgreSQL's and DuckDB's age: the calendar
    /// fields subtracted in the zone `offsetSeconds`, a negative field borrowing from the next larger (a day
    /// borrows the length of the earlier time's month), the sign of the whole applied to every part.
    static func age(_ ts1: Int64, _ ts2: Int64, offsetSeconds: Int) -> Interval {
        func fields(_ ts: Int64) -> (y: Int64, m: Int64, d: Int64, time: Int64) {
            let day = TimeMath.localDay(ts, offsetSeconds: offsetSeconds)
            let (y, m, d) = TimeMath.civil(days: day)
            return (y, m, d, ts - TimeMath.midnight(ofDay: day, offsetSeconds: offsetSeconds))
        }
        let later = ts1 >= ts2
        let a = fields(later ? ts1 : ts2), b = fields(later ? ts2 : ts1)
        var years = a.y - b.y, months = a.m - b.m, days = a.d - b.d, time = a.time - b.time
        if time < 0 { time += TimeMath.microsPerDay; days -= 1 }
        if days < 0 { days += FunctionRegistry.daysInMonth(b.y, b.m); months -= 1 }
        if months < 0 { months += 12; years -= 1 }
        let result = Interval(months: years * 12 + months, days: days, micros: time)
        return later ? result : -result
    }
}
