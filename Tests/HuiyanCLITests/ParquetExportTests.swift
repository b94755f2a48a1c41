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
        let parts = check.stdout.components(separatedBy: "--\n")
        // A failed check ends the test here: its callers index into the lines.
        guard check.status == 0, parts.count == 2 else {
            throw CheckFailed(message: "tools/parquet-check exited \(check.status): \(check.stderr)\(check.stdout)")
        }
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

    func testTheREADMEsPandasOneLinerGivesDecimalsAndZonedTimes() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.python) else { throw XCTSkip("no .peers/venv with pandas") }
        // The export and the one-liner exactly as README.md shows them.
        let readme = try String(contentsOfFile: Self.root + "/README.md", encoding: .utf8)
        let export = try XCTUnwrap(readme.split(separator: "\n").first { $0.hasPrefix("huiyan query \"COPY visits TO 'visits.parquet'\"") })
        let copy = String(export.split(separator: "\"")[1])
        let line = try XCTUnwrap(readme.split(separator: "\n").first { $0.contains("pandas.read_parquet(") })
        let script = try XCTUnwrap(line.components(separatedBy: "python3 -c \"").last?.components(separatedBy: "\"").first)
        XCTAssertEqual(try huiyan.run(["query", copy], in: directory).status, 0)
        let run = HuiyanProcess.shell("cd '\(directory!)' && '\(Self.python)' -c \"\(script)\"", databasePath: "")
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = run.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        XCTAssertTrue(lines.contains("ts datetime64[us, UTC]"), run.stdout)
        XCTAssertTrue(lines.contains("spend object"), run.stdout)
        XCTAssertTrue(run.stdout.hasSuffix("<class 'decimal.Decimal'>\n"), run.stdout)
        // And the values are Huiyan's: each time the same instant (shown in the database's zone), each amount exact.
        let check = HuiyanProcess.shell("""
            cd '\(directory!)' && '\(Self.python)' -c "
            import pandas
            v = pandas.read_parquet('visits.parquet')
            print('ts,spend')
            for ts, spend in zip(v.ts.dt.tz_convert('Asia/Shanghai'), v.spend):
                print(ts.strftime('%Y-%m-%d %H:%M:%S') + ',' + ('' if spend is None else str(spend)))
            "
            """, databasePath: "")
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertEqual(check.stdout, try huiyan.run(["query", "--format", "csv", "SELECT ts, spend FROM visits"]).stdout)
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

    func testTheFileIsTheSameBytesOnOneThreadOrSeveral() throws {
        // 12 row groups of 5,000 rows, each encoded on whichever thread takes it, written in order: the same
        // file whatever the thread count — strings (few distinct: a dictionary; all distinct, 75 kB a row group:
        // DELTA_BYTE_ARRAY), amounts, doubles, times, NULLs.
        let sql = """
            SELECT n, 'visitor-' || (n * 7919 % 1000003) AS visitor, CASE WHEN n % 3 = 0 THEN NULL ELSE 'spot ' || (n % 11) END AS spot,
                   CAST(n % 500 AS DECIMAL(18,2)) / 4 AS spend, n / 7.0 AS ratio, TIMESTAMP '2025-01-01 00:00:00' + INTERVAL 1 MINUTE * n AS ts,
                   n % 2 = 0 AS even
            FROM generate_series(1, 60000) t(n)
            """
        var files: [Data] = []
        for threads in ["1", "2", "3"] {
            let file = directory + "/threads-\(threads).parquet"
            let copy = try huiyan.run(["query", "--threads", threads, "COPY (\(sql)) TO '\(file)' (ROW_GROUP_SIZE 5000)"])
            XCTAssertEqual(copy.status, 0, copy.stderr)
            files.append(try Data(contentsOf: URL(fileURLWithPath: file)))
        }
        XCTAssertGreaterThan(files[0].count, 100_000)
        XCTAssertEqual(files[1], files[0], "2 threads wrote other bytes than 1")
        XCTAssertEqual(files[2], files[0], "3 threads wrote other bytes than 1")
        // And the readers get the rows, in order, with right statistics in each row group.
        let expected = try huiyan.run(["query", "--format", "csv", sql + " ORDER BY n"]).stdout.split(separator: "\n").map(String.init)
        let (pyarrow, duckdb) = try readBack(directory + "/threads-2.parquet")
        XCTAssertEqual(pyarrow[1], "statistics: 12 row group(s), each column's null count, min and max right; codec LZ4")
        XCTAssertEqual(Array(pyarrow.dropFirst(2).dropLast()), expected)
        XCTAssertEqual(Array(duckdb.dropFirst()), expected)
    }

    func testAFailedParallelExportLeavesNoFile() throws {
        // The query fails part way (a cast of a bad value) while row groups are being encoded and written: the
        // work under way stops, the error is the statement's, and no file is left behind.
        let file = directory + "/bad.parquet"
        let sql = "SELECT n, CAST(CASE WHEN n = 25000 THEN 'x' ELSE CAST(n AS VARCHAR) END AS BIGINT) AS m FROM generate_series(1, 30000) t(n)"
        let copy = try huiyan.run(["query", "--threads", "2", "COPY (\(sql)) TO '\(file)' (ROW_GROUP_SIZE 1000)"])
        XCTAssertNotEqual(copy.status, 0)
        XCTAssertTrue(copy.stderr.contains("x"), copy.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: file))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains("bad") }, [])
    }

    func testAPartitionedExportAnswersTheBureausQuestionsInDuckDBAndChDB() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.python) else { throw XCTSkip("no .peers/venv") }
        let folder = directory + "/by-spot"
        let export = "COPY (SELECT spot, CAST(date_trunc('day', ts) AS DATE) AS day, visitor_id, spend FROM visits) TO '\(folder)' (FORMAT parquet, PARTITION_BY (spot))"
        let copy = try huiyan.run(["query", export])
        XCTAssertEqual(copy.status, 0, copy.stderr)
        XCTAssertTrue(try FileManager.default.contentsOfDirectory(atPath: folder).contains("spot=南岳衡山"))
        // The same question of Huiyan's table and, through the readers, of the export (`t`).
        let questions = [
            ("SELECT spot, count(*) AS arrivals, sum(spend) AS spend FROM visits GROUP BY spot ORDER BY spot",
             "SELECT spot, count(*) AS arrivals, sum(spend) AS spend FROM t GROUP BY spot ORDER BY spot"),
            ("SELECT CAST(date_trunc('day', ts) AS DATE) AS day, count(DISTINCT visitor_id) AS visitors FROM visits GROUP BY 1 ORDER BY 1",
             "SELECT day, count(DISTINCT visitor_id) AS visitors FROM t GROUP BY day ORDER BY day"),
        ]
        for (ours, theirs) in questions {
            let expected = try huiyan.run(["query", "--format", "csv", ours]).stdout.split(separator: "\n").dropFirst().map(String.init)
            let check = HuiyanProcess.shell("'\(Self.python)' '\(Self.root)/tools/partition-check' '\(folder)' \"\(theirs)\"", databasePath: "")
            XCTAssertEqual(check.status, 0, check.stderr)
            let blocks = check.stdout.components(separatedBy: "chdb\n")
            XCTAssertEqual(blocks[0].split(separator: "\n").dropFirst().map(String.init), expected, "DuckDB: \(theirs)")
            if blocks.count > 1 { XCTAssertEqual(blocks[1].split(separator: "\n").map(String.init), expected, "chDB: \(theirs)") }
        }
        // An existing folder is refused; a failed export leaves no folder behind.
        let again = try huiyan.run(["query", export])
        XCTAssertTrue(again.stderr.contains("exists already"), again.stderr)
        let wrong = try huiyan.run(["query", "COPY visits TO '\(directory!)/other' (FORMAT parquet, PARTITION_BY (month))"])
        XCTAssertTrue(wrong.stderr.contains("PARTITION_BY names \"month\", which the query does not give"), wrong.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains("other") }, [])
    }
}

/// tools/parquet-check did not give its two parts (a reader missing from the venv, a file it refused).
private struct CheckFailed: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
