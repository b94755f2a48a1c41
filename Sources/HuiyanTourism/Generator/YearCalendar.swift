/// The days of one year in Hengyang (UTC+8, no DST): dates, weekdays and holidays, and the
/// relative daily volume of each feed that follows from them.
package struct YearCalendar: Sendable {
    package let year: Int
    /// Days since 1970-01-01 of 1 January.
    package let firstEpochDay: Int
    package let dayCount: Int

    package init(year: Int) {
        self.year = year
        firstEpochDay = Self.epochDay(year, 1, 1)
        dayCount = Self.epochDay(year + 1, 1, 1) - firstEpochDay
    }

    // MARK: Dates

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    package static func epochDay(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The 0-based day of the year of `month`/`day`.
    package func dayOfYear(_ month: Int, _ day: Int) -> Int { Self.epochDay(year, month, day) - firstEpochDay }

    /// (month, day) of the 0-based day of the year.
    package func date(ofDay index: Int) -> (month: Int, day: Int) {
        var month = 1
        while month < 12 && dayOfYear(month + 1, 1) <= index { month += 1 }
        return (month, index - dayOfYear(month, 1) + 1)
    }

    /// 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday).
    package func weekday(ofDay index: Int) -> Int { ((firstEpochDay + index + 4) % 7 + 7) % 7 }

    package func isWeekend(_ index: Int) -> Bool { let w = weekday(ofDay: index); return w == 0 || w == 6 }

    // MARK: Holidays

    /// 正月初一 of the years the generator knows; other years fall back to 5 February, the middle of
    /// the festival's range (21 January – 20 February).
    static let springFestivals: [Int: (Int, Int)] = [
        2015: (2, 19), 2016: (2, 8), 2017: (1, 28), 2018: (2, 16), 2019: (2, 5), 2020: (1, 25),
        2021: (2, 12), 2022: (2, 1), 2023: (1, 22), 2024: (2, 10), 2025: (1, 29), 2026: (2, 17),
        2027: (2, 6), 2028: (1, 26), 2029: (2, 13), 2030: (2, 3),
    ]

    /// Whether `springFestival` is the actual date (true) or the fallback.
    package var knowsSpringFestival: Bool { Self.springFestivals[year] != nil }

    /// The day of the year of 正月初一.
    package var springFestival: Int {
        let (month, day) = Self.springFestivals[year] ?? (2, 5)
        return dayOfYear(month, day)
    }

    /// The day of the year of 清明 (4 or 5 April; the usual formula for 1901–2099, else 5 April).
    package var qingming: Int {
        guard (1901...2099).contains(year) else { return dayOfYear(4, 5) }
        let y = year % 100
        let c = year >= 2000 ? 4.81 : 5.59
        return dayOfYear(4, Int(Double(y) * 0.2422 + c) - y / 4)
    }

    /// The days of the National Day Golden Week, 1–7 October.
    package var goldenWeek: ClosedRange<Int> { dayOfYear(10, 1)...dayOfYear(10, 7) }

    /// The days of the Labour Day holiday, 1–5 May.
    package var mayDay: ClosedRange<Int> { dayOfYear(5, 1)...dayOfYear(5, 5) }

    // MARK: Seasonality

    /// Relative visitor volume of each day: month, weekend, 元旦, Spring Festival, 清明, 五一, summer and
    /// 国庆, and the year's growth. Also used for ticket sales.
    package func tourismWeights() -> [Double] {
        let monthFactor: [Double] = [0.80, 0.90, 0.95, 1.05, 1.05, 0.95, 1.25, 1.30, 0.95, 1.10, 0.85, 0.75]
        let sf = springFestival, qm = qingming
        let festival: [Double] = [2.6, 3.0, 3.0, 2.8, 2.4, 2.0, 1.6]
        let mayDays: [Double] = [3.2, 3.0, 2.8, 2.4, 2.0]
        let golden: [Double] = [3.6, 4.0, 4.0, 3.8, 3.4, 2.8, 2.2]
        return (0..<dayCount).map { d in
            let (month, _) = date(ofDay: d)
            var w = monthFactor[month - 1]
            var holiday: Double? = nil
            if d == 0 { holiday = 1.6 }                                         // 元旦
            else if d == sf - 1 { holiday = 1.2 }                              // 除夕
            else if d >= sf && d < sf + 7 { holiday = festival[d - sf] }       // 春节假期
            else if d >= sf - 15 && d < sf - 1 { holiday = 0.65 }               // 返乡, few tourists
            else if d >= sf + 7 && d <= sf + 14 { holiday = d == sf + 14 ? 1.8 : 1.15 }  // to 元宵
            else if d >= qm - 1 && d <= qm + 1 { holiday = 1.9 }
            else if mayDay.contains(d) { holiday = mayDays[d - mayDay.lowerBound] }
            else if goldenWeek.contains(d) { holiday = golden[d - goldenWeek.lowerBound] }
            else if d == goldenWeek.upperBound + 1 { holiday = 0.7 }
            if let holiday { w *= holiday } else if isWeekend(d) { w *= 1.7 }
            return w * (1 + 0.10 * Double(d) / Double(dayCount))
        }
    }

    /// Relative online order volume of each day: 年货 before the Spring Festival and a lull during it,
    /// 618, 双十一, 双十二, a small lift in holidays and weekends, and the year's growth.
    package func orderWeights() -> [Double] {
        let monthFactor: [Double] = [1.00, 0.85, 0.90, 0.90, 0.95, 1.05, 0.95, 0.95, 1.00, 1.05, 1.25, 1.15]
        let sf = springFestival
        let jun18 = dayOfYear(6, 18), nov11 = dayOfYear(11, 11), dec12 = dayOfYear(12, 12)
        return (0..<dayCount).map { d in
            let (month, _) = date(ofDay: d)
            var w = monthFactor[month - 1]
            if d >= sf - 25 && d <= sf - 3 { w *= 1.5 }
            else if d >= sf - 2 && d <= sf + 5 { w *= 0.5 }
            if d == jun18 { w *= 2.6 } else if d >= jun18 - 17 && d < jun18 { w *= 1.2 }
            if d == nov11 { w *= 3.8 } else if d == nov11 + 1 { w *= 1.4 } else if d >= nov11 - 22 && d < nov11 { w *= 1.25 }
            if d == dec12 { w *= 1.8 }
            if mayDay.contains(d) || goldenWeek.contains(d) { w *= 1.15 } else if isWeekend(d) { w *= 1.1 }
            return w * (1 + 0.20 * Double(d) / Double(dayCount))
        }
    }

    /// Splits `total` rows over the days in proportion to `weights` (largest remainders, ties to the
    /// earlier day): the counts sum to `total` exactly.
    static func apportion(_ total: Int, weights: [Double]) -> [Int] {
        let sum = weights.reduce(0, +)
        guard total > 0, sum > 0 else { return [Int](repeating: 0, count: weights.count) }
        let exact = weights.map { Double(total) * $0 / sum }
        var counts = exact.map { Int($0.rounded(.down)) }
        var left = total - counts.reduce(0, +)
        let order = exact.indices.sorted { a, b in
            let ra = exact[a] - Double(counts[a]), rb = exact[b] - Double(counts[b])
            return ra != rb ? ra > rb : a < b
        }
        var k = 0
        while left > 0 {
            counts[order[k % order.count]] += 1
            left -= 1
            k += 1
        }
        return counts
    }
}
