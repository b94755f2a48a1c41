import Foundation
import XCTest

/// `huiyan query` on hostile text and with limits, through the real binary: query text that is not UTF-8 (as an
/// argument or in a file) is refused clearly; the timeout and the memory limit are settable and, when exceeded,
/// stop the statement with a clear error and a non-zero status.
final class ReliabilityQueryCommandTests: XCTestCase {
    var directory: String!
    var huiyan: HuiyanProcess!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "huiyan-rq-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        huiyan = HuiyanProcess(databasePath: directory + "/db")
        XCTAssertEqual(try huiyan.run(["init"]).status, 0)
        XCTAssertEqual(try huiyan.run(["ingest", "visits", HuiyanProcess.fixtures + "/feeds/visits.csv"]).status, 0)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func shell(_ script: String) -> (status: Int32, stdout: String, stderr: String) {
        HuiyanProcess.shell(script, databasePath: directory + "/db")
    }

    func testQueryTextThatIsNotUTF8IsRefused() throws {
        let argument = shell(#""$1" --db "$2" query "$(printf "SELECT count(*) FROM visits WHERE spot = '\377\376'")""#)
        XCTAssertEqual(argument.status, 1)
        XCTAssertEqual(argument.stdout, "", "nothing answered")
        XCTAssertTrue(argument.stderr.contains("the query text is not valid UTF-8"), argument.stderr)
        let file = directory + "/bad.sql"
        try Data([0x53, 0x45, 0x4C, 0x45, 0x43, 0x54, 0x20, 0x27, 0xC3, 0x28, 0x27]).write(to: URL(fileURLWithPath: file))
        let fromFile = try huiyan.run(["query", "-f", file])
        XCTAssertEqual(fromFile.status, 1)
        XCTAssertTrue(fromFile.stderr.contains("\(file): the query text is not valid UTF-8"), fromFile.stderr)
        // A real U+FFFD in valid UTF-8 is ordinary text.
        let valid = try huiyan.run(["query", "--format", "csv", "SELECT count(*) FROM visits WHERE spot = '\u{FFFD}'"])
        XCTAssertEqual(valid.status, 0, valid.stderr)
        XCTAssertEqual(valid.stdout, "count(*)\n0\n")
    }

    func testTimeoutAndMemoryLimitAreSettableAndClear() throws {
        let feed = directory + "/visits.csv"
        XCTAssertEqual(try huiyan.run(["generate", "visits", "--rows", "200000", "--out", feed]).status, 0)
        XCTAssertEqual(try huiyan.run(["ingest", "visits", feed]).status, 0)
        let heavy = "SELECT visitor_id, count(DISTINCT spot) FROM visits GROUP BY visitor_id ORDER BY 2 DESC LIMIT 3"
        let memory = try huiyan.run(["query", "--memory-limit", "1", heavy])
        XCTAssertEqual(memory.status, 6, memory.stdout)
        XCTAssertFalse(memory.signaled)
        XCTAssertEqual(memory.stdout, "")
        XCTAssertTrue(memory.stderr.contains("memory limit of 1.0 MiB"), memory.stderr)
        let timeout = try huiyan.run(["query", "--timeout", "0.000001", heavy])
        XCTAssertEqual(timeout.status, 1, timeout.stdout)
        XCTAssertTrue(timeout.stderr.contains("query timed out after"), timeout.stderr)
        // Within sane limits the same query answers.
        let fine = try huiyan.run(["query", "--memory-limit", "512", "--timeout", "600", heavy])
        XCTAssertEqual(fine.status, 0, fine.stderr)
        for bad in [["--timeout", "0"], ["--memory-limit=-3"]] {
            let refused = try huiyan.run(["query"] + bad + ["SELECT 1"])
            XCTAssertNotEqual(refused.status, 0)
            XCTAssertTrue(refused.stderr.contains("must be positive") || refused.stderr.contains("must be a positive number"), refused.stderr)
        }
    }
}
