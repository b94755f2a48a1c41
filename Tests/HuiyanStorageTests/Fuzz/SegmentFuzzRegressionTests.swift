import Foundation
import XCTest
@testable import HuiyanStorage
import HuiyanTourism

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

    func testResealingKeepsEachFilesFormatVersion() throws {
        // The corpus is mostly format 1 files: resealing must parse and write their footers in their own
        // layout, or the resealed half of the corpus never reaches the decoders.
        let resealed = Self.inputs("fuzz-corpus/segment").filter { file in
            guard let bytes = try? [UInt8](Data(contentsOf: URL(fileURLWithPath: file))), bytes.count > 1 else { return false }
            return SegmentFuzzHarness.reseal(Array(bytes[1...])) != nil
        }
        XCTAssertGreaterThan(resealed.count, 100)
    }

    func testDamagedTotalsPerCodeBehindValidChecksumsAreDamage() throws {
        // Bytes of a format 3 segment's totals per code changed and every checksum recomputed: the summary
        // decoder sees arbitrary data and must report damage, never trap.
        let dir = TestDirectory()
        let schema = TableSchema(name: "k", columns: [ColumnDefinition("spot", .string, nullable: true), ColumnDefinition("v", .money)])
        let builder = SegmentBuilder(schema: schema)
        for i in 0..<3000 {
            if i % 9 == 0 { builder.columns[0].appendNull() } else { builder.columns[0].appendString(["东洲岛", "石鼓书院", "南岳衡山"][i % 3]) }
            builder.columns[1].appendInt64(Int64(i * 7))
        }
        _ = try SegmentWriter.write(builder, to: dir.file("k.hyseg"))
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir.file("k.hyseg"))))
        let summary = try XCTUnwrap(try SegmentReader(path: dir.file("k.hyseg")).columns[0].summary)
        var rng = SplitMix64(seed: 7)
        var reached = 0
        for _ in 0..<300 {
            var bytes = original
            let at = Int(summary.offset) + rng.below(Int(summary.storedLength))
            bytes[at] = UInt8(truncatingIfNeeded: rng.next())
            guard let resealed = SegmentFuzzHarness.reseal(bytes) else { continue }
            reached += 1
            ([1] + resealed).withUnsafeBufferPointer { SegmentFuzzHarness.run($0, scratchFile: dir.file("segment")) }
            _ = FileManager.default.createFile(atPath: dir.file("r.hyseg"), contents: Data(resealed))
            do { _ = try SegmentReader(path: dir.file("r.hyseg")).codeSummary(column: 0) } catch is StorageError {}
        }
        XCTAssertGreaterThan(reached, 250)
    }

    /// fuzz-crashes/segment/footer-range-offset-overflow: a block offset near 2^64 made `offset + length` trap.
    func testAFooterRangeWhoseEndOverflowsIsDamageNotATrap() throws {
        let range = StoredRange(offset: UInt64.max - 3, storedLength: 100, rawLength: 100, codec: .none, checksum: 0)
        let footer = SegmentFooter(rowCount: 1, columns: [SegmentColumnInfo(
            definition: ColumnDefinition("n", .int64), nullCount: 0, plainBytes: 8, dictionary: nil, dictionaryCount: 0,
            blocks: [BlockInfo(range: range, rowCount: 1, nullCount: 0, min: 0, max: 0)])])
        let bytes = footer.encoded()
        XCTAssertThrowsError(try bytes.withUnsafeBytes { try SegmentFooter.decode($0, fileSize: 4096, version: SegmentFormat.version) })
    }

    /// fuzz-crashes/segment/lz4-raw-length-beyond-int32: a raw length beyond Int32 trapped in the liblz4 call
    /// (and sized a 4 GiB buffer); such a length is now refused by the footer, and LZ4Codec refuses it too.
    func testAnImpossibleDecompressedLengthIsDamageNotATrap() throws {
        let range = StoredRange(offset: 16, storedLength: 10, rawLength: UInt32.max, codec: .lz4, checksum: 0)
        let footer = SegmentFooter(rowCount: 1, columns: [SegmentColumnInfo(
            definition: ColumnDefinition("n", .int64), nullCount: 0, plainBytes: 8, dictionary: nil, dictionaryCount: 0,
            blocks: [BlockInfo(range: range, rowCount: 1, nullCount: 0, min: 0, max: 0)])])
        XCTAssertThrowsError(try footer.encoded().withUnsafeBytes { try SegmentFooter.decode($0, fileSize: 4096, version: SegmentFormat.version) })
        let source: [UInt8] = [0x10, 0x41]
        let destination = UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(bitPattern: 0x1000), count: Int(Int32.max) + 1)
        XCTAssertFalse(source.withUnsafeBytes { LZ4Codec.decompress($0, into: destination) })
    }
}
