import XCTest
@testable import HuiyanQuery
import HuiyanTourism

final class SelectTests: QueryTestCase {
    func testCountsSumsAndGroups() {
        XCTAssertEqual(value("SELECT count(*) FROM visits"), "13")
        XCTAssertEqual(value("SELECT sum(amount) FROM tickets"), "1680.00", "money sums exactly")
        XCTAssertEqual(rows("SELECT spot, count(*) AS n FROM visits GROUP BY spot ORDER BY n DESC, spot LIMIT 2"),
                       [["南岳衡山", "4"], ["东洲岛", "2"]])
        XCTAssertEqual(rows("SELECT channel, sum(qty), sum(amount) FROM tickets GROUP BY 1 ORDER BY 1"),
                       [["OTA", "3", "420.00"], ["小程序", "5", "40.00"], ["旅行社", "12", "960.00"], ["景区窗口", "5", "260.00"]])
        XCTAssertEqual(value("SELECT avg(amount) FROM tickets WHERE ticket_type = '全价票'"), "466.6666666666667")
        XCTAssertEqual(rows("SELECT min(spot), max(spot) FROM visits"), [["东洲岛", "蔡伦故里"]], "byte order")
    }

    /// Expressions are the same by structure, not by their printed text: a constant whose text contains the
    /// list's separator (`'南岳衡山'', ''东洲岛'` is one string) is another key than the two-value list.
    func testGroupKeysAreMatchedByStructureNotText() {
        XCTAssertEqual(value("SELECT count(*) FROM visits WHERE spend > 100"), "5")
        XCTAssertEqual(rows("""
            SELECT spot IN ('南岳衡山', '东洲岛') AS a, spot IN ('南岳衡山'', ''东洲岛') AS b, count(*)
            FROM visits GROUP BY 1, 2 ORDER BY 1 DESC
            """), [["true", "false", "6"], ["false", "false", "7"]])
        XCTAssertEqual(rows("SELECT CASE WHEN spend > 100 THEN 'a' END AS x, CASE WHEN spend > 100 THEN 'b' END AS y, count(*) FROM visits GROUP BY 1, 2 ORDER BY 3"),
                       [["a", "b", "5"], ["NULL", "NULL", "8"]])
    }

    func testWherePredicates() {
        XCTAssertEqual(value("SELECT count(*) FROM visits WHERE spot IN ('南岳衡山', '东洲岛')"), "6")
        XCTAssertEqual(value("SELECT count(*) FROM visits WHERE spot NOT IN ('南岳衡山', '东洲岛')"), "7")
        XCTAssertEqual(value("SELECT count(*) FROM visits WHERE route IS NULL"), "3")
        XCTAssertEqual(value("SELECT count(*) FROM visits WHERE route LIKE '%经济%'"), "5")
        XCTAssertEqual(value("SELECT count(*) FROM visits WHERE spot ILIKE '%衡山'"), "4")
        XCTAssertEqual(value("SELECT count(*) FROM visits WHERE spend BETWEEN 35 AND 120"), "5")
        XCTAssertEqual(value("SELECT count(*) FROM visits WHERE ts >= '2025-10-02' AND ts < '2025-10-03'"), "2")
        XCTAssertEqual(value("SELECT count(*) FROM visits WHERE ts < TIMESTAMP '2025-10-01 09:00:00'"), "2")
        XCTAssertEqual(value("SELECT count(*) FROM visits WHERE NOT (spend > 100) OR spend IS NULL"), "8")
        XCTAssertEqual(value("SELECT count(*) FROM visits WHERE spend > 100 AND origin = '广东'"), "1")
    }

