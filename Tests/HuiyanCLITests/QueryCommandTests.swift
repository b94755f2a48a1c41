import Foundation
import XCTest
import HuiyanStorage
import HuiyanTestSupport

/// `huiyan query` through the real binary: output formats, errors with carets, exit codes.
final class QueryCommandTests: FixtureDatabaseTestCase {
    func testTableOutputAlignsChineseAndNumbers() throws {
        let result = try huiyan.run(["query", "SELECT spot, count(*) AS n, sum(spend) AS spend FROM visits GROUP BY spot ORDER BY n DESC, spot LIMIT 3"])
        XCTAssertEqual(result.status, 0, result.stderr)
        // 南岳衡山 is four characters but eight columns wide: the borders line up.
        XCTAssertEqual(result.stdout, """
        ┌────────────┬───┬─────────┐
        │ spot       │ n │   spend │
        ├────────────┼───┼─────────┤
        │ 南岳衡山   │ 3 │ 1235.85 │
        │ 东洲岛     │ 1 │  120.00 │
        │ 夏明翰故居 │ 1 │  -20.00 │
        └────────────┴───┴─────────┘
        3 rows

        """)
    }

    /// --disable-rules and HUIYAN_DISABLE_RULES switch optimizer rules off (EXPLAIN no longer lists them, the rows
    /// stay); an unknown name is refused with the closest one.
    func testRulesAreSwitchedOffByOptionAndEnvironment() throws {
        let sql = "SELECT spot, count(*) FROM visits WHERE spend > 10 GROUP BY spot ORDER BY 2 DESC, 1 LIMIT 2"
        let on = try huiyan.run(["query", "--format", "csv", "EXPLAIN " + sql])
        XCTAssertTrue(on.stdout.contains("optimizer rules used: filter_pushdown, top_n"), on.stdout)
        let off = try huiyan.run(["query", "--format", "csv", "--disable-rules", "top_n, filter_pushdown", "EXPLAIN " + sql])
        XCTAssertEqual(off.status, 0, off.stderr)
        XCTAssertFalse(off.stdout.contains("top_n") || off.stdout.contains("filter_pushdown"), off.stdout)
        let all = try huiyan.run(["query", "--format", "csv", "EXPLAIN " + sql], environment: ["HUIYAN_DISABLE_RULES": "all"])
        XCTAssertTrue(all.stdout.contains("optimizer rules used: none"), all.stdout)
        let rows = try huiyan.run(["query", "--format", "csv", sql]).stdout
        XCTAssertEqual(try huiyan.run(["query", "--format", "csv", sql], environment: ["HUIYAN_DISABLE_RULES": "all"]).stdout, rows)
        let unknown = try huiyan.run(["query", "--disable-rules", "topn", sql])
        XCTAssertEqual(unknown.status, 64, unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("unknown optimizer rule 'topn' in --disable-rules — did you mean top_n?"), unknown.stderr)
        let badEnvironment = try huiyan.run(["query", sql], environment: ["HUIYAN_DISABLE_RULES": "fold"])
        XCTAssertEqual(badEnvironment.status, 1)
        XCTAssertTrue(badEnvironment.stderr.contains("in HUIYAN_DISABLE_RULES"), badEnvironment.stderr)
    }

    func testCSVJSONAndMarkdown() throws {
        let sql = "SELECT ticket_id, ts, amount, qty FROM tickets WHERE qty > 3 ORDER BY ticket_id"
        let csv = try huiyan.run(["query", "--format", "csv", sql])
        XCTAssertEqual(csv.stdout, "ticket_id,ts,amount,qty\nT000004,2025-10-01 10:15:45,960.00,12\nT000006,2025-10-02 14:05:09,200.00,4\n")
        let json = try huiyan.run(["query", "--format", "json", "SELECT spot, route FROM visits WHERE visitor_id = 'V000002' ORDER BY ts"])
        XCTAssertEqual(json.stdout, "{\"spot\":\"南岳衡山\",\"route\":\"大南岳衡山旅游经济圈\"}\n{\"spot\":\"船山故里\",\"route\":null}\n")
        let markdown = try huiyan.run(["query", "--format", "markdown", "SELECT channel, sum(amount) AS revenue FROM tickets GROUP BY 1 ORDER BY 1 LIMIT 1"])
        XCTAssertEqual(markdown.stdout, "| channel | revenue |\n|---|---:|\n| OTA | 420.00 |\n")
        let nulls = try huiyan.run(["query", "--format", "csv", "SELECT route FROM visits WHERE visitor_id = 'V000002' ORDER BY ts"])
        XCTAssertEqual(nulls.stdout, "route\n大南岳衡山旅游经济圈\n\n", "NULL is empty in CSV")
    }

