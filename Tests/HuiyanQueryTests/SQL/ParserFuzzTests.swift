import XCTest
import HuiyanTourism
@testable import HuiyanQuery

/// Random input must never crash the lexer or the parser: every query either parses or fails with an SQLError
/// whose range lies inside the text (and renders).
final class ParserFuzzTests: SQLParserTestCase {

    static let validQueries = [
        "SELECT 1",
        "SELECT * FROM visits",
        "SELECT spot, count(*) AS n FROM visits GROUP BY spot ORDER BY n DESC LIMIT 10",
        "SELECT DISTINCT v.spot FROM visits v WHERE v.amount > 12.50 AND v.channel <> 'OTA'",
        "SELECT 景点, sum(金额) 收入 FROM 游客 WHERE 景点 = '南岳衡山' GROUP BY 景点",
        "SELECT a FROM t WHERE a IN (1, 2, 3) OR a NOT BETWEEN 10 AND 20",
        "SELECT CASE WHEN a > 0 THEN 'pos' WHEN a < 0 THEN 'neg' ELSE 'zero' END FROM t",
        "SELECT CAST(x AS DECIMAL(18,2)), x::bigint, -x::int FROM t",
        "SELECT EXTRACT(YEAR FROM d), date_trunc('month', d), date(d), left(s, 2) FROM t",
        "SELECT count(*) FILTER (WHERE ok), count(DISTINCT visitor) FROM t",
        "SELECT v.*, s.county FROM visits v JOIN spots s ON s.id = v.spot_id LEFT JOIN w ON w.d = v.d",
        "SELECT a FROM t ORDER BY a ASC NULLS FIRST, b DESC NULLS LAST OFFSET 5 LIMIT 10",
        "SELECT a || ' ' || b AS full_name FROM t WHERE a LIKE 'x%' AND b NOT ILIKE '%y'",
        "SELECT d FROM t WHERE d >= DATE '2025-10-01' AND ts < TIMESTAMP '2025-10-08 00:00:00'",
        "SELECT now() - INTERVAL '7 days', INTERVAL 3 DAY",
        "SELECT a FROM t WHERE b IS NULL AND c IS NOT NULL",
        "SELECT \"Spot Name\", \"a\"\"b\" FROM \"Visits\"",
        "SELECT 'it''s', '', 9223372036854775808, -9223372036854775808, .5, 1e3, 1.5E-2",
        "SELECT a -- comment\nFROM t /* block /* nested */ */ WHERE a = 1",
        "EXPLAIN SELECT spot, avg(amount) FROM visits GROUP BY spot HAVING avg(amount) > 100",
        "SHOW TABLES",
        "DESCRIBE visits",
        "DESC 游客",
        "CREATE TABLE IF NOT EXISTS visits (id BIGINT NOT NULL, spot VARCHAR(20), amount DECIMAL(18,2) NULL, r DOUBLE PRECISION)",
        "COPY visits FROM '/data/visits.csv' (FORMAT csv, STRICT, REJECTS 'bad.csv')",
        "COPY visits FROM 'v.ndjson' WITH (FORMAT 'ndjson', IGNORE_UNKNOWN_COLUMNS, FORCE true)",
        "SELECT 1; SELECT 2;; SHOW TABLES;",
        "SELECT ((a + b) * (c - d)) / NULLIF(e, 0) % 7 FROM t",
        "SELECT NOT a = b OR c AND NOT (d OR e) FROM t",
        "SELECT coalesce(a, b, 0) + -c * +d, TRUE, FALSE, NULL FROM t LIMIT ALL",
    ]

    /// Characters to insert: SQL punctuation, quotes, letters, digits, Chinese, full-width and odd ones.
    private static let alphabet: [Unicode.Scalar] = Array("abcxyzSELECTFROMWHERE_0123456789 \t\n'\"()*,.;:=<>!|+-/%&#`?$[]{}@^~\\景点南岳衡山，（）；＝‘’“”\u{301}\u{3000}\u{00A0}😀".unicodeScalars)

