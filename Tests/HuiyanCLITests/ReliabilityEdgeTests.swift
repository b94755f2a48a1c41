import Foundation
import XCTest

/// Edges found by trying the binary as a hostile user would (issue 20): timestamps at the end of year 9999,
/// the switch that keeps SQL away from files, and a REPL that outlives a refused statement.
final class ReliabilityEdgeTests: XCTestCase {
    var directory: String!
    var huiyan: HuiyanProcess!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "huiyan-edges-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        huiyan = HuiyanProcess(databasePath: directory + "/db")
        XCTAssertEqual(try huiyan.run(["init"]).status, 0)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func testTimestampsAtTheEndOfYear9999PrintAndReadBack() throws {
        let feed = directory + "/edge.csv"
        try """
        ts,visitor_id,spot,route,origin,group_type,spend
        9999-12-31T23:59:59.999999+08:00,V1,南岳衡山,,湖南,散客,1.00
        9999-12-31T15:59:59Z,V2,南岳衡山,,湖南,散客,1.00
        9999-12-31T23:59:59Z,V3,南岳衡山,,湖南,散客,1.00
        0001-01-01T00:00:00+14:00,V4,南岳衡山,,湖南,散客,1.00
        0001-01-01T08:00:00+08:00,V5,南岳衡山,,湖南,散客,1.00

        """.write(toFile: feed, atomically: true, encoding: .utf8)
        let ingest = try huiyan.run(["ingest", "visits", feed])
        XCTAssertEqual(ingest.status, 0, ingest.stderr)
        // Year 10000 (or 0) in the database's zone is refused with the row, not stored to print as 10000-01-01.
        XCTAssertTrue(ingest.stdout.contains("3 accepted, 2 rejected"), ingest.stdout)
        XCTAssertTrue(ingest.stderr.contains("outside years 0001–9999"), ingest.stderr)
        for zone in ["+08:00", "UTC", "-10:00", "+14:00"] {
            let listed = try huiyan.run(["query", "--time-zone=\(zone)", "--format", "csv", "SELECT visitor_id, ts FROM visits ORDER BY 1"])
            XCTAssertEqual(listed.status, 0, listed.stderr)
            XCTAssertFalse(listed.stdout.contains("10000-") || listed.stdout.contains(",0000-"), "\(zone): \(listed.stdout)")
            // Every printed timestamp reads back as the same instant.
            for line in listed.stdout.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: ",")
                let found = try huiyan.run(["query", "--time-zone=\(zone)", "--format", "csv",
                                            "SELECT visitor_id FROM visits WHERE ts = '\(fields[1])'"])
                XCTAssertEqual(found.stdout, "visitor_id\n\(fields[0])\n", "\(zone): \(line): \(found.stderr)")
            }
        }
    }

    func testNoFileAccessRefusesCOPYFromTheCommandAndFromTheDatabaseSetting() throws {
        let feed = HuiyanProcess.fixtures + "/feeds/visits.csv"
        let refused = try huiyan.run(["query", "--no-file-access", "COPY visits FROM '\(feed)'"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("file access is off"), refused.stderr)
        let repl = try huiyan.run(["repl", "--no-file-access"], input: "COPY visits FROM '\(feed)';\nSELECT count(*) AS n FROM visits;\n")
        XCTAssertTrue(repl.stderr.contains("file access is off"), repl.stderr)
        XCTAssertTrue(repl.stdout.contains("0"), repl.stdout)

        let closed = HuiyanProcess(databasePath: directory + "/closed")
        let created = try closed.run(["init", "--no-file-access"])
        XCTAssertEqual(created.status, 0, created.stderr)
        let setting = try closed.run(["query", "COPY visits FROM '\(feed)'"])
        XCTAssertEqual(setting.status, 1)
        XCTAssertTrue(setting.stderr.contains("file access is off"), setting.stderr)
        // The owner's own commands still load files.
        XCTAssertEqual(try closed.run(["ingest", "visits", feed]).status, 0)
        XCTAssertEqual(try huiyan.run(["query", "COPY visits FROM '\(feed)'"]).status, 0, "on by default")

        // An existing database is switched off and on with `settings`.
        XCTAssertTrue(try huiyan.run(["settings"]).stdout.contains("file access from SQL: on"))
        XCTAssertEqual(try huiyan.run(["settings", "--file-access", "off"]).status, 0)
        let switched = try huiyan.run(["query", "COPY visits FROM '\(feed)' (FORCE)"])
        XCTAssertEqual(switched.status, 1)
        XCTAssertTrue(switched.stderr.contains("file access is off"), switched.stderr)
        XCTAssertEqual(try closed.run(["settings", "--file-access", "on"]).status, 0)
        XCTAssertEqual(try closed.run(["query", "COPY visits FROM '\(feed)' (FORCE)"]).status, 0)
        XCTAssertEqual(try huiyan.run(["verify"]).status, 0)
    }

    func testREPLGoesOnAfterAStatementIsRefused() throws {
        let feed = directory + "/visits.csv"
        XCTAssertEqual(try huiyan.run(["generate", "visits", "--rows", "100000", "--out", feed]).status, 0)
        XCTAssertEqual(try huiyan.run(["ingest", "visits", feed]).status, 0)
        let script = """
        SELECT visitor_id, spot, ts FROM visits;
        SELECT 41 + 1 AS answer;

        """
        let result = try huiyan.run(["repl", "--memory-limit", "1"], input: script)
        XCTAssertFalse(result.signaled)
        XCTAssertEqual(result.status, 6, "a script ends with the status of its first error: the memory limit")
        XCTAssertTrue(result.stderr.contains("memory limit of 1.0 MiB"), result.stderr)
        XCTAssertTrue(result.stdout.contains("42"), "the session went on: \(result.stdout)")
    }
}
