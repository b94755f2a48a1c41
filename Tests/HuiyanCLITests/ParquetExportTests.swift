import Foundation
import XCTest

/// COPY … TO 'x.parquet' read back by real readers — pyarrow and DuckDB (and pandas for the types), from PyPI
/// in .peers/venv (tools/test installs them) — through tools/parquet-check: both must give Huiyan's own rows,
/// types and statistics.
final class ParquetExportTests: FixtureDatabaseTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let python = root + "/.peers/venv/bin/python"

    /// What tools/parquet-check prints for `file`: the types line and the rows as CSV, for pyarrow and DuckDB.
    func readBack(_ file: String) throws -> (pyarrow: [String], duckdb: [String]) {
        guard FileManager.default.isExecutableFile(atPath: Self.python) else {
            throw XCTSkip("no .peers/venv with pyarrow and duckdb (tools/test makes it)")
        }
        let check = HuiyanProcess.shell("'\(Self.python)' '\(Self.root)/tools/parquet-check' '\(file)' 8", databasePath: "")
        XCTAssertEqual(check.status, 0, check.stderr)
        let parts = check.stdout.components(separatedBy: "--\n")
        XCTAssertEqual(parts.count, 2, check.stdout)
        return (parts[0].split(separator: "\n").map(String.init), parts.last!.split(separator: "\n").map(String.init))
    }

    func testTheReadersGetTheRowsTypesAndStatistics() throws {
        let sql = "SELECT * FROM visits"
        let file = directory + "/visits.parquet"
        // Row groups of 4 rows: the 10 rows make three, each with its own dictionary and statistics.
        let copy = try huiyan.run(["query", "COPY (\(sql)) TO '\(file)' (ROW_GROUP_SIZE 4)"])
        XCTAssertEqual(copy.status, 0, copy.stderr)
        let expected = try huiyan.run(["query", "--format", "csv", sql]).stdout.split(separator: "\n").map(String.init)
        let (pyarrow, duckdb) = try readBack(file)
        XCTAssertEqual(pyarrow[0], "pyarrow types: ts timestamp[us, tz=UTC], visitor_id string, spot string, route string, origin string, group_type string, spend decimal128(18, 2)")
        XCTAssertEqual(pyarrow[1], "statistics: 3 row group(s), each column's null count, min and max right; codec LZ4")
        XCTAssertEqual(pyarrow.last, "pandas: money as Decimal, timestamps in UTC")
        XCTAssertEqual(Array(pyarrow.dropFirst(2).dropLast()), expected)
        XCTAssertEqual(duckdb[0], "duckdb types: ts TIMESTAMP WITH TIME ZONE, visitor_id VARCHAR, spot VARCHAR, route VARCHAR, origin VARCHAR, group_type VARCHAR, spend DECIMAL(18,2)")
        XCTAssertEqual(Array(duckdb.dropFirst()), expected)
    }

    func testEveryTypeAndAnAggregateReadBack() throws {
        let sql = """
            SELECT spot, count(*) AS n, sum(spend) AS spend, avg(spend) AS mean, min(ts) AS first,
                   CAST(min(ts) AS DATE) AS day, sum(spend) > 100 AS big, NULL AS nothing
            FROM visits GROUP BY spot ORDER BY spot
            """
        let file = directory + "/spots.parquet"
        XCTAssertEqual(try huiyan.run(["query", "COPY (\(sql)) TO '\(file)'"]).status, 0)
        let expected = try huiyan.run(["query", "--format", "csv", sql]).stdout.split(separator: "\n").map(String.init)
        let (pyarrow, duckdb) = try readBack(file)
        XCTAssertEqual(pyarrow[0], "pyarrow types: spot string, n int64, spend decimal128(18, 2), mean double, first timestamp[us, tz=UTC], day date32[day], big bool, nothing int64")
        XCTAssertEqual(Array(pyarrow.dropFirst(2).dropLast()), expected)
        XCTAssertEqual(Array(duckdb.dropFirst()), expected)
    }

    func testFewDistinctIntegersAndAmountsReadBackThroughTheirDictionary() throws {
        // Constant and two-valued columns (NULLs among them) take the dictionary path; spend does not.
        let sql = "SELECT 1 AS one, CAST(2 AS DECIMAL(18,2)) AS two, CASE WHEN spend > 100 THEN 7 END AS big, spend FROM visits"
        let file = directory + "/few.parquet"
        XCTAssertEqual(try huiyan.run(["query", "COPY (\(sql)) TO '\(file)'"]).status, 0)
        let expected = try huiyan.run(["query", "--format", "csv", sql]).stdout.split(separator: "\n").map(String.init)
        let (pyarrow, duckdb) = try readBack(file)
        XCTAssertEqual(Array(pyarrow.dropFirst(2).dropLast()), expected)
        XCTAssertEqual(Array(duckdb.dropFirst()), expected)
    }
}