    private static let vocabulary = [
        "SELECT", "FROM", "WHERE", "GROUP", "BY", "HAVING", "ORDER", "LIMIT", "OFFSET", "ALL", "DISTINCT", "AS", "AND",
        "OR", "NOT", "IS", "NULL", "TRUE", "FALSE", "IN", "LIKE", "ILIKE", "BETWEEN", "CASE", "WHEN", "THEN", "ELSE",
        "END", "CAST", "EXTRACT", "DATE", "TIMESTAMP", "TIMESTAMPTZ", "INTERVAL", "JOIN", "LEFT", "INNER", "OUTER",
        "ON", "ASC", "DESC", "NULLS", "FIRST", "LAST", "FILTER", "EXPLAIN", "SHOW", "TABLES", "DESCRIBE", "CREATE",
        "TABLE", "IF", "EXISTS", "COPY", "WITH", "RIGHT", "OVER", "a", "t", "景点", "count", "sum", "date_trunc",
        "\"Q\"", "'s'", "'南岳'", "1", "42", "12.50", ".5", "1e3", "9223372036854775808", "+", "-", "*", "/", "%", "=",
        "<>", "!=", "<", "<=", ">", ">=", "||", "::", "(", ")", ",", ".", ";", "--c\n", "/* c */", "DAY", "BIGINT",
        "DECIMAL", "DOUBLE", "PRECISION", "FORMAT", "csv",
    ]

    /// Parses, and checks the outcome: a tree, or an error inside the text that renders.
    private func check(_ sql: String, seed: UInt64, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let length = sql.utf8.count
        do {
            _ = try Parser.parse(sql)
            return true
        } catch {
            let range = error.range
            if !(0 <= range.start && range.start <= range.end && range.end <= length) {
                XCTFail("range \(range) outside 0..<\(length) (seed \(seed)): \(sql.debugDescription) → \(error.message)",
                        file: file, line: line)
            }
            if error.message.isEmpty { XCTFail("empty message for \(sql.debugDescription)", file: file, line: line) }
            XCTAssertTrue(error.render(in: sql).hasPrefix(error.message), file: file, line: line)
            return false
        }
    }

    func testTheSampleQueriesParse() throws {
        XCTAssertEqual(ParserFuzzTests.validQueries.count, 30)
        for sql in ParserFuzzTests.validQueries {
            XCTAssertNoThrow(try Parser.parse(sql), sql)
        }
    }

