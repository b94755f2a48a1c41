/// The progress report against the plan's targets, as numbers: what `huiyan report` prints and draws.
/// Counts are exact integers and money is in fen, as the SQL returned them. `ReportBuilder` fills it.
struct ReportData: Sendable {
    var year: Int
    /// The last day counted, `YYYY-MM-DD`, and its 0-based day of the year.
    var asOf: String
    var asOfDay: Int
    var daysInYear: Int
    /// Arrivals, tourism revenue, 网络零售, e-commerce volume: to date against the year's targets.
    var targets: [TargetProgress]
    /// Tourism revenue to date against the same days of the year before (nil without data for them),
    /// next to the plan's yearly growth rate.
    var revenueGrowth: Double?
    var revenueGrowthTarget: Double?
    /// Merchants by e-commerce volume to date, the largest first (empty when the orders carry no merchants),
    /// the volume that counts (10亿元, in fen) and how many enterprises the plan wants past it.
    var merchants: [ReportRow]
    var enterpriseThresholdFen: Int64
    var enterpriseTarget: Int
    /// Arrivals (`count`) and tourism revenue (`amount`) by spot, grade, theme, route and county.
    var spots: [ReportRow]
    var grades: [ReportRow]
    var themes: [ReportRow]
    var routes: [ReportRow]
    var counties: [ReportRow]
    /// Online retail by county of origin of the goods (`count` = order lines).
    var retailCounties: [ReportRow]
    /// 雁城四宝 sales: order lines and amount by product, and by product and platform (`detail` = platform).
    var treasures: [ReportRow]
    var treasurePlatforms: [ReportRow]
    /// Every product's online sales, the largest first.
    var products: [ReportRow]
    /// Months 1…12 of the year up to the as-of day.
    var months: [MonthFigures]

    /// The number of merchants past the threshold.
    var enterprisesPastThreshold: Int { merchants.filter { $0.amount > enterpriseThresholdFen }.count }
    /// 雁城四宝 sales as a table: the platforms by their total, the largest first, and per product (in the order
    /// of `treasures`) its amount on each.
    var treasureTable: (platforms: [String], rows: [(product: String, amounts: [Int64])]) {
        var totals: [String: Int64] = [:], cells: [String: Int64] = [:]
        for row in treasurePlatforms {
            totals[row.detail, default: 0] += row.amount
            cells[row.name + "\u{0}" + row.detail] = row.amount
        }
        let platforms = totals.keys.sorted { (totals[$0]!, $1) > (totals[$1]!, $0) }
        return (platforms, treasures.map { product in (product.name, platforms.map { cells[product.name + "\u{0}" + $0] ?? 0 }) })
    }

    /// The share of the year's days counted.
    var yearElapsed: Double { Double(asOfDay + 1) / Double(daysInYear) }
}

/// One figure to date against its target for the year.
struct TargetProgress: Sendable {
    enum Unit: Sendable { case visits, fen }

    /// The metric of targets.csv (visitor_arrivals, tourism_revenue, online_retail, ecommerce_volume).
    var metric: String
    /// The Chinese name shown, e.g. 游客接待量.
    var label: String
    var unit: Unit
    var target: Int64
    var toDate: Int64
    /// What is needed per remaining day to reach the target (0 when reached or no day is left).
    var neededPerDay: Double
    /// The average per day so far.
    var pacePerDay: Double
    /// The year's figure if the rest of the year follows the seasonal profile as the year so far did.
    var projection: Double
    /// The share of the year's seasonal volume that lies up to the as-of day: where a figure on course for
    /// its target stands by now.
    var expectedShare: Double

    var share: Double { target > 0 ? Double(toDate) / Double(target) : 0 }
    var projectedShare: Double { target > 0 ? projection / Double(target) : 0 }
}

/// One row of a breakdown: a name, what it is (grade and theme, county, platform), a count and an amount in fen.
struct ReportRow: Sendable, Equatable {
    var name: String
    var detail: String = ""
    var count: Int64
    var amount: Int64
}

/// One month's arrivals, tourism revenue and online retail.
struct MonthFigures: Sendable, Equatable {
    var month: Int
    var arrivals: Int64
    var revenue: Int64
    var orders: Int64
    var retail: Int64
}
