import XCTest
@testable import HuiyanQuery

final class LexerTests: SQLParserTestCase {
    private func kinds(_ sql: String, file: StaticString = #filePath, line: UInt = #line) -> [Token.Kind] {
        do {
            return try Lexer.tokenize(sql).map(\.kind).dropLast()
        } catch {
            XCTFail("\(sql): \(error.message)", file: file, line: line)
            return []
        }
    }

    private func lexError(_ sql: String, file: StaticString = #filePath, line: UInt = #line) -> SQLError? {
        do {
            let tokens = try Lexer.tokenize(sql)
            XCTFail("lexed: \(tokens)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func testKeywordsAreCaseInsensitiveAndIdentifiersKeepTheirSpelling() {
        XCTAssertEqual(kinds("select SeLeCt SELECT from Visits _x x1 a_b_2"), [
            .keyword(.select), .keyword(.select), .keyword(.select), .keyword(.from), .identifier("Visits"),
            .identifier("_x"), .identifier("x1"), .identifier("a_b_2"),
        ])
        XCTAssertEqual(kinds("date_trunc timestamptz nulls"), [
            .identifier("date_trunc"), .keyword(.timestamptz), .keyword(.nulls),
        ])
    }

    func testUnicodeLettersMakeIdentifiers() {
        XCTAssertEqual(kinds("SELECT 景点 FROM 游客_2025 WHERE café"), [
            .keyword(.select), .identifier("景点"), .keyword(.from), .identifier("游客_2025"), .keyword(.where),
            .identifier("café"),
        ])
        let tokens = try! Lexer.tokenize("SELECT 景点")
        XCTAssertEqual(tokens[1].range, r(7, 13), "UTF-8 byte offsets")
        XCTAssertEqual(tokens[2], Token(.end, range: r(13, 13)))
    }

    func testQuotedIdentifiers() {
        XCTAssertEqual(kinds(#""Spot Name" "a""b" "景点""#), [
            .quotedIdentifier("Spot Name"), .quotedIdentifier("a\"b"), .quotedIdentifier("景点"),
        ])
        XCTAssertEqual(kinds(#""select""#), [.quotedIdentifier("select")], "a quoted keyword is a name")
        let error = lexError(#"SELECT """#)
        XCTAssertEqual(error?.message, "zero-length quoted identifier \"\"")
        XCTAssertEqual(error?.range, r(7, 9))
    }

    func testStringLiterals() {
        XCTAssertEqual(kinds("'abc' 'it''s' '' '南岳衡山' '''' 'a\nb'"), [
            .string("abc"), .string("it's"), .string(""), .string("南岳衡山"), .string("'"), .string("a\nb"),
        ])
        let tokens = try! Lexer.tokenize("x = '衡山'")
        XCTAssertEqual(tokens[2].range, r(4, 12))
    }

    func testAnUnterminatedStringPointsAtItsOpeningQuote() {
        let error = lexError("SELECT 'abc, 1 FROM t")
        XCTAssertEqual(error?.message, "unterminated string literal")
        XCTAssertEqual(error?.range, r(7, 8))
        XCTAssertEqual(lexError("SELECT 'it''s")?.range, r(7, 8))
        let quoted = lexError("SELECT \"南岳")
        XCTAssertEqual(quoted?.message,
                       "unterminated quoted identifier (double quotes make a name; write a string value in single quotes: 'text')")
        XCTAssertEqual(quoted?.range, r(7, 8))
    }

    func testNumbers() {
        XCTAssertEqual(kinds("0 42 007 9223372036854775807 9223372036854775808 99999999999999999999999"), [
            .integer(0), .integer(42), .integer(7), .integer(.max), .decimal("9223372036854775808"),
            .decimal("99999999999999999999999"),
        ])
        XCTAssertEqual(kinds("12.50 .5 1. 1e3 1.5E-2 2e+10 3.25e1"), [
            .decimal("12.50"), .decimal(".5"), .decimal("1."), .decimal("1e3"), .decimal("1.5E-2"), .decimal("2e+10"),
            .decimal("3.25e1"),
        ])
        XCTAssertEqual(kinds("1+2-3"), [.integer(1), .symbol(.plus), .integer(2), .symbol(.minus), .integer(3)])
        XCTAssertEqual(kinds("t.a"), [.identifier("t"), .symbol(.dot), .identifier("a")])
        XCTAssertEqual(kinds("x.5"), [.identifier("x"), .decimal(".5")])
    }

    func testANumberRunningIntoLettersIsAnError() {
        let error = lexError("SELECT 1abc FROM t")
        XCTAssertEqual(error?.message, "invalid number \"1abc\"")
        XCTAssertEqual(error?.range, r(7, 11))
        XCTAssertEqual(lexError("SELECT 1e")?.message, "invalid number \"1e\"")
        XCTAssertEqual(lexError("SELECT 2.5元")?.message, "invalid number \"2.5元\"")
    }

    func testOperatorsAndPunctuation() {
        XCTAssertEqual(kinds("+ - * / % = <> != < <= > >= || :: ( ) , . ;"), [
            .symbol(.plus), .symbol(.minus), .symbol(.star), .symbol(.slash), .symbol(.percent), .symbol(.equal),
            .symbol(.notEqual), .symbol(.notEqual), .symbol(.less), .symbol(.lessOrEqual), .symbol(.greater),
            .symbol(.greaterOrEqual), .symbol(.concat), .symbol(.doubleColon), .symbol(.leftParen),
            .symbol(.rightParen), .symbol(.comma), .symbol(.dot), .symbol(.semicolon),
        ])
        XCTAssertEqual(kinds("a<>b"), [.identifier("a"), .symbol(.notEqual), .identifier("b")])
        XCTAssertEqual(kinds("x::int"), [.identifier("x"), .symbol(.doubleColon), .identifier("int")])
        XCTAssertEqual(kinds("a<=-1"), [.identifier("a"), .symbol(.lessOrEqual), .symbol(.minus), .integer(1)])
        let tokens = try! Lexer.tokenize("a != b")
        XCTAssertEqual(tokens[1].range, r(2, 4))
    }

    func testCommentsAndSpace() {
        XCTAssertEqual(kinds("SELECT -- a comment; with 'quotes'\n 1 /* block\n comment */ + /* nested /* inner */ still */ 2"),
                       [.keyword(.select), .integer(1), .symbol(.plus), .integer(2)])
        XCTAssertEqual(kinds("SELECT 1 -- to the end"), [.keyword(.select), .integer(1)])
        XCTAssertEqual(kinds("1\t\r\n2\u{00A0}3\u{3000}4"), [.integer(1), .integer(2), .integer(3), .integer(4)],
                       "tabs, CR LF, no-break and ideographic spaces")
        XCTAssertEqual(kinds("a/b"), [.identifier("a"), .symbol(.slash), .identifier("b")])
        XCTAssertEqual(kinds("a - -b"), [.identifier("a"), .symbol(.minus), .symbol(.minus), .identifier("b")])
    }

    func testAnUnterminatedBlockCommentIsAnError() {
        let error = lexError("SELECT 1 /* open /* nested */ still open")
        XCTAssertEqual(error?.message, "unterminated /* comment")
        XCTAssertEqual(error?.range, r(9, 11))
    }

    func testAnyOtherCharacterIsAnErrorNamingItAndItsPosition() {
        let error = lexError("SELECT a\nFROM t WHERE a # 2")
        XCTAssertEqual(error?.message, "unexpected character \"#\" at line 2, column 16")
        XCTAssertEqual(error?.range, r(24, 25))
        XCTAssertEqual(lexError("SELECT a && b")?.message,
                       "unexpected character \"&\" at line 1, column 10 (use AND to combine conditions)")
        XCTAssertEqual(lexError("SELECT a | b")?.message,
                       "unexpected character \"|\" at line 1, column 10 (use || to join strings, OR to combine conditions)")
        XCTAssertEqual(lexError("SELECT `a`")?.message,
                       "unexpected character \"`\" at line 1, column 8 (quote a name with double quotes: \"name\")")
        XCTAssertEqual(lexError("SELECT 1 😀")?.message, "unexpected character \"😀\" at line 1, column 10")
        XCTAssertEqual(lexError("SELECT \u{7}")?.message, "unexpected character U+0007 at line 1, column 8")
    }

    func testFullWidthPunctuationGetsAHint() {
        let error = lexError("SELECT 景点，人数 FROM t")
        XCTAssertEqual(error?.message,
                       "unexpected character \"，\" at line 1, column 10 (full-width \"，\" is not SQL punctuation; use \",\")")
        XCTAssertEqual(error?.range, r(13, 16))
        XCTAssertEqual(lexError("SELECT count（*）")?.message,
                       "unexpected character \"（\" at line 1, column 13 (full-width \"（\" is not SQL punctuation; use \"(\")")
        XCTAssertEqual(lexError("SELECT ‘衡山’")?.message,
                       "unexpected character \"‘\" at line 1, column 8 (a curly quote is not a SQL quote; write a string value in straight single quotes: 'text')")
    }

    func testTokenRangesCoverTheirText() throws {
        let sql = "SELECT \"T\".a, 'x''y' AS 名 FROM t -- c\nWHERE n >= 1.5e3"
        let tokens = try Lexer.tokenize(sql)
        let bytes = Array(sql.utf8)
        let texts = tokens.dropLast().map { String(decoding: bytes[$0.range.start..<$0.range.end], as: UTF8.self) }
        XCTAssertEqual(texts, ["SELECT", "\"T\"", ".", "a", ",", "'x''y'", "AS", "名", "FROM", "t", "WHERE", "n", ">=",
                               "1.5e3"])
        XCTAssertEqual(tokens.last, Token(.end, range: r(bytes.count, bytes.count)))
    }

    func testOnlyASCIIWordsAreKeywords() {
        XCTAssertEqual(try Lexer.tokenize("ın ıf").map(\.kind), [.identifier("ın"), .identifier("ıf"), .end],
                       "dotless i upper-cases to I, but these are not IN and IF")
    }

    func testInvisibleCharactersAreNamedByCodePoint() {
        XCTAssertThrowsError(try Lexer.tokenize("SELECT \u{301}a")) { error in
            XCTAssertEqual((error as? SQLError)?.message, "unexpected character U+0301 at line 1, column 8")
        }
        XCTAssertThrowsError(try Lexer.tokenize("SELECT a\u{200B}")) { error in
            XCTAssertEqual((error as? SQLError)?.message, "unexpected character U+200B at line 1, column 9")
        }
    }
}
