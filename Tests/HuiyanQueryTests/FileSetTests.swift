import Foundation
import XCTest
@testable import HuiyanQuery

/// Several files as one table — globs, lists, Hive partition folders — and what a WHERE clause lets a Parquet
/// read skip: row groups by their statistics, files by their partition values (counted in `QueryStatistics`).
/// The DuckDB cross-check of the same folders is in HuiyanCLITests (FilesInFromTests).
final class FileSetTests: QueryTestCase {
    /// visits' columns in the order a read of a `PARTITION_BY (spot)` export gives them (partition last).
    private let bySpotColumns = "ts, visitor_id, route, origin, group_type, spend, spot"

    func testAPartitionedExportReadsBackAsTheTable() throws {
        let folder = directory + "/by-spot"
        _ = rows("COPY visits TO '\(folder)' (FORMAT parquet, PARTITION_BY (spot))")
        let order = "ORDER BY ts, visitor_id, spend"
        let table = rows("SELECT \(bySpotColumns) FROM visits \(order)")
        XCTAssertEqual(rows("SELECT * FROM read_parquet('\(folder)/**/*.parquet') \(order)"), table)
        XCTAssertEqual(rows("SELECT * FROM '\(folder)/*/*.parquet' \(order)"), table)
        XCTAssertEqual(rows("SELECT * FROM read_parquet('\(folder)/*/*.parquet', hive_partitioning = true) \(order)"), table)
        XCTAssertEqual(try columns("SELECT * FROM read_parquet('\(folder)/*/*.parquet')").last, "spot VARCHAR")
        // Without the partition columns: the files' own.
        XCTAssertEqual(try columns("SELECT * FROM read_parquet('\(folder)/*/*.parquet', hive_partitioning = false)").count, 6)
        // The table takes its name from the folder before the pattern.
        XCTAssertEqual(value("SELECT count(\"by-spot\".spot) FROM '\(folder)/*/*.parquet'"), value("SELECT count(*) FROM visits"))
    }

    func testPartitionTypesAreInferredAsDuckDBDoes() throws {
        let folder = directory + "/typed"
        _ = rows("""
            COPY (SELECT spend, CAST(ts AS DATE) AS day, length(visitor_id) AS width, group_type, ts FROM visits)
            TO '\(folder)' (FORMAT parquet, PARTITION_BY (day, width, group_type))
            """)
        // DATE and BIGINT are read as such; a text stays VARCHAR.
        XCTAssertEqual(try columns("SELECT * FROM '\(folder)/**/*.parquet'"),
                       ["spend DECIMAL(18,2)", "ts TIMESTAMP", "day DATE", "width BIGINT", "group_type VARCHAR"])
        let question = "SELECT day, width, group_type, count(*), sum(spend) FROM %@ GROUP BY ALL ORDER BY ALL"
        XCTAssertEqual(rows(question.replacingOccurrences(of: "%@", with: "'\(folder)/**/*.parquet'")),
                       rows(question.replacingOccurrences(of: "%@", with: "(SELECT spend, CAST(ts AS DATE) AS day, length(visitor_id) AS width, group_type FROM visits)")))
        // A timestamp's folder has its ':' escaped (%3A): VARCHAR, as DuckDB reads it; NULL is the default partition.
        let times = directory + "/times"
        _ = rows("COPY (SELECT spend, date_trunc('hour', ts) AS hour, CASE WHEN spend > 100 THEN 'big' END AS size FROM visits) TO '\(times)' (FORMAT parquet, PARTITION_BY (hour, size))")
        XCTAssertEqual(try columns("SELECT * FROM '\(times)/*/*/*.parquet'"), ["spend DECIMAL(18,2)", "hour VARCHAR", "size VARCHAR"])
        XCTAssertEqual(rows("SELECT DISTINCT hour FROM '\(times)/*/*/*.parquet' ORDER BY hour LIMIT 1"),
                       rows("SELECT DISTINCT strftime(date_trunc('hour', ts), '%Y-%m-%d %H:%M:%S') FROM visits ORDER BY 1 LIMIT 1"))
        XCTAssertEqual(value("SELECT count(*) FROM '\(times)/*/*/*.parquet' WHERE size IS NULL"),
                       value("SELECT count(*) FROM visits WHERE NOT spend > 100 OR spend IS NULL"))
    }

