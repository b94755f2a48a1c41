import Foundation
import HuiyanValues
import XCTest
@testable import HuiyanTourism

/// A feed's money as ingest reads it: fen, or nil when it would be rejected.
private func fen(_ text: String) -> Int64? {
    Array(text.utf8).withUnsafeBufferPointer { ValueParsing.parseMoneyFen($0).value }
}

/// The generated feeds: determinism, shape, and the realism the demo relies on.
final class FeedGeneratorTests: XCTestCase {
    static let catalog = try! Catalog.bundled()
    let generator = FeedGenerator(catalog: FeedGeneratorTests.catalog)

    /// The headers of FEEDS.md, byte for byte.
    static let headers: [Feed: String] = [
        .visits: "ts,visitor_id,spot,route,origin,group_type,spend\n",
        .tickets: "ts,ticket_id,spot,ticket_type,channel,qty,amount\n",
        .orders: "ts,order_id,product,category,platform,county,buyer_province,merchant,qty,amount\n",
    ]

    func text(_ feed: Feed, rows: Int, year: Int = 2025, seed: UInt64 = 42, format: FeedFormat = .csv, bad: Double = 0) throws -> String {
        let bytes = try generator.bytes(GenerationOptions(feed: feed, rows: rows, year: year, seed: seed, format: format, badRowShare: bad))
        return try XCTUnwrap(String(validating: bytes, as: UTF8.self))
    }

    /// The data rows of a CSV feed as field arrays (the generated names hold no commas or quotes).
    func csvRows(_ feed: Feed, rows: Int, year: Int = 2025, seed: UInt64 = 42) throws -> [[String]] {
        let lines = try text(feed, rows: rows, year: year, seed: seed).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.last, "", "the file ends with a line break")
        return lines.dropFirst().dropLast().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    /// `prefix` followed by exactly `digits` decimal digits.
    static func isId(_ id: String, prefix: Character, digits: Int) -> Bool {
        id.count == 1 + digits && id.first == prefix && id.utf8.dropFirst().allSatisfy { (48...57).contains($0) }
    }

    /// Ids that are not a sequence: each rises over the one before about half of the time (a sequence always
    /// does), and their first digits spread over 0–9.
    // swift-format-ignore: AlwaysUseLowerCamelCase
    // (named as the XCTAssert functions it stands beside)
    func XCTAssertRandomLooking(_ ids: [String], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let rises = zip(ids, ids.dropFirst()).filter { $0.0 < $0.1 }.count
        XCTAssertEqual(Double(rises) / Double(ids.count - 1), 0.5, accuracy: 0.02, what, file: file, line: line)
        let firstDigits = Set(ids.map { $0.dropFirst().first! })
        XCTAssertEqual(firstDigits.count, 10, "\(what): first digits \(firstDigits.sorted())", file: file, line: line)
    }

    func testSameSeedSameBytesOtherSeedOtherBytes() throws {
        for feed in Feed.allCases {
            for format in FeedFormat.allCases {
                let options = GenerationOptions(feed: feed, rows: 20_000, year: 2025, seed: 7, format: format, badRowShare: 0.002)
                let first = try generator.bytes(options)
                let second = try generator.bytes(options)
                XCTAssertEqual(first, second, "\(feed) \(format)")
                var other = options
                other.seed = 8
                XCTAssertNotEqual(first, try generator.bytes(other), "\(feed) \(format)")
            }
        }
    }

    func testTheFileWrittenEqualsTheBytesInMemory() throws {
        let path = NSTemporaryDirectory() + "huiyan-gen-\(UUID().uuidString.prefix(8)).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        // More than one buffer's worth, so flushing is exercised.
        let summary = try generator.generate(feed: .orders, rows: 30_000, year: 2025, seed: 3, to: path)
        let onDisk = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertGreaterThan(onDisk.count, 1 << 21)
        XCTAssertEqual([UInt8](onDisk), try generator.bytes(GenerationOptions(feed: .orders, rows: 30_000, year: 2025, seed: 3)))
        XCTAssertEqual(summary.bytes, onDisk.count)
        XCTAssertEqual(summary.rows, 30_000)
        XCTAssertEqual(summary.badRows, 0)
    }

