import XCTest
@testable import HuiyanQuery

/// Table functions and files in FROM and JOIN, CREATE [OR REPLACE] VIEW and DROP VIEW as the parser reads them.
final class ParserTableFunctionTests: SQLParserTestCase {
    private func from(_ sql: String, file: StaticString = #filePath, line: UInt = #line) -> TableReference? {
        guard case .select(let select)? = statement(sql, file: file, line: line) else { return nil }
        return select.from
    }

    func testTableFunctionsAndFilesInFromAndJoin() throws {
        let reference = try XCTUnwrap(from("SELECT * FROM generate_series(1, 10, 2) AS g (n) JOIN 'a/b.parquet' p ON p.n = g.n"))
        XCTAssertEqual(reference.function?.name.name, "generate_series")
        XCTAssertEqual(reference.function?.arguments.count, 3)
        XCTAssertEqual(reference.alias?.name, "g")
        XCTAssertEqual(reference.columnAliases.map(\.name), ["n"])
        XCTAssertEqual(reference.joins[0].function?.name.name, "")
        XCTAssertEqual(reference.joins[0].function?.arguments.first.map(bare), str("a/b.parquet"))
        XCTAssertEqual(reference.joins[0].alias?.name, "p")
        XCTAssertNil(from("SELECT * FROM visits v")?.function)
        XCTAssertEqual(from("SELECT * FROM range()")?.function?.arguments.count, 0)
    }

    func testViews() {
        guard case .createView(let create)? = statement("CREATE OR REPLACE VIEW v (a, b) AS WITH x AS (SELECT 1 AS p) SELECT p, p FROM x") else {
            return XCTFail("not a CREATE VIEW")
        }
        XCTAssertTrue(create.orReplace)
        XCTAssertEqual(create.view.name, "v")
        XCTAssertEqual(create.columns.map(\.name), ["a", "b"])
        XCTAssertEqual(create.queryText, "WITH x AS (SELECT 1 AS p) SELECT p, p FROM x")
        guard case .createView(let plain)? = statement("create view w as select 1") else { return XCTFail("not a CREATE VIEW") }
        XCTAssertFalse(plain.orReplace)
        XCTAssertEqual(plain.queryText, "select 1")
        guard case .dropView(let drop)? = statement("DROP VIEW IF EXISTS w") else { return XCTFail("not a DROP VIEW") }
        XCTAssertTrue(drop.ifExists)
        XCTAssertEqual(drop.view.name, "w")
        assertError("CREATE OR VIEW v AS SELECT 1", "syntax error at or near \"VIEW\": expected REPLACE after CREATE OR", r(10, 14))
        assertError("CREATE VIEW v SELECT 1", "syntax error at or near \"SELECT\": expected AS and a SELECT after the view's name", r(14, 20))
    }
}
