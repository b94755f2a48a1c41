import Foundation
import XCTest
import HuiyanIngest
@testable import HuiyanQuery
import HuiyanStorage
import HuiyanTourism

/// Huiyan against results DuckDB computed independently (Fixtures/golden, written by tools/make-goldens) on
/// the same generated feeds: 1 million visits, 200,000 tickets and 400,000 orders.
final class DifferentialTests: XCTestCase {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/golden").path

    /// One database for every query (generating and ingesting 1.6 million rows takes a while in a debug build).
    // Safe unlocked: XCTest runs a class's tests and its class tearDown one after another on one thread, and
    // only those touch it.
    nonisolated(unsafe) static var shared: (directory: String, engine: QueryEngine)?

    static func engine() throws -> QueryEngine {
        if let shared { return shared.engine }
        let directory = NSTemporaryDirectory() + "huiyan-differential-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let database = try Database.create(at: directory + "/db", tables: FeedCatalog.all)
        let catalog = try Catalog.bundled()
        // Keep in step with tools/make-goldens.
        for (feed, rows, seed) in [(Feed.visits, 1_000_000, UInt64(11)), (.tickets, 200_000, 12), (.orders, 400_000, 13)] {
            let path = directory + "/\(feed.rawValue).csv"
            try FeedGenerator(catalog: catalog).generate(feed: feed, rows: rows, year: 2025, seed: seed, format: .csv, badRowShare: 0, to: path)
            var options = IngestOptions()
            options.rejectsPath = directory + "/rejects.csv"
            options.replaceRejects = true  // one scratch rejects file for every ingest of the test
            let summary = try Ingestor(database: database).ingest(table: feed.rawValue, files: [path], options: options)
            XCTAssertEqual(summary.rejected, 0)
        }
        let engine = QueryEngine(database: database)
        // The catalogs as dimension tables for the join queries; keep in step with tools/make-goldens.
        let catalogs = URL(fileURLWithPath: golden).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/HuiyanTourism/Catalogs").path
        _ = try engine.execute("""
            CREATE TABLE spot_catalog (spot VARCHAR, county VARCHAR, grade VARCHAR, theme VARCHAR, weight BIGINT,
                price DECIMAL(18,2), open_hour BIGINT, close_hour BIGINT, spend DECIMAL(18,2));
            COPY spot_catalog FROM '\(catalogs)/spots.csv';
            CREATE TABLE product_catalog (product VARCHAR, category VARCHAR, county VARCHAR, price DECIMAL(18,2),
                weight BIGINT, merchants VARCHAR);
            COPY product_catalog FROM '\(catalogs)/products.csv';
            """)
        shared = (directory, engine)
        return engine
    }

    override class func tearDown() {
        if let shared { try? FileManager.default.removeItem(atPath: shared.directory) }
        shared = nil
    }

    func testEveryGoldenQueryMatchesDuckDB() throws {
        let engine = try Self.engine()
        let script = try String(contentsOfFile: Self.golden + "/queries.sql", encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: "-- name: (\\w+)\\n(.*?);", options: [.dotMatchesLineSeparators])
        let matches = pattern.matches(in: script, range: NSRange(script.startIndex..., in: script))
        XCTAssertGreaterThanOrEqual(matches.count, 30)
        for match in matches {
            let name = String(script[Range(match.range(at: 1), in: script)!])
            let sql = String(script[Range(match.range(at: 2), in: script)!])
            let expected = try Self.readCSV(Self.golden + "/\(name).csv")
            let result: QueryResult
            do {
                result = try engine.execute(sql).last!
            } catch {
                XCTFail("\(name): \(error)\n\(sql)")
                continue
            }
            let actual = result.rows.map { $0.map { ValueFormatting.text($0, offsetSeconds: 28_800) ?? "\\N" } }
            guard actual.count == expected.count else {
                XCTFail("\(name): \(actual.count) rows, DuckDB \(expected.count)\n\(sql)")
                continue
            }
            for (r, (a, e)) in zip(actual, expected).enumerated() where !Self.same(a, e) {
                XCTFail("\(name) row \(r): \(a) vs DuckDB \(e)\n\(sql)")
                break
            }
        }
    }

    /// Cells equal as text, or as numbers within 1e-9 relative (averages).
    static func same(_ a: [String], _ b: [String]) -> Bool {
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) where x != y {
            guard let dx = Double(x), let dy = Double(y), abs(dx - dy) <= 1e-9 * max(1, abs(dy)) else { return false }
        }
        return true
    }

    static func readCSV(_ path: String) throws -> [[String]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var rows: [[String]] = []
        var row: [String] = [], field = "", quoted = false, afterQuote = false
        for ch in text {
            if quoted {
                if ch == "\"" { quoted = false; afterQuote = true } else { field.append(ch) }
                continue
            }
            switch ch {
            case "\"": if afterQuote { field.append("\"") }; quoted = true; afterQuote = false
            case ",": row.append(field); field = ""; afterQuote = false
            case "\n": row.append(field); rows.append(row); row = []; field = ""; afterQuote = false
            default: field.append(ch); afterQuote = false
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
