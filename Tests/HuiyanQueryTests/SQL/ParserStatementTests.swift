import XCTest
@testable import HuiyanQuery

final class ParserStatementTests: SQLParserTestCase {
    private func assertStatement(_ sql: String, _ expected: Statement, file: StaticString = #filePath,
                                 line: UInt = #line) {
        guard let parsed = statement(sql, file: file, line: line) else { return }
        XCTAssertEqual(bare(parsed), expected, sql, file: file, line: line)
    }

    private func assertSelect(_ sql: String, _ expected: SelectStatement, file: StaticString = #filePath,
                              line: UInt = #line) {
        assertStatement(sql, .select(expected), file: file, line: line)
    }

    // MARK: SELECT

    func testSelectWithoutFrom() {
        assertSelect("SELECT 1 + 1", SelectStatement(items: [item(bin(.add, int(1), int(1)))], range: z))
        assertSelect("select 'a' as x, 2 y", SelectStatement(items: [item(str("a"), as: "x"), item(int(2), as: "y")],
                                                              range: z))
    }

    func testEveryClause() {
        let sql = """
            SELECT DISTINCT v.spot, count(*) AS visits, sum(v.amount) total
            FROM visits AS v
            WHERE v.day >= DATE '2025-10-01' AND v.channel <> 'walk-in'
            GROUP BY v.spot
            HAVING count(*) > 10
            ORDER BY visits DESC, v.spot
            LIMIT 20 OFFSET 40
            """
        assertSelect(sql, SelectStatement(
            distinct: true,
            items: [item(col("v", "spot")), item(call("count", star: true), as: "visits"),
                    item(call("sum", col("v", "amount")), as: "total")],
            from: TableReference(table: ident("visits"), alias: ident("v")),
            whereClause: bin(.and, bin(.greaterOrEqual, col("v", "day"), typed("DATE", "2025-10-01")),
                             bin(.notEqual, col("v", "channel"), str("walk-in"))),
            groupBy: [col("v", "spot")],
            having: bin(.greater, call("count", star: true), int(10)),
            orderBy: [OrderItem(expression: col("visits"), descending: true), OrderItem(expression: col("v", "spot"))],
            limit: int(20), offset: int(40), range: z))
        guard let parsed = select(sql) else { return }
        XCTAssertEqual(parsed.range, r(0, sql.utf8.count))
    }

