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

    /// The bound the threads' heaps share is the worst first key of the best rows any of them was offered,
    /// in the key's order, NULLs where the key puts them; none until as many rows as the limit are known.
    func testTheSharedBoundIsTheWorstOfTheBestOffered() {
        let spend = BoundExpression.column(0, name: "spend", type: .int64)
        let descending = TopNBound(key: SortKey(expression: spend, descending: true, nullsFirst: false), capacity: 3)
        descending.offer([.int(5), .int(1)])
        XCTAssertNil(descending.bound, "two rows known, three wanted")
        descending.offer([.null, .int(9)])
        XCTAssertEqual(descending.bound, .int(1), "9, 5, 1 (NULLs last)")
        descending.offer([.int(7), .int(3)])
        XCTAssertEqual(descending.bound, .int(5), "9, 7, 5")
        let nullsFirst = TopNBound(key: SortKey(expression: spend, descending: false, nullsFirst: true), capacity: 2)
        nullsFirst.offer([.int(4), .null, .int(2)])
        XCTAssertEqual(nullsFirst.bound, .int(2), "NULL, 2")
        let large = TopNBound(key: SortKey(expression: spend, descending: false, nullsFirst: false), capacity: TopNBound.largestCapacity + 1)
        large.offer((0..<5_000).map { .int(Int64($0)) })
        XCTAssertNil(large.bound, "a LIMIT past the largest shared capacity keeps the threads' own bounds")
    }
}