    func testExpressionsAndFunctions() {
        XCTAssertEqual(value("SELECT 1 + 2 * 3"), "7")
        XCTAssertEqual(value("SELECT 7 / 2"), "3.5")
        XCTAssertEqual(value("SELECT CAST('2025-10-01' AS DATE)"), "2025-10-01")
        XCTAssertEqual(value("SELECT '12.5'::DECIMAL(18,2) * 2"), "25.00")
        XCTAssertEqual(value("SELECT coalesce(NULL, 'x')"), "x")
        XCTAssertEqual(value("SELECT 'a' || 'b' || 1"), "ab1")
        XCTAssertEqual(value("SELECT CASE WHEN 1 > 2 THEN 'yes' ELSE 'no' END"), "no")
        XCTAssertEqual(rows("SELECT visitor_id, CASE group_type WHEN '团队' THEN 'group' ELSE 'single' END FROM visits WHERE spot = '东洲岛' ORDER BY 1"),
                       [["V000001", "single"], ["V000005", "single"]])
        XCTAssertEqual(value("SELECT upper('abc') || lower('DEF') || length('南岳')"), "ABCdef2")
        XCTAssertEqual(value("SELECT round(2.346::DOUBLE, 2)"), "2.35")
        XCTAssertEqual(value("SELECT sum(spend) FILTER (WHERE group_type = '团队') FROM visits"), "543.50")
    }

    func testTimeInTheDatabaseZone() throws {
        try load("CREATE TABLE t (ts TIMESTAMP NOT NULL, x BIGINT)", table: "t",
                 csv: "ts,x\n2025-12-31T23:30:00+08:00,1\n2025-12-31T16:30:00Z,2\n2025-02-28T23:59:59+08:00,3\n2024-02-29T12:00:00+08:00,4\n")
        XCTAssertEqual(rows("SELECT x, date_trunc('month', ts), date_trunc('year', ts), CAST(ts AS DATE) FROM t ORDER BY x"), [
            ["1", "2025-12-01 00:00:00", "2025-01-01 00:00:00", "2025-12-31"],
            ["2", "2026-01-01 00:00:00", "2026-01-01 00:00:00", "2026-01-01"],
            ["3", "2025-02-01 00:00:00", "2025-01-01 00:00:00", "2025-02-28"],
            ["4", "2024-02-01 00:00:00", "2024-01-01 00:00:00", "2024-02-29"],
        ])
        XCTAssertEqual(rows("SELECT EXTRACT(YEAR FROM ts), EXTRACT(MONTH FROM ts), EXTRACT(HOUR FROM ts), EXTRACT(DOW FROM ts), date_part('quarter', ts) FROM t ORDER BY x"), [
            ["2025", "12", "23", "3", "4"], ["2026", "1", "0", "4", "1"], ["2025", "2", "23", "5", "1"], ["2024", "2", "12", "4", "1"],
        ])
        XCTAssertEqual(value("SELECT strftime(ts, '%Y年%m月%d日 %H:%M') FROM t WHERE x = 2"), "2026年01月01日 00:30")
        XCTAssertEqual(rows("SELECT date_trunc('week', ts) FROM t WHERE x = 1"), [["2025-12-29 00:00:00"]])
    }

    func testCountsFromZoneMapsEqualCountsFromRows() throws {
        // One block: its zone map covers 2025-10-01 08:05 … 2025-10-04 12:00 (local time).
        XCTAssertEqual(value("SELECT count(*) FROM visits WHERE ts >= '2025-09-01' AND ts < '2025-11-01'"), "13", "the whole block")
        XCTAssertEqual(value("SELECT count(*) FROM visits WHERE ts >= '2025-10-02'"), "7", "part of the block: rows decoded")
        XCTAssertEqual(value("SELECT count(*) FROM visits WHERE ts < '2025-09-01'"), "0")
        XCTAssertEqual(value("SELECT count(*) FROM visits WHERE ts >= '2025-09-01' AND spend > 100"), "5", "not only zone tests")
        XCTAssertEqual(rows("SELECT date_trunc('month', ts) AS m, count(*) FROM visits WHERE ts > '2025-01-01' GROUP BY m"),
                       [["2025-10-01 00:00:00", "13"]])
        XCTAssertEqual(rows("SELECT date_trunc('day', ts) AS d, count(*) FROM visits WHERE ts > '2025-01-01' GROUP BY d ORDER BY d"),
                       [["2025-10-01 00:00:00", "6"], ["2025-10-02 00:00:00", "2"], ["2025-10-03 00:00:00", "2"], ["2025-10-04 00:00:00", "3"]],
                       "days differ across the block: decoded")
    }

