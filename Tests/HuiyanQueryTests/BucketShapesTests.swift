import XCTest
@testable import HuiyanQuery

/// The bucket fast paths against the hash table, on the differential tests' generated feeds (1 million
/// visits in time order): the same keys written as expressions (`spot || ''`) take the general path.
final class BucketShapesTests: XCTestCase {
    private func rows(_ engine: QueryEngine, _ sql: String, file: StaticString = #filePath, line: UInt = #line) -> [[String]] {
        do {
            return try engine.execute(sql).last!.rows.map { $0.map { ValueFormatting.text($0, offsetSeconds: 28_800) ?? "NULL" } }
        } catch {
            XCTFail("\(sql): \(error)", file: file, line: line)
            return []
        }
    }

    /// `fast` (a query a fast path answers) and `slow` (the same answer through the general path) give the
    /// same rows: `count` of them, or at least one.
    private func assertSameRows(_ engine: QueryEngine, _ fast: String, _ slow: String, _ label: String, count: Int? = nil,
                                file: StaticString = #filePath, line: UInt = #line) {
        let answer = rows(engine, fast, file: file, line: line)
        if let count { XCTAssertEqual(answer.count, count, label, file: file, line: line) } else { XCTAssertFalse(answer.isEmpty, label, file: file, line: line) }
        XCTAssertEqual(answer, rows(engine, slow, file: file, line: line), label, file: file, line: line)
    }

    func testWholeBlocksReadFromTheFooterMatchTheValues() throws {
        // count, sum and avg of blocks the filter selects whole, without groups or by time buckets a block lies
        // inside, come from the footer (row and NULL counts, block sums); the same query with a conjunct no
        // zone map decides (true for every row) reads every value.
        let engine = try DifferentialTests.engine()
        let queries: [(String, String)] = [
            ("visits", "sum(spend), avg(spend), count(spend), count(*), count(route)"),
            ("orders", "sum(amount), sum(qty), avg(qty), count(merchant)"),
            ("tickets", "count(*), sum(amount), avg(amount)"),
        ]
        // (keys, how many)
        let keys = [("", 0), ("date_trunc('month', ts) AS m", 1), ("EXTRACT(YEAR FROM ts) AS y", 1), ("CAST(ts AS DATE) AS d", 1),
                    ("date_trunc('quarter', ts) AS q, date_trunc('month', ts) AS m", 2)]
        for (table, aggregates) in queries {
            for (key, count) in keys {
                let columns = key.isEmpty ? aggregates : "\(key), \(aggregates)"
                let grouping = count == 0 ? "" : " GROUP BY \(count == 2 ? "1, 2" : "1") ORDER BY 1, 2"
                for filter in ["", " WHERE ts >= '2025-03-01' AND ts < '2025-09-01'"] {
                    let always = (filter.isEmpty ? " WHERE " : filter + " AND ") + "(ts IS NULL OR ts IS NOT NULL)"
                    assertSameRows(engine, "SELECT \(columns) FROM \(table)\(filter)\(grouping)",
                                   "SELECT \(columns) FROM \(table)\(always)\(grouping)", "\(table) \(key)\(filter)")
                }
            }
        }
    }

    func testTotalsPerCodeMatchTheHashTable() throws {
        // Aggregates by one string column over blocks the filter selects whole come from the segment's
        // totals per code (NULL keys included: origin and route); the same key as an expression reads the values.
        let engine = try DifferentialTests.engine()
        let queries: [(String, String, String)] = [
            ("visits", "origin", "count(*), count(origin), sum(spend), avg(spend), count(spend)"),
            ("visits", "route", "sum(spend), count(*), count(route)"),
            ("visits", "spot", "count(*)"),
            ("orders", "platform", "sum(amount), sum(qty), avg(qty), count(*)"),
            ("tickets", "channel", "avg(amount), count(qty), sum(qty)"),
        ]
        for (table, key, aggregates) in queries {
            for filter in ["", " WHERE ts >= '2025-05-01' AND ts < '2025-07-08 13:00:00'"] {
                assertSameRows(engine, "SELECT \(key), \(aggregates) FROM \(table)\(filter) GROUP BY 1 ORDER BY 1 NULLS FIRST",
                               "SELECT \(key) || '', \(aggregates) FROM \(table)\(filter) GROUP BY 1 ORDER BY 1 NULLS FIRST", "\(table) \(key)\(filter)")
            }
        }
    }

