import XCTest
@testable import HuiyanQuery

final class ParserExpressionTests: SQLParserTestCase {
    private func assertShape(_ sql: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let e = expr(sql, file: file, line: line) else { return }
        XCTAssertEqual(sexp(e), expected, sql, file: file, line: line)
    }

    private func assertTree(_ sql: String, _ expected: Expression, file: StaticString = #filePath, line: UInt = #line) {
        guard let e = expr(sql, file: file, line: line) else { return }
        XCTAssertEqual(bare(e), expected, sql, file: file, line: line)
    }

    // MARK: Precedence and associativity

    func testArithmeticPrecedence() {
        assertShape("1 + 2 * 3", "(+ 1 (* 2 3))")
        assertShape("(1 + 2) * 3", "(* (+ 1 2) 3)")
        assertShape("1 * 2 + 3", "(+ (* 1 2) 3)")
        assertShape("a / b % c * d", "(* (% (/ a b) c) d)")
        assertShape("1 - 2 - 3", "(- (- 1 2) 3)")
        assertShape("1 - (2 - 3)", "(- 1 (- 2 3))")
        assertShape("2 * -3", "(* 2 -3)")
        assertShape("-a * b", "(* (- a) b)")
        assertShape("- - a", "(- (- a))")
        assertShape("+a", "(+ a)")
        assertShape("-(1)", "-1")
        assertShape("a - -1", "(- a -1)")
    }

    func testBooleanPrecedence() {
        assertShape("a OR b AND NOT c", "(OR a (AND b (NOT c)))")
        assertShape("a AND b OR c AND d", "(OR (AND a b) (AND c d))")
        assertShape("NOT a AND b", "(AND (NOT a) b)")
        assertShape("NOT NOT a", "(NOT (NOT a))")
        assertShape("NOT a = b", "(NOT (= a b))")
        assertShape("a = 1 OR b = 2 OR c = 3", "(OR (OR (= a 1) (= b 2)) (= c 3))")
        assertShape("x BETWEEN 1 AND 2 AND y", "(AND (BETWEEN x 1 2) y)")
        assertShape("NOT x IS NULL", "(NOT (IS NULL x))")
        assertShape("a AND (b OR c)", "(AND a (OR b c))")
    }

    func testCastBindsTightest() {
        assertShape("-x::int", "(- (:: x INT))")
        assertShape("-1::int", "(- (:: 1 INT))")
        assertShape("a + b::bigint * 2", "(+ a (* (:: b BIGINT) 2))")
        assertShape("x::text::varchar(10)", "(:: (:: x TEXT) VARCHAR(10))")
        assertShape("(a + b)::double precision", "(:: (+ a b) DOUBLE PRECISION)")
        assertShape("'2025-10-01'::date", "(:: '2025-10-01' DATE)")
    }

    func testConcatenationIsBetweenComparisonAndAddition() {
        assertShape("a || b = c", "(= (|| a b) c)")
        assertShape("a || b || c", "(|| (|| a b) c)")
        assertShape("a || b + 1", "(|| a (+ b 1))")
        assertShape("a LIKE b || '%'", "(LIKE a (|| b '%'))")
    }

    func testComparisons() {
        assertShape("a = 1", "(= a 1)")
        assertShape("a <> 1", "(<> a 1)")
        assertShape("a != 1", "(<> a 1)")
        assertShape("a < 1", "(< a 1)")
        assertShape("a <= 1", "(<= a 1)")
        assertShape("a > 1", "(> a 1)")
        assertShape("a >= 1", "(>= a 1)")
        assertShape("a + 1 > b * 2", "(> (+ a 1) (* b 2))")
        assertTree("a != 1", bin(.notEqual, col("a"), int(1)))
    }

    func testIsNullLikeBetweenIn() {
        assertTree("a IS NULL", .isNull(col("a"), negated: false, range: z))
        assertTree("a IS NOT NULL", .isNull(col("a"), negated: true, range: z))
        assertTree("a LIKE 'x%'", bin(.like, col("a"), str("x%")))
        assertTree("a NOT LIKE 'x%'", bin(.notLike, col("a"), str("x%")))
        assertTree("a ILIKE 'x%'", bin(.ilike, col("a"), str("x%")))
        assertTree("a NOT ILIKE 'x%'", bin(.notIlike, col("a"), str("x%")))
        assertTree("a BETWEEN 1 AND 10", .between(col("a"), low: int(1), high: int(10), negated: false, range: z))
        assertTree("a NOT BETWEEN 1 + 1 AND b", .between(col("a"), low: bin(.add, int(1), int(1)), high: col("b"),
                                                         negated: true, range: z))
        assertTree("a IN (1, 2, 3)", .inList(col("a"), [int(1), int(2), int(3)], negated: false, range: z))
        assertTree("a NOT IN ('x')", .inList(col("a"), [str("x")], negated: true, range: z))
        assertTree("a IN (b + 1, (c))", .inList(col("a"), [bin(.add, col("b"), int(1)), col("c")], negated: false,
                                                range: z))
        assertShape("a IN (1) AND b NOT IN (2)", "(AND (IN a [1]) (NOT IN b [2]))")
    }

