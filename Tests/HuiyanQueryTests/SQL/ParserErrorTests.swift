import XCTest
@testable import HuiyanQuery

/// Error messages and the ranges they point at.
final class ParserErrorTests: SQLParserTestCase {
    private let clauses = "expected FROM, WHERE, GROUP BY, ORDER BY, LIMIT or the end of the statement"

    func testMisspelledFrom() {
        assertError("SELECT * FORM t", "syntax error at or near \"FORM\": \(clauses) (did you mean FROM?)", r(9, 13))
        // Without AS, FORM is first taken as an alias; the error still points at it.
        assertError("SELECT a FORM t", "syntax error at or near \"FORM\": \(clauses) (did you mean FROM?)", r(9, 13))
        assertError("SELECT * FROM t WEHRE a = 1",
                    "syntax error at or near \"WEHRE\": expected JOIN, WHERE, GROUP BY, ORDER BY, LIMIT or the end of the statement (did you mean WHERE?)",
                    r(16, 21))
        assertError("SELECT a b c FROM t", "syntax error at or near \"c\": \(clauses)", r(11, 12))
    }

    func testUnexpectedEnd() {
        assertError("SELECT 1 +", "unexpected end of query: expected an expression", r(10, 10))
        assertError("SELECT 1 + -- more to come\n", "unexpected end of query: expected an expression", r(10, 10))
        assertError("SELECT", "unexpected end of query: expected an expression", r(6, 6))
        assertError("SELECT a FROM", "unexpected end of query: expected a table name", r(13, 13))
        assertError("SELECT a FROM t WHERE", "unexpected end of query: expected an expression", r(21, 21))
        assertError("SELECT a FROM t ORDER", "unexpected end of query: expected BY after ORDER", r(21, 21))
        assertError("SELECT 1 +; SELECT 2", "syntax error at or near \";\": expected an expression", r(10, 11))
    }

    func testMissingParenthesis() {
        assertError("SELECT (1 + 2", "missing \")\" to close \"(\" at line 1, column 8", r(13, 13))
        assertError("SELECT count(x FROM t",
                    "syntax error at or near \"FROM\": expected \",\" or \")\" to close \"(\" at line 1, column 13", r(15, 19))
        assertError("SELECT (1 2)", "syntax error at or near \"2\": expected \")\" to close \"(\" at line 1, column 8", r(10, 11))
        assertError("SELECT a\nFROM t\nWHERE a IN (1, 2", "missing \")\" to close \"(\" at line 3, column 12", r(32, 32))
        assertError("SELECT CASE WHEN a THEN b", "missing END to close CASE at line 1, column 8", r(25, 25))
        assertError("SELECT CASE WHEN a THEN b FROM t",
                    "syntax error at or near \"FROM\": expected WHEN, ELSE or END to close CASE at line 1, column 8", r(26, 30))
    }

    func testUnterminatedString() {
        assertError("SELECT * FROM t WHERE spot = '南岳衡山", "unterminated string literal", r(29, 30))
    }

    func testTrailingComma() {
        assertError("SELECT a, b, FROM t", "syntax error at or near \",\": remove the trailing comma before FROM", r(11, 12))
        assertError("SELECT a FROM t GROUP BY a, ORDER BY a",
                    "syntax error at or near \",\": remove the trailing comma before ORDER BY", r(26, 27))
        assertError("SELECT f(a, )", "syntax error at or near \",\": remove the trailing comma before \")\"", r(10, 11))
        assertError("SELECT a,", "syntax error at or near \",\": remove the trailing comma before the end of the statement",
                    r(8, 9))
        assertError("CREATE TABLE t (a INT,)", "syntax error at or near \",\": remove the trailing comma before \")\"",
                    r(21, 22))
    }

    func testDoubleEquals() {
        assertError("SELECT * FROM t WHERE a == 1", "syntax error at or near \"==\": use = to compare (SQL has no == operator)",
                    r(24, 26))
    }

