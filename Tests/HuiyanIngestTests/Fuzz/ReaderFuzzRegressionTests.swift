import Foundation
import XCTest
@testable import HuiyanIngest

/// Replays the CSV and NDJSON fuzzers' committed corpora and every crash they found (Fixtures/fuzz-corpus/…,
/// Fixtures/fuzz-crashes/…) through the same harnesses the fuzzers run: each must end without a trap.
final class ReaderFuzzRegressionTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures").path

    func replay(_ target: String, _ run: (UnsafeBufferPointer<UInt8>, String) -> Void) throws -> Int {
        let scratch = try ParsingTempDirectory()
        defer { scratch.remove() }
        var count = 0
        for folder in ["fuzz-corpus/\(target)", "fuzz-crashes/\(target)"] {
            let directory = Self.fixtures + "/" + folder
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted() {
                let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
                bytes.withUnsafeBufferPointer { run($0, scratch.path + "/input") }
                count += 1
            }
        }
        return count
    }

    func testCSVCorpusAndCrashesReplay() throws {
        XCTAssertGreaterThan(try replay("csv") { CSVFuzzHarness.run($0, scratchFile: $1) }, 0)
    }

    func testNDJSONCorpusAndCrashesReplay() throws {
        XCTAssertGreaterThan(try replay("ndjson") { NDJSONFuzzHarness.run($0, scratchFile: $1) }, 0)
    }
}
