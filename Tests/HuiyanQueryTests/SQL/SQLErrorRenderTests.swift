import XCTest
@testable import HuiyanQuery

final class SQLErrorRenderTests: SQLParserTestCase {
    private func rendered(_ sql: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        guard let error = parseError(sql, file: file, line: line) else { return "" }
        return error.render(in: sql)
    }

    func testACaretUnderTheRange() {
        XCTAssertEqual(rendered("SELECT * FORM t"), """
            syntax error at or near "FORM": expected FROM, WHERE, GROUP BY, ORDER BY, LIMIT or the end of the statement (did you mean FROM?)
            SELECT * FORM t
                     ^~~~
            """)
    }

    func testWideCharactersCountTwoColumns() {
        XCTAssertEqual(rendered("SELECT 景点 FORM 游客"), """
            syntax error at or near "FORM": expected FROM, WHERE, GROUP BY, ORDER BY, LIMIT or the end of the statement (did you mean FROM?)
            SELECT 景点 FORM 游客
                        ^~~~
            """)
        let sql = "SELECT * FROM t WHERE spot = 南岳衡山"
        let error = SQLError("unknown column", range: sqlRange(of: "南岳衡山", in: sql))
        XCTAssertEqual(error.render(in: sql), """
            unknown column
            SELECT * FROM t WHERE spot = 南岳衡山
                                         ^~~~~~~~
            """)
        let fullWidth = "SELECT 景点，人数"
        XCTAssertEqual(parseError(fullWidth)?.render(in: fullWidth).split(separator: "\n").last, "           ^~")
    }

    func testCombiningMarksTakeNoColumn() {
        let sql = "SELECT 'e\u{301}', x FORM t"
        XCTAssertEqual(SQLError("here", range: sqlRange(of: "x", in: sql)).render(in: sql), """
            here
            SELECT 'e\u{301}', x FORM t
                        ^
            """)
    }

    func testTheEndOfTheQuery() {
        XCTAssertEqual(rendered("SELECT 1 +"), """
            unexpected end of query: expected an expression
            SELECT 1 +
                      ^
            """)
    }

    func testAQueryOfSeveralLinesGetsLineNumbers() {
        XCTAssertEqual(rendered("SELECT a\nFROM t\nWHERE a IN (1, 2"), """
            missing ")" to close "(" at line 3, column 12
            3 | WHERE a IN (1, 2
              |                 ^
            """)
        XCTAssertEqual(rendered("SELECT a\r\nFORM t\r\n"), """
            syntax error at or near "FORM": expected FROM, WHERE, GROUP BY, ORDER BY, LIMIT or the end of the statement (did you mean FROM?)
            2 | FORM t
              | ^~~~
            """)
        let sql = "SELECT 'a\nb' FROM"
        XCTAssertEqual(SQLError("a string", range: sqlRange(of: "'a\nb'", in: sql)).render(in: sql), """
            a string
            1 | SELECT 'a
              |        ^~
            """, "a range over several lines is underlined to the end of its first line")
        XCTAssertEqual(rendered("SELECT 1 +\n"), """
            unexpected end of query: expected an expression
            SELECT 1 +
                      ^
            """, "a final line break does not make a second line")
    }

    func testTabsAreExpanded() {
        XCTAssertEqual(rendered("SELECT\ta\tFORM t"), """
            syntax error at or near "FORM": expected FROM, WHERE, GROUP BY, ORDER BY, LIMIT or the end of the statement (did you mean FROM?)
            SELECT    a    FORM t
                           ^~~~
            """)
    }

    func testALongLineIsCutToAWindowAroundTheRange() {
        let sql = "SELECT * FROM t WHERE a IN (" + (1...200).map(String.init).joined(separator: ", ") + ") FORM"
        guard let error = parseError(sql) else { return }
        let lines = error.render(in: sql).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines.count, 3)
        XCTAssertTrue(lines[1].hasPrefix("…"))
        XCTAssertLessThanOrEqual(lines[1].count, 102)
        let caret = Array(lines[2]).firstIndex(of: "^")!
        XCTAssertEqual(String(Array(lines[1])[caret..<(caret + 4)]), "FORM")
        XCTAssertEqual(lines[2].filter { $0 == "~" }.count, 3)

        let early = "SELECT x # " + String(repeating: "y ", count: 200)
        let earlyLines = parseError(early)!.render(in: early).split(separator: "\n").map(String.init)
        XCTAssertTrue(earlyLines[1].hasPrefix("SELECT x # y"))
        XCTAssertTrue(earlyLines[1].hasSuffix("…"))
        XCTAssertEqual(earlyLines[2], "         ^")
    }

    func testRangesOutsideTheTextAreClamped() {
        XCTAssertEqual(SQLError("far", range: r(100, 200)).render(in: "abc"), "far\nabc\n   ^")
        XCTAssertEqual(SQLError("empty", range: r(0, 0)).render(in: ""), "empty\n\n^")
    }

    func testLineAndColumn() {
        let sql = "SELECT 景点\nFROM t"
        XCTAssertEqual(SQLError.lineAndColumn(of: 0, in: sql).line, 1)
        XCTAssertEqual(SQLError.lineAndColumn(of: 13, in: sql).column, 10)
        XCTAssertEqual(SQLError.lineAndColumn(of: utf8Offset(of: "t", in: sql), in: sql).line, 2)
        XCTAssertEqual(SQLError.lineAndColumn(of: utf8Offset(of: "t", in: sql), in: sql).column, 6)
    }

    func testDisplayWidths() {
        XCTAssertEqual(SourceText.displayWidth("a"), 1)
        XCTAssertEqual(SourceText.displayWidth("景"), 2)
        XCTAssertEqual(SourceText.displayWidth("，"), 2)
        XCTAssertEqual(SourceText.displayWidth("한"), 2)
        XCTAssertEqual(SourceText.displayWidth("\u{20000}"), 2)
        XCTAssertEqual(SourceText.displayWidth("\u{301}"), 0)
        XCTAssertEqual(SourceText.displayWidth("é"), 1)
        XCTAssertEqual(SourceText.displayWidth("\u{FF61}"), 1, "half-width katakana punctuation")
    }
}
