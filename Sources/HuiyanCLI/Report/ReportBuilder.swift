import Foundation
import HuiyanQuery
import HuiyanTourism

/// Computes a `ReportData` with plain SQL on the database, the catalogs rolling spots up to grades, themes and
/// counties (until the query core joins the dimension tables) and the calendar's seasonal profile projecting
/// the year.
///
/// Definitions: arrivals are visits rows; tourism revenue is the visits' `spend`; 网络零售 is the orders'
/// `amount` (refunds negative); e-commerce volume counts the same order lines — the feeds carry retail orders
/// only, no B2B trade — and so do the merchants' volumes.
struct ReportBuilder {
    let engine: QueryEngine
    let catalog: Catalog
    var context = QueryContext(threads: ProcessInfo.processInfo.activeProcessorCount)

    /// The category of the flagship products.
    static let treasureCategory = "雁城四宝"
    /// 10亿元 in fen: the e-commerce volume an enterprise must pass.
    static let enterpriseThresholdFen: Int64 = 100_000_000_000

    /// The report of `year` up to `asOf` (`YYYY-MM-DD`; default: the last day of the year with visits or orders).
    func build(year: Int, asOf: String? = nil) throws -> ReportData {
        let calendar = YearCalendar(year: year)
        let asOfDay: Int
        if let asOf {
            guard let day = Self.dayOfYear(asOf, in: calendar) else {
                throw ReportError("--as-of \(asOf) is not a date (YYYY-MM-DD) in \(year)")
            }
            asOfDay = day
        } else {
            asOfDay = try lastDayWithData(calendar)
        }
        let (month, day) = calendar.date(ofDay: asOfDay)
        let asOfText = String(format: "%04d-%02d-%02d", year, month, day)
        // The day after, as the exclusive end of the range; the same in the year before (1 March for 29 February).
        let isLastDay = asOfDay + 1 == calendar.dayCount
        let next = isLastDay ? (month: 1, day: 1) : calendar.date(ofDay: asOfDay + 1)
        let endText = String(format: "%04d-%02d-%02d", isLastDay ? year + 1 : year, next.month, next.day)
        let previousNext = next == (2, 29) ? (month: 3, day: 1) : next
        let previousEnd = String(format: "%04d-%02d-%02d", isLastDay ? year : year - 1, previousNext.month, previousNext.day)
        let range = "ts >= '\(year)-01-01' AND ts < '\(endText)'"

        // Visits by spot: arrivals and revenue, the base of the spot, grade, theme and county breakdowns.
        let spotRows = try rows("SELECT spot, count(*), sum(spend) FROM visits WHERE \(range) GROUP BY spot")
        let arrivals = spotRows.reduce(0) { $0 + $1.count }, revenue = spotRows.reduce(0) { $0 + $1.amount }
        let routes = try rows("SELECT route, count(*), sum(spend) FROM visits WHERE \(range) AND route IS NOT NULL GROUP BY route")
        let productRows = try rows("SELECT product, count(*), sum(amount) FROM orders WHERE \(range) GROUP BY product")
        let retail = productRows.reduce(0) { $0 + $1.amount }
        let merchants = try rows("SELECT merchant, count(*), sum(amount) FROM orders WHERE \(range) AND merchant IS NOT NULL GROUP BY merchant")
        let retailCounties = try rows("SELECT county, count(*), sum(amount) FROM orders WHERE \(range) AND county IS NOT NULL GROUP BY county")
        let treasurePlatforms = try rows(
            "SELECT product, platform, count(*), sum(amount) FROM orders WHERE \(range) AND category = '\(Self.treasureCategory)' GROUP BY product, platform",
            detail: true)

        var months = (1...month).map { MonthFigures(month: $0, arrivals: 0, revenue: 0, orders: 0, retail: 0) }
        for row in try rows("SELECT month(ts), count(*), sum(spend) FROM visits WHERE \(range) GROUP BY 1") {
            if let m = Int(row.name), (1...month).contains(m) { months[m - 1].arrivals = row.count; months[m - 1].revenue = row.amount }
        }
        for row in try rows("SELECT month(ts), count(*), sum(amount) FROM orders WHERE \(range) GROUP BY 1") {
            if let m = Int(row.name), (1...month).contains(m) { months[m - 1].orders = row.count; months[m - 1].retail = row.amount }
        }

        // The same days of the year before, for revenue growth.
        let lastYear = "ts >= '\(year - 1)-01-01' AND ts < '\(previousEnd)'"
        let previous = try rows("SELECT 'all', count(*), sum(spend) FROM visits WHERE \(lastYear)").first
        let growth = previous.flatMap { $0.count > 0 && $0.amount > 0 ? Double(revenue) / Double($0.amount) - 1 : nil }

        let tourismShare = Self.seasonalShare(calendar.tourismWeights(), through: asOfDay)
        let orderShare = Self.seasonalShare(calendar.orderWeights(), through: asOfDay)
        func progress(_ metric: String, _ label: String, _ unit: TargetProgress.Unit, _ toDate: Int64, _ share: Double) -> TargetProgress {
            let target = catalog.targets.first { $0.metric == metric && $0.year == year } ?? catalog.target(metric)
            let targetValue = Int64(((target?.value ?? 0) * (unit == .fen ? 100 : 1)).rounded())
            let remaining = calendar.dayCount - asOfDay - 1
            return TargetProgress(metric: metric, label: label, unit: unit, target: targetValue, toDate: toDate,
                                  neededPerDay: remaining > 0 ? max(0, Double(targetValue - toDate) / Double(remaining)) : 0,
                                  pacePerDay: Double(toDate) / Double(asOfDay + 1),
                                  projection: share > 0 ? Double(toDate) / share : 0, expectedShare: share)
        }

        func rollUp(_ key: @escaping (Spot) -> String) -> [ReportRow] {
            Self.sorted(Self.totals(spotRows) { catalog.spot(named: $0.name).map(key) ?? "其他" }, byCount: true)
        }
        let spots = spotRows.map { row -> ReportRow in
            var row = row
            if let spot = catalog.spot(named: row.name) { row.detail = "\(Self.grade(of: spot))·\(spot.theme)·\(spot.county)" }
            return row
        }

        return ReportData(
            year: year, asOf: asOfText, asOfDay: asOfDay, daysInYear: calendar.dayCount,
            targets: [
                progress("visitor_arrivals", "游客接待量", .visits, arrivals, tourismShare),
                progress("tourism_revenue", "旅游总收入", .fen, revenue, tourismShare),
                progress("online_retail", "网络零售额", .fen, retail, orderShare),
                progress("ecommerce_volume", "电子商务交易额", .fen, retail, orderShare),
            ],
            revenueGrowth: growth,
            revenueGrowthTarget: catalog.target("tourism_revenue_growth")?.value,
            merchants: Self.sorted(merchants),
            enterpriseThresholdFen: Self.enterpriseThresholdFen,
            enterpriseTarget: Int(catalog.target("enterprises_over_1b")?.value ?? 0),
            spots: Self.sorted(spots, byCount: true),
            grades: rollUp(Self.grade).sorted { $0.name < $1.name },
            themes: rollUp(\.theme),
            routes: Self.sorted(routes, byCount: true),
            counties: rollUp(\.county),
            retailCounties: Self.sorted(retailCounties),
            treasures: Self.sorted(Self.totals(treasurePlatforms, by: \.name)),
            treasurePlatforms: treasurePlatforms.sorted { ($0.name, -$0.amount) < ($1.name, -$1.amount) },
            products: Self.sorted(productRows),
            months: months)
    }

