import XCTest
@testable import HuiyanQuery

/// Subqueries and WITH queries (their rows are in Fixtures/sqllogic/subqueries.test): how EXPLAIN shows
/// their operators, where filters go, which side a hash join builds on, the memory limit, and errors.
final class SubqueryTests: QueryTestCase {
    private func plan(_ sql: String) -> String {
        rows(sql).map { $0[0] }.joined(separator: "\n")
    }

    private let joined = """
        WITH v AS (SELECT spot, CAST(ts AS DATE) AS day, count(*) AS arrivals FROM visits GROUP BY spot, day), \
        t AS (SELECT spot, CAST(ts AS DATE) AS day, sum(amount) AS revenue FROM tickets GROUP BY spot, day) \
        SELECT v.spot, v.day, v.arrivals, t.revenue FROM v JOIN t ON v.spot = t.spot AND v.day = t.day
        """

    func testExplainNamesTheOperators() {
        let text = plan("EXPLAIN SELECT count(*), sum(revenue) FROM (\(joined)) j")
        for line in ["SUBQUERY v columns [spot, day, arrivals]", "SUBQUERY t columns [spot, day, revenue]",
                     "HASH JOIN INNER ON v.spot = t.spot AND v.day = t.day (build: right side)", "build side:",
                     "  SCAN tickets columns [ts, spot, amount]", "SUBQUERY j columns [spot, day, arrivals, revenue]",
                     "HASH AGGREGATE groups [] aggregates [count(*), sum(revenue)] over computed rows"] {
            XCTAssertTrue(text.contains(line), "\(line)\n\(text)")
        }
        XCTAssertEqual(rows("SELECT count(*), sum(revenue) FROM (\(joined)) j"), [["3", "1260.00"]])
    }

    func testExplainAnalyzeRecordsEachOperator() {
        let text = plan("EXPLAIN ANALYZE SELECT v.spot, count(*) FROM (\(joined)) v GROUP BY 1")
        for name in ["SUBQUERY v", "SUBQUERY t", "HASH JOIN INNER", "HASH AGGREGATE groups [spot] aggregates [count(*)] over computed rows"] {
            let line = text.split(separator: "\n").first { $0.contains(name) } ?? ""
            XCTAssertTrue(line.contains("[rows: ") && line.contains(" ms]"), "\(name)\n\(text)")
        }
        XCTAssertTrue(text.contains("HASH JOIN INNER ON v.spot = t.spot AND v.day = t.day (build: right side)  [rows: 3,"), text)
    }

    func testFiltersGoIntoSubqueriesAndJoinSides() {
        let sql = """
            SELECT v.spot, v.n, t.n FROM (SELECT spot, count(*) AS n FROM visits GROUP BY spot) v \
            JOIN (SELECT spot, count(*) AS n FROM tickets GROUP BY spot) t ON v.spot = t.spot \
            WHERE v.spot = '南岳衡山' AND t.n > 0 AND v.n > t.n - 100
            """
        let text = plan("EXPLAIN " + sql)
        XCTAssertTrue(text.contains("  filter: (spot = '南岳衡山')"), "into the left subquery's scan\n\(text)")
        XCTAssertTrue(text.contains("FILTER (count(*) > 0)"), "into the right subquery, over its aggregate\n\(text)")
        XCTAssertTrue(text.contains("FILTER (v.n > (t.n - 100))"), "on both sides: after the join\n\(text)")
        XCTAssertEqual(rows(sql), [["南岳衡山", "4", "3"]])
        // Not into the right side of a LEFT join: its NULL rows must meet the WHERE.
        let left = "SELECT v.spot, t.n FROM (SELECT DISTINCT spot FROM visits) v LEFT JOIN (SELECT spot, count(*) AS n FROM tickets GROUP BY spot) t ON v.spot = t.spot WHERE t.n IS NULL ORDER BY 1"
        XCTAssertEqual(rows(left).map { $0[1] }, ["NULL", "NULL", "NULL", "NULL", "NULL"])
    }

    func testInnerJoinBuildsOnTheSmallerSide() {
        let sql = "SELECT count(*) FROM (SELECT spot FROM visits LIMIT 2) a JOIN (SELECT spot FROM visits) b ON a.spot = b.spot"
        XCTAssertTrue(plan("EXPLAIN " + sql).contains("(build: left side)"))
        XCTAssertEqual(value(sql), "8")
        // A stored table after a subquery: read as rows, the columns the query reads.
        let stored = plan("EXPLAIN SELECT v.n, t.qty FROM (SELECT spot, count(*) AS n FROM visits GROUP BY spot) v JOIN tickets t ON v.spot = t.spot")
        XCTAssertTrue(stored.hasPrefix("SCAN tickets columns [spot, qty]"), stored)
        // The groups of a subquery are guessed fewer than a table's rows: the table is the probe side.
        XCTAssertTrue(stored.contains("(build: left side)"), stored)
    }

