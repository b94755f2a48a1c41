import XCTest
@testable import HuiyanQuery

/// Cancellation, timeouts and the memory limit stop a statement with a clear error.
final class LimitsTests: QueryTestCase {
    func testCancelledStatementStops() {
        let context = QueryContext()
        context.cancel()
        XCTAssertThrowsError(try engine.execute("SELECT count(*) FROM visits", context: context)) { error in
            XCTAssertEqual("\(error)", "query cancelled")
        }
    }

    func testTimeoutStops() {
        let context = QueryContext(timeout: 0.000_001)
        usleep(1000)
        XCTAssertThrowsError(try engine.execute("SELECT spot, count(*) FROM visits GROUP BY spot", context: context)) { error in
            XCTAssertTrue("\(error)".hasPrefix("query timed out after"), "\(error)")
        }
    }

    func testMemoryLimitTurnsARunawayQueryIntoAnError() {
        let context = QueryContext(memoryLimit: 64)
        XCTAssertThrowsError(try engine.execute("SELECT visitor_id, count(DISTINCT spot) FROM visits GROUP BY visitor_id", context: context)) { error in
            XCTAssertTrue("\(error)".contains("memory limit of 64 B"), "\(error)")
        }
        // The same query within a sane limit runs.
        XCTAssertNoThrow(try engine.execute("SELECT visitor_id, count(DISTINCT spot) FROM visits GROUP BY visitor_id",
                                            context: QueryContext(memoryLimit: 64 << 20)))
    }

    func testAJoinThatMultipliesRowsStopsAtTheMemoryLimitBeforeMakingThem() throws {
        // Every visit matches every visit of its group type: 13 rows become 74. (count of a column of the
        // joined table: the join is made row by row, not aggregated below it.)
        let sql = "SELECT count(w.visitor_id) FROM visits v JOIN visits w ON v.group_type = w.group_type"
        XCTAssertThrowsError(try engine.execute(sql, context: QueryContext(memoryLimit: 1000))) { error in
            XCTAssertTrue("\(error)".contains("memory limit"), "\(error)")
        }
        XCTAssertEqual(try engine.execute(sql).first?.rows.first?.first, .int(5 * 5 + 7 * 7), "团队 5, 散客 7; the NULL matches nothing")
        // count(*) aggregates the scanned side per group type first: three rows are joined, none multiplied
        // (the per-type groups' tables, merged from two threads, and the column's dictionary take a few KiB).
        let below = "SELECT count(*) FROM visits v JOIN visits w ON v.group_type = w.group_type"
        XCTAssertEqual(try engine.execute(below, context: QueryContext(memoryLimit: 64 << 10)).first?.rows.first?.first, .int(5 * 5 + 7 * 7))
    }

    func testHostileQueryTextNeverCrashes() {
        let deep = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        XCTAssertThrowsError(try engine.execute("SELECT \(deep)"))
        let inList = "SELECT count(*) FROM visits WHERE spot IN (" + (0..<10_000).map { "'s\($0)'" }.joined(separator: ",") + ")"
        XCTAssertEqual(try engine.execute(inList).first?.rows.first?.first, .int(0))
        for text in ["", ";", "SELECT", "SELECT * FROM", "SELECT count(* FROM visits", "SELECT '\u{0}'", "SELECT 1 +", "DESCRIBE",
                     "SELECT spot FROM visits GROUP BY", "SELECT 9223372036854775807 + 1", "SELECT sum(spend) FROM visits GROUP BY 5",
                     "SELECT CAST('x' AS DATE)", "SELECT 1/0", "SELECT -9223372036854775808 * -1", "COPY visits FROM '/nonexistent'"] {
            do { _ = try engine.execute(text) } catch is QueryError {} catch { XCTFail("\(text): \(error)") }
        }
    }

    /// One budget per statement: the rows every operator hands on (the sort's whole input here) count against
    /// the limit together with the scan's state, and the peak is kept.
    func testOperatorsShareOneMemoryBudget() throws {
        var csv = "spot,grade\n"
        for i in 0..<50_000 { csv += "景点\(i * 7919 % 50_000),\(i % 5)A\n" }
        try load("CREATE TABLE many (spot VARCHAR NOT NULL, grade VARCHAR)", table: "many", csv: csv)
        let sql = "SELECT spot, grade FROM many ORDER BY spot"
        let roomy = QueryContext(memoryLimit: 64 << 20)
        XCTAssertEqual(try engine.execute(sql, context: roomy).first?.rows.count, 50_000)
        XCTAssertGreaterThan(roomy.peakHeldBytes, 50_000 * 2 * 8, "the sorted rows' two columns were held")
        XCTAssertLessThan(roomy.peakHeldBytes, 64 << 20)
        XCTAssertThrowsError(try engine.execute(sql, context: QueryContext(memoryLimit: 256 << 10))) { error in
            XCTAssertTrue("\(error)".contains("memory limit of 256.0 KiB"), "\(error)")
        }
        let plan = rows("EXPLAIN ANALYZE " + sql).map { $0[0] }
        XCTAssertTrue(plan.last?.contains("the operators' states held at most") ?? false, "\(plan)")
    }
}
