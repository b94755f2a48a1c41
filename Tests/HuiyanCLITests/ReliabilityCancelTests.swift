import Foundation
import XCTest

/// Work that must always be stoppable, through the real binary (issue 20): LIKE with many `%` over a long
/// value, COPY from an endless file, and an ingest interrupted with Ctrl-C. Each must stop within a few
/// seconds of its timeout or SIGINT (the bounds are generous; the measured figures are printed).
final class ReliabilityCancelTests: XCTestCase {
    var directory: String!
    var huiyan: HuiyanProcess!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "huiyan-cancel-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        huiyan = HuiyanProcess(databasePath: directory + "/db")
        XCTAssertEqual(try huiyan.run(["init"]).status, 0)
        XCTAssertEqual(try huiyan.run(["ingest", "visits", HuiyanProcess.fixtures + "/feeds/visits.csv"]).status, 0)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    /// Waits for `running` at most `seconds` (then kills it and fails); returns its result and how long it took
    /// from `since`.
    func finish(_ running: HuiyanProcess.Running, within seconds: Double, since: Date,
                file: StaticString = #filePath, line: UInt = #line) -> (HuiyanProcess.Result, Double) {
        while running.process.isRunning && Date().timeIntervalSince(since) < seconds { usleep(10_000) }
        if running.process.isRunning {
            running.kill()
            XCTFail("still running after \(seconds) s", file: file, line: line)
        }
        let result = running.finish()
        return (result, Date().timeIntervalSince(since))
    }

    func interrupt(_ running: HuiyanProcess.Running, after seconds: Double) -> Date {
        usleep(useconds_t(seconds * 1_000_000))
        let sent = Date()
        kill(running.process.processIdentifier, SIGINT)
        return sent
    }

    func visitCount() throws -> String { try huiyan.run(["query", "--format", "csv", "SELECT count(*) FROM visits"]).stdout }

    func testLikeOverALongValueAnswersAndStops() throws {
        let feed = directory + "/long.csv"
        try ("s\n" + String(repeating: "a", count: 8_000_000) + "\nb\n").write(toFile: feed, atomically: true, encoding: .utf8)
        XCTAssertEqual(try huiyan.run(["query", "CREATE TABLE t (s VARCHAR); COPY t FROM '\(feed)'"]).status, 0)

        // Backtracking over every `%` took minutes here and ignored the timeout.
        let started = Date()
        let (answered, took) = finish(try huiyan.start(["query", "--timeout", "30", "--format", "csv",
                                                        "SELECT count(*) FROM t WHERE s LIKE '%a%a%a%a%b'"]), within: 30, since: started)
        XCTAssertEqual(answered.status, 0, answered.stderr)
        XCTAssertEqual(answered.stdout, "count(*)\n0\n")
        print("LIKE '%a%a%a%a%b' over 8 MB: \(String(format: "%.2f", took)) s")

        // Literal text between `%` is found by a byte search: 60 a's and a b answer at once.
        let literal = "SELECT count(*) FROM t WHERE s LIKE '%\(String(repeating: "a", count: 60))b'"
        let (quick, _) = finish(try huiyan.start(["query", "--timeout", "30", "--format", "csv", literal]), within: 30, since: Date())
        XCTAssertEqual(quick.stdout, "count(*)\n0\n", quick.stderr)

        // A pattern with `_` is matched step by step, length × pattern steps: it stops inside the one value, by
        // its timeout and by Ctrl-C.
        let costly = "SELECT count(*) FROM t WHERE s LIKE '%\(String(repeating: "a", count: 60))_b'"
        let timed = Date()
        let (stopped, stoppedAfter) = finish(try huiyan.start(["query", "--timeout", "0.3", costly]), within: 20, since: timed)
        XCTAssertEqual(stopped.status, 1)
        XCTAssertTrue(stopped.stderr.contains("query timed out after 0.30 s"), stopped.stderr)
        XCTAssertLessThan(stoppedAfter, 3, "stopped \(stoppedAfter) s after it started, with a timeout of 0.3 s")
        let running = try huiyan.start(["query", costly])
        let sent = interrupt(running, after: 0.5)
        let (cancelled, latency) = finish(running, within: 20, since: sent)
        XCTAssertEqual(cancelled.status, 130, cancelled.stderr)
        XCTAssertTrue(cancelled.stderr.contains("query cancelled"), cancelled.stderr)
        XCTAssertLessThan(latency, 2)
        print("LIKE stopped: timeout 0.3 s → exit after \(String(format: "%.3f", stoppedAfter)) s; SIGINT → exit after \(String(format: "%.3f", latency)) s")
    }