    func testNullsEverywhere() throws {
        try load("CREATE TABLE n (k VARCHAR, v BIGINT, m DECIMAL(18,2))", table: "n",
                 csv: "k,v,m\na,1,1.50\n,2,\na,,2.25\n,,\nb,5,-1\n")
        XCTAssertEqual(rows("SELECT k, count(*), count(v), sum(v), sum(m) FROM n GROUP BY k ORDER BY k NULLS FIRST"), [
            ["NULL", "2", "1", "2", "NULL"], ["a", "2", "1", "1", "3.75"], ["b", "1", "1", "5", "-1.00"],
        ])
        XCTAssertEqual(rows("SELECT v FROM n ORDER BY v NULLS LAST"), [["1"], ["2"], ["5"], ["NULL"], ["NULL"]])
        XCTAssertEqual(rows("SELECT v FROM n ORDER BY v DESC"), [["NULL"], ["NULL"], ["5"], ["2"], ["1"]])
        XCTAssertEqual(value("SELECT count(*) FROM n WHERE v > 1"), "2")
        XCTAssertEqual(value("SELECT count(*) FROM n WHERE v IN (1, NULL)"), "1")
        XCTAssertEqual(value("SELECT sum(v) FROM n WHERE v > 100"), "NULL")
        XCTAssertEqual(value("SELECT count(*) FROM n WHERE v > 100"), "0")
        XCTAssertEqual(value("SELECT coalesce(k, '(none)') FROM n WHERE v = 2"), "(none)")
    }

    /// Table f: three blocks (140,000 rows) with NULLs in every column but g.
    private func loadThreeBlocks() throws {
        var rng = SplitMix64(seed: 31)
        var csv = "k,g,v,m,t\n"
        let keys = ["a", "b", "c", "d", "雁城四宝"]
        for i in 0..<140_000 {
            let k = rng.chance(100_000) ? "" : rng.pick(keys)
            let v = rng.chance(50_000) ? "" : String(rng.below(1000) - 100)
            let m = rng.chance(50_000) ? "" : String(format: "%d.%02d", rng.below(200), [0, 50, 99][rng.below(3)])
            let t = rng.chance(20_000) ? "" : "2025-\(String(format: "%02d", 1 + i * 12 / 140_000))-15 08:00:00"
            csv += "\(k),\(rng.pick(["x", "y"])),\(v),\(m),\(t)\n"
        }
        try load("CREATE TABLE f (k VARCHAR, g VARCHAR, v BIGINT, m DECIMAL(18,2), t TIMESTAMP)", table: "f", csv: csv)
    }

    func testBucketsByCodeMatchTheHashTable() throws {
        // Keys that are plain string columns go through buckets by code; the same keys as expressions
        // through the hash table: NULL keys (one or both), NULL arguments, several aggregates at once.
        try loadThreeBlocks()
        for (keys, expressions) in [("k", "k || ''"), ("k, g", "k || '', g || ''"), ("g, k", "g || '', k || ''")] {
            let aggregates = "count(*), count(v), sum(v), sum(m), avg(m), count(m)"
            for filter in ["", " WHERE v > 100", " WHERE k = 'b'"] {
                XCTAssertEqual(rows("SELECT \(keys), \(aggregates) FROM f\(filter) GROUP BY \(keys) ORDER BY \(keys)"),
                               rows("SELECT \(expressions), \(aggregates) FROM f\(filter) GROUP BY \(expressions) ORDER BY \(expressions)"),
                               "\(keys)\(filter)")
            }
        }
    }

