import Foundation
import XCTest

/// The result renderer through the real binary (`huiyan query`, and the REPL reading standard input): Chinese
/// and ASCII aligned by display width, wide and narrow terminals, truncation with an ellipsis, NULLs, results
/// larger than .maxrows, 万/亿 units and charts. Outputs are goldens under Fixtures/repl/.
final class RendererTests: FixtureDatabaseTestCase {
    static let visitsQuery = "SELECT visitor_id, spot, route, origin, group_type, spend FROM visits ORDER BY ts"

    func testWideTerminalShowsEverythingAligned() throws {
        let result = try huiyan.run(["query", Self.visitsQuery], environment: ["COLUMNS": "120"])
        XCTAssertEqual(result.status, 0, result.stderr)
        try RendererGolden.check(result.stdout, against: "table-wide.txt")
        // Every line of the table is equally wide on the screen, Chinese counted as two columns.
        let widths = Set(result.stdout.split(separator: "\n").dropLast().map { Self.columns(String($0)) })
        XCTAssertEqual(widths.count, 1, "\(widths)")
    }

    func testNarrowTerminalHidesMiddleColumnsAndCutsOnlyAtCharacterBoundaries() throws {
        let result = try huiyan.run(["query", Self.visitsQuery], environment: ["COLUMNS": "50"])
        XCTAssertEqual(result.status, 0, result.stderr)
        try RendererGolden.check(result.stdout, against: "table-narrow.txt")
        for line in result.stdout.split(separator: "\n").dropLast() {
            XCTAssertLessThanOrEqual(Self.columns(String(line)), 50, String(line))
        }
        // A value wider than half the terminal is cut, never in the middle of a wide character.
        let cut = try huiyan.run(["query", "SELECT spot, route FROM visits ORDER BY ts LIMIT 1"], environment: ["COLUMNS": "30"])
        XCTAssertTrue(cut.stdout.contains("│ 南岳衡山 │ 大南岳衡山…  │"), cut.stdout)
        for line in cut.stdout.split(separator: "\n").dropLast() {
            XCTAssertLessThanOrEqual(Self.columns(String(line)), 30, String(line))
        }
    }

    func testPipedOutputIsNotTruncated() throws {
        let result = try huiyan.run(["query", Self.visitsQuery])
        XCTAssertTrue(result.stdout.contains("石鼓书院–廻雁峰–东洲岛城市线"), result.stdout)
        XCTAssertFalse(result.stdout.contains("…"), result.stdout)
    }

    func testChartsAndUnits() throws {
        let script = """
        SELECT spot, count(*) AS arrivals, sum(spend) AS spend FROM visits GROUP BY spot ORDER BY arrivals DESC, spot;
        .chart bar
        .chart bar spend
        SELECT date_trunc('hour', ts) AS hour, sum(amount) AS revenue FROM orders GROUP BY 1 ORDER BY 1;
        .chart line
        .units wan
        SELECT product, sum(amount) * 100000 AS revenue FROM orders GROUP BY 1 ORDER BY 2 DESC;
        .chart bar

        """
        let result = try huiyan.run([], environment: ["COLUMNS": "60"], input: script)
        XCTAssertEqual(result.status, 0, result.stderr)
        try RendererGolden.check(result.stdout, against: "charts.txt")
    }

    func testUnitsLeaveHugeNumbersAsTheyAre() throws {
        let result = try huiyan.run([], input: ".units wan\nSELECT 1e300 AS d, 123456.0::DOUBLE AS w;\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("│ 1e+300 │ 12.35万 │"), result.stdout)
    }

    func testLargeResultShowsFirstAndLastRows() throws {
        let feed = directory + "/visits.csv"
        XCTAssertEqual(try huiyan.run(["generate", "visits", "--rows", "5000", "--out", feed]).status, 0)
        let big = HuiyanProcess(databasePath: directory + "/big")
        XCTAssertEqual(try big.run(["ingest", "visits", feed]).status, 0)
        let result = try big.run([], input: ".maxrows 10\nSELECT visitor_id, spot, spend FROM visits ORDER BY visitor_id, ts;\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines.count, 3 + 10 + 1 + 1 + 1 + 1, result.stdout)  // header, rows, gap, bottom, footer, ""
        XCTAssertTrue(lines[3 + 5].hasPrefix("│ …"), lines[3 + 5])
        XCTAssertEqual(lines[lines.count - 2], "5,000 rows (4,990 in the middle not shown)")
        let all = try big.run([], input: ".maxrows 0\n.mode csv\nSELECT visitor_id FROM visits;\n")
        XCTAssertEqual(all.stdout.split(separator: "\n").count, 5001)
    }

    /// Terminal columns of a line: the test's own count of East Asian wide characters (a check independent of
    /// the renderer's wcwidth).
    static func columns(_ line: String) -> Int {
        line.unicodeScalars.reduce(0) { width, scalar in
            let v = scalar.value
            let wide = (0x2E80...0x9FFF).contains(v) || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v)
                || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v)
            return width + (wide ? 2 : 1)
        }
    }
}