    func testCopyFromAnEndlessFileStopsOnTimeout() throws {
        let before = try visitCount()
        let started = Date()
        let (result, took) = finish(try huiyan.start(["query", "--timeout", "1", "COPY visits FROM '/dev/zero' (FORMAT csv)"]),
                                    within: 30, since: started)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("query timed out after 1 s"), result.stderr)
        XCTAssertLessThan(took, 5)
        XCTAssertEqual(try visitCount(), before)
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: directory + "/db/rejects")) ?? [], [])
        print("COPY FROM '/dev/zero' with --timeout 1: exit after \(String(format: "%.3f", took)) s")
    }

    func testCopyAndIngestStopWhileParsingALargeFile() throws {
        let feed = directory + "/large.csv"
        XCTAssertEqual(try huiyan.run(["generate", "visits", "--rows", "600000", "--out", feed]).status, 0)
        let before = try visitCount()
        let started = Date()
        let (copy, copyTook) = finish(try huiyan.start(["query", "--timeout", "0.5", "COPY visits FROM '\(feed)'"]), within: 60, since: started)
        XCTAssertEqual(copy.status, 1, copy.stdout)
        XCTAssertTrue(copy.stderr.contains("query timed out after 0.50 s"), copy.stderr)
        XCTAssertLessThan(copyTook, 3)
        let ingestStarted = Date()
        let (ingest, ingestTook) = finish(try huiyan.start(["ingest", "visits", feed, "--timeout", "0.5"]), within: 60, since: ingestStarted)
        XCTAssertEqual(ingest.status, 1, ingest.stdout)
        XCTAssertTrue(ingest.stderr.contains("nothing committed"), ingest.stderr)
        XCTAssertLessThan(ingestTook, 3)
        XCTAssertEqual(try visitCount(), before)
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: directory + "/db/rejects")) ?? [], [])
        // Undisturbed, the same ingest takes far longer than the timeout.
        let whole = Date()
        XCTAssertEqual(try huiyan.run(["ingest", "visits", feed]).status, 0)
        print("parsing \(feed): COPY stopped after \(String(format: "%.2f", copyTook)) s, ingest after \(String(format: "%.2f", ingestTook)) s "
              + "(timeout 0.5 s); the whole ingest took \(String(format: "%.2f", Date().timeIntervalSince(whole))) s")
    }

    func testInterruptedIngestCommitsNothingSaysSoAndRemovesItsFiles() throws {
        let before = try visitCount()
        let table = directory + "/db/tables/visits"
        let filesBefore = try FileManager.default.contentsOfDirectory(atPath: table).sorted()
        let running = try huiyan.start(["ingest", "visits", "/dev/zero", "--input-format", "csv"])
        let sent = interrupt(running, after: 0.5)
        let (result, latency) = finish(running, within: 20, since: sent)
        XCTAssertEqual(result.status, 130, result.stderr)
        XCTAssertTrue(result.stderr.contains("cancelled: nothing committed"), result.stderr)
        XCTAssertLessThan(latency, 2)
        XCTAssertEqual(try visitCount(), before)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: table).sorted(), filesBefore)

        let timed = try huiyan.run(["ingest", "visits", "/dev/zero", "--input-format", "csv", "--timeout", "0.5"])
        XCTAssertEqual(timed.status, 1)
        XCTAssertTrue(timed.stderr.contains("timed out after 0.50 s: nothing committed"), timed.stderr)
        print("ingest of /dev/zero: SIGINT → exit after \(String(format: "%.3f", latency)) s")
    }
}