    func testComparisonsDoNotAssociate() {
        for sql in ["a = b = c", "a < b < c", "a = b IS NULL", "a LIKE b = c", "a IN (1) IN (2)",
                    "a BETWEEN 1 AND 2 BETWEEN 3 AND 4", "a IS NULL IS NULL", "a = b NOT LIKE c"] {
            XCTAssertThrowsError(try Parser.parseExpression(sql), sql) { error in
                XCTAssertTrue((error as! SQLError).message.contains("comparisons cannot be chained"), sql)
            }
        }
        assertShape("(a = b) = c", "(= (= a b) c)")
        assertShape("a = b AND b = c", "(AND (= a b) (= b c))")
    }

    // MARK: Literals

    func testLiterals() {
        assertTree("NULL", null)
        assertTree("TRUE", bool(true))
        assertTree("false", bool(false))
        assertTree("42", int(42))
        assertTree("12.50", dec("12.50"))
        assertTree(".5", dec(".5"))
        assertTree("1e3", dec("1e3"))
        assertTree("1.5E-2", dec("1.5E-2"))
        assertTree("9223372036854775808", dec("9223372036854775808"))
        assertTree("'南岳衡山'", str("南岳衡山"))
        assertTree("'it''s'", str("it's"))
    }

    func testMinusOnANumberMakesANegativeLiteral() {
        assertTree("-5", int(-5))
        assertTree("- 5", int(-5))
        assertTree("-9223372036854775808", int(.min))
        assertTree("-99999999999999999999", dec("-99999999999999999999"))
        assertTree("-12.50", dec("-12.50"))
        assertTree("- -5", int(5))
        assertTree("+5", .unary(.plus, int(5), range: z))
        assertTree("-'5'", neg(str("5")))
        guard let e = expr("x + - 12.5") else { return }
        guard case .binary(_, _, let right, _) = e else { return XCTFail() }
        XCTAssertEqual(right, .literal(.decimal("-12.5"), range: r(4, 10)))
    }

    func testTypedLiterals() {
        assertTree("DATE '2025-10-01'", typed("DATE", "2025-10-01"))
        assertTree("date '2025-10-01'", typed("DATE", "2025-10-01"))
        assertTree("TIMESTAMP '2025-10-01 08:00:00'", typed("TIMESTAMP", "2025-10-01 08:00:00"))
        assertTree("timestamptz '2025-10-01 08:00:00+08'", typed("TIMESTAMPTZ", "2025-10-01 08:00:00+08"))
        assertTree("INTERVAL '1 day'", typed("INTERVAL", "1 day"))
        assertTree("INTERVAL '2' DAY", typed("INTERVAL", "2 DAY"))
        assertTree("interval 3 hours", typed("INTERVAL", "3 hours"))
        assertShape("d > DATE '2025-10-01' - INTERVAL '7 days'", "(> d (- DATE '2025-10-01' INTERVAL '7 days'))")
        guard let e = expr("DATE '2025-10-01'") else { return }
        XCTAssertEqual(e, .typedLiteral(TypeName("DATE", range: r(0, 4)), "2025-10-01", range: r(0, 17)))
    }

    // MARK: Names

    func testColumnReferences() {
        assertTree("spot", col("spot"))
        assertTree("v.spot", col("v", "spot"))
        assertTree(#""Spot""#, col("Spot", quoted: true))
        assertTree(#""V"."Spot Name""#, .column(qualifier: ident("V", quoted: true), name: ident("Spot Name", quoted: true)))
        assertTree("景点", col("景点"))
        assertTree("游客.景点", col("游客", "景点"))
        guard let e = expr("v.spot") else { return }
        XCTAssertEqual(e, .column(qualifier: Identifier("v", range: r(0, 1)), name: Identifier("spot", range: r(2, 6))))
        XCTAssertEqual(e.range, r(0, 6))
    }

    func testNonReservedKeywordsAreColumnNames() {
        assertTree("date", col("date"))
        assertTree("first + last", bin(.add, col("first"), col("last")))
        assertTree("tables", col("tables"))
        assertTree("t.date", col("t", "date"))
        assertTree("t.order", col("t", "order"))
        assertTree("timestamp = interval", bin(.equal, col("timestamp"), col("interval")))
    }

    // MARK: Calls

    func testFunctionCalls() {
        assertTree("now()", call("now"))
        assertTree("round(x, 2)", call("round", col("x"), int(2)))
        assertTree("count(*)", call("count", star: true))
        assertTree("count(DISTINCT visitor)", call("count", col("visitor"), distinct: true))
        assertTree("sum(ALL x)", call("sum", col("x")))
        assertTree("sum(amount) FILTER (WHERE channel = 'OTA')",
                   call("sum", col("amount"), filter: bin(.equal, col("channel"), str("OTA"))))
        assertTree("count(*) FILTER (WHERE x > 0)", call("count", star: true, filter: bin(.greater, col("x"), int(0))))
        assertTree("date_trunc('month', d)", call("date_trunc", str("month"), col("d")))
        assertTree("COALESCE(a, b, 0)", call("COALESCE", col("a"), col("b"), int(0)))
        assertTree("sum(a * b) / count(*)", bin(.divide, call("sum", bin(.multiply, col("a"), col("b"))),
                                                call("count", star: true)))
        assertTree(#""count"(x)"#, .function(FunctionCall(name: ident("count", quoted: true), arguments: [col("x")],
                                                           range: z)))
    }

