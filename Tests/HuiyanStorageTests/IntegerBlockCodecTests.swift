import XCTest
@testable import HuiyanStorage

final class IntegerBlockCodecTests: XCTestCase {
    private func roundTrip(_ values: [Int64], file: StaticString = #filePath, line: UInt = #line) -> (IntegerEncoding, Int) {
        let encoded = encodedBlock(values)
        var decoded = [Int64](repeating: -1, count: values.count)
        let ok = encoded.withUnsafeBytes { raw in
            decoded.withUnsafeMutableBufferPointer { out in
                (try? IntegerBlockCodec.decode(raw, count: values.count, into: out.baseAddress!)) != nil
            }
        }
        XCTAssertTrue(ok, "decoding failed", file: file, line: line)
        XCTAssertEqual(decoded, values, file: file, line: line)
        return (IntegerEncoding(rawValue: encoded[0])!, encoded.count)
    }

    func testSortedTimestampsAtSecondResolutionUseDeltaWithScale() {
        var rng = SystemRandomNumberGenerator()
        var ts: Int64 = 1_735_660_800_000_000
        let values: [Int64] = (0..<65_536).map { _ in ts += Int64.random(in: 0...3, using: &rng) * 1_000_000; return ts }
        let (encoding, size) = roundTrip(values)
        XCTAssertEqual(encoding, .delta)
        XCTAssertLessThanOrEqual(size, 33 + 65_536 * 2 / 8 + 1, "two bits per timestamp")
    }

    func testANightGapWidensOnlyItsMiniBlock() {
        // A day of arrivals one to three seconds apart, then a gap of eight hours, then another day.
        var ts: Int64 = 1_735_660_800_000_000
        var values: [Int64] = []
        for i in 0..<65_536 {
            ts += (i == 30_000 ? 8 * 3600 : Int64(1 + i % 3)) * 1_000_000
            values.append(ts)
        }
        let (encoding, size) = roundTrip(values)
        XCTAssertEqual(encoding, .deltaMiniBlocks)
        XCTAssertLessThan(size, 65_536 * 2 / 8 + 65_536 / 128 * 2 + 300, "two bits a delta, one mini-block of 15 bits")
        // Mini-blocks of every width, and a short last one.
        for count in [2, 129, 130, 257, 1000] {
            var v: Int64 = 0
            let mixed = (0..<count).map { i -> Int64 in v += Int64(i / 128 % 7 == 3 ? Int.random(in: 0...1 << 40) : Int.random(in: 0...3)); return v }
            _ = roundTrip(mixed)
        }
    }

    func testRandomSmallRangeUsesFrameOfReference() {
        let values: [Int64] = (0..<10_000).map { _ in Int64.random(in: 1000...1255) }
        let (encoding, size) = roundTrip(values)
        XCTAssertEqual(encoding, .frameOfReference)
        XCTAssertLessThanOrEqual(size, 25 + 10_000)
    }

    func testExtremesFallBackToPlain() {
        let values: [Int64] = [Int64.min, Int64.max, 0, -1, 1, Int64.min, Int64.max]
        let (encoding, _) = roundTrip(values)
        XCTAssertEqual(encoding, .plain)
    }

    func testConstantBlockTakesNoBits() {
        let (encoding, size) = roundTrip([Int64](repeating: 42, count: 65_536))
        XCTAssertEqual(encoding, .frameOfReference)
        XCTAssertEqual(size, 1 + 8 + 8 + 1, "encoding byte, base, scale, width: no packed bits")
    }

    func testEveryWidthAndOddCounts() {
        for width in 0...56 {
            for count in [1, 2, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1023, 1024, 1025, 3000] {
                let top: UInt64 = width == 0 ? 0 : (width == 64 ? .max : (1 << UInt64(width)) - 1)
                let values = (0..<count).map { i -> Int64 in
                    i % 3 == 0 ? Int64(bitPattern: top) - 5 : Int64(bitPattern: UInt64.random(in: 0...top)) - 5
                }
                _ = roundTrip(values)
                _ = roundTrip(values.sorted())
            }
        }
    }

    func testTruncatedPayloadThrows() {
        let values: [Int64] = (0..<1000).map { Int64($0 * 7919 % 1000) }
        let encoded = encodedBlock(values)
        let out = UnsafeMutablePointer<Int64>.allocate(capacity: 1000)
        defer { out.deallocate() }
        for cut in [0, 1, 9, encoded.count / 2, encoded.count - 1] {
            let failed = Array(encoded[0..<cut]).withUnsafeBytes { raw in
                (try? IntegerBlockCodec.decode(raw, count: 1000, into: out)) == nil
            }
            XCTAssertTrue(failed, "a payload cut at \(cut) bytes must not decode")
        }
    }
}
