import Foundation
import XCTest

/// COPY … TO and streamed query output through the real binary.
final class ExportCommandTests: FixtureDatabaseTestCase {
    override class var tables: [String] { ["visits", "orders"] }

    func testCopyToWritesWhatTheQueryPrints() throws {
        let sql = "SELECT spot, count(*) AS n, sum(spend) AS spend FROM visits GROUP BY spot ORDER BY n DESC, spot"
        let printed = try huiyan.run(["query", "--format", "csv", sql])
        let out = directory + "/out.csv"
        let copied = try huiyan.run(["query", "COPY (\(sql)) TO '\(out)'"])
        XCTAssertEqual(copied.status, 0, copied.stderr)
        XCTAssertTrue(copied.stdout.contains("row(s) written to \(out) (csv)"), copied.stdout)
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), printed.stdout)
        // A second export to the same file is refused unless OVERWRITE says so.
        let again = try huiyan.run(["query", "COPY (\(sql)) TO '\(out)'"])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("exists already"), again.stderr)
        XCTAssertEqual(try huiyan.run(["query", "COPY visits TO '\(out)' (FORMAT csv, OVERWRITE)"]).status, 0)
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").count, 1 + 10)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".part-") }, [], "no temporary file left")
    }

    func testCopyTableToNDJSONReadsBackAsTheSameRows() throws {
        let out = directory + "/orders.ndjson"
        XCTAssertEqual(try huiyan.run(["query", "COPY orders TO '\(out)'"]).status, 0)
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 8)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        XCTAssertNotNil(first["amount"] as? NSNumber, "money is a JSON number")
        // The export ingests into a fresh database as the same rows.
        let other = HuiyanProcess(databasePath: directory + "/other")
        XCTAssertEqual(try other.run(["ingest", "orders", out]).status, 0)
        let sql = "SELECT * FROM orders ORDER BY 1, 2, 3"
        XCTAssertEqual(try other.run(["query", "--format", "csv", sql]).stdout, try huiyan.run(["query", "--format", "csv", sql]).stdout)
    }

    func testExportPathsFollowTheRulesOfUserFiles() throws {
        let inside = try huiyan.run(["query", "COPY visits TO '\(directory!)/db/x.csv'"])
        XCTAssertTrue(inside.stderr.contains("lies inside the database"), inside.stderr)
        let unknown = try huiyan.run(["query", "COPY visits TO '\(directory!)/x.txt'"])
        XCTAssertTrue(unknown.stderr.contains("cannot tell the format from the file name"), unknown.stderr)
        let locked = try huiyan.run(["query", "--no-file-access", "COPY visits TO '\(directory!)/x.csv'"])
        XCTAssertTrue(locked.stderr.contains("file access is off"), locked.stderr)
        let missing = try huiyan.run(["query", "COPY visits TO '\(directory!)/nope/x.csv'"])
        XCTAssertTrue(missing.stderr.contains("does not exist"), missing.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/x.csv"))
        // A query that fails while its rows are written leaves neither the file nor its temporary.
        let failed = try huiyan.run(["query", "COPY (SELECT CAST(spot AS BIGINT) AS n FROM visits) TO '\(directory!)/x.csv'"])
        XCTAssertTrue(failed.stderr.contains("could not convert"), failed.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains("x.csv") }, [])
        let twice = try huiyan.run(["query", "COPY (SELECT spot, spot FROM visits) TO '\(directory!)/x.parquet'"])
        XCTAssertTrue(twice.stderr.contains("the column name \"spot\" appears twice"), twice.stderr)
    }

    func testStreamedJSONOutputMatchesRenderedRows() throws {
        // Several statements: the streamed SELECT's lines come in order between the others' output.
        let result = try huiyan.run(["query", "--format", "json", "SELECT visitor_id, spend FROM visits WHERE visitor_id = 'V000001' ORDER BY spend; SHOW TABLES; SELECT 1 AS one"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines.first, "{\"visitor_id\":\"V000001\",\"spend\":268.00}")
        XCTAssertEqual(lines.last, "{\"one\":1}")
    }

    func testStreamedValuesAreQuotedAndEscaped() throws {
        let sql = "SELECT '' AS e, 'a,b' AS c, 'say \"hi\"\\' AS q, NULL AS n, CAST(1.5 AS DOUBLE) AS d, CAST('2025-10-01' AS DATE) AS day, true AS t, 'line\ntwo' AS nl"
        XCTAssertEqual(try huiyan.run(["query", "--format", "csv", sql]).stdout,
                       "e,c,q,n,d,day,t,nl\n,\"a,b\",\"say \"\"hi\"\"\\\",,1.5,2025-10-01,true,\"line\ntwo\"\n")
        XCTAssertEqual(try huiyan.run(["query", "--format", "json", sql]).stdout,
                       "{\"e\":\"\",\"c\":\"a,b\",\"q\":\"say \\\"hi\\\"\\\\\",\"n\":null,\"d\":1.5,\"day\":\"2025-10-01\",\"t\":true,\"nl\":\"line\\ntwo\"}\n")
    }
}
