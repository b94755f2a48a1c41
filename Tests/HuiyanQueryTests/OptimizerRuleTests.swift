import XCTest
@testable import HuiyanQuery

/// Each optimizer rule fires where it applies (EXPLAIN lists it) and changes no row: the same query with
/// that rule off, and with every rule off, gives the same rows.
final class OptimizerRuleTests: QueryTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        try load("CREATE TABLE spot_grade (spot VARCHAR NOT NULL, grade VARCHAR)", table: "spot_grade", csv: """
            spot,grade
            南岳衡山,5A
            石鼓书院,4A
            东洲岛,4A
            雨母山,3A

            """)
    }

    /// The rules EXPLAIN lists for a query under some settings.
    private func rulesUsed(_ sql: String, _ settings: OptimizerSettings) throws -> [String] {
        let plan = Self.text(try engine.execute("EXPLAIN " + sql, context: QueryContext(optimizer: settings)).last!).map { $0[0] }
        let prefix = "optimizer rules used: "
        let line = plan.first { $0.hasPrefix(prefix) } ?? ""
        return line.dropFirst(prefix.count).components(separatedBy: ", ")
    }

    private func resultRows(_ sql: String, _ settings: OptimizerSettings) throws -> [[String]] {
        Self.text(try engine.execute(sql, context: QueryContext(optimizer: settings)).last!)
    }

    func testEveryRuleFiresAndChangesNoRow() throws {
        let cases: [(OptimizerRule, String, ordered: Bool)] = [
            (.constantFolding, "SELECT visitor_id FROM visits WHERE spot = lower('南岳衡山') || '' ORDER BY 1", true),
            (.filterPushdown, "SELECT count(*), sum(spend) FROM visits WHERE spend > 100 AND origin IS NOT NULL", true),
            (.filterPushdown, "SELECT spot, count(*) FROM visits GROUP BY spot HAVING spot <> '东洲岛' AND count(*) > 1 ORDER BY 1", true),
            (.projectionPruning, "SELECT spot FROM visits ORDER BY 1", true),
            (.topN, "SELECT visitor_id, spend FROM visits ORDER BY spend DESC, visitor_id LIMIT 4", true),
            (.topN, "SELECT spot, count(*) FROM visits GROUP BY spot ORDER BY 2 DESC, 1 LIMIT 2 OFFSET 1", true),
            (.limitPushdown, "SELECT ts, visitor_id FROM visits LIMIT 5", true),
            (.distinctToAggregate, "SELECT DISTINCT spot, route FROM visits", false),
            (.aggregationBelowJoin, "SELECT g.grade, count(*), sum(v.spend) FROM visits v JOIN spot_grade g ON v.spot = g.spot GROUP BY 1 ORDER BY 1", true),
            (.statisticsAggregates, "SELECT count(*), sum(spend), avg(spend) FROM visits", true),
            (.bucketAggregation, "SELECT spot, count(*) FROM visits GROUP BY 1 ORDER BY 1", true),
            (.joinOrder, "SELECT g.grade, v.visitor_id FROM spot_grade g JOIN visits v ON g.spot = v.spot ORDER BY 2, 1", true),
        ]
        for (rule, sql, ordered) in cases {
            XCTAssertTrue(try rulesUsed(sql, .allOn).contains(rule.rawValue), "\(rule.rawValue) should fire for \(sql)")
            let without = OptimizerSettings(disabledRules: [rule.rawValue])
            XCTAssertFalse(try rulesUsed(sql, without).contains(rule.rawValue), "\(rule.rawValue) is off for \(sql)")
            XCTAssertEqual(try rulesUsed(sql, .allOff), ["none"], sql)
            var expected = try resultRows(sql, .allOn)
            XCTAssertFalse(expected.isEmpty, sql)
            var withoutRule = try resultRows(sql, without), general = try resultRows(sql, .allOff)
            if !ordered {
                expected.sort { $0.lexicographicallyPrecedes($1) }
                withoutRule.sort { $0.lexicographicallyPrecedes($1) }
                general.sort { $0.lexicographicallyPrecedes($1) }
            }
            XCTAssertEqual(withoutRule, expected, "without \(rule.rawValue): \(sql)")
            XCTAssertEqual(general, expected, "with every rule off: \(sql)")
        }
    }

    func testUnknownRuleNamesAreRefusedWithTheClosestName() {
        XCTAssertThrowsError(try OptimizerSettings.parse("top_m", source: "--disable-rules")) { error in
            XCTAssertTrue("\(error)".contains("did you mean top_n?"), "\(error)")
        }
        XCTAssertEqual(try OptimizerSettings.parse(" all ", source: "x"), .allOff)
        XCTAssertEqual(try OptimizerSettings.parse("top_n,filter_pushdown", source: "x").disabledRules, ["top_n", "filter_pushdown"])
    }

    /// Top-N over a table of several blocks whose amounts rise block by block: once the heap holds the
    /// best rows, the zone maps rule the other blocks out, and the rows are those a full sort gives.
    func testTopNSkipsBlocksItsZoneMapsRuleOut() throws {
        var csv = "ts,id,amount\n"
        var state: UInt64 = 7
        for i in 0..<200_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let id = String(format: "s%09llu", (state >> 20) % 1_000_000_000)
            csv += "2025-03-01T08:00:00,\(id),\(i / 100).\(String(format: "%02d", Int(state >> 58) % 100))\n"
        }
        try load("CREATE TABLE sales (ts TIMESTAMP NOT NULL, id VARCHAR NOT NULL, amount DECIMAL(18,2))", table: "sales", csv: csv)
        let sql = "SELECT id, amount FROM sales ORDER BY amount, id LIMIT 5"
        let context = QueryContext(threads: 1, optimizer: .allOn)
        let top = Self.text(try engine.execute(sql, context: context).last!)
        XCTAssertGreaterThan(context.statistics.blocksSkippedByTopN, 0)
        XCTAssertEqual(top, try resultRows(sql, .allOff))
        XCTAssertEqual(top.map { $0[1] }.allSatisfy { $0.hasPrefix("0.") }, true, "\(top)")
        let descending = "SELECT id, amount FROM sales ORDER BY amount DESC LIMIT 3 OFFSET 2"
        XCTAssertEqual(Self.text(try engine.execute(descending, context: QueryContext(threads: 2)).last!), try resultRows(descending, .allOff))
    }

    /// Top-N over random amounts (few blocks can be skipped): blocks are read best zone map first, a block's
    /// other columns for its candidate rows alone, and ids of a large numeric dictionary (a front-coded one
    /// too, and NULLs) written out for those rows alone: the rows a full sort gives, ties in table order.
    func testTopNReadsBestBlocksFirstAndTheIdsOfItsCandidatesAlone() throws {
        var csv = "ts,id,tag,amount\n"
        var state: UInt64 = 19
        for i in 0..<300_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let id = i % 97 == 0 ? "" : String(format: "u%09llu", (state >> 20) % 1_000_000_000)
            let tag = "t-" + String(state >> 17, radix: 36)
            let amount = i % 89 == 0 ? "" : "\(Int(state >> 40) % 5000).\(String(format: "%02d", Int(state >> 58) % 100))"
            csv += "2025-03-01T08:00:00,\(id),\(tag),\(amount)\n"
        }
        try load("CREATE TABLE buys (ts TIMESTAMP NOT NULL, id VARCHAR, tag VARCHAR, amount DECIMAL(18,2))", table: "buys", csv: csv)
        for sql in ["SELECT id, tag, amount FROM buys ORDER BY amount DESC NULLS LAST, id LIMIT 10",
                    "SELECT id, amount FROM buys ORDER BY amount, id DESC LIMIT 25 OFFSET 3",
                    "SELECT tag, id FROM buys WHERE tag > 't-5' ORDER BY amount DESC NULLS LAST, tag LIMIT 7"] {
            try assertRulesOnGiveRulesOffRows(sql)
        }
    }

    /// Checks that `sql` gives, with every rule on, on one thread and on two, the rows it gives with every rule
    /// off; returns those rows.
    @discardableResult
    private func assertRulesOnGiveRulesOffRows(_ sql: String, file: StaticString = #filePath, line: UInt = #line) throws -> [[String]] {
        let expected = try resultRows(sql, .allOff)
        for threads in [1, 2] {
            XCTAssertEqual(Self.text(try engine.execute(sql, context: QueryContext(threads: threads, optimizer: .allOn)).last!), expected,
                           "\(threads) thread(s): \(sql)", file: file, line: line)
        }
        return expected
    }

    /// Top-N over three segments of random ids and amounts with many ties (the ids break them): blocks best
    /// first go from segment to segment and back, and the threads share each segment's id dictionary, decoded
    /// as far as their candidates' codes go, codes below those decoded so far read again from a checkpoint: the
    /// rows a full sort gives.
    func testTopNAcrossSegmentsReadsTheIdsOfEachSegmentAsFarAsItsCandidatesGo() throws {
        _ = try engine.execute("CREATE TABLE buys (ts TIMESTAMP NOT NULL, id VARCHAR, amount DECIMAL(18,2))")
        var state: UInt64 = 23
        for part in 0..<3 {
            var csv = "ts,id,amount\n"
            for i in 0..<140_000 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let id = i % 101 == 0 ? "" : String(format: "o%011llu", (state >> 16) % 100_000_000_000)
                csv += "2025-0\(part + 1)-01T08:00:00,\(id),\(Int(state >> 44) % 40 * 25).00\n"
            }
            try append(csv, to: "buys")
        }
        for sql in ["SELECT id, amount FROM buys ORDER BY amount DESC, id LIMIT 40",
                    "SELECT id, amount FROM buys ORDER BY amount, id DESC NULLS LAST LIMIT 30 OFFSET 5",
                    "SELECT id FROM buys WHERE ts < '2025-03-01' ORDER BY amount DESC, id NULLS FIRST LIMIT 12"] {
            XCTAssertGreaterThanOrEqual(try assertRulesOnGiveRulesOffRows(sql).count, 12)
        }
    }

    /// Top-N by a first key of every numeric lane (BIGINT, DOUBLE, DATE, TIMESTAMP), with NULLs first and last,
    /// ascending and descending, ties and a LIMIT past the rows a block selects fast: the rows of a full sort.
    func testTopNByNumbersOfEveryLaneGivesTheSortedRows() throws {
        var csv = "ts,id,n,x,d\n"
        var state: UInt64 = 41
        for i in 0..<150_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let n = i % 53 == 0 ? "" : String(Int(state >> 40) % 20_000 - 10_000)
            let x = i % 61 == 0 ? "" : String(Double(Int(state >> 30) % 100_000) / 8)
            let day = 1 + Int(state >> 50) % 28
            csv += "2025-02-\(String(format: "%02d", day))T\(String(format: "%02d", i % 24)):00:00,k\(i),\(n),\(x),2025-03-\(String(format: "%02d", day))\n"
        }
        try load("CREATE TABLE m (ts TIMESTAMP NOT NULL, id VARCHAR NOT NULL, n BIGINT, x DOUBLE, d DATE NOT NULL)", table: "m", csv: csv)
        for sql in ["SELECT id, n FROM m ORDER BY n DESC NULLS LAST, id LIMIT 10",
                    "SELECT id, n FROM m ORDER BY n NULLS FIRST, id LIMIT 20",
                    "SELECT id, n FROM m ORDER BY n, id DESC LIMIT 300",
                    "SELECT id, x FROM m ORDER BY x DESC NULLS LAST, id LIMIT 15",
                    "SELECT id, x FROM m ORDER BY x NULLS FIRST, id LIMIT 8 OFFSET 70",
                    "SELECT id, d FROM m ORDER BY d DESC, id LIMIT 12",
                    "SELECT id, ts FROM m ORDER BY ts, id LIMIT 9"] {
            try assertRulesOnGiveRulesOffRows(sql)
        }
    }

    /// GROUP BY a string column of large dictionaries across segments whose dictionaries overlap (and a NULL
    /// key): per segment by code, then the dictionaries merged range by range — the same groups and aggregates as the
    /// hash table, on one thread or two.
    func testDictionaryMergeGivesTheHashTablesGroups() throws {
        _ = try engine.execute("CREATE TABLE buys (ts TIMESTAMP NOT NULL, id VARCHAR, amount DECIMAL(18,2), n BIGINT)")
        var state: UInt64 = 11
        for part in 0..<3 {
            var csv = "ts,id,amount,n\n"
            for i in 0..<30_000 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                // 12,000 ids shared by every part, so that the dictionaries overlap; some rows without an id. Their
                // forms put ties in the merge's first 8 and 16 bytes: short ids, ids of exactly 8 and 16 bytes,
                // long ids sharing their first 16 bytes, ids that are another's prefix, Chinese.
                let number = (state >> 20) % 12_000 + UInt64(part % 2) * 3_000
                let forms = [String(format: "c%06llu", number), String(format: "d%07llu", number), String(format: "account-%08llu", number),
                             String(format: "customer-account-%06llu", number), String(format: "customer-account-%06llu-x", number / 2),
                             String(format: "客%06llu", number), "customer-account"]
                let id = (state >> 33) % 97 == 0 ? "" : forms[Int(number % 7)]
                csv += "2025-0\(part + 1)-01T08:00:00,\(id),\(Int(state >> 50) % 500 - 50).\(i % 100 < 10 ? "0" : "")\(i % 100),\(i % 7)\n"
            }
            try append(csv, to: "buys")
        }
        let sql = """
            SELECT id, count(*), count(n), count(*) FILTER (WHERE amount > 0), sum(amount), avg(n), min(amount), max(ts)
            FROM buys WHERE n <> 3 GROUP BY id ORDER BY id NULLS FIRST
            """
        XCTAssertTrue(try rulesUsed(sql, .allOn).contains(OptimizerRule.dictionaryMerge.rawValue))
        let general = try assertRulesOnGiveRulesOffRows(sql)
        XCTAssertGreaterThan(general.count, 10_000, "ids of the three parts, and the NULL key")
        XCTAssertEqual(general.first?.first, "NULL")
        // Without a count(*), the merge knows which codes had rows from flags instead of row counts.
        let uncounted = "SELECT id, min(amount), max(ts) FROM buys WHERE n <> 3 GROUP BY id ORDER BY id NULLS FIRST"
        XCTAssertEqual(try assertRulesOnGiveRulesOffRows(uncounted).count, general.count)
        let top = "SELECT id, count(*) FROM buys GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5"
        XCTAssertEqual(try resultRows(top, .allOn), try resultRows(top, .allOff))
    }

    /// GROUP BY an id column of dictionaries too large to stay decoded (over 65,536 entries a segment): with a
    /// filter that keeps a fifth of the rows, the scan reads each segment's codes as its dictionary numbers them
    /// (not a pool of a block's entries), numeric ids of one form merge as numbers, and with a segment of ids
    /// written otherwise as strings — the same rows as the hash table.
    func testDictionaryMergeOfLargeIdDictionariesUnderAFilter() throws {
        _ = try engine.execute("CREATE TABLE trips (ts TIMESTAMP NOT NULL, visitor VARCHAR, spot VARCHAR NOT NULL, spend BIGINT)")
        var rng = SplitMix(state: 17)
        let spots = ["岳麓", "南岳", "石鼓", "回雁", "西渡"]
        func part(_ id: (UInt64) -> String) -> String {
            var csv = "ts,visitor,spot,spend\n"
            for i in 0..<100_000 {
                // 160,000 visitors spread over the id space, 74,000 of them in each part; a few rows without one.
                let visitor = rng.below(5_000) == 0 ? "" : id(UInt64(rng.below(160_000)) &* 4_999 % 1_000_000_000)
                csv += "2025-05-01T08:\(i % 60 < 10 ? "0" : "")\(i % 60):00,\(visitor),\(spots[rng.below(spots.count)]),\(rng.below(900) + 10)\n"
            }
            return csv
        }
        for _ in 0..<2 { try append(part { String(format: "v%09llu", $0) }, to: "trips") }
        let queries = [
            "SELECT visitor, count(*), sum(spend), min(ts) FROM trips WHERE spot = '南岳' GROUP BY visitor ORDER BY visitor NULLS FIRST",
            "SELECT count(*), sum(c), min(visitor), max(visitor) FROM (SELECT visitor, count(*) AS c FROM trips WHERE spot <> '石鼓' GROUP BY visitor)",
            // The key in the filter: read with the segment's whole pool.
            "SELECT visitor, count(*) FROM trips WHERE visitor >= 'v500000000' AND spot = '岳麓' GROUP BY visitor ORDER BY visitor",
        ]
        XCTAssertTrue(try rulesUsed(queries[0], .allOn).contains(OptimizerRule.dictionaryMerge.rawValue))
        let numeric = try queries.map { try assertRulesOnGiveRulesOffRows($0) }
        XCTAssertGreaterThan(numeric[0].count, 20_000)
        XCTAssertEqual(numeric[0].first?.first, "NULL")
        // Ids of mixed forms (stored as text): the numeric dictionaries are merged as text with it.
        try append(part { $0 % 3 == 0 ? String(format: "w%llu", $0) : String(format: "v%09llu", $0) }, to: "trips")
        for (sql, before) in zip(queries, numeric) {
            let rows = try assertRulesOnGiveRulesOffRows(sql)
            XCTAssertNotEqual(rows, before, sql)
        }
    }

    /// EXPLAIN ANALYZE runs the query: each operator's rows, the pipeline's blocks, the total time.
    func testExplainAnalyzeShowsRowsAndBlocks() throws {
        let plan = rows("EXPLAIN ANALYZE SELECT spot, count(*) FROM visits WHERE spend > 10 GROUP BY spot HAVING count(*) > 1 ORDER BY 2 DESC, 1 LIMIT 2")
            .map { $0[0] }
        let groups = rows("SELECT spot, count(*) FROM visits WHERE spend > 10 GROUP BY spot").count
        XCTAssertTrue(plan.contains { $0.hasPrefix("  pipeline: \(groups) row(s) out in ") && $0.contains("block(s) read") }, "\(plan)")
        let having = rows("SELECT spot FROM visits WHERE spend > 10 GROUP BY spot HAVING count(*) > 1").count
        XCTAssertTrue(plan.contains { $0.hasPrefix("FILTER (count(*) > 1)  [rows: \(having), time: ") }, "\(plan)")
        XCTAssertTrue(plan.contains { $0.hasPrefix("TOP 2 [count(*) DESC, spot]  [rows: 2, time: ") }, "\(plan)")
        XCTAssertTrue(plan.last?.hasPrefix("total time: ") ?? false, "\(plan)")
        XCTAssertTrue(error("EXPLAIN ANALYZE SHOW TABLES").message.contains("SELECT after EXPLAIN ANALYZE"))
    }
}