    func testMemoryLimit() throws {
        // A hash join's table must fit.
        let join = "SELECT count(*) FROM (SELECT spot FROM visits) a JOIN (SELECT spot FROM visits) b ON a.spot = b.spot"
        XCTAssertThrowsError(try engine.execute(join, context: QueryContext(memoryLimit: 1000))) { error in
            XCTAssertTrue("\(error)".contains("memory limit"), "\(error)")
        }
        XCTAssertEqual(value(join), "29")
        // Groups over computed rows spill by partition (here from the start, as the SQL tests' third run does).
        let sql = "SELECT visitor_id, count(*), count(DISTINCT s) FROM (SELECT visitor_id, spot AS s FROM visits) v GROUP BY visitor_id"
        let context = QueryContext()
        context.spillsAlways = true
        let spilled = Self.text(try engine.execute(sql, context: context).last!)
        XCTAssertGreaterThan(context.statistics.spilledPartitions, 0)
        let analyzed = QueryContext()
        analyzed.spillsAlways = true
        let text = Self.text(try engine.execute("EXPLAIN ANALYZE " + sql, context: analyzed).last!).map { $0[0] }.joined(separator: "\n")
        XCTAssertTrue(text.contains("over computed rows  [rows: ") && text.contains("\n  spilled: its input's rows in 16 partitions"), text)
        XCTAssertEqual(spilled.sorted { $0.lexicographicallyPrecedes($1) }, rows(sql).sorted { $0.lexicographicallyPrecedes($1) })
    }

    func testRepeatedNamesAreNumbered() throws {
        let result = try engine.execute("SELECT * FROM (SELECT 1 AS a, 2 AS a, 3 AS A, 4 AS a_1) s").last!
        XCTAssertEqual(result.columnNames, ["a", "a_1", "A_2", "a_1_1"], "as DuckDB names them")
        XCTAssertEqual(rows("SELECT a_1, A_2 FROM (SELECT 1 AS a, 2 AS a, 3 AS A) s"), [["2", "3"]])
    }

    func testErrorsPointIntoTheSubquery() {
        var e = error("SELECT * FROM (SELECT spto FROM visits) s")
        XCTAssertEqual(e.at, "spto")
        XCTAssertTrue(e.message.contains("did you mean \"spot\""), e.message)
        e = error("WITH w AS (SELECT spot FROM visits) SELECT w.ts FROM w")
        XCTAssertEqual(e.message, "column \"ts\" does not exist in table \"w\"")
        XCTAssertEqual(e.at, "ts")
        e = error("SELECT * FROM (SELECT spot FROM visits) a LEFT JOIN (SELECT spot FROM visits) b ON a.spot = b.spot AND c.spot = a.spot JOIN (SELECT spot FROM visits) c ON a.spot = c.spot")
        XCTAssertTrue(e.message.contains("LEFT JOIN … ON may not read tables joined after it"), e.message)
        e = error("SELECT spot FROM visits v WHERE spot IN (SELECT v.spot FROM tickets t)")
        XCTAssertEqual(e.message, "a correlated subquery may read the query around it only in equalities of its WHERE (… WHERE t.spot = v.spot)")
        XCTAssertEqual(e.at, "v")
    }

    func testExpressionSubqueriesRunOnceBeforeTheQuery() {
        // The values become the IN list of the scan's filter (zone maps and storage use it like a literal list).
        let text = plan("EXPLAIN SELECT count(*) FROM visits WHERE spot IN (SELECT spot FROM tickets WHERE amount > 100)")
        XCTAssertTrue(text.contains("  filter: spot IN ('南岳衡山', '东洲岛', '蔡伦竹海')"), text)
        XCTAssertEqual(value("SELECT count(*) FROM visits WHERE spot IN (SELECT spot FROM tickets WHERE amount > 100)"), "6")
        XCTAssertEqual(value("SELECT (SELECT count(*) FROM tickets) + (SELECT count(*) FROM orders)"), "15")
        // A long list is shown by its first 20 values.
        let times = "SELECT ts FROM visits UNION ALL SELECT ts FROM tickets UNION ALL SELECT ts FROM orders"
        let long = plan("EXPLAIN SELECT count(*) FROM visits WHERE ts NOT IN (\(times))")
        XCTAssertTrue(long.contains(", … \(value("SELECT count(DISTINCT ts) FROM (\(times)) u")) values)"), long)
        XCTAssertEqual(value("SELECT count(*) FROM visits WHERE ts NOT IN (SELECT ts FROM visits)"), "0")
    }
}
