import Foundation
import XCTest

/// Through the real binary: the start-up file (`~/.huiyanrc`, `-init FILE`), settings that print their value,
/// `.show`; the command line's conventions (`--version`, a misspelt command, `query -f -`, `-c`, completion
/// scripts, `--help` within 80 columns); numbers in 万/亿 and with separators; SQL's type names everywhere.
final class SettingsAndConventionsTests: FixtureDatabaseTestCase {
    override class var tables: [String] { ["visits", "orders"] }

    func testStartupFileSettingsPrintTheirValueAndShowListsThem() throws {
        let home = directory + "/home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try ".units wan\n.timer on\n-- a comment\nSELECT 'from the rc' AS hello;\n".write(toFile: home + "/.huiyanrc", atomically: true, encoding: .utf8)
        let result = try huiyan.run([], environment: ["HOME": home], input: ".units\n.timer\n.mode\n.separators\n.show\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("│ from the rc │"), result.stdout)
        XCTAssertTrue(result.stdout.contains("Run Time: "), "the rc's .timer on applies to its own statement: \(result.stdout)")
        XCTAssertTrue(result.stdout.contains("\nwan\non\ntable\noff\n"), result.stdout)
        for line in ["      mode: table", "     timer: on", "   maxrows: 40", "     units: wan", "separators: off",
                     " nullvalue: \"NULL\"", "    output: stdout", "  database: \(directory!)/db"] {
            XCTAssertTrue(result.stdout.contains(line + "\n"), "\(line) missing from .show:\n\(result.stdout)")
        }
        // -init names another file instead; one that cannot be read is an error.
        let other = directory + "/other.rc"
        try ".mode csv\n".write(toFile: other, atomically: true, encoding: .utf8)
        let initFile = try huiyan.run(["-init", other], environment: ["HOME": home], input: ".units\nSELECT 1 AS x;\n")
        XCTAssertEqual(initFile.stdout, "plain\nx\n1\n", initFile.stderr)
        let missing = try huiyan.run(["repl", "--init", directory + "/nope.rc"], environment: ["HOME": home], input: "SELECT 1 AS x;\n")
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("nope.rc: cannot read the file"), missing.stderr)
        // -init /dev/null: no start-up file at all.
        let none = try huiyan.run(["-init", "/dev/null"], environment: ["HOME": home], input: ".units\n")
        XCTAssertEqual(none.stdout, "plain\n", none.stderr)
        XCTAssertEqual(none.status, 0)
        // A bad value is a usage error that says what the command takes; a misspelt command, the nearest one.
        let bad = try huiyan.run(["-init", "/dev/null"], input: ".units lakh\n.shwo\n.help\n")
        XCTAssertTrue(bad.stderr.contains("usage: .units [plain|wan]"), bad.stderr)
        XCTAssertTrue(bad.stderr.contains("Error: unknown command .shwo — did you mean .show?"), bad.stderr)
        for line in bad.stdout.components(separatedBy: "\n") {
            XCTAssertLessThanOrEqual(RendererTests.columns(line), 80, ".help: \(line)")
        }
    }

