import Foundation
import XCTest

/// The SQL tests as data: every file of Fixtures/sqllogic runs in a fresh database of its own, each query with all
/// optimizer rules on, all off, and with aggregations spilled to disk (Fixtures/sqllogic/README.md). One test
/// method per file.
final class SQLLogicTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures").path
    static let folder = fixtures + "/sqllogic"

    /// The files a method below runs; `testEveryFileRuns` keeps the list and the folder in step.
    static let files = ["select", "filters", "aggregates", "grouping", "ordering", "distinct", "expressions",
                        "time", "money", "joins", "feeds", "errors", "corners", "segments", "syntax", "large", "keys", "text", "calendar", "numbers", "zone", "buckets",
                        "functions-strings", "functions-regex", "functions-time", "functions-choices", "subqueries", "unions", "windows", "grouping-sets",
                        "exists", "set-operations", "cross-joins", "values", "outer-joins",
                        "table-functions", "views", "statistics", "statistics-large", "dates", "correlated", "using", "union-by-name", "describe"]

    func testSelect() throws { try run("select") }
    func testCorrelated() throws { try run("correlated") }
    func testUsing() throws { try run("using") }
    func testFilters() throws { try run("filters") }
    func testAggregates() throws { try run("aggregates") }
    func testGrouping() throws { try run("grouping") }
    func testOrdering() throws { try run("ordering") }
    func testDistinct() throws { try run("distinct") }
    func testExpressions() throws { try run("expressions") }
    func testTime() throws { try run("time") }
    func testMoney() throws { try run("money") }
    func testJoins() throws { try run("joins") }
    func testFeeds() throws { try run("feeds") }
    func testErrors() throws { try run("errors") }
    func testCorners() throws { try run("corners") }
    func testSegments() throws { try run("segments") }
    func testSyntax() throws { try run("syntax") }
    func testLarge() throws { try run("large") }
    func testKeys() throws { try run("keys") }
    func testText() throws { try run("text") }
    func testCalendar() throws { try run("calendar") }
    func testNumbers() throws { try run("numbers") }
    func testZone() throws { try run("zone") }
    func testBuckets() throws { try run("buckets") }
    func testFunctionsStrings() throws { try run("functions-strings") }
    func testFunctionsRegex() throws { try run("functions-regex") }
    func testFunctionsTime() throws { try run("functions-time") }
    func testFunctionsChoices() throws { try run("functions-choices") }
    func testSubqueries() throws { try run("subqueries") }
    func testUnions() throws { try run("unions") }
    func testWindows() throws { try run("windows") }
    func testGroupingSets() throws { try run("grouping-sets") }
    func testExists() throws { try run("exists") }
    func testSetOperations() throws { try run("set-operations") }
    func testCrossJoins() throws { try run("cross-joins") }
    func testValues() throws { try run("values") }
    func testOuterJoins() throws { try run("outer-joins") }
    func testTableFunctions() throws { try run("table-functions") }
    func testViews() throws { try run("views") }
    func testStatistics() throws { try run("statistics") }
    func testStatisticsLarge() throws { try run("statistics-large") }
    func testDates() throws { try run("dates") }
    func testUnionByName() throws { try run("union-by-name") }
    func testDescribe() throws { try run("describe") }

    /// Every .test file in the folder has a method above, and every method's file exists.
    func testEveryFileRuns() throws {
        let present = try FileManager.default.contentsOfDirectory(atPath: Self.folder)
            .filter { $0.hasSuffix(".test") }.map { String($0.dropLast(5)) }
        XCTAssertEqual(Set(present), Set(Self.files), "add a test method for each new .test file in Fixtures/sqllogic")
    }

    /// The parser reads each kind of record and refuses a malformed block with its line.
    func testParser() throws {
        let records = try SQLLogicParser.parse("""
            # a comment
            load feeds

            statement ok
            CREATE TABLE t (a BIGINT)

            # known: a bug
            query IT rowsort
            SELECT 1,
              'x'
            ----
            1\tx

            statement error does not exist
            SELECT nope
            """)
        XCTAssertEqual(records.count, 4)
        XCTAssertEqual(records.map(\.line), [2, 4, 8, 14])
        guard case .query(let types, let sort, let expected) = records[2].kind else { return XCTFail("not a query") }
        XCTAssertEqual(types, "IT")
        XCTAssertEqual(sort, .rowsort)
        XCTAssertEqual(expected, ["1\tx"])
        XCTAssertEqual(records[2].sql, "SELECT 1,\n  'x'")
        XCTAssertEqual(records[2].known, "a bug")
        guard case .statementError(let message) = records[3].kind else { return XCTFail("not an error statement") }
        XCTAssertEqual(message, "does not exist")
        XCTAssertThrowsError(try SQLLogicParser.parse("query I\nSELECT 1\n\n")) { error in
            XCTAssertEqual("\(error)", "line 1: query without a `----` line before its rows")
        }
        XCTAssertThrowsError(try SQLLogicParser.parse("query X\nSELECT 1\n----\n1\n"))
    }

    /// A wrong expected row fails, in every run, naming the file and line.
    func testWrongRowsFail() throws {
        let runner = SQLLogicRunner(fileName: "inline.test", fixtures: Self.fixtures)
        try runner.run(SQLLogicParser.parse("query I\nSELECT 1 + 1\n----\n3\n"))
        XCTAssertEqual(runner.failures.count, 1)
        let message = runner.failures.first?.description ?? ""
        XCTAssertTrue(message.hasPrefix("inline.test:1: SQL: SELECT 1 + 1"), message)
        XCTAssertTrue(message.contains("rules on: rows differ") && message.contains("rules off: rows differ")
                      && message.contains("spilled: rows differ"), message)
    }

    private func run(_ name: String) throws {
        let path = Self.folder + "/\(name).test"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let records: [SQLLogicRecord]
        do { records = try SQLLogicParser.parse(text) } catch {
            return XCTFail("\(name).test: \(error)")
        }
        let runner = SQLLogicRunner(fileName: "Fixtures/sqllogic/\(name).test", fixtures: Self.fixtures)
        try runner.run(records)
        XCTAssertGreaterThan(runner.queries, 0, "\(name).test has no query")
        for failure in runner.failures { XCTFail("\(failure)") }
        for known in runner.knownNowPassing {
            print("note: \(known.file):\(known.line) is marked `# known: \(known.message)` but now passes: remove the marker")
        }
    }
}
