import Foundation
import XCTest
@testable import HuiyanQuery

/// Replays the logic fuzzer's committed corpus (a sample) and crashes (Fixtures/fuzz-corpus/tlp, Fixtures/fuzz-crashes/tlp)
/// and 60 inputs of a fixed pseudo-random sequence through the harness Fuzz/tlp.swift runs: every query's
/// true, false and NULL partitions must add up to the whole, and every rule off must give the same rows.
final class TLPFuzzRegressionTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures").path

    func testTLPCorpusAndRandomInputsAgree() throws {
        let path = NSTemporaryDirectory() + "huiyan-tlp-\(UUID().uuidString.prefix(8))"
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: path + "-rejects.csv")
        }
        let database = try TLPTables.create(at: path)
        var inputs: [[UInt8]] = []
        for folder in ["fuzz-corpus/tlp", "fuzz-crashes/tlp"] {
            let directory = Self.fixtures + "/" + folder
            var names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
            // Each input runs eight queries (about 0.1 s in a debug build): every crash, and an even sample
            // of 60 corpus inputs unless HUIYAN_TLP_REPLAY_ALL is set.
            if folder.hasPrefix("fuzz-corpus"), names.count > 60, ProcessInfo.processInfo.environment["HUIYAN_TLP_REPLAY_ALL"] == nil {
                names = stride(from: 0, to: names.count, by: names.count / 60 + 1).map { names[$0] }
            }
            for name in names {
                inputs.append(try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))))
            }
        }
        var random = SplitMix(state: 2026)
        for _ in 0..<60 { inputs.append((0..<64).map { _ in UInt8(truncatingIfNeeded: random.next()) }) }
        let before = TLPFuzzHarness.checked.current
        for input in inputs { input.withUnsafeBufferPointer { TLPFuzzHarness.run($0, database: database) } }
        // Most inputs run to the end (the rest hit an overflow or similar error and check nothing).
        print("TLP: \(TLPFuzzHarness.checked.current - before) of \(inputs.count) inputs checked")
        XCTAssertGreaterThan(TLPFuzzHarness.checked.current - before, inputs.count / 2)
    }
}
