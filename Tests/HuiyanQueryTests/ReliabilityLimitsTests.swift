import Foundation
import XCTest
import HuiyanIngest
@testable import HuiyanQuery
import HuiyanStorage
import HuiyanTourism

/// Limits, issue 7: a statement stopped by its memory limit or its timeout gives back what it held. The same
/// over-limit aggregation is stopped 24 times in a row; the process's resident memory must not grow by what
/// 40 abandoned hash tables would hold (each is several MiB here), and the engine answers normally afterwards.
final class ReliabilityLimitsTests: XCTestCase {
    var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "huiyan-limits-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return (fields.count > 1 ? Int(fields[1]) ?? 0 : 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    func testStoppedStatementsGiveBackWhatTheyHeld() throws {
        let database = try Database.create(at: directory + "/db", tables: FeedCatalog.all)
        var text = "ts,visitor_id,spot,route,origin,group_type,spend\n"
        for i in 0..<60_000 { text += "2025-10-01T08:00:00+08:00,V\(i),spot\(i % 29),,湖南,散客,\(i % 500).5\n" }
        try text.write(toFile: directory + "/v.csv", atomically: true, encoding: .utf8)
        var options = IngestOptions()
        options.rejectsPath = directory + "/rejects.csv"
        options.replaceRejects = true  // one scratch rejects file for every ingest of the test
        _ = try Ingestor(database: database).ingest(table: "visits", files: [directory + "/v.csv"], options: options)
        let engine = QueryEngine(database: database)
        let sql = "SELECT visitor_id, count(DISTINCT spot), sum(spend) FROM visits GROUP BY visitor_id"

        // What one unlimited run holds at its peak, roughly: the growth of a first run.
        let before = Self.residentBytes()
        XCTAssertEqual(try engine.execute(sql).last!.rows.count, 60_000)
        let oneRun = max(Self.residentBytes() - before, 1 << 20)

        var base = 0
        for attempt in 0..<24 {
            let context = QueryContext(timeout: attempt % 4 == 3 ? 0.000_001 : nil, memoryLimit: attempt % 4 == 3 ? nil : 64 << 10)
            XCTAssertThrowsError(try engine.execute(sql, context: context)) { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains("memory limit of 64.0 KiB") || message.hasPrefix("query timed out after"), message)
            }
            if attempt == 4 { base = Self.residentBytes() }
        }
        let growth = Self.residentBytes() - base
        print("limits: one run grows resident memory by \(oneRun >> 20) MiB; 20 stopped runs grew it by \(growth >> 20) MiB")
        XCTAssertLessThan(growth, max(oneRun * 4, 64 << 20), "stopped statements keep what they held")
        XCTAssertEqual(try engine.execute("SELECT count(*) FROM visits").last!.rows.first?.first, .int(60_000))
    }
}