    func testFiltersAnsweredByStorageMatchTheEvaluator() throws {
        // A comparison of a column nothing reads afterwards is answered from the packed values, the same
        // test written another way goes through the evaluator.
        try loadThreeBlocks()
        let pairs: [(String, String)] = [
            ("k = 'c'", "k IN ('c', 'none')"),
            ("k = '雁城四宝'", "k IN ('雁城四宝', 'none')"),
            ("k = 'none'", "k IN ('none', 'other')"),
            ("k < 'c'", "NOT (k >= 'c')"),
            ("k >= 'b'", "NOT (k < 'b')"),
            ("v >= 500", "v + 0 >= 500"),
            ("v < 0", "v + 0 < 0"),
            ("v = 7", "v + 0 = 7"),
            ("m = 12.50", "m + 0 = 12.50"),
            ("m > 150", "m + 0 > 150"),
            ("t < '2025-06-01'", "NOT (t >= '2025-06-01')"),
            ("k = 'a' AND v > 10", "k IN ('a', 'none') AND v + 0 > 10"),
        ]
        for (direct, general) in pairs {
            for select in ["count(*), sum(v), sum(m)", "g, count(*), sum(v)", "g, count(*), sum(m)"] {
                let grouped = select.hasPrefix("g") ? " GROUP BY g ORDER BY g" : ""
                let a = rows("SELECT \(select) FROM f WHERE \(direct)\(grouped)")
                XCTAssertEqual(a, rows("SELECT \(select) FROM f WHERE \(general)\(grouped)"), direct)
                if !direct.contains("none") { XCTAssertFalse(a.isEmpty, direct) }
            }
        }
        XCTAssertEqual(value("SELECT count(*) FROM f WHERE k = 'none'"), "0")
    }

    func testSumsOfHugeIntegersAreExactOrAnError() throws {
        // Values of ±4·10¹⁸ whose sums fit although partial sums in another order would not: every path
        // (no groups, buckets by code, runs of time, the hash table) gives the exact sum, and a sum past
        // BIGINT is an error, not a wrapped number.
        var csv = "k,v,t\n"
        var expected: [String: Int128] = [:], hours: [Int: Int128] = [:], total: Int128 = 0
        for i in 0..<3000 {
            let v = Int64(i % 2 == 0 ? 4_000_000_000_000_000_000 : -4_000_000_000_000_000_000) + Int64(i)
            let k = ["a", "b", "c"][i % 3]
            csv += "\(k),\(v),2025-01-01 \(String(format: "%02d:%02d:%02d", i / 360, i / 6 % 60, i % 6 * 10))\n"
            expected[k, default: 0] += Int128(v)
            hours[i / 360, default: 0] += Int128(v)
            total += Int128(v)
        }
        try load("CREATE TABLE huge (k VARCHAR, v BIGINT, t TIMESTAMP)", table: "huge", csv: csv)
        XCTAssertEqual(value("SELECT sum(v) FROM huge"), String(total))
        let byKey = ["a", "b", "c"].map { [$0, String(expected[$0]!)] }
        XCTAssertEqual(rows("SELECT k, sum(v) FROM huge GROUP BY k ORDER BY k"), byKey)
        XCTAssertEqual(rows("SELECT k || '', sum(v) FROM huge GROUP BY 1 ORDER BY 1"), byKey)
        XCTAssertEqual(rows("SELECT EXTRACT(HOUR FROM t) AS h, sum(v) FROM huge GROUP BY h ORDER BY h"),
                       hours.keys.sorted().map { [String($0), String(hours[$0]!)] })
        XCTAssertEqual(rows("SELECT date_trunc('day', t) AS d, k, sum(v) FROM huge GROUP BY d, k ORDER BY k").map { $0[2] },
                       byKey.map { $0[1] })
        for sql in ["SELECT sum(v) FROM huge WHERE v > 0", "SELECT k, sum(v) FROM huge WHERE v > 0 GROUP BY k",
                    "SELECT EXTRACT(HOUR FROM t), sum(v) FROM huge WHERE v > 0 GROUP BY 1"] {
            XCTAssertTrue(error(sql).message.contains("overflowed BIGINT"), sql)
        }
    }

