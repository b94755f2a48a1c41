import Foundation
import XCTest
import HuiyanStorage

/// The real binary killed with SIGKILL in the middle of an ingest or a compaction: on reopen the table holds
/// exactly the rows of the commands that completed, the killed one all or nothing, and work goes on.
final class CrashTests: XCTestCase {
    var directory: String!
    var huiyan: HuiyanProcess!
    var bigFile: String!
    let bigRows = 60_000

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "huiyan-crash-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        huiyan = HuiyanProcess(databasePath: directory + "/db")
        XCTAssertEqual(try huiyan.run(["init"]).status, 0)
        bigFile = directory + "/big.csv"
        var text = "ts,visitor_id,spot,route,origin,group_type,spend\n"
        text.reserveCapacity(bigRows * 70)
        for i in 0..<bigRows {
            text += "2025-10-01T08:\(10 + i / 6000 % 50):00+08:00,V\(i % 4999),spot\(i % 17),,湖南,散客,\(i % 300).25\n"
        }
        try text.write(toFile: bigFile, atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func fixture(_ name: String) -> String { HuiyanProcess.fixtures + "/" + name }

    func rowCount(_ table: String = "visits") throws -> Int {
        try Database.open(at: directory + "/db").snapshot(of: table).rowCount
    }

    func assertVerifies(file: StaticString = #filePath, line: UInt = #line) throws {
        let verify = try huiyan.run(["verify"])
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr, file: file, line: line)
    }

    /// Kills at each named point of the write path; nothing of the killed command is visible unless the
    /// manifest was already swapped, and re-running never doubles a prefix.
    func testKilledAtEveryCrashPointLosesNothingCommittedAndDoublesNothing() throws {
        XCTAssertEqual(try huiyan.run(["ingest", "visits", fixture("feeds/visits.csv")]).status, 0)
        for point in ["after-segment", "before-manifest"] {
            let killed = try huiyan.run(["ingest", "visits", bigFile, "--segment-rows", "10000"], environment: ["HUIYAN_CRASH_AT": point])
            XCTAssertTrue(killed.signaled, "killed at \(point)")
            XCTAssertEqual(try rowCount(), 10, "nothing of the killed ingest is visible (\(point))")
            try assertVerifies()
        }
        let committed = try huiyan.run(["ingest", "visits", bigFile, "--segment-rows", "10000"], environment: ["HUIYAN_CRASH_AT": "after-manifest"])
        XCTAssertTrue(committed.signaled)
        XCTAssertEqual(try rowCount(), 10 + bigRows, "killed after the manifest swap: all of it is there")
        let again = try huiyan.run(["ingest", "visits", bigFile])
        XCTAssertEqual(again.status, 1, "re-running the committed ingest is refused, not doubled")
        XCTAssertEqual(try rowCount(), 10 + bigRows)
        // Orphans of the killed runs are gone once a writer opens; everything left is live.
        let database = try Database.open(at: directory + "/db")
        let live = Set(try database.manifest(of: "visits").segments.map(\.file))
        XCTAssertEqual(Set(try FileIO.list(database.tablePath("visits")).filter { $0 != "MANIFEST" }), live)
        try assertVerifies()
    }

    /// Kills at random moments during a multi-segment ingest: the table holds the old rows or old + new, never a part.
    func testKilledAtRandomMomentsIsAllOrNothing() throws {
        // One undisturbed run tells how long an ingest takes; kills then land anywhere in 0…120% of it.
        let started = Date()
        XCTAssertEqual(try huiyan.run(["ingest", "visits", bigFile, "--segment-rows", "8000"]).status, 0)
        let duration = Date().timeIntervalSince(started)
        var expected = bigRows
        var outcomes: [String] = []
        for round in 0..<8 {
            let running = try huiyan.start(["ingest", "visits", bigFile, "--segment-rows", "8000", "--force"])
            usleep(UInt32(Double.random(in: 0...(duration * 1.2)) * 1_000_000))
            running.kill()
            let result = running.finish()
            let rows = try rowCount()
            if result.signaled {
                XCTAssertTrue(rows == expected || rows == expected + bigRows, "round \(round): \(rows) rows, expected \(expected) or \(expected + bigRows)")
                outcomes.append(rows == expected ? "none" : "all")
            } else {
                XCTAssertEqual(result.status, 0, result.stderr)
                XCTAssertEqual(rows, expected + bigRows)
                outcomes.append("finished")
            }
            expected = rows
            try assertVerifies()
        }
        // The database keeps working after all of it.
        XCTAssertEqual(try huiyan.run(["ingest", "visits", fixture("feeds/visits.csv")]).status, 0)
        XCTAssertEqual(try rowCount(), expected + 10)
        print("random kills: \(outcomes)")
    }

    func testKilledCompactionKeepsEveryRowOnce() throws {
        for _ in 0..<3 {
            XCTAssertEqual(try huiyan.run(["ingest", "visits", bigFile, "--segment-rows", "25000", "--force"]).status, 0)
        }
        let before = try Database.open(at: directory + "/db").snapshot(of: "visits").materializeRows()
        let killed = try huiyan.run(["compact", "visits"], environment: ["HUIYAN_CRASH_AT": "compaction-before-manifest"])
        XCTAssertTrue(killed.signaled)
        XCTAssertEqual(try Database.open(at: directory + "/db").snapshot(of: "visits").materializeRows(), before)
        try assertVerifies()
        XCTAssertEqual(try huiyan.run(["compact", "visits"]).status, 0)
        let after = try Database.open(at: directory + "/db").snapshot(of: "visits")
        XCTAssertEqual(after.segments.count, 1)
        XCTAssertEqual(try after.materializeRows(), before)
    }
}
