/// A KLL sketch (Karnin, Lang and Liberty, "Optimal Quantile Approximation in Streams", 2016) of one group's
/// values for approx_quantile: the values (`Int64` keys in the values' order, `OrderedBits` for doubles) are
/// kept in levels, level h holding items that each stand for 2^h values. A level that outgrows its capacity is
/// compacted: sorted, and every other item (from a random first) goes up one level. The top level holds `k`
/// items and each level below two thirds of the one above (at least 8), so a sketch holds under 3·k items and a few more
/// whatever the count (levels hold at least 8). Sketches merge by joining their levels and compacting: each thread sketches its rows
/// and the results are merged.
///
/// Error: with k = 200 the rank of an answer is within 1.65 % of the count of the true rank of the fraction
/// asked (with 99 % confidence; the bound of Apache DataSketches' KLL at k = 200); a group of fewer than
/// k values keeps them all and its answers are exact.
struct QuantileSketch {
    /// The top level's capacity: the accuracy parameter.
    static let k = 200

    /// The items of each level, level h's standing for 2^h values each.
    private var levels: [[Int64]] = []
    /// Values seen (the items' total weight).
    private(set) var count = 0
    /// Items held.
    private var size = 0
    /// The state of the random bits that choose which half of a level goes up.
    private var random: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// Level h's capacity, of `depth` levels: k·(2/3)^(depth − 1 − h), at least 8 (a larger capacity only
    /// compacts less often, so the bound holds; the lowest levels then sort a few items per compaction rather
    /// than compacting at nearly every value).
    private static func capacity(_ h: Int, depth: Int) -> Int {
        var c = Double(k)
        for _ in 0..<(depth - 1 - h) { c *= 2.0 / 3.0 }
        return Swift.max(8, Int(c.rounded(.up)))
    }

    /// The sum of the levels' capacities, kept for the current depth.
    private var totalCapacity = k
    private var capacityDepth = 1

    private mutating func updateCapacity() {
        guard capacityDepth != levels.count else { return }
        capacityDepth = levels.count
        totalCapacity = (0..<levels.count).reduce(0) { $0 + Self.capacity($1, depth: levels.count) }
    }

    mutating func add(_ value: Int64) {
        if levels.isEmpty { levels = [[]]; levels[0].reserveCapacity(8) }
        levels[0].append(value)
        size += 1
        count += 1
        if size >= totalCapacity { compactWhileFull() }
    }

    /// Adds another sketch's items, level by level.
    mutating func merge(_ other: QuantileSketch) {
        guard other.count > 0 else { return }
        if levels.isEmpty { levels = [[]] }
        while levels.count < other.levels.count { levels.append([]) }
        for (h, items) in other.levels.enumerated() { levels[h].append(contentsOf: items) }
        count += other.count
        size += other.size
        random ^= other.random &* 0xBF58_476D_1CE4_E5B9
        compactWhileFull()
    }

    /// Compacts the lowest full level (adding a level above the top when it is that) until the sketch fits.
    private mutating func compactWhileFull() {
        updateCapacity()
        while size >= totalCapacity {
            let depth = levels.count
            guard let h = (0..<depth).first(where: { levels[$0].count >= Self.capacity($0, depth: depth) }) else { return }
            if h + 1 == levels.count { levels.append([]) }
            var level = levels[h]
            levels[h] = []
            level.sort()
            // An odd item out stays at this level; of the rest, every other one (from a random first) goes up.
            var kept: Int64?
            if level.count % 2 == 1 { kept = level.removeLast() }
            random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            var i = Int(random >> 63)
            levels[h + 1].reserveCapacity(levels[h + 1].count + level.count / 2)
            while i < level.count { levels[h + 1].append(level[i]); i += 2 }
            size -= level.count / 2
            level.removeAll(keepingCapacity: true)
            if let kept { level.append(kept) }
            levels[h] = level
            updateCapacity()
        }
    }

    /// The items in order, each with its weight (the values it stands for).
    private func weightedItems() -> [(value: Int64, weight: Int)] {
        var items: [(value: Int64, weight: Int)] = []
        items.reserveCapacity(size)
        for (h, level) in levels.enumerated() { for v in level { items.append((v, 1 << h)) } }
        items.sort { $0.value < $1.value }
        return items
    }

    /// The values at ranks `r` and `r + 1` (of `count`, from 0) as the sketch sees them, for an interpolated
    /// quantile; nil for an empty sketch.
    func values(aroundRank r: Int) -> (Int64, Int64)? {
        guard count > 0 else { return nil }
        let items = weightedItems()
        var covered = 0, i = 0
        while i < items.count - 1 && covered + items[i].weight <= r { covered += items[i].weight; i += 1 }
        let lo = items[i].value
        let hi = covered + items[i].weight > r + 1 || i + 1 == items.count ? lo : items[i + 1].value
        return (lo, hi)
    }
}
