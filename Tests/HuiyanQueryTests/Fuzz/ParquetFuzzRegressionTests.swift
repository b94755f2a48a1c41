import Foundation
import XCTest

/// Replays the Parquet fuzzer's committed corpus (Fixtures/fuzz-corpus/parquet: files pyarrow and DuckDB wrote
/// with each codec and page form, and the inputs fuzzing kept) through the harness the fuzzer runs: each
/// must end without a trap.
final class ParquetFuzzRegressionTests: XCTestCase {
    func testTheCorpusReplays() throws {
        let folder = QueryTestCase.fixtures + "/fuzz-corpus/parquet"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        let scratch = NSTemporaryDirectory() + "huiyan-parquet-fuzz-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder + "/" + file)))
            bytes.withUnsafeBufferPointer { ParquetFuzzHarness.run($0, scratchFile: scratch) }
        }
        XCTAssertGreaterThan(files.count, 5)
    }
}