    func testCodesCountedInStorageMatchTheHashTable() throws {
        // count(*) by one string column: counted from the packed codes when the block has few NULLs
        // (spot none, origin a fortieth), decoded otherwise (route a quarter); whole blocks and filtered ones.
        let engine = try DifferentialTests.engine()
        for (table, key) in [("visits", "spot"), ("visits", "origin"), ("visits", "route"), ("orders", "platform"), ("orders", "buyer_province")] {
            for filter in ["", " WHERE ts >= '2025-05-01' AND ts < '2025-05-08'", " WHERE ts < '2025-03-01 12:00:00'"] {
                assertSameRows(engine, "SELECT \(key), count(*) FROM \(table)\(filter) GROUP BY 1 ORDER BY 1",
                               "SELECT \(key) || '', count(*) FROM \(table)\(filter) GROUP BY 1 ORDER BY 1", "\(key)\(filter)")
            }
        }
    }

    func testAFilterOnOneStringColumnReadFromTheTotalsPerCode() throws {
        // Without groups, a comparison of one string column with a constant (the time range shown whole by
        // zone maps, or absent) takes the passing codes' totals; the same comparison on `column || ''` reads
        // every value. Absent constants, ranges of strings, NULL keys (origin) and measures of each table.
        let engine = try DifferentialTests.engine()
        let queries: [(String, String, String)] = [
            ("visits", "spot = '南岳衡山'", "count(*), sum(spend), avg(spend), count(spend), count(route)"),
            ("visits", "origin >= '广东' AND origin < '湖南'", "count(*), count(origin), sum(spend)"),
            ("visits", "route = '不存在的路线'", "count(*), sum(spend)"),
            ("orders", "category = '雁城四宝'", "count(*), sum(amount), sum(qty), avg(qty)"),
            ("tickets", "channel <= 'OTA'", "count(*), sum(amount)"),
        ]
        for (table, condition, aggregates) in queries {
            let slow = condition.replacingOccurrences(of: " = '", with: " || '' = '").replacingOccurrences(of: " >= '", with: " || '' >= '")
                .replacingOccurrences(of: " < '", with: " || '' < '").replacingOccurrences(of: " <= '", with: " || '' <= '")
            for time in ["", " AND ts >= '2025-03-01' AND ts < '2025-09-01'"] {
                assertSameRows(engine, "SELECT \(aggregates) FROM \(table) WHERE \(condition)\(time)",
                               "SELECT \(aggregates) FROM \(table) WHERE \(slow)\(time)", "\(table) \(condition)\(time)", count: 1)
            }
        }
    }

    func testPairsOfCodesCountedInStorageMatchTheHashTable() throws {
        // count(*) by two string columns: the one with more NULLs decoded (its NULL rows given their own
        // slot), the other's codes counted in pairs with it from the packed block; NULLs on either side.
        let engine = try DifferentialTests.engine()
        let pairs = [("visits", "route", "spot"), ("visits", "spot", "route"), ("visits", "origin", "route"), ("visits", "spot", "group_type"),
                     ("orders", "buyer_province", "merchant"), ("tickets", "spot", "channel")]
        for (table, first, second) in pairs {
            for filter in ["", " WHERE ts >= '2025-05-01' AND ts < '2025-05-08'", " WHERE ts < '2025-03-01 12:00:00'"] {
                assertSameRows(engine, "SELECT \(first), \(second), count(*) FROM \(table)\(filter) GROUP BY 1, 2 ORDER BY 1, 2",
                               "SELECT \(first) || '', \(second) || '', count(*) FROM \(table)\(filter) GROUP BY 1, 2 ORDER BY 1, 2",
                               "\(first), \(second)\(filter)")
            }
        }
    }