    func testHeadersAndRowCounts() throws {
        for feed in Feed.allCases {
            let csv = try text(feed, rows: 12_345)
            XCTAssertTrue(csv.hasPrefix(Self.headers[feed]!), "\(feed)")
            XCTAssertEqual(csv.filter { $0 == "\n" }.count, 12_346, "\(feed)")
            XCTAssertEqual(feed.columns.joined(separator: ",") + "\n", Self.headers[feed])
            XCTAssertEqual(try text(feed, rows: 0), Self.headers[feed], "no rows: the header alone")

            let ndjson = try text(feed, rows: 3_000, format: .ndjson)
            let lines = ndjson.split(separator: "\n")
            XCTAssertEqual(lines.count, 3_000)
            XCTAssertTrue(ndjson.hasSuffix("}\n"))
            for line in lines.prefix(500) {
                let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                XCTAssertEqual(Set(object.keys), Set(feed.columns), String(line))
            }
            XCTAssertEqual(try text(feed, rows: 0, format: .ndjson), "")
        }
    }

    func testNDJSONCarriesTheSameValuesAsCSV() throws {
        for feed in Feed.allCases {
            let rows = try csvRows(feed, rows: 2_000)
            let lines = try text(feed, rows: 2_000, seed: 42, format: .ndjson).split(separator: "\n")
            for (fields, line) in zip(rows, lines) {
                let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                for (column, value) in zip(feed.columns, fields) {
                    let json = object[column]
                    if value.isEmpty {
                        XCTAssertTrue(json is NSNull, "\(feed).\(column): \(String(describing: json))")
                    } else if let string = json as? String {
                        XCTAssertEqual(string, value)
                    } else {
                        // Numbers are written as they are in CSV (`120.00`, `3`).
                        XCTAssertTrue(line.contains("\"\(column)\":\(value)"), "\(line) should hold \(column) \(value)")
                    }
                }
            }
        }
    }

    func testTimestampsStayInsideTheYearAndNeverGoBack() throws {
        for (feed, year) in [(Feed.visits, 2025), (.tickets, 2024), (.orders, 2026), (.visits, 2031)] {
            let rows = try csvRows(feed, rows: 60_000, year: year)
            var previous = ""
            for fields in rows {
                let ts = fields[0]
                XCTAssertEqual(ts.utf8.count, 25, ts)
                XCTAssertTrue(ts.hasPrefix("\(year)-") && ts.hasSuffix("+08:00"), ts)
                XCTAssertGreaterThanOrEqual(ts, previous)   // same fixed-width format: text order is time order
                previous = ts
            }
            XCTAssertTrue(rows.first![0].hasPrefix("\(year)-01-0"), rows.first![0])
            XCTAssertTrue(rows.last![0].hasPrefix("\(year)-12-"), rows.last![0])
        }
        // A leap year reaches 31 December, not 1 January of the next year.
        let leap = try csvRows(.orders, rows: 50_000, year: 2024)
        XCTAssertTrue(leap.contains { $0[0].hasPrefix("2024-02-29") })
        XCTAssertTrue(leap.last![0].hasPrefix("2024-12-31"), leap.last![0])
    }

    /// Rows per day "YYYY-MM-DD".
    func perDay(_ rows: [[String]]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for fields in rows { counts[String(fields[0].prefix(10)), default: 0] += 1 }
        return counts
    }

    func testGoldenWeekIsBusierThanAnOrdinaryNovemberWeekday() throws {
        for feed in [Feed.visits, .tickets] {
            let days = perDay(try csvRows(feed, rows: 120_000))
            let golden = (1...7).map { days[String(format: "2025-10-%02d", $0)] ?? 0 }
            // 19 November 2025 is a Wednesday with no holiday.
            let ordinary = days["2025-11-19"] ?? 0
            XCTAssertGreaterThan(ordinary, 0)
            for count in golden { XCTAssertGreaterThan(count, 2 * ordinary, "\(feed): \(golden) vs \(ordinary)") }
            // May Day and Spring Festival (29 January 2025) too; weekends beat weekdays.
            XCTAssertGreaterThan(days["2025-05-02"] ?? 0, 2 * ordinary)
            XCTAssertGreaterThan(days["2025-01-30"] ?? 0, 2 * (days["2025-01-15"] ?? 0))
            XCTAssertGreaterThan(days["2025-11-22"] ?? 0, ordinary, "a Saturday")
        }
        let orders = perDay(try csvRows(.orders, rows: 120_000))
        XCTAssertGreaterThan(orders["2025-11-11"] ?? 0, 2 * (orders["2025-11-19"] ?? 0), "双十一")
    }

