import Foundation
import XCTest
import HuiyanStorage
import HuiyanTestSupport

/// The real binary on real database directories: the commands, their output and their errors.
final class CommandLineTests: XCTestCase {
    var directory: String!
    var huiyan: HuiyanProcess!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "huiyan-cli-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        huiyan = HuiyanProcess(databasePath: directory + "/db")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func fixture(_ name: String) -> String { HuiyanProcess.fixtures + "/" + name }

    func testInitIngestTablesDescribeStatsVerify() throws {
        XCTAssertEqual(try huiyan.run(["init"]).status, 0)
        let again = try huiyan.run(["init"])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("a database already exists"), again.stderr)

        let ingest = try huiyan.run(["ingest", "visits", fixture("feeds/visits.csv"), fixture("feeds/visits.ndjson"), "--format", "json"])
        XCTAssertEqual(ingest.status, 0, ingest.stderr)
        let summary = try JSONSerialization.jsonObject(with: Data(ingest.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(summary["accepted"] as? Int, 13)
        XCTAssertEqual(summary["rejected"] as? Int, 0)
        XCTAssertEqual(summary["committed"] as? Bool, true)
        XCTAssertTrue(ingest.stderr.isEmpty, "no progress bar when stderr is not a terminal: \(ingest.stderr)")

        let tables = try huiyan.run(["tables", "--format", "json"])
        let list = try JSONSerialization.jsonObject(with: Data(tables.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(list.map { $0["name"] as! String }, ["orders", "tickets", "visits"])
        XCTAssertEqual(list.map { $0["rows"] as! Int }, [0, 0, 13])

        let describe = try huiyan.run(["describe", "visits"])
        XCTAssertTrue(describe.stdout.contains("│ spend      │ DECIMAL(18,2) │ YES  │"), describe.stdout)
        let stats = try huiyan.run(["stats", "visits"])
        XCTAssertTrue(stats.stdout.contains("visits: 13 rows in 1 segment(s)"), stats.stdout)
        let verify = try huiyan.run(["verify"])
        XCTAssertEqual(verify.status, 0)
        XCTAssertTrue(verify.stdout.contains("ok: 3 table(s), 1 segment(s)"), verify.stdout)
    }

    func testTheTimeZoneIsSetAtInitAndForOneQuery() throws {
        let created = try huiyan.run(["init", "--time-zone", "Asia/Kolkata"])
        XCTAssertEqual(created.status, 0, created.stderr)
        XCTAssertTrue(created.stdout.contains("time zone Asia/Kolkata, UTC+05:30"), created.stdout)
        // A zone-less timestamp in a feed is read in the database's zone; output and calendar use it too.
        let feed = directory + "/v.csv"
        try "ts,visitor_id,spot,route,origin,group_type,spend\n2025-10-01T23:00:00Z,A,南岳衡山,,湖南,散客,1.00\n2025-10-02 01:00:00,B,南岳衡山,,湖南,散客,1.00\n"
            .write(toFile: feed, atomically: true, encoding: .utf8)
        XCTAssertEqual(try huiyan.run(["ingest", "visits", feed]).status, 0)
        let sql = "SELECT visitor_id, ts, CAST(ts AS DATE) AS day, hour(ts) FROM visits ORDER BY 1"
        XCTAssertEqual(try huiyan.run(["query", "--format", "csv", sql]).stdout,
                       "visitor_id,ts,day,hour(ts)\nA,2025-10-02 04:30:00,2025-10-02,4\nB,2025-10-02 01:00:00,2025-10-02,1\n")
        XCTAssertEqual(try huiyan.run(["query", "--time-zone", "UTC", "--format", "csv", sql]).stdout,
                       "visitor_id,ts,day,hour(ts)\nA,2025-10-01 23:00:00,2025-10-01,23\nB,2025-10-01 19:30:00,2025-10-01,19\n")
        XCTAssertEqual(try huiyan.run(["query", "--time-zone=-03:00", "--format", "csv",
                                       "SELECT count(*) FROM visits WHERE ts >= '2025-10-01 20:00' AND ts < '2025-10-01 21:00'"]).stdout,
                       "count(*)\n1\n", "a time literal is read in the run's zone")
        // Zones whose offset changes during the year, and offsets that are not ones, are refused.
        let berlin = try huiyan.run(["init", "--db", directory + "/berlin", "--time-zone", "Europe/Berlin"])
        XCTAssertEqual(berlin.status, 1)
        XCTAssertTrue(berlin.stderr.contains("changes its offset") && berlin.stderr.contains("+01:00"), berlin.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/berlin"))
        for zone in ["Mars/Olympus", "+25:00", "+8:5"] {
            let refused = try huiyan.run(["query", "--time-zone", zone, "SELECT 1"])
            XCTAssertEqual(refused.status, 1, zone)
            XCTAssertTrue(refused.stderr.contains(zone), refused.stderr)
        }
    }

    func testOddPathsGiveClearErrorsAndLeaveNothingBehind() throws {
        // A database path that is a file.
        let file = directory + "/notes.txt"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        let onFile = try huiyan.run(["init", "--db", file])
        XCTAssertEqual(onFile.status, 1)
        XCTAssertTrue(onFile.stderr.contains("notes.txt is a file; a database is a folder"), onFile.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: file + ".creating"))
        // Rejected rows thrown away on purpose.
        XCTAssertEqual(try huiyan.run(["init"]).status, 0)
        let discarded = try huiyan.run(["ingest", "tickets", fixture("malformed/tickets-bad-qty.csv"), "--rejects", "/dev/null"])
        XCTAssertEqual(discarded.status, 0, discarded.stderr)
        XCTAssertTrue(discarded.stdout.contains("2 rows committed, 3 rejected"), discarded.stdout)
        // A report to a folder that does not exist, and a year out of range.
        XCTAssertEqual(try huiyan.run(["ingest", "visits", fixture("feeds/visits.csv")]).status, 0)
        let report = try huiyan.run(["report", "--html", directory + "/missing/report.html"])
        XCTAssertEqual(report.status, 1)
        XCTAssertTrue(report.stderr.contains("cannot write the report to \(directory!)/missing/report.html: no folder"), report.stderr)
        XCTAssertTrue(try huiyan.run(["report", "--year", "0"]).stderr.contains("--year must be a year between"))
    }

    func testTablesAndStatsShowTheOtherTablesWhenOneManifestIsDamaged() throws {
        XCTAssertEqual(try huiyan.run(["ingest", "visits", fixture("feeds/visits.csv")]).status, 0)
        let manifest = directory + "/db/tables/orders/MANIFEST"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: manifest))
        bytes[10] ^= 0x20
        try bytes.write(to: URL(fileURLWithPath: manifest))
        for command in ["tables", "stats"] {
            let result = try huiyan.run([command])
            XCTAssertEqual(result.status, 4, "damaged data: \(command)")
            XCTAssertTrue(result.stderr.contains("Error: table orders: damaged file"), result.stderr)
            XCTAssertTrue(result.stdout.contains("visits"), result.stdout)
        }
    }

    func testDatabaseOptionBeforeOrAfterTheSubcommandAndFromTheEnvironment() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: HuiyanProcess.binary)
        process.arguments = ["init"]
        process.environment = ["HUIYAN_DB": directory + "/fromenv"]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertTrue(Database.exists(at: directory + "/fromenv"))
        XCTAssertEqual(try HuiyanProcess(databasePath: directory + "/fromenv").run(["tables"]).status, 0)
    }

    func testIngestReportsRejectionsWithFileLineFieldAndReason() throws {
        let result = try huiyan.run(["ingest", "tickets", fixture("malformed/tickets-bad-qty.csv"), "--rejects", directory + "/rej.csv"])
        XCTAssertEqual(result.status, 0, "rows were rejected but the good ones were committed")
        XCTAssertTrue(result.stderr.contains("tickets-bad-qty.csv:3:6: column \"qty\": value \"0\": must be at least 1"), result.stderr)
        XCTAssertTrue(result.stdout.contains("tickets: 2 rows committed, 3 rejected"), result.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/rej.csv"))
        XCTAssertTrue(result.stdout.contains("created database") || result.stderr.contains("created database"))
    }

    func testErrorsNameWhatAndWhere() throws {
        let noDatabase = try huiyan.run(["tables"])
        XCTAssertEqual(noDatabase.status, 5, "not found")
        XCTAssertTrue(noDatabase.stderr.contains("no Huiyan database at \(directory!)/db"), noDatabase.stderr)
        try huiyan.run(["init"])
        let noTable = try huiyan.run(["describe", "vists"])
        XCTAssertTrue(noTable.stderr.contains("table \"vists\" does not exist (tables: orders, tickets, visits)"), noTable.stderr)
        let noFile = try huiyan.run(["ingest", "visits", directory + "/missing.csv"])
        XCTAssertEqual(noFile.status, 5, "not found")
        XCTAssertTrue(noFile.stderr.contains("missing.csv: no such file"), noFile.stderr)
        let badHeader = try huiyan.run(["ingest", "visits", fixture("malformed/visits-missing-column.csv")])
        XCTAssertTrue(badHeader.stderr.contains("visits-missing-column.csv:1: the header lacks required column \"spot\""), badHeader.stderr)
        let twice = try huiyan.run(["ingest", "visits", fixture("feeds/visits.csv")])
        XCTAssertEqual(twice.status, 0)
        let refused = try huiyan.run(["ingest", "visits", fixture("feeds/visits.csv")])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("was already ingested"), refused.stderr)
        let skipped = try huiyan.run(["ingest", "visits", fixture("feeds/visits.csv"), "--skip-ingested"])
        XCTAssertEqual(skipped.status, 0)
        XCTAssertTrue(skipped.stdout.contains("nothing to ingest"), skipped.stdout)
        let copy = directory + "/copy.ndjson"
        try FileManager.default.copyItem(atPath: fixture("feeds/visits.ndjson"), toPath: copy)
        let once = try huiyan.run(["ingest", "visits", fixture("feeds/visits.ndjson"), copy, "--skip-ingested"])
        XCTAssertEqual(once.status, 0, once.stderr)
        XCTAssertTrue(once.stderr.contains("copy.ndjson: the same content as"), once.stderr)
        XCTAssertTrue(once.stdout.contains("3 rows committed"), once.stdout)
    }

    func testVerifyNamesDamagedFileColumnAndBlockAndExitsNonZero() throws {
        try huiyan.run(["ingest", "orders", fixture("feeds/orders.csv")])
        let database = try Database.open(at: directory + "/db")
        let segment = try database.snapshot(of: "orders").segments[0]
        try SegmentDamage.flip(segment, column: "amount", byte: 2, mask: 0x10)
        let verify = try huiyan.run(["verify"])
        XCTAssertEqual(verify.status, 4, "damaged data")
        XCTAssertTrue(verify.stdout.contains("DAMAGED \(segment.path), column \"amount\", block 0: checksum mismatch"), verify.stdout)

        // A truncated segment: named, not a crash.
        let data = try Data(contentsOf: URL(fileURLWithPath: segment.path))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: segment.path))
        let truncated = try huiyan.run(["verify"])
        XCTAssertEqual(truncated.status, 4)
        XCTAssertFalse(truncated.signaled)
        XCTAssertTrue(truncated.stdout.contains("DAMAGED \(segment.path)"), truncated.stdout)
        let stats = try huiyan.run(["stats", "orders"])
        XCTAssertEqual(stats.status, 4)
        XCTAssertTrue(stats.stderr.contains("damaged file \(segment.path)"), stats.stderr)
    }

    func testSecondWriterIsRefusedNamingTheHolder() throws {
        try huiyan.run(["init"])
        let database = try Database.open(at: directory + "/db")
        let holder = try database.writer(command: "nightly import of visits")
        let result = try huiyan.run(["ingest", "visits", fixture("feeds/visits.csv")])
        XCTAssertEqual(result.status, 3, "locked")
        XCTAssertTrue(result.stderr.contains("is being written by another process: pid \(getpid()) (nightly import of visits)"), result.stderr)
        holder.close()
        XCTAssertEqual(try huiyan.run(["ingest", "visits", fixture("feeds/visits.csv")]).status, 0)
    }

    func testCompactMergesSegments() throws {
        for file in ["feeds/visits.csv", "feeds/visits.ndjson"] { try huiyan.run(["ingest", "visits", fixture(file)]) }
        let result = try huiyan.run(["compact", "visits"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.contains("visits: 2 → 1 segment(s), 13 rows"), result.stdout)
        XCTAssertEqual(try huiyan.run(["verify"]).status, 0)
    }
}
