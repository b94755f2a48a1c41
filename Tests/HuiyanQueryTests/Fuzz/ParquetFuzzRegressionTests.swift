import Foundation
import HuiyanParquet
import XCTest

/// Replays the Parquet fuzzer's committed corpus (Fixtures/fuzz-corpus/parquet: files pyarrow and DuckDB wrote
/// with each codec and page form, and the inputs fuzzing kept) through the harness the fuzzer runs: each
/// must end without a trap.
final class ParquetFuzzRegressionTests: XCTestCase {
    func replay(_ name: String) throws -> Int {
        let folder = QueryTestCase.fixtures + "/" + name
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        let scratch = NSTemporaryDirectory() + "huiyan-parquet-fuzz-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder + "/" + file)))
            bytes.withUnsafeBufferPointer { ParquetFuzzHarness.run($0, scratchFile: scratch) }
        }
        return files.count
    }

    func testTheCorpusReplays() throws {
        XCTAssertGreaterThan(try replay("fuzz-corpus/parquet"), 5)
    }

    /// fuzz-crashes/parquet/page-values-past-rows: a page header claiming two billion values in a row group of
    /// 7 rows had its definition levels decoded into that many slots (4 s, 3.5 GB) before the count was checked.
    func testEveryInputTheFuzzerFoundSlowIsRefusedAtOnce() throws {
        XCTAssertGreaterThan(try replay("fuzz-crashes/parquet"), 0)
        let path = QueryTestCase.fixtures + "/fuzz-crashes/parquet/page-values-past-rows"
        let reader = try ParquetReader(path: path)
        XCTAssertThrowsError(try (0..<reader.columns.count).forEach { _ = try reader.read(group: 0, column: $0) }) { error in
            XCTAssertTrue("\(error)".contains("more values than its row group has rows"), "\(error)")
        }
    }
}