    func testRandomMutationsOfValidQueries() {
        var random = SplitMix64(seed: 0x5EED_0001)
        var parsed = 0
        var failed = 0
        for round in 0..<4000 {
            let seed = random.state
            var scalars = Array(random.pick(ParserFuzzTests.validQueries).unicodeScalars)
            for _ in 0...random.below(3) {
                switch random.below(5) {
                case 0:  // insert
                    scalars.insert(random.pick(ParserFuzzTests.alphabet), at: random.below(scalars.count + 1))
                case 1 where !scalars.isEmpty:  // delete
                    scalars.remove(at: random.below(scalars.count))
                case 2 where !scalars.isEmpty:  // replace
                    scalars[random.below(scalars.count)] = random.pick(ParserFuzzTests.alphabet)
                case 3:  // truncate
                    scalars.removeLast(random.below(scalars.count + 1))
                default:  // delete a run
                    guard !scalars.isEmpty else { break }
                    let start = random.below(scalars.count)
                    scalars.removeSubrange(start..<Swift.min(scalars.count, start + 1 + random.below(8)))
                }
            }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars)
            if check(String(view), seed: seed) { parsed += 1 } else { failed += 1 }
            _ = round
        }
        XCTAssertGreaterThan(parsed, 100, "some mutations still parse")
        XCTAssertGreaterThan(failed, 1000, "most do not")
    }

    func testRandomTokenSequences() {
        var random = SplitMix64(seed: 0x5EED_0002)
        for _ in 0..<3000 {
            let seed = random.state
            let count = 1 + random.below(30)
            var sql = random.below(3) == 0 ? "" : random.pick(["SELECT ", "SELECT a FROM t WHERE ", "CREATE TABLE t (",
                                                               "COPY t FROM 'x' (", "SELECT * FROM t ORDER BY "])
            for _ in 0..<count {
                sql += random.pick(ParserFuzzTests.vocabulary)
                if random.below(4) != 0 { sql += " " }
            }
            _ = check(sql, seed: seed)
            // The lexer alone: ranges in order and inside the text.
            if let tokens = try? Lexer.tokenize(sql) {
                var previous = 0
                for token in tokens {
                    XCTAssertLessThanOrEqual(previous, token.range.start, sql)
                    XCTAssertLessThanOrEqual(token.range.start, token.range.end, sql)
                    XCTAssertLessThanOrEqual(token.range.end, sql.utf8.count, sql)
                    previous = token.range.end
                }
            }
        }
    }

    func testEveryPrefixOfTheSampleQueries() {
        for sql in ParserFuzzTests.validQueries {
            let scalars = Array(sql.unicodeScalars)
            for length in 0..<scalars.count {
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars[..<length])
                _ = check(String(view), seed: UInt64(length))
            }
        }
    }

    // MARK: Size limits

    func testDeepNestingIsACleanError() {
        let depth = 10_000
        for (open, close) in [("(", ")"), ("f(", ")"), ("CASE WHEN ", " THEN 1 END"), ("-(", ")"), ("NOT (", ")"),
                              ("1 + (", ")"), ("CAST(", " AS INT)"), ("a IN (", ")")] {
            let sql = "SELECT " + String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth)
            XCTAssertThrowsError(try Parser.parse(sql), open) { error in
                XCTAssertEqual((error as! SQLError).message, "expression is nested too deeply", open)
            }
        }
        let unclosed = "SELECT " + String(repeating: "(", count: depth)
        XCTAssertThrowsError(try Parser.parse(unclosed)) { error in
            XCTAssertEqual(error as? SQLError, SQLError("expression is nested too deeply", range: r(263, 264)))
        }
    }

    func testNestingUpToTheLimitParses() throws {
        let depth = Parser.maxNesting - 1
        let sql = "SELECT " + String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)
        XCTAssertEqual(try Parser.parse(sql).count, 1)
        let calls = "SELECT " + String(repeating: "f(", count: depth) + "1" + String(repeating: ")", count: depth)
        XCTAssertEqual(try Parser.parse(calls).count, 1)
    }

    func testLongOperatorChainsAreLimitedInHeight() throws {
        let fine = "SELECT " + Array(repeating: "a", count: Parser.maxHeight).joined(separator: " + ")
        XCTAssertEqual(try Parser.parse(fine).count, 1)
        let long = "SELECT " + Array(repeating: "a = 1", count: 5000).joined(separator: " OR ")
        XCTAssertThrowsError(try Parser.parse(long)) { error in
            XCTAssertEqual((error as! SQLError).message, "expression is nested too deeply")
        }
        let signs = "SELECT " + String(repeating: "- ", count: 5000) + "a"
        XCTAssertThrowsError(try Parser.parse(signs)) { error in
            XCTAssertEqual((error as! SQLError).message, "expression is nested too deeply")
        }
    }

    func testAnInListOfTenThousandItemsParses() throws {
        let items = (0..<10_000).map { "'spot\($0)'" }.joined(separator: ", ")
        let sql = "SELECT * FROM visits WHERE spot IN (\(items))"
        let statement = try Parser.parseOne(sql)
        guard case .select(let select) = statement, case .inList(_, let list, false, let range) = select.whereClause
        else { return XCTFail("not an IN list") }
        XCTAssertEqual(list.count, 10_000)
        XCTAssertEqual(list.last, .literal(.string("spot9999"), range: sqlRange(of: "'spot9999'", in: sql)))
        XCTAssertEqual(range.end, sql.utf8.count)
    }
}
