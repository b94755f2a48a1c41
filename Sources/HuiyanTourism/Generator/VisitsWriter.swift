import HuiyanBuffers

/// visits: one visitor arrival at a scenic spot.
///
/// Spots are drawn by popularity and arrive inside their opening hours, peaking late morning. About a third
/// of the visits are by returning visitors (at 1 M visits 65 % of the visitors come once, 8 % three times or
/// more, the busiest 14 times). A visitor's id — `v` and nine digits, a seeded permutation of their sequence
/// number, so random-looking — and origin (a hash of that number) stay the same from visit to visit. The
/// route is one of those that take in the spot (none for a quarter of the visits); spending follows the
/// spot's typical spend.
struct VisitsWriter {
    let run: GenerationRun

    /// Share of visits by a visitor seen before, per million.
    static let returningPerMillion: UInt64 = 350_000
    static let groupPerMillion: UInt64 = 160_000
    static let noRoutePerMillion: UInt64 = 250_000
    static let noOriginPerMillion: UInt64 = 25_000
    static let noSpendPerMillion: UInt64 = 70_000
    static let refundPerMillion: UInt64 = 2_000
    /// Digits of a visitor id after its `v`.
    static let idDigits = 9

    func write(to sink: ByteSink) throws {
        let catalog = run.catalog, options = run.options, arena = run.arena, json = run.json
        var rng = Xoshiro256StarStar(seed: options.seed)
        let counts = run.dailyCounts(weights: run.calendar.tourismWeights(), rng: &rng)

        let spots = catalog.spots
        let spotTable = AliasTable(weights: spots.map(\.weight))
        let hourTables = spots.map { GenerationRun.hourTable(open: $0.openHour, close: $0.closeHour, peak: 10.5, spread: 2.6) }
        let openHours = spots.map(\.openHour)
        let spendFen = spots.map(\.spendFen)
        let spotTokens = spots.map { arena.value($0.name) }
        let spotNames = spots.map { Array($0.name.utf8) }
        let routeTokens = catalog.routes.map { arena.value($0.name) }
        var routeStart: [Int] = [], routeCount: [Int] = [], routeFlat: [Token] = []
        for spot in spots {
            routeStart.append(routeFlat.count)
            for (index, route) in catalog.routes.enumerated() where route.spots.contains(spot.name) {
                routeFlat.append(routeTokens[index])
            }
            routeCount.append(routeFlat.count - routeStart[routeStart.count - 1])
        }
        let originTable = AliasTable(weights: catalog.origins.map(\.visitorWeight))
        let originTokens = catalog.origins.map { arena.value($0.name) }
        let groupTokens = [arena.value("散客"), arena.value("团队")]
        let prefix = run.columnPrefix
        let originSalt = SplitMix64.mix(options.seed ^ 0x0121_6120_5EED_0001)
        let visitorId = IdPermutation(digits: Self.idDigits, seed: options.seed, salt: 0x7615_1702_0000_0001)

        let text = arena.freeze()
        var w = RowWriter(capacity: run.bufferSize, reserve: 4096 + 16 * arena.longest)
        defer { w.deallocate() }
        for b in run.header() { w.byte(b) }
        var bad = BadRowSelector(seed: options.seed, total: options.rows, count: options.badRowCount,
                                 kinds: Corruption.kinds(for: .visits, format: options.format))
        let targets = CorruptionTargets(id: 1, name: 2, money: 6, qty: nil)
        let keys = UncheckedBuffer<UInt64>.allocate(capacity: counts.max() ?? 0)
        defer { keys.deallocate() }
        var visitors: UInt64 = 0

        try run.dayPrefixes.withUnsafeBufferPointer { dayBuffer in
            let days = UncheckedBytes(dayBuffer)
            for day in 0..<counts.count {
                let n = counts[day]
                guard n > 0 else { continue }
                for i in 0..<n {
                    let spot = spotTable.sample(rng.next())
                    let hour = openHours[spot] + hourTables[spot].sample(rng.next())
                    let second = hour * 3600 + rng.below(3600)
                    keys[unchecked: i] = UInt64(truncatingIfNeeded: second) << 32 | UInt64(truncatingIfNeeded: spot)
                }
                var sorted = keys.mutableBuffer(unchecked: 0..<n)
                sorted.sort()

                for i in 0..<n {
                    if w.needsFlush { try w.flush(to: sink) }
                    let second = Int(truncatingIfNeeded: keys[unchecked: i] >> 32)
                    let spot = Int(truncatingIfNeeded: keys[unchecked: i] & 0xFFFF_FFFF)

                    let visitor: UInt64
                    if visitors > 0 && rng.chance(Self.returningPerMillion) {
                        visitor = 1 + UInt64(truncatingIfNeeded: rng.below(Int(truncatingIfNeeded: visitors)))
                    } else {
                        visitors += 1
                        visitor = visitors
                    }
                    let idNumber = visitorId(visitor &- 1)
                    let hash = SplitMix64.mix(visitor ^ originSalt)
                    let origin = ((hash >> 44) &* 1_000_000) >> 20 < Self.noOriginPerMillion ? -1 : originTable.sample(SplitMix64.mix(hash))
                    var route = -1
                    let choices = routeCount[spot]
                    if choices > 0 && !rng.chance(Self.noRoutePerMillion) { route = routeStart[spot] + rng.below(choices) }
                    let group = rng.chance(Self.groupPerMillion) ? 1 : 0
                    var spend: Int64 = 0
                    let hasSpend = !rng.chance(Self.noSpendPerMillion)
                    if hasSpend {
                        var permille = Int64(350 + rng.below(700) + rng.below(700))
                        if group == 1 { permille = permille * 3 / 4 }
                        if rng.chance(30_000) { permille *= Int64(2 + rng.below(3)) }
                        spend = spendFen[spot] * permille / 1000
                        if rng.chance(700_000) { spend = spend / 100 * 100 }
                        if rng.chance(Self.refundPerMillion) { spend = -(spend / 10) }
                    }

                    let corruption = bad.next()
                    if corruption == .none {
                        w.token(prefix[0], text)
                        w.timestamp(day: day, second: second, run: run, text: text, days: days)
                        w.token(prefix[1], text)
                        w.id(prefix: UInt8(ascii: "v"), number: idNumber, width: Self.idDigits, json: json)
                        w.token(prefix[2], text)
                        w.token(spotTokens[spot], text)
                        w.token(prefix[3], text)
                        w.token(route >= 0 ? routeFlat[route] : run.null, text)
                        w.token(prefix[4], text)
                        w.token(origin >= 0 ? originTokens[origin] : run.null, text)
                        w.token(prefix[5], text)
                        w.token(groupTokens[group], text)
                        w.token(prefix[6], text)
                        if hasSpend { w.money(spend) } else { w.token(run.null, text) }
                        w.token(run.rowEnd, text)
                    } else {
                        var pieces: [Piece] = [
                            .timestamp(day: day, second: second),
                            .id(prefix: UInt8(ascii: "v"), number: idNumber, width: Self.idDigits),
                            .token(spotTokens[spot]),
                            route >= 0 ? .token(routeFlat[route]) : .null,
                            origin >= 0 ? .token(originTokens[origin]) : .null,
                            .token(groupTokens[group]),
                            hasSpend ? .money(spend) : .null,
                        ]
                        run.corrupt(&pieces, corruption, targets: targets, name: spotNames[spot],
                                    moneyFen: hasSpend ? spend : spendFen[spot], qty: 1, day: day, second: second, selector: &bad)
                        w.write(pieces: pieces, run: run, text: text, days: days)
                    }
                }
            }
        }
        try w.flush(to: sink)
    }
}
