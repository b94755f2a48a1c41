import Foundation
import HuiyanIngest
import HuiyanQuery
import HuiyanStorage
import HuiyanTourism
@testable import HuiyanCLI

/// A small generated database shared by the report tests: 2025's three feeds (with merchants), a little
/// of 2024's visits for the growth figure, and the catalogs' dimension tables.
enum ReportFixture {
    static let directory = NSTemporaryDirectory() + "huiyan-report-\(UUID().uuidString.prefix(8))"
    static let catalog = try! Catalog.bundled()

    /// Built once per test process.
    static let database: Database = {
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Shared by several test classes, so removed when the test process ends.
        atexit { try? FileManager.default.removeItem(atPath: ReportFixture.directory) }
        let database = try! Database.create(at: directory + "/db", tables: FeedCatalog.all)
        let generator = FeedGenerator(catalog: catalog)
        let feeds: [(Feed, Int, Int, UInt64)] = [(.visits, 30_000, 2025, 11), (.visits, 6_000, 2024, 12),
                                                 (.tickets, 4_000, 2025, 13), (.orders, 20_000, 2025, 14)]
        for (feed, rows, year, seed) in feeds {
            let path = "\(directory)/\(feed.rawValue)-\(year).csv"
            try! generator.generate(feed: feed, rows: rows, year: year, seed: seed, to: path)
            _ = try! Ingestor(database: database).ingest(table: feed.rawValue, files: [path])
        }
        try! CatalogTables.load(catalog, into: database)
        return database
    }()

    static var engine: QueryEngine { QueryEngine(database: database) }

    /// The report of 2025 to `asOf` (default: the last day with data).
    static func report(asOf: String? = nil) throws -> ReportData {
        try ReportBuilder(engine: engine, catalog: catalog).build(year: 2025, asOf: asOf)
    }

    /// The single value of a one-row, one-column query, as an integer (count, or money in fen); NULL is 0.
    static func scalar(_ sql: String) throws -> Int64 {
        let value = try engine.execute(sql).last!.rows[0][0]
        switch value {
        case .int(let v), .money(let v): return v
        case .null: return 0
        default: fatalError("not a number: \(value)")
        }
    }
}