    func testOneThreadAcrossSegmentsWithDifferentDictionaries() throws {
        // Two segments whose dictionaries give the same string different codes, read by one thread: each
        // segment's codes must be read with its own dictionary (filters and counts answered by storage too).
        _ = try engine.execute("CREATE TABLE seg (k VARCHAR, v BIGINT, t TIMESTAMP)")
        var expected: [String: Int] = [:]
        for (part, keys) in [["c", "e", "a"], ["e", "b", "d", "c"]].enumerated() {
            var csv = "k,v,t\n"
            for i in 0..<(3000 + part * 1000) {
                let k = keys[i % keys.count]
                csv += "\(k),\(i),2025-0\(part + 1)-10 08:00:00\n"
                expected[k, default: 0] += 1
            }
            try append(csv, to: "seg")
        }
        let counts = expected.keys.sorted().map { [$0, String(expected[$0]!)] }
        for threads in [1, 2] {
            let context = QueryContext(threads: threads)
            func query(_ sql: String) throws -> [[String]] {
                try engine.execute(sql, context: context).last!.rows.map { $0.map { ValueFormatting.text($0, offsetSeconds: 28_800) ?? "NULL" } }
            }
            XCTAssertEqual(try query("SELECT k, count(*) FROM seg GROUP BY k ORDER BY k"), counts, "\(threads) threads")
            XCTAssertEqual(try query("SELECT k, date_trunc('month', t) AS m, count(*) FROM seg GROUP BY k, m ORDER BY k, m").count, 7)
            for k in expected.keys.sorted() {
                XCTAssertEqual(try query("SELECT count(*) FROM seg WHERE k = '\(k)'"), [[String(expected[k]!)]], "\(k), \(threads) threads")
                XCTAssertEqual(try query("SELECT count(*), sum(v) FROM seg WHERE k = '\(k)'"),
                               try query("SELECT count(*), sum(v) FROM seg WHERE k IN ('\(k)', 'none')"), "\(k), \(threads) threads")
            }
            XCTAssertEqual(try query("SELECT count(*) FROM seg WHERE k < 'c'"), [[String(expected["a"]! + expected["b"]!)]])
        }
    }

    func testEmptyTablesAndResults() throws {
        _ = try engine.execute("CREATE TABLE e (x BIGINT, s VARCHAR)")
        XCTAssertEqual(value("SELECT count(*) FROM e"), "0")
        XCTAssertEqual(value("SELECT sum(x) FROM e"), "NULL")
        XCTAssertEqual(rows("SELECT s, count(*) FROM e GROUP BY s"), [])
        XCTAssertEqual(rows("SELECT * FROM visits LIMIT 0"), [])
        XCTAssertEqual(rows("SELECT spot FROM visits WHERE spot = '不存在'"), [])
    }

    func testOrderLimitOffsetDistinctHaving() {
        XCTAssertEqual(rows("SELECT DISTINCT origin FROM visits WHERE origin IS NOT NULL ORDER BY origin LIMIT 3"),
                       [["广东"], ["江西"], ["湖北"]])
        XCTAssertEqual(rows("SELECT visitor_id FROM visits ORDER BY ts LIMIT 2 OFFSET 1"), [["V000002"], ["V000003"]])
        XCTAssertEqual(rows("SELECT spot, count(*) AS n FROM visits GROUP BY spot HAVING count(*) > 1 ORDER BY n DESC, spot"),
                       [["南岳衡山", "4"], ["东洲岛", "2"], ["石鼓书院", "2"]])
        XCTAssertEqual(rows("SELECT count(DISTINCT visitor_id), approx_count_distinct(visitor_id) FROM visits"), [["10", "10"]])
        XCTAssertEqual(rows("SELECT route AS r, count(*) FROM visits GROUP BY r ORDER BY 2 DESC, r LIMIT 1"), [["大南岳衡山旅游经济圈", "4"]])
    }

    func testDistinctStringsOfAnExpressionAcrossSegments() {
        // visits.csv and visits.ndjson are two segments with their own dictionaries; coalesce's strings come
        // in a pool per block, unsorted and with repeats.
        let expected = Set(rows("SELECT coalesce(route, '?') FROM visits").map { $0[0] }).count
        XCTAssertEqual(value("SELECT count(DISTINCT coalesce(route, '?')) FROM visits"), String(expected))
        XCTAssertEqual(value("SELECT count(DISTINCT coalesce(route, spot)) FROM visits"),
                       String(Set(rows("SELECT coalesce(route, spot) FROM visits").map { $0[0] }).count))
        XCTAssertEqual(rows("SELECT group_type, count(DISTINCT lower(coalesce(route, 'x'))) FROM visits GROUP BY 1 ORDER BY 1").map { $0[1] },
                       rows("SELECT group_type, count(DISTINCT coalesce(route, 'x')) FROM visits GROUP BY 1 ORDER BY 1").map { $0[1] })
    }

