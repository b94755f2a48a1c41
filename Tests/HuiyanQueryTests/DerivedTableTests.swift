import Foundation
import XCTest
@testable import HuiyanQuery
import HuiyanStorage

/// CREATE TABLE AS SELECT, INSERT … SELECT / VALUES and DROP TABLE on the sample feeds.
final class DerivedTableTests: QueryTestCase {
    func testCreateTableAsSelectKeepsTheQuerysRowsAndTypes() throws {
        let made = try engine.execute("""
            CREATE TABLE spot_day AS SELECT spot, CAST(date_trunc('day', ts) AS TIMESTAMP) AS day, count(*) AS arrivals, sum(spend) AS spend
            FROM visits GROUP BY 1, 2
            """).last!
        XCTAssertTrue(made.message?.hasPrefix("created table spot_day with 4 column(s) and ") == true, made.message ?? "")
        XCTAssertEqual(rows("DESCRIBE spot_day").map { $0[1] }, ["VARCHAR", "TIMESTAMP", "BIGINT", "DECIMAL(18,2)"])
        XCTAssertEqual(rows("SELECT spot, day, arrivals, spend FROM spot_day ORDER BY 1, 2"),
                       rows("SELECT spot, date_trunc('day', ts), count(*), sum(spend) FROM visits GROUP BY 1, 2 ORDER BY 1, 2"))
        XCTAssertEqual(error("CREATE TABLE spot_day AS SELECT 1 AS x").message, "table \"spot_day\" already exists")
        XCTAssertEqual(try engine.execute("CREATE TABLE IF NOT EXISTS spot_day AS SELECT 1 AS x").last!.message, "table spot_day exists already")
        XCTAssertTrue(error("CREATE TABLE c AS SELECT count(*) FROM visits").message.contains("name the query's columns with AS"))
    }

    func testInsertSelectAndValuesAppendCastRows() throws {
        _ = try engine.execute("CREATE TABLE big_spend AS SELECT visitor_id, spend, ts FROM visits WHERE spend >= 400")
        let before = Int(value("SELECT count(*) FROM big_spend"))!
        let inserted = try engine.execute("INSERT INTO big_spend SELECT visitor_id, spend, ts FROM visits WHERE spend < 10").last!
        let small = Int(value("SELECT count(*) FROM visits WHERE spend < 10"))!
        XCTAssertEqual(inserted.message, "\(small) row(s) inserted into big_spend")
        // VALUES are cast to the columns' types: text to TIMESTAMP, an integer to DECIMAL(18,2).
        _ = try engine.execute("INSERT INTO big_spend (ts, visitor_id, spend) VALUES ('2025-10-09 10:00:00', 'V9', 12), ('2025-10-09 11:00:00', 'V8', NULL)")
        XCTAssertEqual(value("SELECT count(*) FROM big_spend"), String(before + small + 2))
        XCTAssertEqual(rows("SELECT visitor_id, spend, ts FROM big_spend WHERE visitor_id IN ('V8', 'V9') ORDER BY 1"),
                       [["V8", "NULL", "2025-10-09 11:00:00"], ["V9", "12.00", "2025-10-09 10:00:00"]])
        XCTAssertEqual(error("INSERT INTO big_spend VALUES ('V1', 1)").message,
                       "a row of 2 value(s), and 3 column(s) are to be filled")
        XCTAssertEqual(error("INSERT INTO big_spend (spend) VALUES ('x')").message, "could not convert 'x' to DECIMAL(18,2)")
        XCTAssertEqual(error("INSERT INTO big_spend SELECT visitor_id, spot, ts FROM visits").message,
                       "column \"spend\" is DECIMAL(18,2), but the rows give VARCHAR: CAST the value AS DECIMAL(18,2)")
        XCTAssertEqual(error("INSERT INTO big_spend (nope) VALUES (1)").message, "table big_spend has no column \"nope\"")
        // A failed INSERT leaves the table as it was.
        XCTAssertEqual(value("SELECT count(*) FROM big_spend"), String(before + small + 2))
    }

    func testConstraintsOfTheTableHold() throws {
        XCTAssertEqual(error("INSERT INTO tickets (ts, ticket_id, spot, ticket_type, channel, qty, amount) VALUES ('2025-10-01', 'T1', 's', 't', 'c', 0, 1)").message,
                       "column \"qty\" of table tickets must be at least 1, and a row gives 0; nothing was written")
        XCTAssertEqual(error("INSERT INTO tickets (ts, ticket_id) VALUES ('2025-10-01', 'T1')").message,
                       "column \"spot\" of table tickets is NOT NULL, and a row gives NULL; nothing was written")
        XCTAssertEqual(value("SELECT count(*) FROM tickets"), "7")
    }

    func testDropTable() throws {
        _ = try engine.execute("CREATE TABLE scratch AS SELECT spot FROM visits")
        XCTAssertEqual(try engine.execute("DROP TABLE scratch").last!.message, "dropped table scratch")
        XCTAssertFalse(rows("SHOW TABLES").map { $0[0] }.contains("scratch"))
        XCTAssertFalse(try FileIO.list(engine.database.tablesPath).contains { $0.hasPrefix("scratch") }, "its files are gone")
        XCTAssertEqual(error("DROP TABLE scratch").message, "table \"scratch\" does not exist")
        XCTAssertEqual(try engine.execute("DROP TABLE IF EXISTS scratch").last!.message, "table scratch does not exist; nothing dropped")
    }

    func testShowTablesListsViewsMarkedAsViews() throws {
        _ = try engine.execute("CREATE VIEW busy AS SELECT spot, count(*) AS n FROM visits GROUP BY spot")
        _ = try engine.execute("CREATE TABLE scratch AS SELECT spot FROM visits")
        _ = try engine.execute("CREATE VIEW from_scratch AS SELECT * FROM scratch")
        func table(_ name: String) -> [String] {
            [name, "BASE TABLE", value("SELECT count(*) FROM \(name)"), String(rows("DESCRIBE \(name)").count)]
        }
        XCTAssertEqual(rows("SHOW TABLES"), [
            ["busy", "VIEW", "NULL", "2"], ["from_scratch", "VIEW", "NULL", "1"], table("orders"),
            table("scratch"), table("tickets"), table("visits"),
        ])
        // A view whose table is gone is still listed; its columns are unknown until it binds again.
        _ = try engine.execute("DROP TABLE scratch")
        XCTAssertEqual(rows("SHOW TABLES").first { $0[0] == "from_scratch" }, ["from_scratch", "VIEW", "NULL", "NULL"])
        _ = try engine.execute("DROP VIEW from_scratch")
        XCTAssertEqual(rows("SHOW TABLES").map { $0[0] }, ["busy", "orders", "tickets", "visits"])
    }
}