    func testChainedComparisons() {
        assertError("SELECT a = b = c",
                    "syntax error at or near \"=\": comparisons cannot be chained; combine them with AND, or use parentheses",
                    r(13, 14))
    }

    func testDoubleQuotesAroundAValueAreMentionedWhereParsingFails() {
        assertError(#"SELECT * FROM t WHERE d > DATE "2025-10-01""#,
                    #"syntax error at or near ""2025-10-01"": expected GROUP BY, ORDER BY, LIMIT or the end of the statement "#
                        + #"("2025-10-01" in double quotes is a name; write a string value in single quotes: '2025-10-01')"#,
                    r(31, 43))
        assertError(#"COPY t FROM "visits.csv""#,
                    #"syntax error at or near ""visits.csv"": expected a file path in single quotes ("visits.csv" in double quotes is a name; write a string value in single quotes: 'visits.csv')"#,
                    r(12, 24))
        assertError(#"SELECT * FROM t WHERE spot = "南岳 衡山" 2"#,
                    #"syntax error at or near "2": expected GROUP BY, ORDER BY, LIMIT or the end of the statement "#
                        + #"("南岳 衡山" in double quotes is a name; write a string value in single quotes: '南岳 衡山')"#,
                    r(45, 46))
        // A name-like one is not mentioned when the error is elsewhere.
        assertError(#"SELECT * FROM t WHERE spot = "南岳衡山" 2"#,
                    "syntax error at or near \"2\": expected GROUP BY, ORDER BY, LIMIT or the end of the statement", r(44, 45))
    }

    func testKeywordsAsNames() {
        assertError("SELECT order FROM t",
                    "syntax error at or near \"order\": expected an expression (ORDER is a keyword; to use it as a name, write it in double quotes: \"order\")",
                    r(7, 12))
        assertError("SELECT a AS from FROM t",
                    "syntax error at or near \"from\": expected a name after AS (FROM is a keyword; to use it as a name, write it in double quotes: \"from\")",
                    r(12, 16))
        assertError("SELECT * FROM select",
                    "syntax error at or near \"select\": expected a table name (SELECT is a keyword; to use it as a name, write it in double quotes: \"select\")",
                    r(14, 20))
        assertError("SELECT FROM t", "syntax error at or near \"FROM\": expected an expression", r(7, 11))
    }

    func testClauseOrder() {
        assertError("SELECT a FROM t ORDER BY a WHERE b",
                    "syntax error at or near \"WHERE\": expected LIMIT, OFFSET or the end of the statement (WHERE must come before ORDER BY)",
                    r(27, 32))
        assertError("SELECT a FROM t LIMIT 1 LIMIT 2",
                    "syntax error at or near \"LIMIT\": expected OFFSET or the end of the statement (a SELECT has only one LIMIT clause)",
                    r(24, 29))
        assertError("SELECT a FROM t WHERE a WHERE b",
                    "syntax error at or near \"WHERE\": expected GROUP BY, ORDER BY, LIMIT or the end of the statement (a SELECT has only one WHERE clause)",
                    r(24, 29))
        assertError("SELECT 1 SELECT 2",
                    "syntax error at or near \"SELECT\": \(clauses) (is a \";\" missing before the next statement?)", r(9, 15))
    }

