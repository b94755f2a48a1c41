import Foundation
import XCTest
import HuiyanStorage

/// CREATE VIEW and DROP VIEW through the binary: the views live in the database for the next process, and a
/// statement killed with SIGKILL before or after its catalog swap leaves the views before it or after it.
final class ViewCrashTests: XCTestCase {
    var directory: String!
    var huiyan: HuiyanProcess!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "huiyan-view-crash-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        huiyan = HuiyanProcess(databasePath: directory + "/db")
        XCTAssertEqual(try huiyan.run(["ingest", "visits", HuiyanProcess.fixtures + "/feeds/visits.csv"]).status, 0)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func views() throws -> [String] { try Database.open(at: directory + "/db").viewCatalog().views.map(\.name) }

    func query(_ sql: String) throws -> String {
        let result = try huiyan.run(["query", "--format", "csv", sql])
        XCTAssertEqual(result.status, 0, "\(sql): \(result.stderr)")
        return result.stdout
    }

    func testViewsOutliveTheProcessAndReadLikeTheirQuery() throws {
        let spots = "SELECT spot, count(*) AS n, sum(spend) AS spend FROM visits GROUP BY spot"
        _ = try query("CREATE VIEW by_spot AS \(spots)")
        XCTAssertEqual(try query("SELECT * FROM by_spot ORDER BY spot"), try query("\(spots) ORDER BY spot"))
        // A view joined with its table, and a view of a view.
        _ = try query("CREATE VIEW busy AS SELECT spot FROM by_spot WHERE n > 1")
        XCTAssertEqual(try query("SELECT count(*) FROM visits v JOIN busy b ON v.spot = b.spot"), "count(*)\n3\n")
        _ = try query("CREATE OR REPLACE VIEW by_spot AS SELECT spot, 0 AS n FROM visits")
        XCTAssertEqual(try query("SELECT count(*) FROM busy"), "count(*)\n0\n")
        _ = try query("DROP VIEW busy")
        XCTAssertEqual(try views(), ["by_spot"])
    }

    func testCreateAndDropViewKilledBeforeOrAfterTheSwap() throws {
        _ = try query("CREATE VIEW a AS SELECT 1 AS one")
        for (sql, point, expected) in [("CREATE VIEW b AS SELECT 2 AS two", "before-views", ["a"]),
                                       ("CREATE VIEW b AS SELECT 2 AS two", "after-views", ["a", "b"]),
                                       ("DROP VIEW a", "before-views", ["a", "b"]),
                                       ("DROP VIEW a", "after-views", ["b"])] {
            let result = try huiyan.run(["query", sql], environment: ["HUIYAN_CRASH_AT": point])
            XCTAssertTrue(result.signaled, "\(sql) killed at \(point): \(result.stderr)")
            XCTAssertEqual(try views(), expected, "\(sql) killed at \(point)")
            // The next writer runs, and nothing of the killed one is left in the database's folder.
            XCTAssertEqual(try huiyan.run(["query", "DROP VIEW IF EXISTS no_such_view"]).status, 0)
            XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/db/VIEWS.tmp"))
        }
        XCTAssertEqual(try query("SELECT * FROM b"), "two\n2\n")
    }
}