    func testListsAndGlobsReadTheirFilesInOrder() throws {
        let a = directory + "/a.parquet", b = directory + "/b.parquet"
        _ = rows("COPY (SELECT * FROM range(0, 3) t(n)) TO '\(a)'")
        _ = rows("COPY (SELECT * FROM range(10, 12) t(n)) TO '\(b)'")
        XCTAssertEqual(rows("SELECT n FROM read_parquet(['\(b)', '\(a)'])").map { $0[0] }.sorted(), ["0", "1", "10", "11", "2"])
        // Without ORDER BY a list's files come in the order given, a glob's sorted.
        let listed = try engine.execute("SELECT n FROM read_parquet(['\(b)', '\(a)'])", context: QueryContext()).last!
        XCTAssertEqual(Self.text(listed).map { $0[0] }, ["10", "11", "0", "1", "2"])
        let globbed = try engine.execute("SELECT n FROM '\(directory!)/?.parquet'", context: QueryContext()).last!
        XCTAssertEqual(Self.text(globbed).map { $0[0] }, ["0", "1", "2", "10", "11"])
        XCTAssertEqual(value("SELECT count(*) FROM read_parquet(['\(a)', '\(directory!)/b*.parquet'])"), "5")
        // CSV through the same code.
        let csv = directory + "/csv"
        try FileManager.default.createDirectory(atPath: csv + "/k=1", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: csv + "/k=2", withIntermediateDirectories: true)
        try "n,s\n1,x\n2,y\n".write(toFile: csv + "/k=1/f.csv", atomically: true, encoding: .utf8)
        try "n,s\n3,z\n".write(toFile: csv + "/k=2/f.csv", atomically: true, encoding: .utf8)
        XCTAssertEqual(rows("SELECT k, sum(n), min(s), max(s) FROM read_csv('\(csv)/*/*.csv') GROUP BY k ORDER BY k"),
                       [["1", "3", "x", "y"], ["2", "3", "z", "z"]])
    }

    func testWhatCannotBeReadIsRefusedNamingTheFile() throws {
        XCTAssertEqual(error("SELECT * FROM '\(directory!)/none/*.parquet'").message, "no file matches '\(directory!)/none/*.parquet'")
        let a = directory + "/a.parquet", b = directory + "/b.parquet"
        _ = rows("COPY (SELECT 1 AS n) TO '\(a)'")
        _ = rows("COPY (SELECT 'x' AS n) TO '\(b)'")
        XCTAssertEqual(error("SELECT * FROM read_parquet(['\(a)', '\(b)'])").message,
                       "'\(b)' does not have the columns of '\(a)' (n BIGINT): it has n VARCHAR")
        let failure = error("SELECT * FROM read_parquet(['\(a)', '\(directory!)/missing.parquet'])")
        XCTAssertTrue(failure.message.contains("\(directory!)/missing.parquet"), failure.message)
        XCTAssertEqual(error("SELECT * FROM read_parquet([])").message, "the list of files of read_parquet is empty")
        XCTAssertTrue(error("SELECT * FROM read_parquet(['\(a)'").message.contains("\"]\""))
        XCTAssertEqual(error("SELECT * FROM read_parquet('\(a)', encoding = 'gbk')").message,
                       "read_parquet has no option \"encoding\" of that type (hive_partitioning = true, union_by_name = true)")
        // Folders of different keys.
        for (folder, n) in [("k=1", 1), ("j=2", 2)] {
            try FileManager.default.createDirectory(atPath: directory + "/mixed/" + folder, withIntermediateDirectories: true)
            _ = rows("COPY (SELECT \(n) AS n) TO '\(directory!)/mixed/\(folder)/f.parquet'")
        }
        XCTAssertTrue(error("SELECT * FROM '\(directory!)/mixed/*/f.parquet'").message.hasPrefix("Hive partitions differ"))
        XCTAssertEqual(value("SELECT sum(n) FROM read_parquet('\(directory!)/mixed/*/f.parquet', hive_partitioning = false)"), "3")
    }

