import HuiyanBuffers

/// orders: one online-retail order line.
///
/// Products by weight; platforms by their share interpolated over the year (live streaming grows);
/// order times peak in the evening; buyers by weight (cross-border platforms sell abroad); the
/// merchant one of the product's, the largest most often; amount = unit price × qty, with a small
/// share of refunds (negative amounts). An order line's id is `O` and fifteen digits, a seeded permutation
/// of its sequence number: random-looking and unique.
struct OrdersWriter {
    let run: GenerationRun

    /// Digits of an order id after its `O`.
    static let idDigits = 15

    static let orderHourWeights: [Double] = [2.0, 1.2, 0.6, 0.3, 0.2, 0.3, 0.8, 1.6, 2.6, 3.4, 3.8, 3.9,
                                             4.0, 3.6, 3.7, 3.8, 3.9, 4.0, 4.6, 5.8, 7.2, 7.8, 6.4, 4.0]
    static let noBuyerPerMillion: UInt64 = 30_000
    static let noMerchantPerMillion: UInt64 = 80_000
    static let refundPerMillion: UInt64 = 20_000

    func write(to sink: ByteSink) throws {
        let catalog = run.catalog, options = run.options, arena = run.arena, json = run.json
        var rng = Xoshiro256StarStar(seed: options.seed)
        let calendar = run.calendar
        let counts = run.dailyCounts(weights: calendar.orderWeights(), rng: &rng)

        let hourTable = AliasTable(weights: Self.orderHourWeights)
        let products = catalog.products
        let productTable = AliasTable(weights: products.map(\.weight))
        let productTokens = products.map { arena.value($0.name) }
        let productNames = products.map { Array($0.name.utf8) }
        let categoryTokens = products.map { arena.value($0.category) }
        let countyTokens = products.map { $0.county.map { arena.value($0) } ?? run.null }
        let unitFen = products.map(\.priceFen)
        var merchantStart: [Int] = [], merchantTables: [AliasTable?] = [], merchantFlat: [Token] = []
        for product in products {
            merchantStart.append(merchantFlat.count)
            merchantFlat += product.merchants.map { arena.value($0) }
            merchantTables.append(product.merchants.isEmpty ? nil
                                  : AliasTable(weights: product.merchants.indices.map { 1 / Double($0 + 1) }))
        }
        let platforms = catalog.platforms
        let platformTokens = platforms.map { arena.value($0.name) }
        let crossBorderPlatform = platforms.map { $0.name.contains("跨境") }
        let lastDay = Double(max(1, calendar.dayCount - 1))
        let platformTables = (0..<calendar.dayCount).map { day in
            AliasTable(weights: platforms.map { $0.share(at: Double(day) / lastDay) })
        }
        let origins = catalog.origins
        let originTokens = origins.map { arena.value($0.name) }
        let buyerTable = AliasTable(weights: origins.map(\.buyerWeight))
        let abroad = origins.map { $0.isCrossBorder ? $0.buyerWeight : 0 }
        let abroadTable = abroad.contains { $0 > 0 } ? AliasTable(weights: abroad) : buyerTable
        let prefix = run.columnPrefix
        let orderId = IdPermutation(digits: Self.idDigits, seed: options.seed, salt: 0x7615_1702_0000_0003)

        let text = arena.freeze()
        var w = RowWriter(capacity: run.bufferSize, reserve: 4096 + 16 * arena.longest)
        defer { w.deallocate() }
        for b in run.header() { w.byte(b) }
        var bad = BadRowSelector(seed: options.seed, total: options.rows, count: options.badRowCount,
                                 kinds: Corruption.kinds(for: .orders, format: options.format))
        let targets = CorruptionTargets(id: 1, name: 2, money: 9, qty: 8)
        let keys = UncheckedBuffer<UInt64>.allocate(capacity: counts.max() ?? 0)
        defer { keys.deallocate() }
        var serial: UInt64 = 0

        try run.dayPrefixes.withUnsafeBufferPointer { dayBuffer in
            let days = UncheckedBytes(dayBuffer)
            for day in 0..<counts.count {
                let n = counts[day]
                guard n > 0 else { continue }
                for i in 0..<n {
                    keys[unchecked: i] = UInt64(truncatingIfNeeded: hourTable.sample(rng.next()) * 3600 + rng.below(3600))
                }
                var sorted = keys.mutableBuffer(unchecked: 0..<n)
                sorted.sort()
                let platformTable = platformTables[day]

                for i in 0..<n {
                    if w.needsFlush { try w.flush(to: sink) }
                    let second = Int(truncatingIfNeeded: keys[unchecked: i])
                    let idNumber = orderId(serial)
                    serial += 1
                    let product = productTable.sample(rng.next())
                    let platform = platformTable.sample(rng.next())
                    let buyer = rng.chance(Self.noBuyerPerMillion) ? -1
                        : (crossBorderPlatform[platform] ? abroadTable : buyerTable).sample(rng.next())
                    var merchant = -1
                    if let table = merchantTables[product], !rng.chance(Self.noMerchantPerMillion) {
                        merchant = merchantStart[product] + table.sample(rng.next())
                    }
                    let bucket = rng.below(100)
                    let qty: Int64 = bucket < 62 ? 1 : bucket < 82 ? 2 : bucket < 91 ? 3
                        : bucket < 96 ? Int64(4 + rng.below(3)) : Int64(6 + rng.below(15))
                    var amount = unitFen[product] * qty
                    if rng.chance(Self.refundPerMillion) { amount = -amount }

                    let corruption = bad.next()
                    if corruption == .none {
                        w.token(prefix[0], text)
                        w.timestamp(day: day, second: second, run: run, text: text, days: days)
                        w.token(prefix[1], text)
                        w.id(prefix: UInt8(ascii: "O"), number: idNumber, width: Self.idDigits, json: json)
                        w.token(prefix[2], text)
                        w.token(productTokens[product], text)
                        w.token(prefix[3], text)
                        w.token(categoryTokens[product], text)
                        w.token(prefix[4], text)
                        w.token(platformTokens[platform], text)
                        w.token(prefix[5], text)
                        w.token(countyTokens[product], text)
                        w.token(prefix[6], text)
                        w.token(buyer >= 0 ? originTokens[buyer] : run.null, text)
                        w.token(prefix[7], text)
                        w.token(merchant >= 0 ? merchantFlat[merchant] : run.null, text)
                        w.token(prefix[8], text)
                        w.signed(qty)
                        w.token(prefix[9], text)
                        w.money(amount)
                        w.token(run.rowEnd, text)
                    } else {
                        var pieces: [Piece] = [
                            .timestamp(day: day, second: second),
                            .id(prefix: UInt8(ascii: "O"), number: idNumber, width: Self.idDigits),
                            .token(productTokens[product]),
                            .token(categoryTokens[product]),
                            .token(platformTokens[platform]),
                            .token(countyTokens[product]),
                            buyer >= 0 ? .token(originTokens[buyer]) : .null,
                            merchant >= 0 ? .token(merchantFlat[merchant]) : .null,
                            .int(qty),
                            .money(amount),
                        ]
                        run.corrupt(&pieces, corruption, targets: targets, name: productNames[product], moneyFen: amount,
                                    qty: qty, day: day, second: second, selector: &bad)
                        w.write(pieces: pieces, run: run, text: text, days: days)
                    }
                }
            }
        }
        try w.flush(to: sink)
    }
}