    /// Runs a grouping query whose last two columns are a count and a sum; the first is the name (and the
    /// second the detail when `detail` is set). NULL sums count as 0.
    func rows(_ sql: String, detail: Bool = false) throws -> [ReportRow] {
        guard let result = try engine.execute(sql, context: context).last else { return [] }
        return result.rows.map { row in
            let n = row.count
            return ReportRow(name: Self.text(row[0]), detail: detail ? Self.text(row[1]) : "",
                             count: Self.integer(row[n - 2]), amount: Self.integer(row[n - 1]))
        }
    }

    /// The 0-based day of the year of the latest visit or order of `calendar`'s year.
    private func lastDayWithData(_ calendar: YearCalendar) throws -> Int {
        let range = "ts >= '\(calendar.year)-01-01' AND ts < '\(calendar.year + 1)-01-01'"
        var latest: Int64?
        for table in ["visits", "orders"] {
            let result = try engine.execute("SELECT max(date(ts)) FROM \(table) WHERE \(range)", context: context)
            if case .date(let day)? = result.last?.rows.first?.first { latest = max(latest ?? day, day) }
        }
        guard let latest else {
            throw ReportError("the database holds no visits or orders in \(calendar.year) (try --year, or run huiyan demo)")
        }
        return Int(latest) - calendar.firstEpochDay
    }

    /// The share of the year's seasonal weight that falls on days 0…`day`.
    static func seasonalShare(_ weights: [Double], through day: Int) -> Double {
        let total = weights.reduce(0, +)
        return total > 0 ? weights.prefix(day + 1).reduce(0, +) / total : 0
    }

    static func dayOfYear(_ text: String, in calendar: YearCalendar) -> Int? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, parts[0] == calendar.year, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        let day = calendar.dayOfYear(parts[1], parts[2])
        guard (0..<calendar.dayCount).contains(day), calendar.date(ofDay: day) == (parts[1], parts[2]) else { return nil }
        return day
    }

    /// The grade as the report shows it: 5A … 1A, or 未评级 for none.
    static func grade(of spot: Spot) -> String { spot.grade == "none" ? "未评级" : spot.grade }

    /// Counts and amounts summed per `key` of the rows.
    static func totals(_ rows: [ReportRow], by key: (ReportRow) -> String) -> [ReportRow] {
        var totals: [String: ReportRow] = [:]
        for row in rows {
            let name = key(row)
            totals[name, default: ReportRow(name: name, count: 0, amount: 0)].count += row.count
            totals[name, default: ReportRow(name: name, count: 0, amount: 0)].amount += row.amount
        }
        return Array(totals.values)
    }

    /// Rows by amount (or count), the largest first, then by name.
    static func sorted(_ rows: [ReportRow], byCount: Bool = false) -> [ReportRow] {
        rows.sorted { a, b in
            let (x, y) = byCount ? (a.count, b.count) : (a.amount, b.amount)
            return x != y ? x > y : a.name < b.name
        }
    }

    static func text(_ value: Value) -> String {
        switch value {
        case .string(let s): return s
        case .int(let v): return String(v)
        case .null: return ""
        default: return "\(value)"
        }
    }

    static func integer(_ value: Value) -> Int64 {
        switch value {
        case .int(let v), .money(let v): return v
        default: return 0
        }
    }
}

/// A report that cannot be made (no data, a bad date).
struct ReportError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