    func testCodesCountedInStorageWithTimeKeysMatchTheHashTable() throws {
        // count(*) by a time key and one string column: blocks inside one bucket of the time key (their
        // zone map shows it) are counted from the packed codes, the others summed by runs.
        let engine = try DifferentialTests.engine()
        let shapes: [(String, String, String)] = [
            ("visits", "date_trunc('month', ts) AS m, spot", "date_trunc('month', ts) AS m, spot || '' AS s"),
            ("visits", "origin, date_trunc('quarter', ts) AS q", "origin || '' AS o, date_trunc('quarter', ts) AS q"),
            ("visits", "CAST(ts AS DATE) AS d, spot", "CAST(ts AS DATE) AS d, spot || '' AS s"),
            ("visits", "EXTRACT(YEAR FROM ts) AS y, route", "EXTRACT(YEAR FROM ts) AS y, route || '' AS r"),
            ("orders", "strftime(ts, '%Y-%m') AS ym, platform", "strftime(ts, '%Y-%m') AS ym, platform || '' AS p"),
            // Keys that come round again: equal at a block's first and last instant, they still differ in between
            // (a block of three weeks begins and ends on a Wednesday).
            ("visits", "EXTRACT(dow FROM ts) AS d, spot", "EXTRACT(dow FROM ts) AS d, spot || '' AS s"),
            ("tickets", "channel, EXTRACT(isodow FROM ts) AS d", "channel || '' AS c, EXTRACT(isodow FROM ts) AS d"),
            ("visits", "EXTRACT(hour FROM ts) AS h, origin", "EXTRACT(hour FROM ts) AS h, origin || '' AS o"),
            ("orders", "EXTRACT(day FROM ts) AS d, platform", "EXTRACT(day FROM ts) AS d, platform || '' AS p"),
            ("orders", "strftime(ts, '%a') AS a, category", "strftime(ts, '%a') AS a, category || '' AS c"),
        ]
        for (table, keys, expressions) in shapes {
            for filter in ["", " WHERE ts >= '2025-05-01' AND ts < '2025-07-08'"] {
                assertSameRows(engine, "SELECT \(keys), count(*) FROM \(table)\(filter) GROUP BY 1, 2 ORDER BY 1, 2",
                               "SELECT \(expressions), count(*) FROM \(table)\(filter) GROUP BY 1, 2 ORDER BY 1, 2", "\(keys)\(filter)")
            }
        }
    }

    func testDistinctStringsOfExpressionsCountEachStringOnce() throws {
        // An expression's strings come in a pool of their own for every block, unsorted and with repeats
        // (coalesce maps NULL and a value to one string): counted across blocks, each string still once.
        let engine = try DifferentialTests.engine()
        assertSameRows(engine,
                       "SELECT group_type, date_trunc('month', ts) AS m, count(DISTINCT coalesce(route, spot)) FROM visits GROUP BY 1, 2 ORDER BY 1, 2",
                       "SELECT group_type, date_trunc('month', ts) AS m, count(DISTINCT CASE WHEN route IS NULL THEN spot ELSE route END) FROM visits GROUP BY 1, 2 ORDER BY 1, 2",
                       "coalesce against CASE")
        let byLower = rows(engine, "SELECT count(DISTINCT lower(spot)), count(DISTINCT coalesce(route, '?')), count(DISTINCT route) + max(CASE WHEN route IS NULL THEN 1 ELSE 0 END) FROM visits")
        XCTAssertEqual(byLower.first?[0], rows(engine, "SELECT count(DISTINCT spot) FROM visits").first?[0])
        XCTAssertEqual(byLower.first?[1], byLower.first?[2])
    }

    func testTimeRunsWithDictionaryCodesMatchTheHashTable() throws {
        let engine = try DifferentialTests.engine()
        // (table, keys through runs of time and codes, the same keys through the hash table, how many keys)
        let shapes: [(String, String, String, Int)] = [
            ("visits", "date_trunc('month', ts) AS m, spot", "date_trunc('month', ts) AS m, spot || '' AS s", 2),
            ("visits", "spot, CAST(ts AS DATE) AS d", "spot || '' AS s, CAST(ts AS DATE) AS d", 2),
            ("visits", "EXTRACT(HOUR FROM ts) AS h, route, group_type", "EXTRACT(HOUR FROM ts) AS h, route || '' AS r, group_type || '' AS g", 3),
            ("visits", "date_trunc('week', ts) AS w, origin", "date_trunc('week', ts) AS w, origin || '' AS o", 2),
            ("orders", "date_trunc('month', ts) AS m, platform", "date_trunc('month', ts) AS m, platform || '' AS p", 2),
            ("orders", "strftime(ts, '%Y-%m') AS ym, category, platform", "strftime(ts, '%Y-%m') AS ym, category || '' AS c, platform || '' AS p", 3),
        ]
        for (table, keys, expressions, n) in shapes {
            let aggregates = table == "visits" ? "count(*), count(spend), sum(spend), avg(spend)" : "count(*), sum(amount), sum(qty)"
            let order = (1...n).map(String.init).joined(separator: ", ")
            for filter in ["", " WHERE ts >= '2025-05-01' AND ts < '2025-05-08'", " WHERE ts < '2025-03-01 12:00:00'"] {
                assertSameRows(engine, "SELECT \(keys), \(aggregates) FROM \(table)\(filter) GROUP BY \(order) ORDER BY \(order)",
                               "SELECT \(expressions), \(aggregates) FROM \(table)\(filter) GROUP BY \(order) ORDER BY \(order)", "\(keys)\(filter)")
            }
        }
    }
}
