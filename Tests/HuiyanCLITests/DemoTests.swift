import Foundation
import XCTest
import HuiyanStorage

/// `huiyan demo --scale small` end to end, with the real binary, from an empty directory — and again, reusing it.
final class DemoTests: XCTestCase {
    func testSmallDemoFromAnEmptyDirectoryThenReused() throws {
        let directory = NSTemporaryDirectory() + "huiyan-demo-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let huiyan = HuiyanProcess(databasePath: directory + "/huiyan.db")

        let first = try huiyan.run(["demo", "--scale", "small"], in: directory)
        XCTAssertEqual(first.status, 0, first.stderr)
        let feeds = directory + "/.demo-data/small"
        for feed in ["visits", "tickets", "orders"] {
            XCTAssertTrue(first.stdout.contains("\(feed): generating"), first.stdout)
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(feeds)/\(feed).csv"))
        }
        XCTAssertTrue(first.stdout.contains("visits: 1,000,000 rows committed, 0 rejected"), first.stdout)
        XCTAssertTrue(first.stdout.contains("tickets: 125,000 rows committed, 0 rejected"), first.stdout)
        XCTAssertTrue(first.stdout.contains("orders: 499,750 rows committed, 250 rejected"), first.stdout)
        XCTAssertTrue(first.stdout.contains("dimension tables: spots 27, routes 33, products 16, counties 12"), first.stdout)
        // The showcase, each query with its timing, then the report.
        XCTAssertTrue(first.stdout.range(of: #"── Arrivals by scenic spot \(top 8\) \(\d+ ms\)"#, options: .regularExpression) != nil, first.stdout)
        XCTAssertTrue(first.stdout.contains("│ 南岳衡山"), first.stdout)
        for expected in ["衡阳市文旅与电商进度报告 · 2025年 · 截至 2025-12-31", "游客接待量", "100.0万人次", "8000.0万人次", "700.00亿元",
                         "■ 雁城四宝 线上销售", "■ 月度趋势"] {
            XCTAssertTrue(first.stdout.contains(expected), expected)
        }
        let html = try String(contentsOfFile: feeds + "/report-2025.html", encoding: .utf8)
        XCTAssertTrue(html.contains("8000.0万人次"))

        let database = try Database.open(at: directory + "/huiyan.db")
        XCTAssertEqual(try database.manifest(of: "visits").rowCount, 1_000_000)
        let manifest = try database.manifest(of: "orders")

        // A second run generates nothing and ingests nothing: the same database, the same report.
        let second = try huiyan.run(["demo", "--scale", "small"], in: directory)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stdout.contains("visits: reusing"), second.stdout)
        XCTAssertFalse(second.stdout.contains("generating"), second.stdout)
        XCTAssertTrue(second.stderr.contains("visits.csv: already ingested, passed over"), second.stderr)
        XCTAssertEqual(try database.manifest(of: "visits").rowCount, 1_000_000)
        XCTAssertEqual(try database.manifest(of: "orders").segments, manifest.segments)
        XCTAssertTrue(second.stdout.contains("100.0万人次"), second.stdout)

        let report = try huiyan.run(["report", "--as-of", "2025-06-30"])
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertTrue(report.stdout.contains("截至 2025-06-30"), report.stdout)
    }
}
