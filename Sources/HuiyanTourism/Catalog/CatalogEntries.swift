/// A county or district of Hengyang (counties.csv).
public struct County: Sendable, Hashable {
    public var name: String
    /// 市辖区, 县 or 县级市.
    public var kind: String
    /// Resident population in 万 (illustrative).
    public var populationWan: Double
}

/// A scenic spot (spots.csv).
public struct Spot: Sendable, Hashable {
    public var name: String
    public var county: String
    /// 5A, 4A, 3A, 2A, 1A or none.
    public var grade: String
    /// 山岳, 书院人文, 红色, 乡村, 工业遗存, 湿地 …
    public var theme: String
    /// Relative popularity: the share of visits the spot draws.
    public var weight: Double
    /// The full ticket price in fen (0 for a free spot).
    public var priceFen: Int64
    /// Opening hour (0–23) and closing hour (1–24, exclusive), local time.
    public var openHour: Int
    public var closeHour: Int
    /// Typical tourism spending of one visit, in fen.
    public var spendFen: Int64
}

/// A tour route and the spots it takes in (routes.csv, one line per route and spot).
public struct Route: Sendable, Hashable {
    public var name: String
    public var spots: [String]
}

/// A product sold online (products.csv).
public struct Product: Sendable, Hashable {
    public var name: String
    /// 雁城四宝, 特色农产品, 文创 …
    public var category: String
    /// The county of origin of the goods, if any.
    public var county: String?
    /// Unit price in fen.
    public var priceFen: Int64
    /// Relative share of order lines.
    public var weight: Double
    /// The enterprises selling it, the largest first.
    public var merchants: [String]
}

/// An online sales platform with its share of orders at the start and at the end of the year (platforms.csv).
public struct Platform: Sendable, Hashable {
    public var name: String
    public var shareStart: Double
    public var shareEnd: Double

    /// The share at `fraction` of the year (0 = 1 January, 1 = 31 December), linearly interpolated.
    public func share(at fraction: Double) -> Double {
        shareStart + (shareEnd - shareStart) * min(max(fraction, 0), 1)
    }
}

/// A province, region or country visitors and buyers come from (origins.csv).
public struct Origin: Sendable, Hashable {
    public var name: String
    /// 省份, 港澳台 or 海外.
    public var kind: String
    public var visitorWeight: Double
    public var buyerWeight: Double

    /// Whether the origin is outside the mainland (the buyers of 跨境电商).
    public var isCrossBorder: Bool { kind == "海外" || kind == "港澳台" }
}

/// A kind of ticket (ticket_types.csv).
public struct TicketType: Sendable, Hashable {
    public var name: String
    /// The price factor in ten-thousandths (全价票 10000, 优惠票 5000, 免票 0).
    public var factorBasisPoints: Int64
    public var weight: Double

    public var factor: Double { Double(factorBasisPoints) / 10_000 }
}

/// A ticket sales channel (channels.csv).
public struct SalesChannel: Sendable, Hashable {
    public var name: String
    public var weight: Double
    /// Tickets per sale through this channel.
    public var minQty: Int
    public var maxQty: Int
}

/// One of the plan's targets (targets.csv).
public struct PlanTarget: Sendable, Hashable {
    /// visitor_arrivals, tourism_revenue, tourism_revenue_growth, ecommerce_volume, online_retail, enterprises_over_1b …
    public var metric: String
    public var year: Int
    public var value: Double
    public var unit: String
    public var description: String
}
