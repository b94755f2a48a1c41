import Foundation
import XCTest
import HuiyanIngest
import HuiyanStorage
import HuiyanTourism

/// Generated feeds go through the real ingest: every row accepted without bad rows, and exactly the
/// malformed ones rejected with them.
final class GeneratedFeedIngestTests: XCTestCase {
    var directory: String!
    let generator = try! FeedGenerator()

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "huiyan-tourism-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Generates a feed into a file and ingests it into a fresh database.
    func generateAndIngest(_ feed: Feed, rows: Int, format: FeedFormat, bad: Double, seed: UInt64) throws -> (IngestSummary, Database) {
        let name = "\(feed.rawValue)-\(format.rawValue)-\(seed)"
        let file = directory + "/\(name).\(format == .csv ? "csv" : "ndjson")"
        try generator.generate(feed: feed, rows: rows, year: 2025, seed: seed, format: format, badRowShare: bad, to: file)
        let database = try Database.create(at: directory + "/\(name).db", tables: FeedCatalog.all)
        var options = IngestOptions()
        options.rejectsPath = directory + "/\(name)-rejects.csv"
        options.replaceRejects = true  // one scratch rejects file for every ingest of the test
        return (try Ingestor(database: database).ingest(table: feed.rawValue, files: [file], options: options), database)
    }

    func testCleanFeedsIngestWithZeroRejects() throws {
        for feed in Feed.allCases {
            for format in FeedFormat.allCases {
                let (summary, database) = try generateAndIngest(feed, rows: 20_000, format: format, bad: 0, seed: 11)
                XCTAssertEqual(summary.rejected, 0, "\(feed) \(format): \(summary.sampleRejections)")
                XCTAssertEqual(summary.accepted, 20_000, "\(feed) \(format)")
                XCTAssertTrue(summary.committed)
                XCTAssertEqual(try database.snapshot(of: feed.rawValue).rowCount, 20_000)
            }
        }
    }

    func testOnePercentBadRowsGiveExactlyOneHundredRejects() throws {
        for feed in Feed.allCases {
            for format in FeedFormat.allCases {
                for seed: UInt64 in [1, 2] {
                    let (summary, _) = try generateAndIngest(feed, rows: 10_000, format: format, bad: 0.01, seed: seed)
                    XCTAssertEqual(summary.rejected, 100, "\(feed) \(format) seed \(seed)")
                    XCTAssertEqual(summary.accepted, 9_900, "\(feed) \(format) seed \(seed)")
                }
            }
        }
    }

    func testEveryKindOfBadRowIsRejectedAlone() throws {
        // Every row bad: each kind must cost exactly its own row, never its neighbours.
        for feed in Feed.allCases {
            for format in FeedFormat.allCases {
                // (An ingest that rejects every row commits nothing and says so.)
                XCTAssertThrowsError(try generateAndIngest(feed, rows: 2_000, format: format, bad: 1, seed: 5)) { error in
                    guard case IngestError.nothingAccepted(let rejected, _, _, _) = error else { return XCTFail("\(error)") }
                    XCTAssertEqual(rejected, 2_000, "\(feed) \(format)")
                }
            }
        }
    }
}
