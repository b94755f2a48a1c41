/// A county or district of Hengyang (counties.csv).
package struct County: Sendable, Hashable {
    package var name: String
    /// 市辖区, 县 or 县级市.
    package var kind: String
    /// Resident population in 万 (illustrative).
    package var populationWan: Double
}

/// A scenic spot (spots.csv).
package struct Spot: Sendable, Hashable {
    package var name: String
    package var county: String
    /// 5A, 4A, 3A, 2A, 1A or none.
    package var grade: String
    /// 山岳, 书院人文, 红色, 乡村, 工业遗存, 湿地 …
    package var theme: String
    /// Relative popularity: the share of visits the spot draws.
    package var weight: Double
    /// The full ticket price in fen (0 for a free spot).
    package var priceFen: Int64
    /// Opening hour (0–23) and closing hour (1–24, exclusive), local time.
    package var openHour: Int
    package var closeHour: Int
    /// Typical tourism spending of one visit, in fen.
    package var spendFen: Int64
}

/// A tour route and the spots it takes in (routes.csv, one line per route and spot).
package struct Route: Sendable, Hashable {
    package var name: String
    package var spots: [String]
}

/// A product sold online (products.csv).
package struct Product: Sendable, Hashable {
    package var name: String
    /// 雁城四宝, 特色农产品, 文创 …
    package var category: String
    /// The county of origin of the goods, if any.
    package var county: String?
    /// Unit price in fen.
    package var priceFen: Int64
    /// Relative share of order lines.
    package var weight: Double
    /// The enterprises selling it, the largest first.
    package var merchants: [String]
}

/// An online sales platform with its share of orders at the start and at the end of the year (platforms.csv).
package struct Platform: Sendable, Hashable {
    package var name: String
    package var shareStart: Double
    package var shareEnd: Double

    /// The share at `fraction` of the year (0 = 1 January, 1 = 31 December), linearly interpolated.
    package func share(at fraction: Double) -> Double {
        shareStart + (shareEnd - shareStart) * min(max(fraction, 0), 1)
    }
}

/// A province, region or country visitors and buyers come from (origins.csv).
package struct Origin: Sendable, Hashable {
    package var name: String
    /// 省份, 港澳台 or 海外.
    package var kind: String
    package var visitorWeight: Double
    package var buyerWeight: Double

    /// Whether the origin is outside the mainland (the buyers of 跨境电商).
    package var isCrossBorder: Bool { kind == "海外" || kind == "港澳台" }
}

/// A kind of ticket (ticket_types.csv).
package struct TicketType: Sendable, Hashable {
    package var name: String
    /// The price factor in ten-thousandths (全价票 10000, 优惠票 5000, 免票 0).
    package var factorBasisPoints: Int64
    package var weight: Double

    package var factor: Double { Double(factorBasisPoints) / 10_000 }
}

/// A ticket sales channel (channels.csv).
package struct SalesChannel: Sendable, Hashable {
    package var name: String
    package var weight: Double
    /// Tickets per sale through this channel.
    package var minQty: Int
    package var maxQty: Int
}

/// One of the plan's targets (targets.csv).
package struct PlanTarget: Sendable, Hashable {
    /// visitor_arrivals, tourism_revenue, tourism_revenue_growth, ecommerce_volume, online_retail, enterprises_over_1b …
    package var metric: String
    package var year: Int
    package var value: Double
    package var unit: String
    package var description: String
}
