import Foundation
import XCTest
import HuiyanStorage
import HuiyanTourism

/// The kill loop of issue 7: the real binary ingests and compacts, round after round, and is killed with SIGKILL
/// at a random moment of each round — at a named point of the write path (inside a segment write, between a
/// segment's rename and the manifest swap, either side of the swap, inside a compaction) picked at random, or
/// after a random delay. After every kill the database opens, `verify` passes, the table holds exactly the rows
/// of the commands that committed (every ingest that reported success, the killed one all or nothing) and no
/// row twice. `HUIYAN_RELIABILITY_ROUNDS` sets the number of rounds (default 60: 48 ingests, 12 compactions).
final class ReliabilityCrashLoopTests: XCTestCase {
    var directory: String!
    var huiyan: HuiyanProcess!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "huiyan-killloop-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        huiyan = HuiyanProcess(databasePath: directory + "/db")
        XCTAssertEqual(try huiyan.run(["init"]).status, 0)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    /// A visits feed whose every row has a visitor id of its own (`R<round>-<i>`), so a doubled row shows.
    func writeFeed(round: Int, rows: Int) throws -> String {
        var text = "ts,visitor_id,spot,route,origin,group_type,spend\n"
        for i in 0..<rows {
            text += "2025-10-\(String(format: "%02d", 1 + i % 28))T08:\(10 + i % 50):00+08:00,R\(round)-\(i),spot\(i % 13),,湖南,散客,\(i % 300).5\n"
        }
        let path = directory + "/feed-\(round).csv"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The visitor ids of every live row, in order.
    func liveVisitorIDs() throws -> [String] {
        let snapshot = try Database.open(at: directory + "/db").snapshot(of: "visits")
        let column = snapshot.schema.columns.firstIndex { $0.name == "visitor_id" }!
        return try snapshot.materializeRows().map { row in
            guard case .string(let id)? = row[column] else { return "?" }
            return id
        }
    }

    func testSixtyRandomKillsDuringIngestsAndCompactionsLoseNothingCommittedAndDoubleNothing() throws {
        let rounds = Int(ProcessInfo.processInfo.environment["HUIYAN_RELIABILITY_ROUNDS"] ?? "") ?? 60
        let seed = UInt64(ProcessInfo.processInfo.environment["HUIYAN_RELIABILITY_SEED"] ?? "") ?? UInt64(Date().timeIntervalSince1970 * 1000)
        print("kill loop: \(rounds) rounds, seed \(seed)")
        var random = SplitMix64(seed: seed)
        let segmentRows = 250

        // One undisturbed ingest and compaction tell how long each takes; timed kills land in 0…120 % of that.
        let first = try writeFeed(round: 0, rows: 1200)
        var started = Date()
        XCTAssertEqual(try huiyan.run(["ingest", "visits", first, "--segment-rows", "\(segmentRows)"]).status, 0)
        let ingestDuration = Date().timeIntervalSince(started)
        started = Date()
        XCTAssertEqual(try huiyan.run(["compact", "visits"]).status, 0)
        let compactDuration = Date().timeIntervalSince(started)
        var committed = (0..<1200).map { "R0-\($0)" }

        var kills = 0, killedCommitted = 0, killedNothing = 0, finished = 0, midWrite = 0
        var byPoint: [String: Int] = [:]
        for round in 1...rounds {
            let compaction = round % 5 == 0
            var environment: [String: String] = [:]
            var point = "timed"
            if random.below(2) == 0 {
                let points = compaction
                    ? ["compaction-before-manifest", "compaction-after-manifest", "after-segment#\(1 + random.below(2))",
                       "segment-before-rename#\(1 + random.below(2))"]
                    : ["segment-before-rename#\(1 + random.below(6))", "after-segment#\(1 + random.below(6))",
                       "before-manifest", "after-manifest"]
                point = points[random.below(points.count)]
                environment["HUIYAN_CRASH_AT"] = point
            }
            let rows = 600 + random.below(1000)
            let arguments: [String]
            if compaction {
                arguments = ["compact", "visits", "--segment-rows", "\(2000 + random.below(4000))"]
            } else {
                arguments = ["ingest", "visits", try writeFeed(round: round, rows: rows), "--segment-rows", "\(segmentRows)"]
            }
            let before = committed.count
            let running = try huiyan.start(arguments, environment: environment)
            if point == "timed" {
                usleep(UInt32(random.unit() * 1.2 * (compaction ? compactDuration : ingestDuration) * 1_000_000))
                running.kill()
            }
            let result = running.finish()
            let ids = try liveVisitorIDs()
            let label = "round \(round) (\(compaction ? "compaction" : "ingest of \(rows) rows"), kill \(point))"

            if result.signaled {
                kills += 1
                // Did the kill land in the middle of writing? Then it left files no manifest lists.
                let database = try Database.open(at: directory + "/db")
                let live = Set(try database.manifest(of: "visits").segments.map(\.file))
                if try FileIO.list(database.tablePath("visits")).contains(where: { $0 != "MANIFEST" && !live.contains($0) }) { midWrite += 1 }
                byPoint[point.split(separator: "#").first.map(String.init) ?? point, default: 0] += 1
            } else {
                XCTAssertEqual(result.status, 0, "\(label): \(result.stderr)")
                finished += 1
            }
            if compaction {
                // A compaction, killed or not, changes no row and no order.
                XCTAssertEqual(ids, committed, "\(label): the rows changed")
            } else {
                let added = (0..<rows).map { "R\(round)-\($0)" }
                if ids.count == before + rows {
                    XCTAssertEqual(ids, committed + added, "\(label): not exactly the old rows then the new ones")
                    committed += added
                    if result.signaled { killedCommitted += 1 }
                } else {
                    XCTAssertEqual(ids, committed, "\(label): \(ids.count) rows, expected \(before) or \(before + rows)")
                    XCTAssertTrue(result.signaled, "\(label): reported success but its rows are missing")
                    if result.signaled { killedNothing += 1 }
                }
                if !result.signaled { XCTAssertEqual(ids.count, before + rows, "\(label): a successful ingest must be visible") }
            }
            XCTAssertEqual(Set(ids).count, ids.count, "\(label): a row appears twice")
            let verify = try huiyan.run(["verify"])
            XCTAssertEqual(verify.status, 0, "\(label): verify failed: \(verify.stdout)\(verify.stderr)")
            if (testRun?.totalFailureCount ?? 0) > 0 { break }
        }
        // Everything killed writers left is removed by the next writer, and the database keeps working.
        let last = try writeFeed(round: rounds + 1, rows: 10)
        XCTAssertEqual(try huiyan.run(["ingest", "visits", last]).status, 0)
        committed += (0..<10).map { "R\(rounds + 1)-\($0)" }
        XCTAssertEqual(try liveVisitorIDs(), committed)
        let database = try Database.open(at: directory + "/db")
        let live = Set(try database.manifest(of: "visits").segments.map(\.file))
        XCTAssertEqual(Set(try FileIO.list(database.tablePath("visits")).filter { $0 != "MANIFEST" }), live, "orphans left behind")
        print("kill loop: \(rounds) rounds, \(kills) kills survived (\(midWrite) of them left a write half done; \(killedCommitted) after the swap: all rows, "
              + "\(killedNothing) before: none), \(finished) finished; kills by point: \(byPoint.sorted { $0.key < $1.key }); \(committed.count) rows committed")
    }
}