    func testStarItems() {
        assertSelect("SELECT * FROM t", SelectStatement(items: [.star(qualifier: nil, range: z)],
                                                        from: TableReference(table: ident("t")), range: z))
        assertSelect("SELECT v.*, s.name FROM v", SelectStatement(
            items: [.star(qualifier: ident("v"), range: z), item(col("s", "name"))],
            from: TableReference(table: ident("v")), range: z))
        assertSelect(#"SELECT *, "V".* FROM v"#, SelectStatement(
            items: [.star(qualifier: nil, range: z), .star(qualifier: ident("V", quoted: true), range: z)],
            from: TableReference(table: ident("v")), range: z))
        guard let parsed = select("SELECT t.* FROM t") else { return }
        XCTAssertEqual(parsed.items, [.star(qualifier: Identifier("t", range: r(7, 8)), range: r(7, 10))])
    }

    func testAliases() {
        let sql = #"SELECT a AS x, b y, c "Z z", d AS "select", e AS date, f AS 名 FROM t AS u"#
        guard let parsed = select(sql) else { return }
        XCTAssertEqual(bare(parsed).items, [
            item(col("a"), as: "x"), item(col("b"), as: "y"), .expression(col("c"), alias: ident("Z z", quoted: true)),
            .expression(col("d"), alias: ident("select", quoted: true)), item(col("e"), as: "date"),
            item(col("f"), as: "名"),
        ])
        XCTAssertEqual(parsed.from?.alias, Identifier("u", range: r(sql.utf8.count - 1, sql.utf8.count)))
        assertSelect("SELECT x FROM t v", SelectStatement(items: [item(col("x"))],
                                                          from: TableReference(table: ident("t"), alias: ident("v")),
                                                          range: z))
    }

    func testDistinctAndAll() {
        XCTAssertEqual(select("SELECT DISTINCT a FROM t")?.distinct, true)
        XCTAssertEqual(select("SELECT ALL a FROM t")?.distinct, false)
        XCTAssertEqual(select("SELECT a FROM t")?.distinct, false)
    }

    func testJoins() {
        let sql = """
            SELECT v.spot, s.county FROM visits v
            JOIN spots s ON s.id = v.spot_id
            INNER JOIN days AS d ON d.day = v.day
            LEFT JOIN weather w ON w.day = v.day AND w.county = s.county
            LEFT OUTER JOIN extra ON extra.id = v.id
            """
        guard let parsed = select(sql) else { return }
        XCTAssertEqual(bare(parsed).from, TableReference(table: ident("visits"), alias: ident("v"), joins: [
            Join(kind: .inner, table: ident("spots"), alias: ident("s"),
                 condition: bin(.equal, col("s", "id"), col("v", "spot_id")), range: z),
            Join(kind: .inner, table: ident("days"), alias: ident("d"),
                 condition: bin(.equal, col("d", "day"), col("v", "day")), range: z),
            Join(kind: .left, table: ident("weather"), alias: ident("w"),
                 condition: bin(.and, bin(.equal, col("w", "day"), col("v", "day")),
                                bin(.equal, col("w", "county"), col("s", "county"))), range: z),
            Join(kind: .left, table: ident("extra"), alias: nil,
                 condition: bin(.equal, col("extra", "id"), col("v", "id")), range: z),
        ]))
        let joins = parsed.from!.joins
        XCTAssertEqual(joins[0].range, sqlRange(of: "JOIN spots s ON s.id = v.spot_id", in: sql))
        XCTAssertEqual(joins[2].range, sqlRange(of: "LEFT JOIN weather w ON w.day = v.day AND w.county = s.county", in: sql))
        XCTAssertEqual(joins[3].range, sqlRange(of: "LEFT OUTER JOIN extra ON extra.id = v.id", in: sql))
    }

    func testOrderBy() {
        guard let parsed = select("SELECT a FROM t ORDER BY a, b ASC, c DESC, d NULLS FIRST, e DESC NULLS LAST, 1")
        else { return }
        XCTAssertEqual(bare(parsed).orderBy, [
            OrderItem(expression: col("a")),
            OrderItem(expression: col("b")),
            OrderItem(expression: col("c"), descending: true),
            OrderItem(expression: col("d"), nullsFirst: true),
            OrderItem(expression: col("e"), descending: true, nullsFirst: false),
            OrderItem(expression: int(1)),
        ])
    }

    func testLimitAndOffsetInEitherOrder() {
        for sql in ["SELECT a FROM t LIMIT 10 OFFSET 5", "SELECT a FROM t OFFSET 5 LIMIT 10"] {
            guard let parsed = select(sql) else { continue }
            XCTAssertEqual(bare(parsed.limit), int(10), sql)
            XCTAssertEqual(bare(parsed.offset), int(5), sql)
        }
        XCTAssertEqual(bare(select("SELECT a FROM t LIMIT 2 * 5")?.limit), bin(.multiply, int(2), int(5)))
        XCTAssertNil(select("SELECT a FROM t OFFSET 5")?.limit)
        let all = select("SELECT a FROM t LIMIT ALL OFFSET 3")
        XCTAssertNil(all?.limit, "LIMIT ALL is no limit")
        XCTAssertEqual(bare(all?.offset), int(3))
    }

    func testChineseIdentifiersAndLiterals() {
        let sql = "SELECT 景点, sum(门票收入) AS 收入 FROM 游客 WHERE 景点 = '南岳衡山' AND 城市 LIKE '衡阳%' GROUP BY 景点"
        assertSelect(sql, SelectStatement(
            items: [item(col("景点")), item(call("sum", col("门票收入")), as: "收入")],
            from: TableReference(table: ident("游客")),
            whereClause: bin(.and, bin(.equal, col("景点"), str("南岳衡山")), bin(.like, col("城市"), str("衡阳%"))),
            groupBy: [col("景点")], range: z))
        guard let parsed = select(sql) else { return }
        guard case .expression(let first, _) = parsed.items[0] else { return XCTFail() }
        XCTAssertEqual(first.range, sqlRange(of: "景点", in: sql))
        guard case .binary(.and, .binary(.equal, _, let value, _), _, _) = parsed.whereClause else { return XCTFail() }
        XCTAssertEqual(value.range, sqlRange(of: "'南岳衡山'", in: sql))
    }

    func testADoubleQuotedValueIsAColumnNameForTheBinder() {
        assertSelect(#"SELECT * FROM t WHERE spot = "南岳衡山""#, SelectStatement(
            items: [.star(qualifier: nil, range: z)], from: TableReference(table: ident("t")),
            whereClause: bin(.equal, col("spot"), col("南岳衡山", quoted: true)), range: z))
    }

    func testComments() {
        let sql = """
            -- visits per spot
            SELECT spot, /* all of them */ count(*) -- the count
            FROM visits /* nested /* comment */ here */
            GROUP BY spot; -- done
            """
        assertSelect(sql, SelectStatement(items: [item(col("spot")), item(call("count", star: true))],
                                          from: TableReference(table: ident("visits")), groupBy: [col("spot")],
                                          range: z))
        guard let parsed = select(sql) else { return }
        XCTAssertEqual(parsed.range, r(utf8Offset(of: "SELECT", in: sql), utf8Offset(of: "; --", in: sql)))
    }

    // MARK: Other statements

    func testExplain() {
        assertStatement("EXPLAIN SELECT a FROM t", .explain(
            SelectStatement(items: [item(col("a"))], from: TableReference(table: ident("t")), range: z), range: z))
        guard case .explain(let select, let range) = statement("explain select 1") else { return XCTFail() }
        XCTAssertEqual(range, r(0, 16))
        XCTAssertEqual(select.range, r(8, 16))
    }

    func testShowTables() {
        XCTAssertEqual(statement("SHOW TABLES"), .showTables(range: r(0, 11)))
        XCTAssertEqual(statement("show tables;"), .showTables(range: r(0, 11)))
    }

    func testDescribe() {
        XCTAssertEqual(statement("DESCRIBE visits"), .describe(table: Identifier("visits", range: r(9, 15)), range: r(0, 15)))
        XCTAssertEqual(statement("desc visits"), .describe(table: Identifier("visits", range: r(5, 11)), range: r(0, 11)))
        assertStatement(#"DESCRIBE "Visits""#, .describe(table: ident("Visits", quoted: true), range: z))
        assertStatement("DESCRIBE 游客", .describe(table: ident("游客"), range: z))
        // A query, bare, in parentheses or with WITH: DESCRIBE gives its columns.
        guard case .describeQuery(let select, let range)? = statement("DESCRIBE SELECT a FROM t") else { return XCTFail() }
        XCTAssertEqual(range, r(0, 24))
        XCTAssertEqual(select.items.count, 1)
        guard case .describeQuery? = statement("DESCRIBE (SELECT a FROM t)"),
              case .describeQuery(let with, _)? = statement("DESC WITH q AS (SELECT 1 AS a) SELECT a FROM q") else { return XCTFail() }
        XCTAssertEqual(with.with.count, 1)
    }

    func testCreateTable() {
        let sql = """
            CREATE TABLE IF NOT EXISTS visits (
                visit_id BIGINT NOT NULL,
                spot VARCHAR(20),
                amount decimal( 18 , 2 ) NULL,
                ratio double   precision,
                date DATE,
                "Visit Time" timestamp with time zone NOT NULL,
                景点 TEXT
            )
            """
        assertStatement(sql, .createTable(CreateTableStatement(table: ident("visits"), ifNotExists: true, columns: [
            .init(name: ident("visit_id"), type: TypeName("BIGINT", range: z), notNull: true),
            .init(name: ident("spot"), type: TypeName("VARCHAR(20)", range: z), notNull: false),
            .init(name: ident("amount"), type: TypeName("DECIMAL(18,2)", range: z), notNull: false),
            .init(name: ident("ratio"), type: TypeName("DOUBLE PRECISION", range: z), notNull: false),
            .init(name: ident("date"), type: TypeName("DATE", range: z), notNull: false),
            .init(name: ident("Visit Time", quoted: true), type: TypeName("TIMESTAMP WITH TIME ZONE", range: z),
                  notNull: true),
            .init(name: ident("景点"), type: TypeName("TEXT", range: z), notNull: false),
        ], range: z)))
        guard case .createTable(let create) = statement(sql) else { return XCTFail() }
        XCTAssertEqual(create.range, r(0, sql.utf8.count))
        XCTAssertEqual(create.columns[2].type.range, sqlRange(of: "decimal( 18 , 2 )", in: sql))

        guard case .createTable(let plain) = statement("create table t (a int)") else { return XCTFail() }
        XCTAssertFalse(plain.ifNotExists)
        XCTAssertEqual(plain.columns.map(\.type.name), ["INT"])
    }

    func testCopy() {
        func copy(_ sql: String) -> CopyStatement? {
            guard case .copy(let copy) = statement(sql) else { XCTFail(sql); return nil }
            return copy
        }
        let plain = copy("COPY visits FROM '/data/visits.csv'")
        XCTAssertEqual(plain, CopyStatement(table: Identifier("visits", range: r(5, 11)), path: "/data/visits.csv",
                                            options: [], range: r(0, 35)))
        let options = copy("COPY visits FROM 'v.ndjson' (FORMAT 'ndjson', STRICT, FORCE, IGNORE_UNKNOWN_COLUMNS, REJECTS 'bad.csv')")
        XCTAssertEqual(options?.options.map(\.name), ["format", "strict", "force", "ignore_unknown_columns", "rejects"])
        XCTAssertEqual(options?.options.map(\.value), ["ndjson", "true", "true", "true", "bad.csv"])
        let with = copy("copy visits from '游客.csv' with (format CSV, strict TRUE, force false, header 1)")
        XCTAssertEqual(with?.path, "游客.csv")
        XCTAssertEqual(with?.options.map(\.name), ["format", "strict", "force", "header"])
        XCTAssertEqual(with?.options.map(\.value), ["csv", "true", "false", "1"])
        XCTAssertEqual(copy("COPY t FROM 'it''s.csv' (REJECTS 'R.csv');")?.path, "it's.csv")
        XCTAssertEqual(copy("COPY t FROM 'x' (REJECTS 'R.csv')")?.options.first?.value, "R.csv", "strings keep their case")
        XCTAssertEqual(copy("COPY t FROM 'x' (FORMAT csv)")?.range, r(0, 28))
    }

    // MARK: Several statements

    func testSeveralStatements() throws {
        let statements = try Parser.parse("SELECT 1; ;; SHOW TABLES ; DESC t;")
        XCTAssertEqual(statements.map(bare), [
            .select(SelectStatement(items: [item(int(1))], range: z)), .showTables(range: z),
            .describe(table: ident("t"), range: z),
        ])
        XCTAssertEqual(try Parser.parse("SELECT 1").count, 1, "a final ; is optional")
        XCTAssertEqual(try Parser.parse(""), [])
        XCTAssertEqual(try Parser.parse(" ; -- nothing\n;"), [])
        XCTAssertEqual(try Parser.parse("SELECT 'a;b'; SELECT 2 -- c;").count, 2)
    }

    func testParseOneTakesExactlyOneStatement() {
        XCTAssertNotNil(statement("SELECT 1;"))
        XCTAssertNotNil(statement(";SELECT 1;;"))
        XCTAssertThrowsError(try Parser.parseOne("SELECT 1; SELECT 2")) { error in
            XCTAssertEqual(error as? SQLError,
                           SQLError("only one statement is allowed here, but another one starts at \"SELECT\"", range: r(10, 16)))
        }
        XCTAssertThrowsError(try Parser.parseOne(" ; ")) { error in
            XCTAssertEqual(error as? SQLError, SQLError(
                "unexpected end of query: expected SELECT, EXPLAIN, SHOW TABLES, DESCRIBE, CREATE TABLE, INSERT, DROP TABLE or COPY",
                range: r(2, 2)))
        }
    }
}
