import Foundation
import XCTest
import HuiyanStorage

/// Concurrency between real processes: `huiyan query` runs while `huiyan ingest` and `huiyan compact` write;
/// two writing processes (the second is refused, naming the first); a lock left by a killed writer is taken over.
final class ReliabilityProcessConcurrencyTests: XCTestCase {
    var directory: String!
    var huiyan: HuiyanProcess!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "huiyan-procs-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        huiyan = HuiyanProcess(databasePath: directory + "/db")
        XCTAssertEqual(try huiyan.run(["init"]).status, 0)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func writeFeed(_ name: String, rows: Int, tag: String) throws -> String {
        var text = "ts,visitor_id,spot,route,origin,group_type,spend\n"
        text.reserveCapacity(rows * 70)
        for i in 0..<rows {
            text += "2025-10-01T08:\(10 + i % 50):00+08:00,\(tag)-\(i),spot\(i % 17),,湖南,散客,\(i % 300).25\n"
        }
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let totals = "SELECT count(*), sum(spend), count(DISTINCT visitor_id) FROM visits"

    /// What the querying thread saw, and whether to stop.
    struct Seen {
        var answers: [String] = []
        var failures: [String] = []
        var stop = false
    }

    func testQueryProcessesDuringIngestAndCompactionProcessesSeeCommittedStates() throws {
        var committed: Set<String> = []
        let huiyan = self.huiyan!
        func totals() throws -> String {
            let result = try huiyan.run(["query", "--format", "csv", Self.totals])
            XCTAssertEqual(result.status, 0, result.stderr)
            return result.stdout
        }
        committed.insert(try totals())
        let shared = LockedValue(Seen())
        let group = DispatchGroup()
        group.enter()
        Thread.detachNewThread {
            defer { group.leave() }
            while true {
                if shared.current.stop { return }
                do {
                    let result = try huiyan.run(["query", "--format", "csv", Self.totals])
                    shared.withLock { seen in
                        if result.status == 0 { seen.answers.append(result.stdout) } else { seen.failures.append(result.stderr) }
                    }
                } catch {
                    shared.withLock { $0.failures.append("\(error)") }
                }
            }
        }
        for round in 0..<8 {
            let feed = try writeFeed("f\(round).csv", rows: 4000 + 500 * round, tag: "P\(round)")
            let ingest = try huiyan.run(["ingest", "visits", feed, "--segment-rows", "500"])
            XCTAssertEqual(ingest.status, 0, ingest.stderr)
            committed.insert(try totals())
            if round % 3 == 2 {
                let compact = try huiyan.run(["compact", "visits"])
                XCTAssertEqual(compact.status, 0, compact.stderr)
                XCTAssertTrue(committed.contains(try totals()))
            }
        }
        shared.withLock { $0.stop = true }
        group.wait()
        let seen = shared.current
        XCTAssertEqual(seen.failures, [], "queries failed while the table was written")
        for answer in Set(seen.answers) where !committed.contains(answer) {
            XCTFail("a query saw \(answer.debugDescription), which is no committed state")
        }
        XCTAssertGreaterThan(seen.answers.count, 0)
        print("process concurrency: \(seen.answers.count) query processes during 8 ingests and 2 compactions, all saw committed states")
    }

    /// Two real writer processes: the second is refused with an error that names the first, by pid and command.
    func testASecondWriterProcessIsRefusedNamingTheFirst() throws {
        var rows = 100_000
        for _ in 0..<4 {
            let feed = try writeFeed("big-\(rows).csv", rows: rows, tag: "B\(rows)")
            let first = try huiyan.start(["ingest", "visits", feed, "--segment-rows", "5000"])
            let pid = first.process.processIdentifier
            // Wait until the first holds the lock (its note is in LOCK), then try a second writer.
            var holding = false
            for _ in 0..<2000 where first.process.isRunning {
                if let note = try? String(contentsOfFile: directory + "/db/LOCK", encoding: .utf8), note.contains("pid \(pid) ") { holding = true; break }
                usleep(1000)
            }
            let second = holding ? try huiyan.run(["ingest", "visits", HuiyanProcess.fixtures + "/feeds/visits.csv"]) : nil
            let firstResult = first.finish()
            XCTAssertEqual(firstResult.status, 0, firstResult.stderr)
            guard let second, firstResult.status == 0 else { rows *= 2; continue }
            if second.status == 0 { rows *= 2; continue }  // the first had already let go: a bigger file
            XCTAssertEqual(second.status, 3, "locked")
            XCTAssertTrue(second.stderr.contains("is being written by another process: pid \(pid) (huiyan --db \(directory!)/db ingest visits \(feed)"), second.stderr)
            // The refused writer changed nothing; once the first is done, the second goes through.
            XCTAssertEqual(try huiyan.run(["ingest", "visits", HuiyanProcess.fixtures + "/feeds/visits.csv"]).status, 0)
            return
        }
        XCTFail("never caught the first writer holding the lock")
    }

    /// A writer killed while holding the lock leaves its note in LOCK; the next writer takes over (the kernel
    /// released the flock with the dead process), cleans up its orphans and commits.
    func testAStaleLockOfAKilledWriterIsTakenOver() throws {
        let feed = try writeFeed("feed.csv", rows: 3000, tag: "S")
        let killed = try huiyan.start(["ingest", "visits", feed, "--segment-rows", "500"], environment: ["HUIYAN_CRASH_AT": "after-segment#3"])
        let pid = killed.process.processIdentifier
        let result = killed.finish()
        XCTAssertTrue(result.signaled)
        let note = try String(contentsOfFile: directory + "/db/LOCK", encoding: .utf8)
        XCTAssertTrue(note.contains("pid \(pid) "), "the dead holder's note stays: \(note)")
        XCTAssertEqual(kill(pid, 0), -1, "the holder is gone")
        let table = directory + "/db/tables/visits"
        XCTAssertGreaterThanOrEqual(try FileIO.list(table).filter { $0.hasSuffix(".hyseg") }.count, 3, "the killed writer left segments")

        let next = try huiyan.run(["ingest", "visits", feed, "--segment-rows", "500"])
        XCTAssertEqual(next.status, 0, next.stderr)
        let database = try Database.open(at: directory + "/db")
        XCTAssertEqual(try database.snapshot(of: "visits").rowCount, 3000)
        let live = Set(try database.manifest(of: "visits").segments.map(\.file))
        XCTAssertEqual(Set(try FileIO.list(table).filter { $0 != "MANIFEST" }), live, "the dead writer's orphans are removed")
        XCTAssertEqual(try huiyan.run(["verify"]).status, 0)
    }
}
