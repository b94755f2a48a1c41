import Foundation
import XCTest

/// Files in FROM through the binary: Parquet files pyarrow and DuckDB write with each codec, page version and
/// encoding give DuckDB's own answers; a gzipped CSV reads as its original; a bad row stops the query with its
/// place. The writers come from .peers/venv (tools/test installs them); without it those tests skip.
final class FilesInFromTests: FixtureDatabaseTestCase {
    static let python = ParquetExportTests.python

    /// Runs a Python script in the venv (skips without it); fails on a non-zero exit.
    private func python(_ script: String) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: Self.python) else {
            throw XCTSkip("no .peers/venv with pyarrow and duckdb (tools/test makes it)")
        }
        let path = directory + "/script.py"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        let run = HuiyanProcess.shell("cd '\(directory!)' && '\(Self.python)' script.py", databasePath: "")
        XCTAssertEqual(run.status, 0, run.stderr)
        return run.stdout
    }

    func testParquetOfEveryCodecAndPageFormGivesDuckDBsAnswers() throws {
        // 60,000 rows with NULLs, repeated strings, money and times; one file per writer setting.
        let questions = [
            "SELECT count(*), count(s), count(DISTINCT s), sum(n), min(n), max(n), sum(m), round(sum(f), 3), count(b), sum(CASE WHEN b THEN 1 ELSE 0 END) FROM t",
            "SELECT s, count(*), sum(m), min(ts), max(ts) FROM t GROUP BY s ORDER BY s LIMIT 5",
            "SELECT date_trunc('day', ts) AS day, count(*), sum(n) FROM t WHERE n % 3 = 0 GROUP BY day ORDER BY day LIMIT 5",
        ]
        let output = try python("""
            import datetime, decimal, random, duckdb, pyarrow as pa, pyarrow.parquet as pq
            random.seed(7)
            n = 60000
            def maybe(v): return None if random.random() < 0.1 else v
            table = pa.table({
                "n": pa.array([maybe(random.randint(-10**12, 10**12)) for _ in range(n)], pa.int64()),
                "s": pa.array([maybe(random.choice(["南岳衡山", "石鼓书院", "东洲岛", "x" * 40, ""]) + str(random.randint(0, 300))) for _ in range(n)]),
                "m": pa.array([maybe(decimal.Decimal(random.randint(-10**8, 10**8)) / 100) for _ in range(n)], pa.decimal128(18, 2)),
                "f": pa.array([maybe(random.random() * 1000) for _ in range(n)]),
                "b": pa.array([maybe(random.random() < 0.3) for _ in range(n)]),
                "ts": pa.array([maybe(datetime.datetime(2025, 1, 1) + datetime.timedelta(seconds=random.randint(0, 10**7))) for _ in range(n)], pa.timestamp("us")),
            })
            settings = {
                "snappy": dict(), "zstd": dict(compression="zstd"), "gzip": dict(compression="gzip"), "lz4": dict(compression="lz4"),
                "none": dict(compression="none"), "v2": dict(data_page_version="2.0"), "plain": dict(use_dictionary=False, row_group_size=7000),
                "delta": dict(use_dictionary=False, column_encoding={"n": "DELTA_BINARY_PACKED"}),
            }
            for name, options in settings.items():
                pq.write_table(table, f"pa-{name}.parquet", **options)
            con = duckdb.connect()
            con.execute("SET TimeZone = 'Asia/Shanghai'")
            con.execute("COPY (SELECT * FROM 'pa-snappy.parquet') TO 'dd-default.parquet' (FORMAT parquet)")
            con.execute("COPY (SELECT * FROM 'pa-snappy.parquet') TO 'dd-v2.parquet' (FORMAT parquet, PARQUET_VERSION v2, COMPRESSION zstd)")
            def text(v):
                if v is None: return ""
                if isinstance(v, bool): return "true" if v else "false"
                if isinstance(v, datetime.datetime): return v.strftime("%Y-%m-%d %H:%M:%S") + ("." + "%06d" % v.microsecond).rstrip("0") if v.microsecond else v.strftime("%Y-%m-%d %H:%M:%S")
                if isinstance(v, float): return repr(v)
                return str(v)
            for q in [\(questions.map { "\"\($0)\"" }.joined(separator: ", "))]:
                rows = con.sql(q.replace("FROM t", "FROM 'pa-snappy.parquet'")).fetchall()
                print("\\n".join(",".join(text(v) for v in row) for row in rows))
                print("--")
            """)
        let expected = output.components(separatedBy: "--\n").dropLast().map { $0.split(separator: "\n").map(String.init) }
        XCTAssertEqual(expected.count, questions.count)
        let files = ["pa-snappy", "pa-zstd", "pa-gzip", "pa-lz4", "pa-none", "pa-v2", "pa-plain", "pa-delta", "dd-default", "dd-v2"]
        for file in files {
            for (question, answer) in zip(questions, expected) {
                let sql = question.replacingOccurrences(of: "FROM t", with: "FROM '\(directory!)/\(file).parquet'")
                let run = try huiyan.run(["query", "--format", "csv", sql])
                XCTAssertEqual(run.status, 0, "\(file): \(run.stderr)")
                XCTAssertEqual(Array(run.stdout.split(separator: "\n").dropFirst().map(String.init)), answer, "\(file): \(question)")
            }
        }
    }

    func testAPartitionedFolderGivesDuckDBsAnswers() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.python) else { throw XCTSkip("no .peers/venv") }
        let folder = directory + "/by-spot-day"
        let export = "COPY (SELECT spot, CAST(ts AS DATE) AS day, visitor_id, group_type, spend, ts FROM visits) TO '\(folder)' (FORMAT parquet, PARTITION_BY (spot, day))"
        XCTAssertEqual(try huiyan.run(["query", export]).status, 0)
        // The same question of the folder, by Huiyan and by DuckDB (tools/partition-check names the folder `t`).
        let questions = [
            "SELECT spot, day, count(*) AS n, sum(spend) AS spend FROM t GROUP BY spot, day ORDER BY spot, day",
            "SELECT group_type, count(DISTINCT visitor_id) AS visitors, min(spend) AS least FROM t WHERE spot <> '东洲岛' AND day >= DATE '2025-01-01' GROUP BY group_type ORDER BY group_type",
            "SELECT count(*) AS n FROM t WHERE spend IS NULL OR spend > 100",
        ]
        for question in questions {
            let ours = try huiyan.run(["query", "--format", "csv", question.replacingOccurrences(of: " t ", with: " read_parquet('\(folder)/**/*.parquet') ")])
            XCTAssertEqual(ours.status, 0, ours.stderr)
            let check = HuiyanProcess.shell("'\(Self.python)' '\(ParquetExportTests.root)/tools/partition-check' '\(folder)' \"\(question)\"", databasePath: "")
            XCTAssertEqual(check.status, 0, check.stderr)
            let duckdb = check.stdout.components(separatedBy: "chdb\n")[0].split(separator: "\n").dropFirst().map(String.init)
            XCTAssertEqual(ours.stdout.split(separator: "\n").dropFirst().map(String.init), duckdb, question)
            XCTAssertFalse(duckdb.isEmpty, question)
        }
    }

    func testAGzippedCSVInFromReadsAsItsOriginal() throws {
        let plain = HuiyanProcess.fixtures + "/feeds/visits.csv"
        let zipped = directory + "/visits.csv.gz"
        XCTAssertEqual(HuiyanProcess.shell("gzip -c '\(plain)' > '\(zipped)'", databasePath: "").status, 0)
        let sql = "SELECT spot, count(*), sum(CAST(spend AS DECIMAL(18,2))) FROM %@ GROUP BY spot ORDER BY spot"
        let fromPlain = try huiyan.run(["query", "--format", "csv", sql.replacingOccurrences(of: "%@", with: "read_csv('\(plain)')")])
        let fromZipped = try huiyan.run(["query", "--format", "csv", sql.replacingOccurrences(of: "%@", with: "'\(zipped)'")])
        XCTAssertEqual(fromPlain.status, 0, fromPlain.stderr)
        XCTAssertEqual(fromZipped.stdout, fromPlain.stdout)
        XCTAssertGreaterThan(fromPlain.stdout.split(separator: "\n").count, 2)
    }

    func testAMalformedRecordStopsTheQueryWithItsPlace() throws {
        let file = directory + "/broken.csv"
        try "spot,n\n南岳衡山,1\n\"石鼓书院,2\n".write(toFile: file, atomically: true, encoding: .utf8)
        let run = try huiyan.run(["query", "SELECT * FROM read_csv('\(file)')"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("\(file):3:"), run.stderr)
    }
}