    func testUnsupportedSyntax() {
        assertError("SELECT * FROM a RIGHT b ON a.x = b.x", "syntax error at or near \"b\": expected JOIN after RIGHT", r(22, 23))
        assertError("SELECT * FROM a FULL OUTER b ON a.x = b.x", "syntax error at or near \"b\": expected JOIN after FULL", r(27, 28))
        assertError("SELECT * FROM a NATURAL b", "syntax error at or near \"b\": expected JOIN after NATURAL", r(24, 25))
        assertError("SELECT * FROM a NATURAL CROSS JOIN b",
                    "syntax error at or near \"CROSS\": expected JOIN, INNER, LEFT, RIGHT or FULL after NATURAL", r(24, 29))
        assertError("SELECT * FROM a CROSS b", "syntax error at or near \"b\": expected JOIN after CROSS", r(22, 23))
        assertError("SELECT * FROM a JOIN b USING x", "syntax error at or near \"x\": expected \"(\" and column names after USING", r(29, 30))
        assertError("DESCRIBE (SELECT 1", "missing \")\" to close \"(\" at line 1, column 10", r(18, 18))
        assertError("SELECT * FROM t WHERE a = SELECT b FROM u",
                    "syntax error at or near \"SELECT\": expected an expression (a subquery is written in parentheses: (SELECT …))", r(26, 32))
        assertError("SELECT sum(a) OVER (ORDER BY a ROWS 1 PRECEDING EXCLUDE TIES) FROM t", "EXCLUDE in a window frame is not supported", r(48, 55))
        assertError("SELECT DISTINCT ON a FROM t", "syntax error at or near \"a\": expected \"(\" after DISTINCT ON", r(19, 20))
        assertError("SELECT a FROM s.t", "syntax error at or near \".\": qualified table names (schema.table) are not supported",
                    r(15, 16))
        assertError("SELECT a IS TRUE",
                    "syntax error at or near \"TRUE\": expected NULL or NOT NULL after IS (IS TRUE and IS FALSE are not supported; compare with = TRUE)",
                    r(12, 16))
        assertError("COPY t TO x", "syntax error at or near \"x\": expected a file path in single quotes", r(10, 11))
        assertError("COPY (SELECT 1 TO 'x.csv'", "syntax error at or near \"'x.csv'\": expected FROM, WHERE, GROUP BY, ORDER BY, LIMIT or the end of the statement",
                    r(18, 25))
        assertError("CREATE TABLE t (id BIGINT PRIMARY KEY)",
                    "PRIMARY is not supported: a column has a type and optionally NOT NULL", r(26, 33))
        assertError("INSERT t VALUES (1)", "syntax error at or near \"t\": expected INTO after INSERT", r(7, 8))
        assertError("INSERT INTO t VALUES 1", "syntax error at or near \"1\": expected \"(\" and a row of values", r(21, 22))
    }

    func testStatementStart() {
        assertError("SELCT 1",
                    "syntax error at or near \"SELCT\": expected SELECT, EXPLAIN, SHOW TABLES, DESCRIBE, CREATE TABLE, INSERT, DROP TABLE or COPY (did you mean SELECT?)",
                    r(0, 5))
        assertError("42", "syntax error at or near \"42\": expected SELECT, EXPLAIN, SHOW TABLES, DESCRIBE, CREATE TABLE, INSERT, DROP TABLE or COPY",
                    r(0, 2))
        assertError("EXPLAIN SHOW TABLES", "syntax error at or near \"SHOW\": expected SELECT after EXPLAIN", r(8, 12))
        assertError("SHOW TABLE", "syntax error at or near \"TABLE\": expected TABLES after SHOW", r(5, 10))
        assertError("SHOW TABLES x", "syntax error at or near \"x\": expected the end of the statement", r(12, 13))
    }

    func testOtherStatements() {
        assertError("CREATE TABLE t (a)", "syntax error at or near \")\": expected a type name", r(17, 18))
        assertError("CREATE TABLE t (a DECIMAL(x))",
                    "syntax error at or near \"x\": expected a number (a parameter of type DECIMAL)", r(26, 27))
        assertError("CREATE TABLE t (a INT NOT)", "syntax error at or near \")\": expected NULL after NOT", r(25, 26))
        assertError("CREATE TABLE t (a INT b INT)",
                    "syntax error at or near \"b\": expected \",\" or \")\" to close \"(\" at line 1, column 16", r(22, 23))
        assertError("COPY t FROM 'x' (FORMAT csv", "missing \")\" to close \"(\" at line 1, column 17", r(27, 27))
        assertError("COPY t FROM 'x' WITH FORMAT csv",
                    "syntax error at or near \"FORMAT\": expected \"(\" and a list of options after WITH", r(21, 27))
        assertError("DESCRIBE", "unexpected end of query: expected a table name", r(8, 8))
    }

