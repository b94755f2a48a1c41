import Foundation
import XCTest
@testable import HuiyanStorage

/// Replays the segment fuzzer's committed corpus and every crash it found (Fixtures/fuzz-corpus/segment,
/// Fixtures/fuzz-crashes/segment) through the same harness the fuzzer runs: each must end without a trap.
final class SegmentFuzzRegressionTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures").path

    static func inputs(_ folder: String) -> [String] {
        let directory = fixtures + "/" + folder
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted().map { directory + "/" + $0 }
    }

    func replay(_ folder: String) throws -> Int {
        let scratch = TestDirectory()
        let files = Self.inputs(folder)
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
            bytes.withUnsafeBufferPointer { SegmentFuzzHarness.run($0, scratchFile: scratch.file("segment")) }
        }
        return files.count
    }

    func testEveryCrashFoundByTheFuzzerIsFixed() throws {
        XCTAssertGreaterThan(try replay("fuzz-crashes/segment"), 0)
    }

    func testTheCorpusReplays() throws {
        XCTAssertGreaterThan(try replay("fuzz-corpus/segment"), 0)
    }

    /// fuzz-crashes/segment/footer-range-offset-overflow: a block offset near 2^64 made `offset + length` trap.
    func testAFooterRangeWhoseEndOverflowsIsDamageNotATrap() throws {
        let range = StoredRange(offset: UInt64.max - 3, storedLength: 100, rawLength: 100, codec: .none, checksum: 0)
        let footer = SegmentFooter(rowCount: 1, columns: [SegmentColumnInfo(
            definition: ColumnDefinition("n", .int64), nullCount: 0, plainBytes: 8, dictionary: nil, dictionaryCount: 0,
            blocks: [BlockInfo(range: range, rowCount: 1, nullCount: 0, min: 0, max: 0)])])
        let bytes = footer.encoded()
        XCTAssertThrowsError(try bytes.withUnsafeBytes { try SegmentFooter.decode($0, fileSize: 4096) })
    }

    /// fuzz-crashes/segment/lz4-raw-length-beyond-int32: a raw length beyond Int32 trapped in the liblz4 call
    /// (and sized a 4 GiB buffer); such a length is now refused by the footer, and LZ4Codec refuses it too.
    func testAnImpossibleDecompressedLengthIsDamageNotATrap() throws {
        let range = StoredRange(offset: 16, storedLength: 10, rawLength: UInt32.max, codec: .lz4, checksum: 0)
        let footer = SegmentFooter(rowCount: 1, columns: [SegmentColumnInfo(
            definition: ColumnDefinition("n", .int64), nullCount: 0, plainBytes: 8, dictionary: nil, dictionaryCount: 0,
            blocks: [BlockInfo(range: range, rowCount: 1, nullCount: 0, min: 0, max: 0)])])
        XCTAssertThrowsError(try footer.encoded().withUnsafeBytes { try SegmentFooter.decode($0, fileSize: 4096) })
        let source: [UInt8] = [0x10, 0x41]
        let destination = UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(bitPattern: 0x1000), count: Int(Int32.max) + 1)
        XCTAssertFalse(source.withUnsafeBytes { LZ4Codec.decompress($0, into: destination) })
    }
}
