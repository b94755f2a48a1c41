import Foundation
import XCTest
import HuiyanStorage

/// CREATE TABLE AS, INSERT and DROP TABLE killed with SIGKILL at each point of their write path: on reopen
/// the database holds the state before the statement or after it, never a part, and verifies.
final class DerivedTableCrashTests: XCTestCase {
    var directory: String!
    var huiyan: HuiyanProcess!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "huiyan-derived-crash-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        huiyan = HuiyanProcess(databasePath: directory + "/db")
        XCTAssertEqual(try huiyan.run(["ingest", "visits", HuiyanProcess.fixtures + "/feeds/visits.csv"]).status, 0)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func tables() throws -> [String] { try Database.open(at: directory + "/db").tableNames().sorted() }

    func rowCount(_ table: String) throws -> Int { try Database.open(at: directory + "/db").snapshot(of: table).rowCount }

    func killed(_ sql: String, at point: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try huiyan.run(["query", sql], environment: ["HUIYAN_CRASH_AT": point])
        XCTAssertTrue(result.signaled, "\(sql) killed at \(point): \(result.stderr)", file: file, line: line)
    }

    /// After the next writer opened the database, every folder and file in it is live.
    func assertCleanAndVerifies(file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try huiyan.run(["query", "DROP TABLE IF EXISTS no_such_table"]).status, 0, file: file, line: line)
        let database = try Database.open(at: directory + "/db")
        XCTAssertEqual(try FileIO.list(database.tablesPath).sorted(), try database.tableNames().sorted(), "no leftover folders", file: file, line: line)
        for table in try database.tableNames() {
            let live = Set(try database.manifest(of: table).segments.map(\.file))
            XCTAssertEqual(Set(try FileIO.list(database.tablePath(table)).filter { $0 != "MANIFEST" }), live, table, file: file, line: line)
        }
        let verify = try huiyan.run(["verify"])
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr, file: file, line: line)
    }

    func testCreateTableAsKilledAnywhereIsAllOrNothing() throws {
        let create = "CREATE TABLE copy AS SELECT * FROM visits"
        for point in ["after-segment", "before-manifest", "after-manifest", "before-create"] {
            try killed(create, at: point)
            XCTAssertFalse(try tables().contains("copy"), "killed at \(point): no table")
            try assertCleanAndVerifies()
        }
        try killed(create, at: "after-create")
        XCTAssertEqual(try rowCount("copy"), 10, "killed after the rename: the whole table is there")
        try assertCleanAndVerifies()
    }

    func testInsertKilledAnywhereIsAllOrNothing() throws {
        let insert = "INSERT INTO visits SELECT * FROM visits"
        for point in ["after-segment", "before-insert-commit", "before-manifest"] {
            try killed(insert, at: point)
            XCTAssertEqual(try rowCount("visits"), 10, "killed at \(point): nothing inserted")
            try assertCleanAndVerifies()
        }
        try killed(insert, at: "after-manifest")
        XCTAssertEqual(try rowCount("visits"), 20, "killed after the manifest swap: every row inserted")
        try assertCleanAndVerifies()
    }

    func testDropTableKilledAnywhereIsAllOrNothing() throws {
        try killed("DROP TABLE visits", at: "before-drop")
        XCTAssertEqual(try rowCount("visits"), 10)
        try assertCleanAndVerifies()
        try killed("DROP TABLE visits", at: "after-drop")
        XCTAssertFalse(try tables().contains("visits"), "killed after the rename: the table is gone")
        try assertCleanAndVerifies()
    }
}
