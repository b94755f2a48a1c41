import XCTest
@testable import HuiyanQuery

/// WITH queries and subqueries in FROM and JOIN: their trees, and the errors for what is refused.
final class ParserSubqueryTests: SQLParserTestCase {
    private func one(_ sql: String) -> SelectStatement {
        SelectStatement(items: [item(int(1), as: "a")], range: z)
    }

    func testWithQueries() {
        guard let parsed = select("WITH x (a, b) AS (SELECT 1 AS a), y AS (SELECT * FROM x) SELECT * FROM y") else { return }
        let bared = bare(parsed)
        XCTAssertEqual(bared.with.map(\.name.name), ["x", "y"])
        XCTAssertEqual(bared.with[0].columns, [ident("a"), ident("b")])
        XCTAssertEqual(bared.with[0].query, one("SELECT 1 AS a"))
        XCTAssertEqual(bared.with[1].query.from, TableReference(table: ident("x")))
        XCTAssertEqual(bared.from, TableReference(table: ident("y")))
        // The WITH query's range runs from its name to its closing parenthesis.
        XCTAssertEqual(parsed.with[0].range, r(5, 32))
    }

    func testExplainWith() {
        guard case .explain(let select, _)? = statement("EXPLAIN WITH x AS (SELECT 1 AS a) SELECT a FROM x") else {
            return XCTFail("not an EXPLAIN")
        }
        XCTAssertEqual(select.with.count, 1)
    }

    func testSubqueriesInFromAndJoin() {
        guard let parsed = select("SELECT * FROM (SELECT 1 AS a) AS s (b) JOIN (WITH w AS (SELECT 1 AS a) SELECT a FROM w) t ON s.b = t.a") else { return }
        let from = bare(parsed).from!
        XCTAssertEqual(from.subquery?.statement, one("SELECT 1 AS a"))
        XCTAssertEqual(from.alias, ident("s"))
        XCTAssertEqual(from.columnAliases, [ident("b")])
        XCTAssertEqual(from.joins[0].alias, ident("t"))
        XCTAssertEqual(from.joins[0].subquery?.statement.with.count, 1)
        // A subquery's table identifier is its range, without a name.
        XCTAssertEqual(parsed.from?.table, Identifier("", range: r(14, 29)))
        // Without an alias, and nested.
        guard let nested = select("SELECT * FROM (SELECT * FROM (SELECT 1 AS a))") else { return }
        XCTAssertNil(nested.from?.alias)
        XCTAssertEqual(bare(nested).from?.subquery?.statement.from?.subquery?.statement, one("SELECT 1 AS a"))
    }

    func testUnions() {
        guard let parsed = select("SELECT 1 AS a UNION ALL SELECT 1 UNION SELECT 1 ORDER BY a LIMIT 2") else { return }
        let bared = bare(parsed)
        XCTAssertEqual(bared.unions.map(\.all), [true, false])
        // ORDER BY and LIMIT after the last SELECT are the union's.
        XCTAssertEqual(bared.orderBy, [OrderItem(expression: col("a"))])
        XCTAssertEqual(bared.limit, int(2))
        XCTAssertEqual(bared.unions[1].select, SelectStatement(items: [item(int(1))], range: z))
        guard let nested = select("SELECT * FROM (SELECT 1 UNION DISTINCT SELECT 2) u") else { return }
        XCTAssertEqual(nested.from?.subquery?.statement.unions.count, 1)
    }

    func testSubqueriesInExpressions() {
        guard let parsed = select("SELECT (SELECT max(a) FROM t) + 1 FROM u WHERE b NOT IN (WITH w AS (SELECT 1 AS c) SELECT c FROM w) AND c IN (1)") else { return }
        let bared = bare(parsed)
        XCTAssertEqual(bared.items, [item(bin(.add, .subquery(.select(SelectStatement(items: [item(call("max", col("a")))],
                                                                                      from: TableReference(table: ident("t")), range: z)),
                                                              range: z), int(1)))])
        guard case .binary(.and, .inSubquery(let x, let query, true, _), .inList, _)? = bared.whereClause else {
            return XCTFail("\(String(describing: bared.whereClause))")
        }
        XCTAssertEqual(x, col("b"))
        XCTAssertEqual(query.statement.with.count, 1)
        // The subquery's range runs from its "(" to its ")"; IN's from the value to the ")".
        guard case .inSubquery(_, _, _, let range)? = parsed.whereClause.map({ e -> Expression in
            if case .binary(_, let l, _, _) = e { return l }
            return e
        }) else { return XCTFail("no IN") }
        XCTAssertEqual(range, r(47, 99))
        if case .expression(.binary(_, .subquery(_, let range), _, _), _) = parsed.items[0] {
            XCTAssertEqual(range, r(7, 29))
        } else {
            XCTFail("no subquery")
        }
    }

    func testRefused() {
        assertError("WITH RECURSIVE x AS (SELECT 1) SELECT * FROM x", "WITH RECURSIVE is not supported", r(5, 14))
        assertError("WITH x AS SELECT 1 SELECT 1", "syntax error at or near \"SELECT\": expected \"(\" and a SELECT after AS", r(10, 16))
        assertError("WITH x AS (SELECT 1), X AS (SELECT 2) SELECT 1", "WITH query name \"x\" is given twice", r(22, 23))
        assertError("WITH x AS (SELECT 1) x", "syntax error at or near \"x\": expected \",\" or SELECT after the WITH query", r(21, 22))
        assertError("SELECT * FROM (visits)",
                    "syntax error at or near \"visits\": expected SELECT or WITH after \"(\" in FROM (tables in parentheses are not supported)",
                    r(15, 21))
        assertError("SELECT * FROM (SELECT 1", "missing \")\" to close \"(\" at line 1, column 15", r(23, 23))
        assertError("SELECT * FROM (SELECT 1;) s", "syntax error at or near \";\": expected \")\" to close \"(\" at line 1, column 15", r(23, 24))
        assertError("SELECT * FROM (SELECT 1) s (a,)", "syntax error at or near \",\": remove the trailing comma before \")\"", r(29, 30))
        assertError("WITH x AS (SELECT 1 INTERSECT 2) SELECT 1", "syntax error at or near \"2\": expected SELECT after INTERSECT", r(30, 31))
        assertError("SELECT 1 LIMIT 1 EXCEPT SELECT 2", "ORDER BY, LIMIT and OFFSET of an EXCEPT come after its last SELECT", r(0, 16))
        assertError("SELECT 1 LIMIT 1 UNION SELECT 2", "ORDER BY, LIMIT and OFFSET of a UNION come after its last SELECT", r(0, 16))
        assertError("SELECT 1 UNION ALL 2", "syntax error at or near \"2\": expected SELECT after UNION", r(19, 20))
        let deep = String(repeating: "SELECT * FROM (", count: 40) + "SELECT 1" + String(repeating: ")", count: 40)
        assertError(deep, "subqueries are nested too deeply", r(15 * 17, 15 * 17 + 6))
    }
}