    func testSeveralStatementsAndAFile() throws {
        let path = directory + "/q.sql"
        try "-- two statements\nSELECT count(*) AS n FROM visits;\nSELECT count(*) AS n FROM orders;\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try huiyan.run(["query", "-f", path, "--format", "csv"])
        XCTAssertEqual(result.stdout, "n\n10\nn\n8\n")
        try Data([0x53, 0x45, 0x4C, 0xFF, 0xFE]).write(to: URL(fileURLWithPath: directory + "/bad.sql"))
        let bad = try huiyan.run(["query", "-f", directory + "/bad.sql"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("not valid UTF-8"), bad.stderr)
    }

    func testSQLArgumentMayStartWithAComment() throws {
        // An argument starting with "--" would be taken for an option; one holding whitespace is not one.
        let result = try huiyan.run(["query", "-- arrivals\nSELECT count(*) AS n FROM visits", "--format", "csv"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "n\n10\n")
        let unknown = try huiyan.run(["query", "--formats", "csv", "SELECT 1"])
        XCTAssertNotEqual(unknown.status, 0, "a misspelled option is still an error")
    }

    func testOptionValuesOutOfRangeAreRefused() throws {
        for (option, value, message) in [("--memory-limit", "8796093022208", "--memory-limit is at most"),
                                          ("--timeout", "nan", "--timeout must be a positive number"),
                                          ("--timeout", "inf", "--timeout must be a positive number"),
                                          ("--threads", "0", "--threads must be positive")] {
            let result = try huiyan.run(["query", option, value, "SELECT 1"])
            XCTAssertEqual(result.status, 64, "\(option) \(value)")
            XCTAssertTrue(result.stderr.contains(message), result.stderr)
        }
        XCTAssertEqual(try huiyan.run(["query", "--memory-limit", "8796093022207", "--format", "csv", "SELECT 1 AS one"]).stdout, "one\n1\n")
    }

    func testErrorsShowACaretAndExitOne() throws {
        let result = try huiyan.run(["query", "SELECT spto, count(*) FROM visits GROUP BY 1"])
        XCTAssertEqual(result.status, 5, "a column not found")
        XCTAssertEqual(result.stdout, "")
        XCTAssertTrue(result.stderr.contains("Error: column \"spto\" does not exist — did you mean \"spot\"?"), result.stderr)
        XCTAssertTrue(result.stderr.contains("SELECT spto, count(*) FROM visits GROUP BY 1\n       ^~~~"), result.stderr)
        let syntax = try huiyan.run(["query", "SELECT * FORM visits"])
        XCTAssertEqual(syntax.status, 1)
        XCTAssertTrue(syntax.stderr.contains("FORM"), syntax.stderr)
    }

    func testCreateTableAndCopy() throws {
        let csv = directory + "/w.csv"
        try "day,city,rain\n2025-10-01,衡阳,1.5\n2025-10-02,衡阳,\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let result = try huiyan.run(["query", "--format", "csv",
            "CREATE TABLE weather (day TIMESTAMP NOT NULL, city VARCHAR, rain DOUBLE); COPY weather FROM '\(csv)'; SELECT city, count(*), sum(rain) FROM weather GROUP BY city"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("created table weather with 3 column(s)"), result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix("city,count(*),sum(rain)\n衡阳,2,1.5\n"), result.stdout)
        // In the table format, COPY says where the reasons of its rejected rows are.
        try "day,city,rain\n2025-10-03,衡阳,wet\n2025-10-04,衡阳,2\n".write(toFile: directory + "/bad.csv", atomically: true, encoding: .utf8)
        let copy = try huiyan.run(["query", "COPY weather FROM '\(directory!)/bad.csv'"])
        XCTAssertEqual(copy.status, 0, copy.stderr)
        XCTAssertTrue(copy.stdout.contains("1 row(s) loaded into weather, 1 rejected (reasons in \(directory!)/db/rejects/weather-"), copy.stdout)
        // A file of which every row is rejected loads nothing and is an error that says why.
        try "day,city,rain\n2025-10-05,衡阳,wet\n".write(toFile: directory + "/worse.csv", atomically: true, encoding: .utf8)
        let none = try huiyan.run(["query", "COPY weather FROM '\(directory!)/worse.csv'"])
        XCTAssertEqual(none.status, 1)
        XCTAssertTrue(none.stderr.contains("every row was rejected (1), so nothing was committed"), none.stderr)
    }

    func testCtrlCCancelsARunningQueryAndATimeoutStopsOne() throws {
        let feed = directory + "/visits-300k.csv"
        XCTAssertEqual(try huiyan.run(["generate", "visits", "--rows", "300000", "--seed", "5", "--out", feed]).status, 0)
        XCTAssertEqual(try huiyan.run(["ingest", "visits", feed, "--quiet"]).status, 0)
        // Seconds of work in a debug build: two string keys of 300,000 distinct pairs, three distinct counts.
        let long = "SELECT visitor_id, spot, count(*), count(DISTINCT origin), count(DISTINCT route), count(DISTINCT group_type) FROM visits GROUP BY visitor_id, spot ORDER BY 3 DESC, 1, 2"
        let running = try huiyan.start(["query", long])
        // Ctrl-C once the binary catches SIGINT (before that, the default action would end it: not the
        // behaviour under test), and again until it stops.
        let status = "/proc/\(running.process.processIdentifier)/status"
        let waitingSince = Date()
        while Date().timeIntervalSince(waitingSince) < 60, running.process.isRunning {
            let caught = (try? String(contentsOfFile: status, encoding: .utf8))?.split(separator: "\n")
                .first { $0.hasPrefix("SigCgt:") }.flatMap { UInt64($0.dropFirst(7).trimmingCharacters(in: .whitespaces), radix: 16) }
            if let caught, caught & (1 << (UInt64(SIGINT) - 1)) != 0 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.5)
        var sent = Date()
        while running.process.isRunning {
            sent = Date()
            kill(running.process.processIdentifier, SIGINT)
            Thread.sleep(forTimeInterval: 0.5)
        }
        let result = running.finish()
        XCTAssertEqual(result.status, 130, result.stderr)
        XCTAssertTrue(result.stderr.contains("cancelled"), result.stderr)
        XCTAssertTrue(result.stdout.isEmpty, "no partial result")
        XCTAssertLessThan(Date().timeIntervalSince(sent), 10, "stops at the next block, not at the end")

        let timed = try huiyan.run(["query", "--timeout", "0.5", long])
        XCTAssertEqual(timed.status, 1)
        XCTAssertTrue(timed.stderr.contains("timed out"), timed.stderr)
        // The database is untouched and answers the next query.
        XCTAssertEqual(try huiyan.run(["query", "--format", "csv", "SELECT count(*) FROM visits"]).stdout, "count(*)\n300010\n")
    }

    func testQueryOnADamagedSegmentFailsClearly() throws {
        let database = try Database.open(at: directory + "/db")
        let segment = try database.snapshot(of: "tickets").segments[0]
        try SegmentDamage.flip(segment, column: "amount", byte: 1, mask: 0x01)
        // (max reads the values; a sum of whole blocks would come from the footer, which is intact.)
        let result = try huiyan.run(["query", "SELECT max(amount) FROM tickets"])
        XCTAssertEqual(result.status, 4, "damaged data")
        XCTAssertFalse(result.signaled)
        XCTAssertEqual(result.stdout, "", "no number computed from damaged bytes")
        XCTAssertTrue(result.stderr.contains("damaged file \(segment.path): checksum mismatch in column \"amount\", block 0"), result.stderr)
        // Columns that are not damaged still answer.
        let other = try huiyan.run(["query", "--format", "csv", "SELECT count(*) AS n FROM tickets WHERE spot = '南岳衡山'"])
        XCTAssertEqual(other.stdout, "n\n3\n")
    }
}