    func testRowGroupsAndFilesTheWhereClauseRulesOutAreSkipped() throws {
        let file = directory + "/series.parquet"
        // Ten row groups of 1,000 rows, in the order of n; `sometimes` is NULL in all but the last.
        _ = rows("""
            COPY (SELECT n, CASE WHEN n < 5000 THEN 'a' ELSE 'b' END AS s, CAST(n AS DOUBLE) / 4 AS d,
                         CASE WHEN n >= 9000 THEN n END AS sometimes, CAST(n AS DECIMAL(18,2)) AS m
                  FROM range(0, 10000) t(n)) TO '\(file)' (ROW_GROUP_SIZE 1000)
            """)
        let cases: [(String, skipped: Int, answer: String)] = [
            ("n >= 9500", 9, "500"),
            ("n = 4321", 9, "1"),
            ("n IN (5, 9999)", 8, "2"),
            ("s = 'b'", 5, "5000"),
            ("s < 'b' AND n > 3999", 9, "1000"),
            ("d > 2400.0", 9, "399"),
            ("sometimes < 5", 10, "0"),
            ("m <= 999.5", 9, "1000"),
            ("n <> 3", 0, "9999"),
            ("n % 2 = 0", 0, "5000"),
        ]
        for (condition, skipped, answer) in cases {
            let sql = "SELECT count(*) FROM '\(file)' WHERE \(condition)"
            let context = QueryContext(optimizer: .allOn)
            XCTAssertEqual(Self.text(try engine.execute(sql, context: context).last!), [[answer]], condition)
            XCTAssertEqual(context.statistics.rowGroupsSkipped, skipped, condition)
            XCTAssertEqual(context.statistics.rowGroupsRead, 10 - skipped, condition)
            // Without the rule every row group is read, with the same answer.
            let off = QueryContext(optimizer: .allOff)
            XCTAssertEqual(Self.text(try engine.execute(sql, context: off).last!), [[answer]], condition)
            XCTAssertEqual(off.statistics.rowGroupsSkipped, 0, condition)
        }
        let plan = rows("EXPLAIN ANALYZE SELECT count(*) FROM '\(file)' WHERE n >= 9500").map { $0[0] }
        XCTAssertTrue(plan.contains("  Parquet row groups: 1 read, 9 skipped by their statistics"), "\(plan)")
        XCTAssertTrue(plan.contains { $0.hasPrefix("TABLE FUNCTION") && $0.contains("skipping by [n]") }, "\(plan)")

        // Partition values leave whole files unopened.
        let folder = directory + "/by-spot"
        _ = rows("COPY visits TO '\(folder)' (FORMAT parquet, PARTITION_BY (spot))")
        let spots = Int(value("SELECT count(DISTINCT spot) FROM visits"))!
        let context = QueryContext(optimizer: .allOn)
        let sql = "SELECT count(*), sum(spend) FROM '\(folder)/*/*.parquet' WHERE spot = '南岳衡山'"
        XCTAssertEqual(Self.text(try engine.execute(sql, context: context).last!),
                       rows("SELECT count(*), sum(spend) FROM visits WHERE spot = '南岳衡山'"))
        XCTAssertEqual(context.statistics.filesSkipped, spots - 1)
    }

    /// A query's column names and types.
    private func columns(_ sql: String) throws -> [String] {
        let result = try engine.execute(sql, context: QueryContext()).last!
        return zip(result.columnNames, result.columnTypes).map { "\($0) \($1)" }
    }
}