    func testSpringFestivalFollowsTheLunarCalendar() throws {
        // 正月初一: 10 Feb 2024, 29 Jan 2025, 17 Feb 2026: the festival week is busy that year and not the other years.
        for (year, festival, quiet) in [(2024, "2024-02-11", "2024-01-30"), (2025, "2025-01-30", "2025-02-18"), (2026, "2026-02-18", "2026-01-30")] {
            let days = perDay(try csvRows(.visits, rows: 100_000, year: year))
            XCTAssertGreaterThan(days[festival] ?? 0, 2 * (days[quiet] ?? 0), "\(year)")
        }
    }

    func testSpotsFollowPopularityAndOpeningHours() throws {
        let catalog = Self.catalog
        for feed in [Feed.visits, .tickets] {
            let rows = try csvRows(feed, rows: 100_000)
            var bySpot: [String: Int] = [:]
            var byHour = [Int](repeating: 0, count: 24)
            for fields in rows {
                bySpot[fields[2], default: 0] += 1
                let hour = Int(fields[0].dropFirst(11).prefix(2))!
                byHour[hour] += 1
                let spot = try XCTUnwrap(catalog.spot(named: fields[2]))
                XCTAssertTrue((spot.openHour..<spot.closeHour).contains(hour), "\(fields[0]) at \(spot.name)")
            }
            let ranked = bySpot.sorted { $0.value > $1.value }
            XCTAssertEqual(ranked.first?.key, "南岳衡山")
            XCTAssertGreaterThan(ranked[0].value, 3 * ranked[1].value, "南岳衡山 dominates")
            XCTAssertEqual(byHour.firstIndex(of: byHour.max()!).map { (8...12).contains($0) }, true, "peak late morning: \(byHour)")
        }
    }

    func testVisitsHaveReturningVisitorsRoutesOfTheirSpotAndNulls() throws {
        let catalog = Self.catalog
        let rows = try csvRows(.visits, rows: 50_000)
        var origins: [String: String] = [:]
        var nullRoutes = 0, nullSpend = 0, groups = 0
        for fields in rows {
            XCTAssertEqual(fields.count, 7)
            XCTAssertTrue(Self.isId(fields[1], prefix: "v", digits: 9), fields[1])
            if fields[3].isEmpty { nullRoutes += 1 } else {
                XCTAssertTrue(catalog.routes(containing: fields[2]).contains { $0.name == fields[3] }, "\(fields[3]) ∌ \(fields[2])")
            }
            if let seen = origins[fields[1]] { XCTAssertEqual(seen, fields[4], "a visitor keeps their origin") }
            origins[fields[1]] = fields[4]
            XCTAssertTrue(["散客", "团队"].contains(fields[5]))
            if fields[5] == "团队" { groups += 1 }
            if fields[6].isEmpty { nullSpend += 1 } else { XCTAssertNotNil(fen(fields[6].replacingOccurrences(of: "-", with: ""))) }
        }
        let returning = 1 - Double(origins.count) / Double(rows.count)
        XCTAssertGreaterThan(returning, 0.2, "a sizable share of visits by returning visitors")
        XCTAssertLessThan(returning, 0.6)
        let visitsPerVisitor = Dictionary(rows.map { ($0[1], 1) }, uniquingKeysWith: +)
        XCTAssertLessThanOrEqual(visitsPerVisitor.values.max()!, 20, "a visitor comes back a few times, not every day")
        var firstSeen: [String] = []
        var seen = Set<String>()
        for fields in rows where seen.insert(fields[1]).inserted { firstSeen.append(fields[1]) }
        XCTAssertRandomLooking(firstSeen, "visitor ids in order of first visit")
        XCTAssertGreaterThan(nullRoutes, 0)
        XCTAssertGreaterThan(nullSpend, 0)
        XCTAssertGreaterThan(groups, 0)
    }

