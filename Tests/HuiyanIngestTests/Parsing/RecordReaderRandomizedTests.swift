import XCTest
@testable import HuiyanIngest
import HuiyanTourism

/// Random small inputs made of the bytes the readers care about, read with several chunk sizes
/// and record limits: every chunking must report exactly what the single-chunk reading reports.
final class RecordReaderRandomizedTests: XCTestCase {
    private var dir: ParsingTempDirectory!

    override func setUpWithError() throws { dir = try ParsingTempDirectory() }
    override func tearDown() { dir.remove() }

    private func randomBytes(_ pieces: [[UInt8]], count: Int, using rng: inout SplitMix64) -> [UInt8] {
        var out: [UInt8] = []
        for _ in 0..<count { out += pieces[Int(rng.next() % UInt64(pieces.count))] }
        return out
    }

    func testRandomCSVReadsTheSameInEveryChunking() throws {
        var rng = SplitMix64(seed: 0x4855_4959_414E)
        let pieces: [[UInt8]] = ["a", "b", ",", ",", "\"", "\"", "\"\"", "\n", "\r", "\r\n", "衡", " "].map { Array($0.utf8) }
            + [[0xEF, 0xBB, 0xBF]]
        for round in 0..<400 {
            let bytes = randomBytes(pieces, count: Int(rng.next() % 30), using: &rng)
            let path = try dir.write("r.csv", bytes: bytes)
            for limit in [CSVRecordReader.defaultMaxRecordBytes, 6] {
                let reference = try ParsingTestSupport.readCSV(path, maxRecordBytes: limit)
                if let last = reference.last {
                    XCTAssertEqual(last.bytesConsumed <= Int64(bytes.count), true)
                }
                XCTAssertEqual(reference.map(\.line), reference.map(\.line).sorted(), "round \(round)")
                for chunkSize in [1, 2, 3, 7] {
                    XCTAssertEqual(try ParsingTestSupport.readCSV(path, chunkSize: chunkSize, maxRecordBytes: limit),
                                   reference, "round \(round), bytes \(bytes), chunk \(chunkSize), limit \(limit)")
                }
            }
        }
    }

    func testRandomNDJSONReadsTheSameInEveryChunking() throws {
        var rng = SplitMix64(seed: 0x4E44_4A53_4F4E)
        let pieces: [[UInt8]] = ["{", "}", "\"", "\"k\"", ":", ",", "1", "-", ".", "e", "true", "null", "\\", "\\u",
                                 "d83d", "de00", "[", " ", "\n", "\r", "\r\n", "{\"a\":\"x\"}", "衡"].map { Array($0.utf8) }
        for round in 0..<400 {
            let bytes = randomBytes(pieces, count: Int(rng.next() % 24), using: &rng)
            let path = try dir.write("r.ndjson", bytes: bytes)
            for limit in [NDJSONRecordReader.defaultMaxRecordBytes, 8] {
                let reference = try ParsingTestSupport.readNDJSON(path, maxRecordBytes: limit)
                for chunkSize in [1, 2, 3, 7] {
                    XCTAssertEqual(try ParsingTestSupport.readNDJSON(path, chunkSize: chunkSize, maxRecordBytes: limit),
                                   reference, "round \(round), bytes \(bytes), chunk \(chunkSize), limit \(limit)")
                }
            }
        }
    }
}
