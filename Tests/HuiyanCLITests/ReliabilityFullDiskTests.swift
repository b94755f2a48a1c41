import Foundation
import XCTest
import HuiyanStorage

/// A full disk: the ingest fails with "no space left" naming the path, the database stays at its last
/// committed state (verify passes, nothing half-written is left), and works again once space is freed.
/// Once for real, on a 2 MiB tmpfs the test mounts (skipped where mounting is not allowed), and once
/// everywhere through the storage layer's injected write failure (`HUIYAN_FAIL_WRITE_AFTER_BYTES`),
/// swept over byte budgets so the failure lands in every file the ingest writes, the manifest included.
final class ReliabilityFullDiskTests: XCTestCase {
    var directory: String!
    var mounted: String?

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "huiyan-fulldisk-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let mounted { _ = Self.shell("/bin/umount", [mounted]) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func shell(_ tool: String, _ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return (-1, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A visits feed of `rows` rows with a unique, poorly compressible visitor id each (about 60 bytes a row on disk).
    func writeFeed(_ name: String, rows: Int) throws -> String {
        var text = "ts,visitor_id,spot,route,origin,group_type,spend\n"
        text.reserveCapacity(rows * 90)
        for i in 0..<rows {
            text += "2025-10-01T08:\(10 + i % 50):00+08:00,\(UUID().uuidString),spot\(i % 17),,湖南,散客,\(i % 300).25\n"
        }
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func rowCount(_ db: String) throws -> Int { try Database.open(at: db).snapshot(of: "visits").rowCount }

    /// Nothing but the live segments and the manifest in the table's folder.
    func assertNoLeftovers(_ db: String, _ label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let database = try Database.open(at: db)
        let live = Set(try database.manifest(of: "visits").segments.map(\.file))
        let present = Set(try FileIO.list(database.tablePath("visits")).filter { $0 != "MANIFEST" })
        XCTAssertEqual(present, live, "\(label): files left behind", file: file, line: line)
    }

    func testIngestIntoAFullTmpfsFailsCleanlyAndWorksOnceSpaceIsFreed() throws {
        let small = directory + "/small"
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        let mount = Self.shell("/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", small])
        guard mount.status == 0 else {
            throw XCTSkip("cannot mount a tmpfs here (\(mount.output.trimmingCharacters(in: .whitespacesAndNewlines))); the injected-failure test covers a full disk instead")
        }
        mounted = small
        let db = small + "/db"
        let huiyan = HuiyanProcess(databasePath: db)
        XCTAssertEqual(try huiyan.run(["init"]).status, 0)
        XCTAssertEqual(try huiyan.run(["ingest", "visits", HuiyanProcess.fixtures + "/feeds/visits.csv"]).status, 0)
        XCTAssertEqual(try rowCount(db), 10)

        let big = try writeFeed("big.csv", rows: 80_000)  // outside the tmpfs: several MiB of segments
        let full = try huiyan.run(["ingest", "visits", big, "--segment-rows", "10000"])
        XCTAssertEqual(full.status, 1, full.stdout + full.stderr)
        XCTAssertTrue(full.stderr.lowercased().contains("no space left"), full.stderr)
        XCTAssertTrue(full.stderr.contains(db + "/"), "the error names the path: \(full.stderr)")
        XCTAssertEqual(try rowCount(db), 10, "the database stays at its last committed state")
        let verify = try huiyan.run(["verify"])
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        try assertNoLeftovers(db, "after the full disk")
        let query = try huiyan.run(["query", "--format", "csv", "SELECT count(*), sum(spend) FROM visits"])
        XCTAssertEqual(query.status, 0, query.stderr)

        // Space freed: the same ingest now goes through.
        XCTAssertEqual(Self.shell("/bin/mount", ["-o", "remount,size=64m", small]).status, 0)
        let again = try huiyan.run(["ingest", "visits", big, "--segment-rows", "10000"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try rowCount(db), 10 + 80_000)
        XCTAssertEqual(try huiyan.run(["verify"]).status, 0)
        try assertNoLeftovers(db, "after freeing space")
    }

    /// The write budget swept from 0 bytes to exactly what the ingest needs (measured on a copy): every
    /// failure is "no space left" naming a file of the database, leaves the last committed state, and the
    /// budget of exactly the ingest's bytes lets it through.
    func testInjectedWriteFailureAtEveryStageOfAnIngest() throws {
        let db = directory + "/db"
        let huiyan = HuiyanProcess(databasePath: db)
        XCTAssertEqual(try huiyan.run(["init"]).status, 0)
        XCTAssertEqual(try huiyan.run(["ingest", "visits", HuiyanProcess.fixtures + "/feeds/visits.csv"]).status, 0)
        let feed = try writeFeed("feed.csv", rows: 3000)
        let arguments = ["ingest", "visits", feed, "--segment-rows", "700"]

        // What the ingest writes: its new segments and the new manifest (measured on a copy of the database).
        let copy = directory + "/copy"
        try FileManager.default.copyItem(atPath: db, toPath: copy)
        let before = Set(try FileIO.list(copy + "/tables/visits"))
        XCTAssertEqual(try HuiyanProcess(databasePath: copy).run(arguments).status, 0)
        let written = try FileIO.list(copy + "/tables/visits").filter { !before.contains($0) }
        let segmentBytes = try written.reduce(0) { $0 + (try FileIO.fileSize(copy + "/tables/visits/" + $1)) }
        let manifestBytes = try FileIO.fileSize(copy + "/tables/visits/MANIFEST")
        let total = segmentBytes + manifestBytes
        var budgets = Array(stride(from: 0, to: segmentBytes, by: max(1, segmentBytes / 12)))
        budgets += [segmentBytes, segmentBytes + 1, segmentBytes + manifestBytes / 2, total - 1]

        var stages = Set<String>()
        for budget in budgets {
            let result = try huiyan.run(arguments, environment: ["HUIYAN_FAIL_WRITE_AFTER_BYTES": "\(budget)"])
            let label = "budget \(budget) of \(total) bytes"
            XCTAssertEqual(result.status, 1, "\(label): \(result.stderr)")
            XCTAssertTrue(result.stderr.lowercased().contains("no space left"), "\(label): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(db + "/"), "\(label): the error names the path: \(result.stderr)")
            if let file = result.stderr.range(of: #"[A-Za-z0-9._-]+(?=: No space left)"#, options: .regularExpression) {
                stages.insert(String(result.stderr[file]).replacingOccurrences(of: #"\d+"#, with: "N", options: .regularExpression))
            }
            XCTAssertEqual(try rowCount(db), 10, "\(label): the database stays at its last committed state")
            let verify = try huiyan.run(["verify"])
            XCTAssertEqual(verify.status, 0, "\(label): \(verify.stdout)\(verify.stderr)")
            try assertNoLeftovers(db, label)
            if (testRun?.totalFailureCount ?? 0) > 0 { return }
        }
        // Exactly the bytes the ingest needs: it goes through.
        let enough = try huiyan.run(arguments, environment: ["HUIYAN_FAIL_WRITE_AFTER_BYTES": "\(total)"])
        XCTAssertEqual(enough.status, 0, enough.stderr)
        XCTAssertEqual(try rowCount(db), 3010)
        let committed = 3010
        let failures = budgets.count
        XCTAssertTrue(stages.contains("MANIFEST.tmp"), "a failure landed in the manifest swap: \(stages)")
        XCTAssertTrue(stages.contains { $0.hasSuffix(".hyseg.tmp") }, "a failure landed in a segment: \(stages)")
        print("injected full disk: \(failures) failed ingests (in \(stages.sorted())), each left the last committed state")
        // And it keeps working without the fault.
        XCTAssertEqual(try huiyan.run(["ingest", "visits", HuiyanProcess.fixtures + "/feeds/visits.ndjson"]).status, 0)
        XCTAssertEqual(try rowCount(db), committed + 3)
    }
}