    func testGroupKeysThatDifferOnlyInTheirConstantsStayApart() {
        // SELECT expressions are matched to group keys by their text: two CASEs, IN lists, strftime formats
        // or round digits must not be taken for one another (the second showed the first's values).
        XCTAssertEqual(rows("""
            SELECT CASE WHEN spend >= 200 THEN 'high' ELSE 'low' END AS a, CASE WHEN spend < 0 THEN 'refund' ELSE 'paid' END AS b,
                   spot IN ('南岳衡山', '东洲岛') AS c, spot IN ('南岳衡山', '石鼓书院') AS d, count(*)
            FROM visits GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
            """).map { $0.prefix(4).joined(separator: " ") }.contains("low refund false false"), true)
        let keys = rows("SELECT strftime(ts, '%Y') AS y, strftime(ts, '%d') AS d, round(spend, 0) AS r0, round(spend, -2) AS r2 FROM visits GROUP BY 1, 2, 3, 4 ORDER BY 2 LIMIT 1")
        XCTAssertEqual(keys.first?[0], "2025")
        XCTAssertEqual(keys.first?[1], "01")
        XCTAssertNotEqual(keys.first?[2], keys.first?[3])
    }

    func testStatements() throws {
        XCTAssertEqual(rows("SHOW TABLES").map { $0[0] }, ["orders", "tickets", "visits"])
        XCTAssertEqual(rows("DESCRIBE tickets").map { $0[0] + " " + $0[1] }.prefix(2), ["ts TIMESTAMP", "ticket_id VARCHAR"])
        let plan = rows("EXPLAIN SELECT count(*) FROM visits WHERE ts >= '2025-10-04'").map { $0[0] }
        XCTAssertTrue(plan.contains { $0.contains("segments: 1 of 2 scanned, 1 pruned by zone maps") }, "\(plan)")
        // SQL.md's example, a DATE column, and an INTERVAL column refused with the types a column may have.
        XCTAssertEqual(try engine.execute("CREATE TABLE weather (day TIMESTAMP NOT NULL, city VARCHAR, rain DECIMAL(10,2))").last?.message,
                       "created table weather with 3 column(s)")
        XCTAssertEqual(rows("DESCRIBE weather").map { $0[1] }, ["TIMESTAMP", "VARCHAR", "DECIMAL(18,2)"])
        XCTAssertEqual(try engine.execute("CREATE TABLE rain (day DATE)").last?.message, "created table rain with 1 column(s)")
        let interval = error("CREATE TABLE gaps (gap INTERVAL)")
        XCTAssertTrue(interval.message.contains("TIMESTAMP, DATE)"), interval.message)
        XCTAssertEqual(interval.at, "INTERVAL")
    }

    func testErrorsPointAtTheProblem() {
        var e = error("SELECT spto FROM visits")
        XCTAssertEqual(e.message, "column \"spto\" does not exist — did you mean \"spot\"?")
        XCTAssertEqual(e.at, "spto")
        e = error("SELECT * FROM vists")
        XCTAssertEqual(e.message, "table \"vists\" does not exist — did you mean \"visits\"?")
        e = error("SELECT sum(spend) FROM visits WHERE count(*) > 1")
        XCTAssertEqual(e.message, "aggregate functions are not allowed in WHERE")
        XCTAssertEqual(e.at, "count(*)")
        e = error("SELECT spot, route, count(*) FROM visits GROUP BY spot")
        XCTAssertEqual(e.message, "column \"route\" must appear in the GROUP BY clause or be used in an aggregate function")
        XCTAssertEqual(e.at, "route")
        e = error("SELECT foo(spot) FROM visits")
        XCTAssertTrue(e.message.hasPrefix("unknown function foo"), e.message)
        e = error("SELECT count(*) FROM visits WHERE spot > 3")
        XCTAssertEqual(e.message, "cannot compare or combine VARCHAR with BIGINT in a comparison")
        e = error("SELECT count(*) FROM visits WHERE ts > 'yesterday'")
        XCTAssertEqual(e.message, "could not convert 'yesterday' to TIMESTAMP")
        XCTAssertEqual(e.at, "'yesterday'")
        e = error("SELECT spot FROM visits ORDER BY 3")
        XCTAssertTrue(e.message.contains("ORDER BY position 3"), e.message)
    }
}
