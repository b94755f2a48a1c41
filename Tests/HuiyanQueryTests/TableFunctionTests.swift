import Foundation
import XCTest
@testable import HuiyanQuery

/// Table functions in FROM beyond the SQL tests (Fixtures/sqllogic/table-functions.test): Parquet written by our
/// own writer read back, damaged Parquet files, a bad value past the rows the types were read from, series at
/// the ends of BIGINT, and a long series within a small memory limit.
final class TableFunctionTests: QueryTestCase {
    func testOurParquetFilesReadBackAsTheirRows() throws {
        let file = directory + "/visits.parquet"
        // Row groups of 3 rows: several dictionaries, and row groups that end inside a chunk of the scan.
        _ = rows("COPY (SELECT * FROM visits) TO '\(file)' (ROW_GROUP_SIZE 3)")
        let order = "ORDER BY ts, visitor_id, spend"
        XCTAssertEqual(rows("SELECT * FROM '\(file)' \(order)"), rows("SELECT * FROM visits \(order)"))
        XCTAssertEqual(try columns("SELECT * FROM read_parquet('\(file)')"), try columns("SELECT * FROM visits"))
        let aggregates = "SELECT spot, count(*), sum(spend), min(ts), count(route) FROM %@ GROUP BY spot ORDER BY spot"
        XCTAssertEqual(rows(aggregates.replacingOccurrences(of: "%@", with: "'\(file)'")),
                       rows(aggregates.replacingOccurrences(of: "%@", with: "visits")))
    }

    func testDamagedParquetFilesGiveErrorsNotCrashes() throws {
        let file = directory + "/damaged.parquet"
        // A fixed sequence (splitmix64): the same damage every run.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var errors = 0, runs = 0
        for name in ["kinds-v2-gzip", "kinds-delta", "arrivals-pyarrow", "arrivals-duckdb", "arrivals-duckdb-v2"] {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/parquet/\(name).parquet"))
            var variants: [Data] = []
            // Cut short at many places, and single bytes changed anywhere (the footer most of all).
            for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 37)) { variants.append(bytes.prefix(cut)) }
            for k in 0..<60 {
                var damaged = bytes
                let span = k % 2 == 0 ? bytes.count : min(bytes.count, 1200)
                let at = bytes.count - 1 - Int(next() % UInt64(span))
                damaged[at] ^= UInt8(truncatingIfNeeded: next() | 1)
                variants.append(damaged)
            }
            for variant in variants {
                try variant.write(to: URL(fileURLWithPath: file))
                runs += 1
                do {
                    _ = try engine.execute("SELECT * FROM '\(file)'", context: QueryContext())
                } catch is QueryError {
                    errors += 1
                }
            }
        }
        // Much damage is found; a changed value byte may pass unseen (the pages carry no checksum).
        XCTAssertGreaterThan(errors, runs / 3)
    }

    func testAValueThatDoesNotFitItsColumnsTypeNamesFileLineColumnAndValue() throws {
        let file = directory + "/counts.csv"
        var text = "spot,n\n"
        for i in 0..<FeedFileSource.sampleRows { text += "s\(i % 7),\(i)\n" }
        text += "s1,12\ns2,abc\n"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let failure = error("SELECT sum(n) FROM read_csv('\(file)')")
        let line = FeedFileSource.sampleRows + 3
        XCTAssertEqual(failure.message, "\(file):\(line): column \"n\": 'abc' is not a BIGINT (the type its first 20,480 rows gave; all_varchar = true reads every column as VARCHAR)")
        XCTAssertEqual(value("SELECT count(*) FROM read_csv('\(file)', all_varchar = true) WHERE n = 'abc'"), "1")
        // Within the first rows a text value makes the column VARCHAR.
        let mixed = directory + "/mixed.csv"
        try "n,when\n1,2025-01-01\nx,2025-01-02 08:00:00\n".write(toFile: mixed, atomically: true, encoding: .utf8)
        XCTAssertEqual(try columns("SELECT * FROM '\(mixed)'"), ["n VARCHAR", "when TIMESTAMP"])
    }

    func testFilesInFromObeyFileAccessAndReadOnlyTheColumnsUsed() throws {
        let file = Self.fixtures + "/parquet/arrivals-pyarrow.parquet"
        let plan = rows("EXPLAIN SELECT spot, sum(spend) FROM '\(file)' WHERE party > 2 GROUP BY spot").map { $0[0] }
        XCTAssertTrue(plan.contains { $0.contains("columns [spot, party, spend]") }, "\(plan)")
        engine.fileAccess = false
        for sql in ["SELECT * FROM '\(file)'", "SELECT * FROM read_csv('\(Self.fixtures)/sql/spots.csv')"] {
            XCTAssertTrue(error(sql).message.hasPrefix("file access is off"), sql)
        }
        XCTAssertEqual(value("SELECT count(*) FROM generate_series(1, 5)"), "5")
    }

    /// A query's column names and types.
    private func columns(_ sql: String) throws -> [String] {
        let result = try engine.execute(sql, context: QueryContext()).last!
        return zip(result.columnNames, result.columnTypes).map { "\($0) \($1)" }
    }

    func testSeriesAtTheEndsOfBigint() {
        XCTAssertEqual(rows("SELECT * FROM generate_series(9223372036854775800, 9223372036854775807, 5)"),
                       [["9223372036854775800"], ["9223372036854775805"]])
        XCTAssertEqual(rows("SELECT * FROM range(-9223372036854775807, -9223372036854775808, -1)"), [["-9223372036854775807"]])
        XCTAssertEqual(value("SELECT count(*) FROM generate_series(10, 1)"), "0")
        // LIMIT stops the series (a trillion rows would pass any memory limit).
        XCTAssertEqual(rows("SELECT * FROM range(0, 1000000000000) LIMIT 3 OFFSET 20000"), [["20000"], ["20001"], ["20002"]])
        XCTAssertEqual(rows("SELECT n FROM (SELECT * FROM generate_series(1, 1000000000000) g(n) WHERE n % 7 = 0) s LIMIT 2"), [["7"], ["14"]])
    }

    func testALongSeriesStreamsWithinASmallMemoryLimit() throws {
        let result = try engine.execute("SELECT count(*), sum(x) FROM range(0, 3000000) t(x) WHERE x % 3 = 0",
                                        context: QueryContext(memoryLimit: 4 << 20)).last!
        XCTAssertEqual(Self.text(result), [["1000000", "1499998500000"]])
    }
}
