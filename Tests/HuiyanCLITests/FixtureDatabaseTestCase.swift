import Foundation
import XCTest

/// A test case with a folder of its own and a database in it (`directory`/db) holding the fixture feeds of
/// `tables` (Fixtures/feeds/TABLE.csv), ingested through the binary; the folder goes when the test ends.
class FixtureDatabaseTestCase: XCTestCase {
    var directory: String!
    var huiyan: HuiyanProcess!

    /// The tables loaded from their fixture feeds.
    class var tables: [String] { ["visits", "tickets", "orders"] }

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "huiyan-\(Self.self)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        huiyan = HuiyanProcess(databasePath: directory + "/db")
        for table in Self.tables {
            XCTAssertEqual(try huiyan.run(["ingest", table, HuiyanProcess.fixtures + "/feeds/\(table).csv"]).status, 0)
        }
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }
}