    func testTicketAmountsArePriceTimesFactorTimesQty() throws {
        let catalog = Self.catalog
        let rows = try csvRows(.tickets, rows: 30_000)
        var ids = Set<String>()
        var agencyQty = 0, agencySales = 0, otherQty = 0, otherSales = 0
        for fields in rows {
            XCTAssertTrue(ids.insert(fields[1]).inserted, "ticket ids are unique")
            XCTAssertTrue(Self.isId(fields[1], prefix: "T", digits: 12), fields[1])
            let spot = try XCTUnwrap(catalog.spot(named: fields[2]))
            let type = try XCTUnwrap(catalog.ticketTypes.first { $0.name == fields[3] })
            let channel = try XCTUnwrap(catalog.channels.first { $0.name == fields[4] })
            let qty = try XCTUnwrap(Int64(fields[5]))
            XCTAssertTrue((channel.minQty...channel.maxQty).contains(Int(qty)))
            let amount = try XCTUnwrap(fen(fields[6]), fields[6])
            XCTAssertEqual(amount, (spot.priceFen * type.factorBasisPoints * qty + 5_000) / 10_000, fields.joined(separator: ","))
            if type.name == "免票" { XCTAssertEqual(fields[6], "0.00") }
            if channel.name == "旅行社" { agencyQty += Int(qty); agencySales += 1 } else { otherQty += Int(qty); otherSales += 1 }
        }
        XCTAssertGreaterThan(Double(agencyQty) / Double(agencySales), 3 * Double(otherQty) / Double(otherSales), "group sales are larger")
        XCTAssertRandomLooking(rows.map { $0[1] }, "ticket ids in order of sale")
    }

    func testOrdersMatchTheirProductAndPlatformsShiftOverTheYear() throws {
        let catalog = Self.catalog
        let rows = try csvRows(.orders, rows: 80_000)
        var ids = Set<String>()
        var refunds = 0
        var live = (first: 0, firstTotal: 0, last: 0, lastTotal: 0)
        var hours = [Int](repeating: 0, count: 24)
        for fields in rows {
            XCTAssertEqual(fields.count, 10)
            XCTAssertTrue(ids.insert(fields[1]).inserted, "order ids are unique")
            XCTAssertTrue(Self.isId(fields[1], prefix: "O", digits: 15), fields[1])
            let product = try XCTUnwrap(catalog.product(named: fields[2]))
            XCTAssertEqual(fields[3], product.category)
            XCTAssertEqual(fields[5], product.county ?? "")
            XCTAssertTrue(catalog.platforms.contains { $0.name == fields[4] })
            XCTAssertTrue(fields[6].isEmpty || catalog.origins.contains { $0.name == fields[6] })
            XCTAssertTrue(fields[7].isEmpty || product.merchants.contains(fields[7]), fields[7])
            let qty = try XCTUnwrap(Int64(fields[8]))
            XCTAssertGreaterThanOrEqual(qty, 1)
            let negative = fields[9].hasPrefix("-")
            if negative { refunds += 1 }
            let amount = try XCTUnwrap(fen(negative ? String(fields[9].dropFirst()) : fields[9]))
            XCTAssertEqual(amount, product.priceFen * qty)
            let isLive = fields[4].hasSuffix("直播")
            if fields[0].hasPrefix("2025-01") { live.firstTotal += 1; if isLive { live.first += 1 } }
            if fields[0].hasPrefix("2025-12") { live.lastTotal += 1; if isLive { live.last += 1 } }
            hours[Int(fields[0].dropFirst(11).prefix(2))!] += 1
        }
        XCTAssertGreaterThan(refunds, 0)
        XCTAssertLessThan(Double(refunds) / Double(rows.count), 0.05)
        XCTAssertGreaterThan(Double(live.last) / Double(live.lastTotal), Double(live.first) / Double(live.firstTotal) + 0.05,
                             "live streaming grows through the year")
        XCTAssertTrue((19...22).contains(hours.firstIndex(of: hours.max()!)!), "orders peak in the evening: \(hours)")
        XCTAssertRandomLooking(rows.map { $0[1] }, "order ids in order of time")
    }

