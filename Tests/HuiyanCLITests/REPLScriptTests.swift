import Foundation
import XCTest

/// `huiyan < script.sql`: the REPL reading statements and meta-commands from a pipe prints only results, goes on
/// after an error (exit status 1 at the end), and its `.output`, `.read` and `.open` work with real files.
final class REPLScriptTests: FixtureDatabaseTestCase {
    func testScriptOfStatementsAndMetaCommands() throws {
        try FileManager.default.copyItem(atPath: RendererGolden.directory + "/part.sql", toPath: directory + "/part.sql")
        XCTAssertEqual(try HuiyanProcess(databasePath: directory + "/other.db").run(["init"]).status, 0)
        let script = try String(contentsOfFile: RendererGolden.directory + "/script.sql", encoding: .utf8)
        let result = try huiyan.run([], input: script, in: directory)
        XCTAssertEqual(result.status, 1, "a script with errors ends with status 1")
        try RendererGolden.check(result.stdout, against: "script.out")
        XCTAssertFalse(result.stdout.contains("huiyan>"), "no prompts when standard input is not a terminal")
        XCTAssertTrue(result.stderr.contains("Error: syntax error at or near \"SELEC\""), result.stderr)
        XCTAssertTrue(result.stderr.contains("SELEC 1;\n^~~~~"), result.stderr)
        XCTAssertTrue(result.stderr.contains("Error: unknown command .nosuchcommand — the commands are .help .tables .schema .mode"), result.stderr)
        let csv = try String(contentsOfFile: directory + "/out.csv", encoding: .utf8)
        XCTAssertEqual(csv, "product,revenue\n南岳云雾茶,2016.00\n西渡湖之酒,158.00\n")
    }

    func testCleanScriptExitsZeroAndReplSubcommandReadsStdinToo() throws {
        let result = try huiyan.run(["repl"], input: ".mode csv\nSELECT count(*) AS n FROM visits;\n.timer off\n.quit\nSELECT 'not reached';\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "n\n10\n")
        XCTAssertEqual(result.stderr, "")
    }

    func testViewsAreListedWithTheTables() throws {
        XCTAssertEqual(try huiyan.run(["query", "CREATE VIEW busy (spot, n) AS SELECT spot, count(*) FROM visits GROUP BY spot"]).status, 0)
        let repl = try huiyan.run([], input: ".mode csv\n.tables\n.schema busy\n")
        XCTAssertEqual(repl.status, 0, repl.stderr)
        XCTAssertTrue(repl.stdout.hasPrefix("name,type,rows,columns\nbusy,VIEW,,2\n"), repl.stdout)
        XCTAssertTrue(repl.stdout.contains("CREATE VIEW busy (spot, n) AS SELECT spot, count(*) FROM visits GROUP BY spot;"), repl.stdout)
        let tables = try huiyan.run(["tables", "--format", "json"])
        let list = try JSONSerialization.jsonObject(with: Data(tables.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(list.map { $0["name"] as! String }, ["orders", "tickets", "visits", "busy"])
        XCTAssertEqual(list.map { $0["type"] as! String }, ["table", "table", "table", "view"])
        XCTAssertNil(list.last!["rows"])
        XCTAssertTrue(try huiyan.run(["tables"]).stdout.contains("│ busy    │ view │"))
    }

    func testHelpListsEveryMetaCommand() throws {
        let result = try huiyan.run([], input: ".help\n")
        for command in [".help", ".tables", ".schema", ".mode", ".timer", ".maxrows", ".nullvalue", ".units", ".chart",
                        ".read", ".output", ".open", ".quit", ".maxwidth", ".separators", ".show"] {
            XCTAssertTrue(result.stdout.contains(command + " "), "\(command) missing from .help:\n\(result.stdout)")
        }
        let doc = try String(contentsOfFile: HuiyanProcess.fixtures + "/../docs/REPL.md", encoding: .utf8)
        for command in [".help", ".tables", ".schema", ".mode", ".timer", ".maxrows", ".nullvalue", ".units", ".chart",
                        ".read", ".output", ".open", ".quit", ".maxwidth", ".separators", ".show"] {
            XCTAssertTrue(doc.contains("`" + command), "\(command) missing from docs/REPL.md")
        }
    }

    func testReadOfAFileWithCRLFLineEnds() throws {
        let path = directory + "/crlf.sql"
        try ".mode csv\r\nSELECT count(*) AS n\r\nFROM orders;\r\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try huiyan.run([], input: ".read \(path)\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "n\n8\n")
    }

    func testStatementsSplitOnlyOutsideQuotesAndComments() throws {
        let script = """
        SELECT 'a;b' AS s; SELECT "spot" FROM visits /* ; */ WHERE spot = '南岳衡山' -- ; not the end
        LIMIT 1;
        -- only a comment
        .mode csv
        SELECT 'it''s' AS t;
        """
        let result = try huiyan.run([], input: script)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("│ a;b │"), result.stdout)
        XCTAssertTrue(result.stdout.contains("│ 南岳衡山 │"), result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix("t\nit's\n"), result.stdout)
    }

    func testACommentOrStringLeftOpenAtTheEndIsAnError() throws {
        for (tail, message) in [("/* open\nSELECT 2;\n", "unterminated /* comment"), ("SELECT 'open;\n", "unterminated string")] {
            let result = try huiyan.run([], input: "SELECT 1 AS a;\n" + tail)
            XCTAssertEqual(result.status, 1, tail)
            XCTAssertTrue(result.stderr.contains(message), result.stderr)
            XCTAssertTrue(result.stdout.contains("│ 1 │"), result.stdout)
        }
    }
}
