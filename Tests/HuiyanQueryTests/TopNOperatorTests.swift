import XCTest
@testable import HuiyanQuery

/// The top-N operator above a scan (limits past what the scan's per-thread heaps keep) keeps the best rows
/// chunk by chunk, drops rows that cannot enter, and breaks ties by input order exactly as a stable sort and
/// a limit do (`rows` runs every query with rules off too: a sort and a limit).
final class TopNOperatorTests: QueryTestCase {
    func testLargeLimitsGiveTheSortedPrefix() throws {
        var csv = "id,k,x\n"
        var state: UInt64 = 7
        for i in 0..<100_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let k = i % 13 == 0 ? "" : "\(Int(state >> 58))"
            csv += "r\(String(state >> 20, radix: 36)),\(k),\(Double(Int(state >> 44) % 1000) / 4)\n"
        }
        try load("CREATE TABLE t (id VARCHAR NOT NULL, k BIGINT, x DOUBLE)", table: "t", csv: csv)
        for sql in ["SELECT id, k FROM t ORDER BY k LIMIT 70000",
                    "SELECT id, k, x FROM t ORDER BY k DESC NULLS LAST, x LIMIT 80000 OFFSET 5",
                    "SELECT k, count(*), max(id) FROM t GROUP BY k ORDER BY 2 DESC LIMIT 3"] {
            let top = rows(sql)
            let explained = rows("EXPLAIN " + sql).map { $0[0] }
            XCTAssertTrue(explained.contains { $0.hasPrefix("TOP ") }, "\(explained)")
            XCTAssertFalse(top.isEmpty, sql)
        }
        // Strings that share their first 8 bytes: the second key must not decide before the whole first key.
        let sql = "SELECT 'hengyang-' || id AS s, x FROM t ORDER BY s, x DESC LIMIT 70000"
        let top = rows(sql)
        XCTAssertEqual(top.count, 70000)
        for (a, b) in zip(top, top.dropFirst()) {
            let ordered = a[0] < b[0] || (a[0] == b[0] && (Double(a[1]) ?? 0) >= (Double(b[1]) ?? 0))
            XCTAssertTrue(ordered, "\(a) before \(b)")
            if !ordered { break }
        }
    }
}