    func testBadRowCountIsExactAndTheGoodRowsAreUnchanged() throws {
        // Bad rows may hold bytes that are not UTF-8: compare lines as bytes.
        func lines(_ bad: Double) throws -> [ArraySlice<UInt8>] {
            let bytes = try generator.bytes(GenerationOptions(feed: .tickets, rows: 10_000, seed: 42, badRowShare: bad))
            return Array(bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropFirst().dropLast())
        }
        let clean = try lines(0), dirty = try lines(0.01)
        XCTAssertEqual(clean.count, 10_000)
        XCTAssertEqual(dirty.count, 10_000)
        XCTAssertEqual(zip(clean, dirty).filter { $0.0 != $0.1 }.count, 100)
        XCTAssertEqual(GenerationOptions(feed: .visits, rows: 1_234, badRowShare: 0.001).badRowCount, 1)
        XCTAssertEqual(GenerationOptions(feed: .visits, rows: 1_500, badRowShare: 0.001).badRowCount, 2)
        XCTAssertEqual(GenerationOptions(feed: .visits, rows: 10, badRowShare: 1).badRowCount, 10)
    }

    func testInvalidOptionsAreRefused() {
        for options in [GenerationOptions(feed: .visits, rows: -1), GenerationOptions(feed: .visits, rows: 1, year: 99),
                        GenerationOptions(feed: .visits, rows: 1, badRowShare: 1.5), GenerationOptions(feed: .visits, rows: 1, badRowShare: .nan),
                        GenerationOptions(feed: .visits, rows: GenerationOptions.maxRows + 1)] {
            XCTAssertThrowsError(try generator.bytes(options))
        }
        XCTAssertThrowsError(try generator.generate(feed: .visits, rows: 1, year: 2025, seed: 1, to: "/nonexistent-dir/x.csv")) { error in
            XCTAssertTrue("\(error)".contains("cannot write /nonexistent-dir/x.csv"), "\(error)")
        }
    }

    func testFormatIsImpliedByTheExtension() {
        XCTAssertEqual(FeedFormat.implied(byPath: "a/visits.ndjson"), .ndjson)
        XCTAssertEqual(FeedFormat.implied(byPath: "visits.JSONL"), .ndjson)
        XCTAssertEqual(FeedFormat.implied(byPath: "visits.csv"), .csv)
        XCTAssertEqual(FeedFormat.implied(byPath: "-"), .csv)
    }

    func testACatalogEditedByAUserIsUsed() throws {
        let directory = NSTemporaryDirectory() + "huiyan-catalog-\(UUID().uuidString.prefix(8))"
        try FileManager.default.copyItem(atPath: Catalog.bundledDirectory, toPath: directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "spot,county,grade,theme,weight,price,open_hour,close_hour,spend\n\"雁城, 新景\",石鼓区,none,古街,1,10,9,21,50.5\n"
            .write(toFile: directory + "/spots.csv", atomically: true, encoding: .utf8)
        try "route,spot\n雁城夜游,\"雁城, 新景\"\n".write(toFile: directory + "/routes.csv", atomically: true, encoding: .utf8)
        let generator = FeedGenerator(catalog: try Catalog.load(from: directory))
        let csv = String(decoding: try generator.bytes(GenerationOptions(feed: .visits, rows: 100)), as: UTF8.self)
        XCTAssertTrue(csv.contains(",\"雁城, 新景\","), "a name with a comma is quoted")
        let ndjson = String(decoding: try generator.bytes(GenerationOptions(feed: .visits, rows: 100, format: .ndjson)), as: UTF8.self)
        XCTAssertTrue(ndjson.contains("\"spot\":\"雁城, 新景\""))
    }
}
