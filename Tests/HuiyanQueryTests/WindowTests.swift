import XCTest
@testable import HuiyanQuery

/// Window functions (their rows are in Fixtures/sqllogic/windows.test): how EXPLAIN shows the window operator,
/// the memory limit and cancellation.
final class WindowTests: QueryTestCase {
    private func plan(_ sql: String) -> String {
        rows(sql).map { $0[0] }.joined(separator: "\n")
    }

    func testExplainNamesTheWindowOperator() {
        let sql = """
            SELECT spot, count(*) AS n, rank() OVER (ORDER BY count(*) DESC) AS place, \
            sum(count(*)) OVER () AS total FROM visits GROUP BY spot QUALIFY place <= 2
            """
        let text = plan("EXPLAIN " + sql)
        for line in ["WINDOW [rank() OVER (ORDER BY count(*) DESC), sum(count(*)) OVER ()]",
                     "  partition [] order [count(*) DESC]: rank() OVER (ORDER BY count(*) DESC)",
                     "  partition [] order []: sum(count(*)) OVER ()",
                     "FILTER (rank() OVER (ORDER BY count(*) DESC) <= 2)"] {
            XCTAssertTrue(text.contains(line), "\(line)\n\(text)")
        }
        let analyzed = plan("EXPLAIN ANALYZE " + sql)
        let window = analyzed.split(separator: "\n").first { $0.hasPrefix("WINDOW") || $0.contains(" WINDOW [") } ?? ""
        XCTAssertTrue(window.contains("[rows: ") && window.contains(" ms]"), analyzed)
        // Two spots tie for second place: QUALIFY keeps both.
        XCTAssertEqual(rows(sql + " ORDER BY place, spot").map { $0[2] }, ["1", "2", "2"])
    }

    func testMemoryLimit() throws {
        let sql = "SELECT visitor_id, row_number() OVER (PARTITION BY spot ORDER BY ts) FROM visits"
        XCTAssertThrowsError(try engine.execute(sql, context: QueryContext(memoryLimit: 1000))) { error in
            XCTAssertTrue("\(error)".contains("memory limit"), "\(error)")
        }
        XCTAssertEqual(rows(sql).count, Int(value("SELECT count(*) FROM visits")))
    }

    func testCancellation() throws {
        let context = QueryContext()
        context.cancel()
        XCTAssertThrowsError(try engine.execute("SELECT sum(spend) OVER (ORDER BY ts) FROM visits", context: context)) { error in
            XCTAssertTrue("\(error)".contains("cancel"), "\(error)")
        }
    }
}
