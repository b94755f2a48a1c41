import Foundation
import XCTest

/// Feeds through the real binary: GBK and gzipped files, standard input, and an ingest that rejects every row.
final class FeedCommandTests: XCTestCase {
    var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "huiyan-feeds-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func fixture(_ name: String) -> String { HuiyanProcess.fixtures + "/" + name }

    /// Every row of `visits` as CSV, after ingesting with `arguments` into a fresh database.
    func visitsAfter(_ arguments: [String]) throws -> String {
        let huiyan = HuiyanProcess(databasePath: directory + "/db-\(UUID().uuidString.prefix(6))")
        let ingest = try huiyan.run(["ingest", "visits"] + arguments)
        XCTAssertEqual(ingest.status, 0, ingest.stderr)
        return try huiyan.run(["query", "--format", "csv", "SELECT * FROM visits ORDER BY visitor_id, ts"]).stdout
    }

    func testGBKGzippedAndPipedFeedsGiveTheRowsOfTheirUTF8Original() throws {
        let original = try visitsAfter([fixture("feeds/visits.csv")])
        XCTAssertTrue(original.contains("南岳衡山"), original)
        XCTAssertEqual(try visitsAfter([fixture("encodings/visits-gbk.csv"), "--encoding", "gbk"]), original)
        XCTAssertEqual(try visitsAfter([fixture("encodings/visits.csv.gz")]), original)
        XCTAssertEqual(try visitsAfter([fixture("encodings/visits-gbk.csv.gz"), "--encoding", "GBK"]), original)
        // Standard input: a pipe, gzipped GBK decoded by other tools first.
        let piped = HuiyanProcess.shell("gzip -dc '\(fixture("encodings/visits-gbk.csv.gz"))' | \"$1\" --db \"$2\" ingest visits - --input-format csv --encoding gbk",
                                        databasePath: directory + "/piped")
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertTrue(piped.stdout.contains("visits: 10 rows committed"), piped.stdout)
        let huiyan = HuiyanProcess(databasePath: directory + "/piped")
        XCTAssertEqual(try huiyan.run(["query", "--format", "csv", "SELECT * FROM visits ORDER BY visitor_id, ts"]).stdout, original)
        // The same content again on standard input is a repeat, found once it is read.
        let again = HuiyanProcess.shell("\"$1\" --db \"$2\" ingest visits - --input-format csv --encoding gbk < '\(fixture("encodings/visits-gbk.csv"))'",
                                        databasePath: directory + "/piped")
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("- was already ingested"), again.stderr)
        let noFormat = try huiyan.run(["ingest", "visits", "-"], input: "ts\n")
        XCTAssertTrue(noFormat.stderr.contains("standard input (-): give its format with --input-format"), noFormat.stderr)
    }

    func testCopyFromReadsTheEncodingOption() throws {
        let huiyan = HuiyanProcess(databasePath: directory + "/db")
        XCTAssertEqual(try huiyan.run(["init"]).status, 0)
        let copy = try huiyan.run(["query", "COPY visits FROM '\(fixture("encodings/visits-gbk.csv.gz"))' (ENCODING gbk)"])
        XCTAssertEqual(copy.status, 0, copy.stderr)
        XCTAssertTrue(copy.stdout.contains("10 row(s) loaded into visits, 0 rejected"), copy.stdout)
        let bad = try huiyan.run(["query", "COPY visits FROM '\(fixture("feeds/visits.csv"))' (ENCODING big5)"])
        XCTAssertTrue(bad.stderr.contains("unknown ENCODING big5 (utf-8, gbk or gb18030)"), bad.stderr)
    }

    func testAnIngestThatRejectsEveryRowFailsAndSaysWhy() throws {
        let huiyan = HuiyanProcess(databasePath: directory + "/db")
        let wrong = try huiyan.run(["ingest", "visits", fixture("encodings/visits-gbk.csv")])
        XCTAssertEqual(wrong.status, 1, wrong.stdout)
        XCTAssertTrue(wrong.stderr.contains("every row was rejected (10), so nothing was committed"), wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("visits-gbk.csv:2:3: column \"spot\""), wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("give --encoding gbk or gb18030"), wrong.stderr)
        let right = try huiyan.run(["ingest", "visits", fixture("encodings/visits-gbk.csv"), "--encoding", "gbk"])
        XCTAssertEqual(right.status, 0, right.stderr)
        XCTAssertTrue(right.stdout.contains("visits: 10 rows committed, 0 rejected"), right.stdout)
    }

    func testATimeoutStopsAnIngestWaitingOnStandardInput() throws {
        // Standard input stays open and silent: the read must still see the timeout.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: HuiyanProcess.binary)
        process.arguments = ["--db", directory + "/db", "ingest", "visits", "-", "--input-format", "csv", "--timeout", "0.5"]
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data("ts,visitor_id,spot,route,origin,group_type,spend\n".utf8))
        process.waitUntilExit()
        try input.fileHandleForWriting.close()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 1, stderr)
        XCTAssertTrue(stderr.contains("timed out after 0.50 s: nothing committed"), stderr)
    }
}
