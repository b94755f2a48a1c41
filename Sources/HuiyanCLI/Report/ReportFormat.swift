import Foundation

/// Numbers as the bureau writes them: 万 and 亿, yuan from fen, shares as percentages.
enum ReportFormat {
    /// `81234567` → `8123.5万`, `1234` → `1,234`.
    static func count(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1e8 { return String(format: "%.2f亿", value / 1e8) }
        if magnitude >= 1e4 { return String(format: "%.1f万", value / 1e4) }
        return Formatting.grouped(Int(value.rounded()))
    }

    /// Fen as yuan: `7000000000000` → `700.00亿元`.
    static func money(fen: Double) -> String {
        let yuan = fen / 100
        if abs(yuan) >= 1e8 { return String(format: "%.2f亿元", yuan / 1e8) }
        if abs(yuan) >= 1e4 { return String(format: "%.1f万元", yuan / 1e4) }
        return String(format: "%.2f元", yuan)
    }

    /// A figure of a target's unit.
    static func figure(_ value: Double, _ unit: TargetProgress.Unit) -> String {
        unit == .fen ? money(fen: value) : count(value) + "人次"
    }

    /// A figure as an axis label: without a fraction that is all zeros (`500.0万元` → `500万元`, `0.00元` → `0元`).
    static func axis(_ text: String) -> String {
        text.replacingOccurrences(of: #"\.0+(?![0-9])"#, with: "", options: .regularExpression)
    }

    static func percent(_ share: Double, digits: Int = 1) -> String {
        String(format: "%.\(digits)f%%", share * 100)
    }

    /// A bar of `width` cells for `share` (0…1), in eighths.
    static func bar(_ share: Double, width: Int) -> String { Formatting.bar(share, width: width) }
}

extension ReportData {
    /// Tourism revenue growth against the same days of the year before, next to the plan's rate.
    var growthNote: String {
        guard let target = revenueGrowthTarget else { return "" }
        let goal = "旅游总收入年均增长目标 \(ReportFormat.percent(target, digits: 0))"
        guard let growth = revenueGrowth else { return "\(goal); 数据库中无上年同期数据，无法计算增长。" }
        return "\(goal); 与上年同期相比 \(growth >= 0 ? "+" : "")\(ReportFormat.percent(growth))。"
    }

    /// How many enterprises are past 10亿元 against the plan's number.
    var enterpriseNote: String {
        let threshold = ReportFormat.money(fen: Double(enterpriseThresholdFen))
        guard !merchants.isEmpty else { return "电商交易额超\(threshold)企业: 订单数据未含商家（merchant），无法统计。" }
        return "电商交易额超\(threshold)企业: \(enterprisesPastThreshold) 家（目标不少于 \(enterpriseTarget) 家，\(merchants.count) 家企业有交易）。"
    }
}
