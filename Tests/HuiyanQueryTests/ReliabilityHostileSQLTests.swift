import XCTest
@testable import HuiyanQuery

/// Hostile query text made by hand, issue 7 (beyond LimitsTests' parentheses and IN list): every form of deep
/// nesting is a clear "nested too deeply" error (never a stack overflow), huge flat lists work and answer
/// right, and NUL or replacement characters are ordinary errors.
final class ReliabilityHostileSQLTests: QueryTestCase {
    func assertClearError(_ sql: String, contains expected: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try engine.execute(sql)
            XCTFail("no error for \(sql.prefix(60))…", file: file, line: line)
        } catch let error as QueryError {
            XCTAssertTrue(error.message.contains(expected), "\(error.message)", file: file, line: line)
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
    }

    func testEveryFormOfDeepNestingIsAClearError() {
        let n = 100_000
        let forms = [
            "SELECT " + String(repeating: "1+", count: n) + "1",
            "SELECT " + String(repeating: "NOT ", count: n) + "true",
            "SELECT " + String(repeating: "abs(", count: n) + "1" + String(repeating: ")", count: n),
            "SELECT " + String(repeating: "CASE WHEN true THEN ", count: 5000) + "1" + String(repeating: " END", count: 5000),
            "SELECT " + String(repeating: "CAST(", count: 5000) + "1" + String(repeating: " AS BIGINT)", count: 5000),
            "SELECT 1" + String(repeating: "::bigint", count: n),
            "SELECT " + String(repeating: "1 || ", count: n) + "1",
            "SELECT " + String(repeating: "coalesce(1, ", count: 5000) + "1" + String(repeating: ")", count: 5000),
            "SELECT count(*) FROM visits WHERE " + (0..<20_000).map { "spot = 's\($0)'" }.joined(separator: " OR "),
            "SELECT count(*) FROM visits WHERE " + String(repeating: "(spend > 0 AND ", count: 5000) + "true" + String(repeating: ")", count: 5000),
        ]
        for sql in forms { assertClearError(sql, contains: "nested too deeply") }
    }

    func testHugeFlatListsWorkAndAnswerRight() throws {
        // 100,000 numbers in an IN list, two of which match; 10,000 strings of which the real spots match.
        let spots = rows("SELECT DISTINCT spot FROM visits ORDER BY spot").map { $0[0] }
        let expected = rows("SELECT count(*) FROM visits")
        let inStrings = "SELECT count(*) FROM visits WHERE spot IN (" +
            ((0..<10_000).map { "'s\($0)'" } + spots.map { "'\($0)'" }).joined(separator: ",") + ")"
        XCTAssertEqual(rows(inStrings), expected)
        let inNumbers = "SELECT count(*) FROM visits WHERE 7 IN (" + (0..<100_000).map(String.init).joined(separator: ",") + ")"
        XCTAssertEqual(rows(inNumbers), expected)
        // 20,000 output columns.
        let wide = try engine.execute("SELECT " + Array(repeating: "spend", count: 20_000).joined(separator: ", ") + " FROM visits LIMIT 1").last!
        XCTAssertEqual(wide.columnNames.count, 20_000)
    }

    func testNULAndReplacementCharactersAreOrdinaryErrors() {
        assertClearError("SELECT 1\u{0}; SELECT 2", contains: "unexpected character")
        assertClearError("SELECT \u{FFFD}\u{FFFD}", contains: "unexpected character")
        XCTAssertEqual(rows("SELECT count(*) FROM visits WHERE spot = '\u{FFFD}'"), [["0"]])
    }
}