    func testKeywordsAreFunctionNamesBeforeAParenthesis() {
        assertTree("date(x)", call("date", col("x")))
        assertTree("DATE(x)", call("DATE", col("x")))
        assertTree("year(d)", call("year", col("d")))
        assertTree("left(s, 2)", call("left", col("s"), int(2)))
        assertTree("right(s, 2)", call("right", col("s"), int(2)))
        assertTree("timestamp(x)", call("timestamp", col("x")))
        assertTree("interval(x)", call("interval", col("x")))
        assertTree("if(a, b, c)", call("if", col("a"), col("b"), col("c")))
        assertTree("filter(x)", call("filter", col("x")))
    }

    func testCallRanges() {
        guard let e = expr("count(*) FILTER (WHERE x > 0)") else { return }
        XCTAssertEqual(e.range, r(0, 29))
        guard case .function(let call) = e else { return XCTFail() }
        XCTAssertEqual(call.name.range, r(0, 5))
        XCTAssertEqual(call.filter?.range, r(23, 28))
        XCTAssertEqual(expr("f( a )")?.range, r(0, 6))
    }

    // MARK: CASE, CAST, EXTRACT

    func testCase() {
        assertTree("CASE WHEN a > 0 THEN 'pos' WHEN a < 0 THEN 'neg' ELSE 'zero' END",
                   .caseWhen(operand: nil, branches: [
                       CaseBranch(when: bin(.greater, col("a"), int(0)), then: str("pos")),
                       CaseBranch(when: bin(.less, col("a"), int(0)), then: str("neg")),
                   ], elseResult: str("zero"), range: z))
        assertTree("CASE channel WHEN 'OTA' THEN 1 END",
                   .caseWhen(operand: col("channel"), branches: [CaseBranch(when: str("OTA"), then: int(1))],
                             elseResult: nil, range: z))
        assertShape("CASE WHEN a THEN CASE WHEN b THEN 1 END END + 1", "(+ (CASE [a (CASE [b 1])]) 1)")
        XCTAssertEqual(expr("CASE WHEN a THEN 1 END")?.range, r(0, 22))
    }

    func testCast() {
        assertTree("CAST(x AS BIGINT)", cast(col("x"), "BIGINT"))
        assertTree("cast(amount as decimal(18, 2))", cast(col("amount"), "DECIMAL(18,2)"))
        assertTree("CAST(x AS double   precision)", cast(col("x"), "DOUBLE PRECISION"))
        assertTree("CAST(x AS varchar(20))", cast(col("x"), "VARCHAR(20)"))
        assertTree("CAST(x AS character varying)", cast(col("x"), "CHARACTER VARYING"))
        assertTree("CAST(x AS timestamp with time zone)", cast(col("x"), "TIMESTAMP WITH TIME ZONE"))
        assertTree("CAST(x AS DATE)", cast(col("x"), "DATE"))
        assertTree("x::TIMESTAMPTZ", cast(col("x"), "TIMESTAMPTZ"))
        guard let e = expr("CAST(x AS DECIMAL(18,2))") else { return }
        XCTAssertEqual(e, .cast(withRange(col("x"), r(5, 6)), TypeName("DECIMAL(18,2)", range: r(10, 23)), range: r(0, 24)))
        XCTAssertEqual(expr("(x)::int")?.range, r(0, 8))
    }

    func testExtract() {
        assertTree("EXTRACT(YEAR FROM d)", .extract(field: ident("YEAR"), col("d"), range: z))
        assertTree("extract(dow from visit_time + INTERVAL '1 hour')",
                   .extract(field: ident("dow"), bin(.add, col("visit_time"), typed("INTERVAL", "1 hour")), range: z))
        assertTree("EXTRACT('epoch' FROM d)", .extract(field: ident("epoch"), col("d"), range: z))
    }

    // MARK: Ranges

    func testBinaryRangesSpanTheirOperandsAndParentheses() {
        let sql = "(a + b) * c"
        guard let e = expr(sql) else { return }
        XCTAssertEqual(e.range, r(0, 11))
        guard case .binary(.multiply, let left, let right, _) = e else { return XCTFail() }
        XCTAssertEqual(left.range, r(1, 6), "a node does not know its parentheses, but its parent's range covers them")
        XCTAssertEqual(right.range, r(10, 11))
        XCTAssertEqual(expr("NOT a")?.range, r(0, 5))
        XCTAssertEqual(expr("a IS NOT NULL")?.range, r(0, 13))
        XCTAssertEqual(expr("a NOT IN (1, 2)")?.range, r(0, 15))
        XCTAssertEqual(expr("a BETWEEN 1 AND 2")?.range, r(0, 17))
        XCTAssertEqual(expr("-x")?.range, r(0, 2))
        XCTAssertEqual(expr("'景点' || x")?.range, r(0, 13))
    }
}
