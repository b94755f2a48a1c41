import Foundation
import XCTest
import HuiyanIngest
@testable import HuiyanQuery
import HuiyanStorage
import HuiyanTourism

/// Replays the SQL fuzzer's committed corpus and every crash it found (Fixtures/fuzz-corpus/sql,
/// Fixtures/fuzz-crashes/sql) through the same harness the fuzzer runs: each must end without a trap.
final class SQLFuzzRegressionTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures").path

    func testSQLCorpusAndCrashesReplay() throws {
        let directory = NSTemporaryDirectory() + "huiyan-sqlfuzz-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try Database.create(at: directory, tables: FeedCatalog.all)
        var count = 0
        for folder in ["fuzz-corpus/sql", "fuzz-crashes/sql"] {
            let path = Self.fixtures + "/" + folder
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() {
                let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path + "/" + name)))
                bytes.withUnsafeBufferPointer { SQLFuzzHarness.run($0, database: database) }
                count += 1
            }
        }
        XCTAssertGreaterThan(count, 0)
    }
}
