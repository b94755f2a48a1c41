import Foundation
import XCTest
import HuiyanStorage
import HuiyanTestSupport

/// The exit statuses of the real binary by the kind of the error (`huiyan --help` lists them), each with a
/// message that names the file, table or limit.
final class ExitStatusTests: FixtureDatabaseTestCase {
    override class var tables: [String] { ["visits", "orders"] }

    func testHelpListsTheExitStatuses() throws {
        let help = HuiyanProcess.shell(#""$1" --help"#, databasePath: directory + "/db")
        XCTAssertEqual(help.status, 0)
        for line in ["Exit statuses:", "3    the database is locked", "4    damaged data", "5    not found",
                     "6    a statement needed more than its memory limit", "64   a misused command line", "130  cancelled"] {
            XCTAssertTrue(help.stdout.contains(line), line)
        }
    }

    func testAnUnknownTableIsNotFound() throws {
        let query = try huiyan.run(["query", "SELECT count(*) FROM vists"])
        XCTAssertEqual(query.status, 5, query.stderr)
        XCTAssertTrue(query.stderr.contains("table \"vists\" does not exist — did you mean \"visits\"?"), query.stderr)
        let script = try huiyan.run(["-c", "SELECT 1 AS a", "-c", "SELECT * FROM weather", "-c", "SELECT * FORM visits"])
        XCTAssertEqual(script.status, 5, "the first error's status: \(script.stderr)")
        XCTAssertTrue(script.stderr.contains("table \"weather\" does not exist"), script.stderr)
        let nowhere = try HuiyanProcess(databasePath: directory + "/nowhere").run(["query", "SELECT 1"])
        XCTAssertEqual(nowhere.status, 5)
        XCTAssertTrue(nowhere.stderr.contains("no Huiyan database at \(directory!)/nowhere"), nowhere.stderr)
        // Bad SQL stays a plain failure.
        XCTAssertEqual(try huiyan.run(["query", "SELECT * FORM visits"]).status, 1)
    }

    func testALockedDatabaseIsThree() throws {
        let holder = try Database.open(at: directory + "/db").writer(command: "nightly import of visits")
        defer { holder.close() }
        for arguments in [["query", "CREATE TABLE weather (day DATE, rain DOUBLE)"],
                          ["ingest", "visits", HuiyanProcess.fixtures + "/feeds/visits.ndjson"]] {
            let result = try huiyan.run(arguments)
            XCTAssertEqual(result.status, 3, arguments[0])
            XCTAssertTrue(result.stderr.contains("database \(directory!)/db is being written by another process: pid \(getpid()) (nightly import of visits)"),
                          result.stderr)
        }
        // Reading goes on while another process writes.
        XCTAssertEqual(try huiyan.run(["query", "SELECT count(*) FROM orders"]).status, 0)
    }

    func testADamagedSegmentIsFourNamingFileColumnAndBlock() throws {
        let segment = try Database.open(at: directory + "/db").snapshot(of: "orders").segments[0]
        try SegmentDamage.flip(segment, column: "amount", byte: 2, mask: 0x10)
        let damage = "damaged file \(segment.path): checksum mismatch in column \"amount\", block 0"
        for format in ["table", "csv"] {
            let query = try huiyan.run(["query", "--format", format, "SELECT count(*) FROM orders WHERE amount * 3 = 7"])
            XCTAssertEqual(query.status, 4, query.stderr)
            XCTAssertTrue(query.stderr.contains(damage), query.stderr)
            XCTAssertEqual(query.stdout, "", "no rows from damaged bytes")
        }
        let verify = try huiyan.run(["verify"])
        XCTAssertEqual(verify.status, 4)
        XCTAssertTrue(verify.stdout.contains("DAMAGED \(segment.path), column \"amount\", block 0"), verify.stdout)
        // The other table still answers.
        XCTAssertEqual(try huiyan.run(["query", "SELECT count(*) FROM visits WHERE spend * 3 = 7"]).status, 0)
    }

    func testAStatementOverItsMemoryLimitIsSix() throws {
        let query = try huiyan.run(["query", "--memory-limit", "1", "SELECT * FROM generate_series(1, 200000)"])
        XCTAssertEqual(query.status, 6, query.stderr)
        XCTAssertTrue(query.stderr.contains("query needs more than its memory limit of 1.0 MiB"), query.stderr)
        XCTAssertEqual(query.stdout, "")
    }

    func testAValueThatDoesNotConvertIsOneNamingTheValue() throws {
        let query = try huiyan.run(["query", "SELECT CAST('12x' AS BIGINT)"])
        XCTAssertEqual(query.status, 1)
        XCTAssertTrue(query.stderr.contains("'12x'") || query.stderr.contains("\"12x\""), query.stderr)
    }
}
