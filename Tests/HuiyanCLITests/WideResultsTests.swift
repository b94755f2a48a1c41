import Foundation
import XCTest

/// Results wider or longer than the terminal, through the real binary: middle columns hidden behind a `…`
/// column with the values of the others whole, first and last rows with the count between, `.maxwidth` and
/// `.maxrows`, and `huiyan report` within 80 columns.
final class WideResultsTests: FixtureDatabaseTestCase {
    func testAWideResultHidesMiddleColumnsAndKeepsValuesWhole() throws {
        let result = try huiyan.run(["query", "SELECT * FROM orders ORDER BY ts LIMIT 5"], environment: ["COLUMNS": "80"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        for line in lines { XCTAssertLessThanOrEqual(RendererTests.columns(line), 80, line) }
        // The first and last columns whole, a `…` column for the middle ones, and how many were hidden.
        XCTAssertTrue(lines[1].hasPrefix("│ ts                  │ order_id │"), lines[1])
        XCTAssertTrue(lines[1].hasSuffix("│ … │ qty │ amount │"), lines[1])
        XCTAssertTrue(lines[3].hasPrefix("│ 2025-10-01 00:03:11 │ O000001  │ 南岳云雾茶 │"), lines[3])
        XCTAssertEqual(lines.last, "5 rows, 5 of 10 columns hidden")
        for line in lines.dropFirst(3).dropLast(2) {
            XCTAssertEqual(line.components(separatedBy: "…").count - 1, 1, "only the hidden columns' mark is an ellipsis: \(line)")
        }
        // Wide enough, nothing is hidden.
        let wide = try huiyan.run(["query", "SELECT * FROM orders ORDER BY ts LIMIT 5"], environment: ["COLUMNS": "250"])
        XCTAssertEqual(wide.stdout.split(separator: "\n").last, "5 rows")
        XCTAssertFalse(wide.stdout.contains("…"), wide.stdout)
    }

    func testMaxWidthAndMaxRowsInTheREPL() throws {
        let script = """
        .maxwidth
        .maxwidth 60
        .maxrows 4
        SELECT visitor_id, ts, spot, route, origin, group_type, spend FROM visits ORDER BY ts;
        .maxrows
        .maxwidth 0

        """
        let result = try huiyan.run([], environment: ["COLUMNS": "100"], input: script)
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "0", "the default: the terminal's width")
        let table = lines.filter { $0.hasPrefix("│") || $0.hasPrefix("┌") || $0.hasPrefix("└") }
        for line in table { XCTAssertLessThanOrEqual(RendererTests.columns(line), 60, line) }
        XCTAssertTrue(table[1].hasPrefix("│ visitor_id │ ts                  │"), table[1])
        XCTAssertTrue(table[1].hasSuffix("│ … │  spend │"), table[1])
        // Two rows, a row of `…`, two rows; the count of those between in the footer.
        XCTAssertTrue(table[2].hasPrefix("│ V000001    │ 2025-10-01 08:05:12 │"), table[2])
        XCTAssertTrue(table[4].hasPrefix("│ …          │ …                   │"), table[4])
        XCTAssertTrue(table[6].hasSuffix("│ … │ -20.00 │"), table[6])
        XCTAssertTrue(lines.contains("10 rows (6 in the middle not shown), 4 of 7 columns hidden"), result.stdout)
        XCTAssertTrue(lines.contains("4"), "`.maxrows` alone says the value: \(result.stdout)")
    }

    func testReportFitsEightyColumnsWithHeadedBars() throws {
        XCTAssertEqual(try huiyan.run(["catalogs", "load"]).status, 0)
        let result = try huiyan.run(["report"])
        XCTAssertEqual(result.status, 0, result.stderr)
        for line in result.stdout.split(separator: "\n") {
            XCTAssertLessThanOrEqual(RendererTests.columns(String(line)), 80, String(line))
        }
        for header in ["│ 指标           │ 剩余日均需 │ 当前日均 │ 按季节预测全年 │ 预测占目标 │", "完成进度", "人次对比", "销售对比", "交易对比", "零售对比"] {
            XCTAssertTrue(result.stdout.contains(header), "\(header) missing:\n\(result.stdout)")
        }
        XCTAssertFalse(result.stdout.contains("（0%）"), "a figure in brackets without a name")
    }
}