    func testVersionMisspeltCommandStdinAndC() throws {
        let version = try huiyan.run(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertTrue(version.stdout.hasPrefix("huiyan 0."), version.stdout)
        let misspelt = try HuiyanProcess(databasePath: directory + "/db").run(["tabels"])
        XCTAssertEqual(misspelt.status, 64)
        XCTAssertTrue(misspelt.stderr.hasPrefix("Error: unknown command 'tabels' — did you mean 'tables'?\n"), misspelt.stderr)
        XCTAssertEqual(misspelt.stdout, "")
        let sql = try huiyan.run(["SELECT 1"])
        XCTAssertEqual(sql.status, 64)
        XCTAssertTrue(sql.stderr.contains("unknown command 'SELECT 1' — SQL runs with huiyan query \"SQL\" or huiyan -c \"SQL\""), sql.stderr)
        let stdin = try huiyan.run(["query", "--format", "csv", "-f", "-"], input: "SELECT count(*) AS n FROM visits;\nSELECT 2 AS two")
        XCTAssertEqual(stdin.stdout, "n\n10\ntwo\n2\n", stdin.stderr)
        let commands = try huiyan.run(["-c", ".mode csv", "-c", "SELECT count(*) AS n FROM orders"])
        XCTAssertEqual(commands.status, 0, commands.stderr)
        XCTAssertEqual(commands.stdout, "n\n8\n")
        let failing = try huiyan.run(["-c", "SELECT nope FROM visits"])
        XCTAssertEqual(failing.status, 5, "a column not found")
        XCTAssertTrue(failing.stderr.contains("column \"nope\" does not exist"), failing.stderr)
    }

    func testCompletionScriptsAndHelpWithinEightyColumns() throws {
        for shell in ["bash", "zsh", "fish"] {
            let script = try huiyan.run(["--generate-completion-script", shell])
            XCTAssertEqual(script.status, 0, shell)
            XCTAssertTrue(script.stdout.contains("ingest") && script.stdout.contains("tables"), shell)
        }
        for command in [[], ["query"], ["ingest"], ["repl"], ["report"], ["demo"], ["generate"], ["compact"], ["stats"],
                        ["describe"], ["catalogs", "load"], ["init"], ["verify"], ["tables"]] {
            let help = try huiyan.run(command + ["--help"], environment: ["COLUMNS": "80"])
            var previous = ""
            for line in help.stdout.components(separatedBy: "\n") {
                XCTAssertLessThanOrEqual(RendererTests.columns(line), 80, "huiyan \(command.joined(separator: " ")) --help: \(line)")
                // An example or list entry (indented) never runs on at the start of the next line.
                if previous.hasPrefix("  "), let first = line.first {
                    XCTAssertFalse(first.isLowercase, "huiyan \(command.joined(separator: " ")) --help wraps badly: \(line)")
                }
                previous = line
            }
        }
    }

    func testUnitsKeepOneNumberOfDecimalsPerColumnAndSeparators() throws {
        let script = """
        .units wan
        SELECT product, sum(amount) * 1000 AS amount FROM orders GROUP BY 1 ORDER BY 1;
        .units plain
        .separators on
        SELECT 1234567 AS n, CAST(9876543.21 AS DECIMAL(18,2)) AS m, -1234.5::DOUBLE AS d, 999 AS small, '12345' AS text;
        .mode csv
        SELECT 1234567 AS n;

        """
        let result = try huiyan.run([], input: script)
        XCTAssertEqual(result.status, 0, result.stderr)
        // 201.6万 and 8.97万 in one column: both with two decimals, lined up.
        XCTAssertTrue(result.stdout.contains("""
        │ 南岳云雾茶   │ 201.60万 │
        │ 南岳雁鹅菌   │  12.80万 │
        │ 油茶         │  -9.90万 │
        │ 祁东黄花菜   │   8.97万 │
        """), result.stdout)
        XCTAssertTrue(result.stdout.contains("│ 1,234,567 │ 9,876,543.21 │ -1,234.5 │   999 │ 12345 │"), result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix("n\n1234567\n"), "CSV keeps exact numbers: \(result.stdout)")
    }

    func testDescribeUsesSQLTypeNames() throws {
        let describe = try huiyan.run(["describe", "orders"])
        let sql = try huiyan.run(["query", "--format", "json", "DESCRIBE orders"])
        for (column, type) in [("amount", "DECIMAL(18,2)"), ("qty", "BIGINT"), ("product", "VARCHAR"), ("ts", "TIMESTAMP")] {
            XCTAssertTrue(sql.stdout.contains("\"column_name\":\"\(column)\",\"column_type\":\"\(type)\""), sql.stdout)
            XCTAssertTrue(describe.stdout.range(of: "│ \(column) +│ \(type.replacingOccurrences(of: "(", with: "\\(").replacingOccurrences(of: ")", with: "\\)")) +│",
                                                options: .regularExpression) != nil, describe.stdout)
        }
        XCTAssertFalse(describe.stdout.contains("MONEY") || describe.stdout.contains("STRING") || describe.stdout.contains("INT64"))
        let stats = try huiyan.run(["stats", "orders"])
        XCTAssertTrue(stats.stdout.contains("DECIMAL(18,2)"), stats.stdout)
    }
}
