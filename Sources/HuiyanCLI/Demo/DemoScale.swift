import HuiyanTourism

/// How big a demo year is: rows of each feed, with tickets and orders in proportion to visits.
enum DemoScale: String, CaseIterable, Sendable {
    /// 1 M visits: built in seconds.
    case small
    /// 8000万 visits, the plan's target: 1000万 tickets and 4000万 orders.
    case city

    /// The year the demo's feeds cover.
    static let year = 2025

    var visits: Int { self == .small ? 1_000_000 : 80_000_000 }

    /// Rows of `feed`: tickets one per 8 visits, orders one per 2.
    func rows(_ feed: Feed) -> Int {
        switch feed {
        case .visits: return visits
        case .tickets: return visits / 8
        case .orders: return visits / 2
        }
    }

    /// The seed of each feed (fixed: a second run finds the same files).
    func seed(_ feed: Feed) -> UInt64 {
        switch feed {
        case .visits: return 2025
        case .tickets: return 2026
        case .orders: return 2027
        }
    }

    /// A few malformed order lines, so that the demo shows rejects handling: 1 in 2,000.
    func badRowShare(_ feed: Feed) -> Double { feed == .orders ? 0.0005 : 0 }
}
