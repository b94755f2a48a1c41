/// The kinds of malformed rows the generator writes (FEEDS.md, "What counts as bad input"). Each
/// makes the ingest reject exactly that one row.
enum Corruption: UInt8, CaseIterable {
    case none
    /// An impossible or non-ISO timestamp: month 13, day 32, hour 25, `2025/10/01 09:30`, `2025年10月1日`.
    case badTimestamp
    /// The id column empty.
    case emptyID
    /// The spot or product column empty.
    case emptyName
    /// Money with three decimals: `268.005`.
    case moneyThreeDecimals
    /// Money with a thousands separator: `1,268.00`.
    case moneyThousands
    /// Money with a currency sign: `¥268.00`.
    case moneyCurrency
    /// Money as words: `约268元`.
    case moneyText
    /// qty 0.
    case qtyZero
    /// A negative qty.
    case qtyNegative
    /// qty with a unit: `2件`.
    case qtyText
    /// The record ends two fields early (CSV); the spot or product key is left out (NDJSON).
    case tooFewFields
    /// One field too many (CSV only).
    case tooManyFields
    /// A byte that is not UTF-8 inside the spot or product name.
    case invalidUTF8

    /// The kinds that apply to a feed in a format.
    static func kinds(for feed: Feed, format: FeedFormat) -> [Corruption] {
        var kinds: [Corruption] = [.badTimestamp, .emptyID, .emptyName, .moneyThreeDecimals, .moneyThousands,
                                   .moneyCurrency, .moneyText, .tooFewFields, .invalidUTF8]
        if feed != .visits { kinds += [.qtyZero, .qtyNegative, .qtyText] }
        if format == .csv { kinds.append(.tooManyFields) }
        return kinds
    }
}

/// Picks exactly `count` of `total` rows, each subset equally likely, in one pass without memory
/// (selection sampling, Knuth's Algorithm S), and a kind of corruption for each. It draws from its
/// own generator, so the good rows are the same whatever the share of bad ones.
struct BadRowSelector {
    private var rng: Xoshiro256StarStar
    private var rowsLeft: Int
    private var badLeft: Int
    private let kinds: [Corruption]

    init(seed: UInt64, total: Int, count: Int, kinds: [Corruption]) {
        rng = Xoshiro256StarStar(seed: seed ^ 0xBAD0_B0D5_5EED_1234)
        rowsLeft = total
        badLeft = count
        self.kinds = kinds
    }

    /// The corruption of the next row (`.none` for a good row).
    @inline(__always)
    mutating func next() -> Corruption {
        guard badLeft > 0 else { return .none }
        let pick = rng.below(rowsLeft) < badLeft
        rowsLeft -= 1
        guard pick else { return .none }
        badLeft -= 1
        return kinds[rng.below(kinds.count)]
    }

    /// A random value for shaping a corruption (which variant, where).
    mutating func variant(_ bound: Int) -> Int { rng.below(bound) }
}