    func testExpressionErrors() {
        assertError("SELECT a NOT NULL", "syntax error at or near \"NOT\": \(clauses)", r(9, 12))
        assertError("SELECT 1 + NOT a",
                    "syntax error at or near \"NOT\": expected an expression (put NOT … in parentheses here: (NOT x))", r(11, 14))
        assertError("SELECT a BETWEEN 1 OR 2",
                    "syntax error at or near \"OR\": expected AND and the upper bound of BETWEEN", r(19, 21))
        assertError("SELECT CAST(a BIGINT)", "syntax error at or near \"BIGINT\": expected AS and a type in CAST", r(14, 20))
        assertError("SELECT INTERVAL 3", "unexpected end of query: expected a unit after INTERVAL 3, such as DAY or HOUR",
                    r(17, 17))
        assertError("SELECT count(DISTINCT *)",
                    "syntax error at or near \"*\": expected an expression (* stands for all columns only as a select item, or in count(*))",
                    r(22, 23))
        assertError("SELECT t.* + 1 FROM t", "syntax error at or near \"+\": \(clauses)", r(11, 12))
        assertError("SELECT a FROM t WHERE t.* = 1",
                    "syntax error at or near \"*\": expected a column name (t.* stands for all columns only as a select item)",
                    r(24, 25))
        assertError("SELECT x::", "unexpected end of query: expected a type name", r(10, 10))
        assertError("SELECT CASE END", "syntax error at or near \"END\": expected an expression", r(12, 15))
        assertError("SELECT CASE a END", "syntax error at or near \"END\": expected WHEN", r(14, 17))
        assertError("SELECT a ORDER BY a NULLS", "unexpected end of query: expected FIRST or LAST after NULLS", r(25, 25))
    }

    func testALexicalErrorComesAfterEarlierSyntaxErrors() {
        // The parser meets the syntax error first, as it would with a lexer called on demand …
        assertError("SELECT FROM 'abc", "syntax error at or near \"FROM\": expected an expression", r(7, 11))
        // … but a lexical error where the parser stops is reported as such.
        assertError("SELECT 1 + #", "unexpected character \"#\" at line 1, column 12", r(11, 12))
        assertError("SELECT a, #", "unexpected character \"#\" at line 1, column 11", r(10, 11))
        assertError("SELECT (1 + 2 'x", "unterminated string literal", r(14, 15))
        assertError("SELECT 1; SELECT 'x", "unterminated string literal", r(17, 18))
        assertError("SELECT a FROM t /* no end", "unterminated /* comment", r(16, 18))
    }

    func testDescriptionIsTheMessage() {
        let error = SQLError("unterminated string literal", range: r(1, 2))
        XCTAssertEqual(error.description, "unterminated string literal")
        XCTAssertEqual("\(error)", "unterminated string literal")
    }

    func testMisspelledKeywordsWhereOneIsExpected() {
        assertError("SHOW TALES", "syntax error at or near \"TALES\": expected TABLES after SHOW (did you mean TABLES?)",
                    r(5, 10))
        assertError("SELECT a FROM t GROUP YB a", "syntax error at or near \"YB\": expected BY after GROUP", r(22, 24))
        assertError("SELECT a FROM t LEFT JION u ON a = b",
                    "syntax error at or near \"JION\": expected JOIN after LEFT (did you mean JOIN?)", r(21, 25))
    }

    func testCopyWithoutParentheses() {
        assertError("COPY t FROM 'x' FORMAT csv",
                    "syntax error at or near \"FORMAT\": expected options in parentheses or the end of the statement",
                    r(16, 22))
    }
}
