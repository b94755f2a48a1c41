import HuiyanBuffers

/// tickets: one scenic-spot ticket sale.
///
/// Spots by popularity, sales inside opening hours peaking in the morning; ticket type and channel
/// by weight; qty within the channel's range (travel agencies sell group tickets); amount = full
/// price × the type's factor × qty, rounded to the fen (0 for 免票 and free spots). A sale's id is `T` and
/// twelve digits, a seeded permutation of its sequence number: random-looking and unique.
struct TicketsWriter {
    let run: GenerationRun

    /// Digits of a ticket id after its `T`.
    static let idDigits = 12

    func write(to sink: ByteSink) throws {
        let catalog = run.catalog, options = run.options, arena = run.arena, json = run.json
        var rng = Xoshiro256StarStar(seed: options.seed)
        let counts = run.dailyCounts(weights: run.calendar.tourismWeights(), rng: &rng)

        let spots = catalog.spots
        let spotTable = AliasTable(weights: spots.map(\.weight))
        let hourTables = spots.map { GenerationRun.hourTable(open: $0.openHour, close: $0.closeHour, peak: 9.8, spread: 2.8) }
        let openHours = spots.map(\.openHour)
        let priceFen = spots.map(\.priceFen)
        let spotTokens = spots.map { arena.value($0.name) }
        let spotNames = spots.map { Array($0.name.utf8) }
        let typeTable = AliasTable(weights: catalog.ticketTypes.map(\.weight))
        let typeTokens = catalog.ticketTypes.map { arena.value($0.name) }
        let typeFactor = catalog.ticketTypes.map(\.factorBasisPoints)
        let channelTable = AliasTable(weights: catalog.channels.map(\.weight))
        let channelTokens = catalog.channels.map { arena.value($0.name) }
        let channelMin = catalog.channels.map(\.minQty)
        let channelSpan = catalog.channels.map { $0.maxQty - $0.minQty + 1 }
        let prefix = run.columnPrefix
        let ticketId = IdPermutation(digits: Self.idDigits, seed: options.seed, salt: 0x7615_1702_0000_0002)

        let text = arena.freeze()
        var w = RowWriter(capacity: run.bufferSize, reserve: 4096 + 16 * arena.longest)
        defer { w.deallocate() }
        for b in run.header() { w.byte(b) }
        var bad = BadRowSelector(seed: options.seed, total: options.rows, count: options.badRowCount,
                                 kinds: Corruption.kinds(for: .tickets, format: options.format))
        let targets = CorruptionTargets(id: 1, name: 2, money: 6, qty: 5)
        let keys = UncheckedBuffer<UInt64>.allocate(capacity: counts.max() ?? 0)
        defer { keys.deallocate() }
        var serial: UInt64 = 0

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
                    let idNumber = ticketId(serial)
                    serial += 1
                    let type = typeTable.sample(rng.next())
                    let channel = channelTable.sample(rng.next())
                    let span = channelSpan[channel]
                    // The smaller of two uniform draws: small sales are the common ones.
                    let qty = Int64(channelMin[channel] + min(rng.below(span), rng.below(span)))
                    let amount = (priceFen[spot] * typeFactor[type] * qty + 5_000) / 10_000

                    let corruption = bad.next()
                    if corruption == .none {
                        w.token(prefix[0], text)
                        w.timestamp(day: day, second: second, run: run, text: text, days: days)
                        w.token(prefix[1], text)
                        w.id(prefix: UInt8(ascii: "T"), number: idNumber, width: Self.idDigits, json: json)
                        w.token(prefix[2], text)
                        w.token(spotTokens[spot], text)
                        w.token(prefix[3], text)
                        w.token(typeTokens[type], text)
                        w.token(prefix[4], text)
                        w.token(channelTokens[channel], text)
                        w.token(prefix[5], text)
                        w.signed(qty)
                        w.token(prefix[6], text)
                        w.money(amount)
                        w.token(run.rowEnd, text)
                    } else {
                        var pieces: [Piece] = [
                            .timestamp(day: day, second: second),
                            .id(prefix: UInt8(ascii: "T"), number: idNumber, width: Self.idDigits),
                            .token(spotTokens[spot]),
                            .token(typeTokens[type]),
                            .token(channelTokens[channel]),
                            .int(qty),
                            .money(amount),
                        ]
                        run.corrupt(&pieces, corruption, targets: targets, name: spotNames[spot], moneyFen: amount,
                                    qty: qty, day: day, second: second, selector: &bad)
                        w.write(pieces: pieces, run: run, text: text, days: days)
                    }
                }
            }
        }
        try w.flush(to: sink)
    }
}
