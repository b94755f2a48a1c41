import XCTest
@testable import HuiyanStorage

/// Decoding only some rows of a block into their own slots (what a scan does for the columns after a
/// selective filter): the same values as decoding the block whole, for every encoding, sparse and dense
/// selections, and damage reported.
final class SelectedRowsDecodingTests: XCTestCase {
    /// Decodes `rows` of the encoded block and checks them against `values`; returns the encoding used.
    @discardableResult
    private func check(_ values: [Int64], rows: [Int32], file: StaticString = #filePath, line: UInt = #line) -> IntegerEncoding {
        let payload = encodedBlock(values)
        var out = [Int64](repeating: -1, count: values.count)
        let inRange = decode(payload, count: values.count, rows: rows, into: &out, within: values.min()!...values.max()!)
        XCTAssertEqual(inRange, true, "decoding failed or refused the values' own range", file: file, line: line)
        let kept = rows.map { out[Int($0)] }
        XCTAssertEqual(kept, rows.map { values[Int($0)] }, file: file, line: line)
        // A range that leaves out the largest value read is reported.
        if let lo = kept.min(), let hi = kept.max(), lo < hi {
            var again = [Int64](repeating: -1, count: values.count)
            let narrower = decode(payload, count: values.count, rows: rows, into: &again, within: values.min()!...(hi - 1))
            XCTAssertEqual(narrower, false, "a value above the range went unreported", file: file, line: line)
        }
        return IntegerEncoding(rawValue: payload[0])!
    }

    /// Decodes `rows` of `payload` (a block of `count` values) into `out`; whether the values read lie in
    /// `allowed`, nil when the payload is refused.
    private func decode(_ payload: [UInt8], count: Int, rows: [Int32], into out: inout [Int64],
                        within allowed: ClosedRange<Int64>? = nil) -> Bool? {
        payload.withUnsafeBytes { raw in
            rows.withUnsafeBufferPointer { r in
                out.withUnsafeMutableBufferPointer { o in
                    try? IntegerBlockCodec.decode(raw, count: count, rows: r, into: o.baseAddress!, within: allowed)
                }
            }
        }
    }

    /// Decodes `rows` of `payload` (a block of `count` values); nil when it is refused.
    private func decode(_ payload: [UInt8], count: Int, rows: [Int32]) -> Bool? {
        var out = [Int64](repeating: 0, count: count)
        return decode(payload, count: count, rows: rows, into: &out)
    }

    private func selections(of count: Int) -> [[Int32]] {
        let all = (0..<Int32(count)).map { $0 }
        return [
            [0], [Int32(count - 1)], [0, Int32(count - 1)],                         // the ends (the last row's load is padded)
            all.filter { $0 % 97 == 3 },                                           // about 1 %: read row by row
            all.filter { _ in Bool.random() && Bool.random() },  // about 25 %
            all.filter { $0 % 2 == 0 },                                            // half: decoded whole, gathered
            all,
        ]
    }

    func testFrameOfReferenceRowsMatchTheWholeBlock() {
        let values = (0..<5000).map { _ in Int64.random(in: 0..<1_000_000) }
        for rows in selections(of: values.count) { XCTAssertEqual(check(values, rows: rows), .frameOfReference) }
        // Widths from 1 to the widest, and a scale (whole yuan in fen).
        for width in [1, 7, 13, 31, 33, 56] {
            let wide = (0..<3000).map { _ in Int64.random(in: 0..<(Int64(1) << Int64(width))) }
            for rows in selections(of: wide.count) { check(wide, rows: rows) }
        }
        let yuan = (0..<3000).map { _ in Int64.random(in: 1...999) * 100 }
        for rows in selections(of: yuan.count) { check(yuan, rows: rows) }
        check([Int64](repeating: 42, count: 1000), rows: [0, 17, 999])   // width 0
    }

    func testDictionaryBlockRowsMatchTheWholeBlock() {
        // Few distinct, widely spread values (money): the per-block dictionary wins.
        let prices: [Int64] = [3990, 19_900, 135_000, 2_480, 1_000_000_000, -500]
        let values = (0..<20_000).map { _ in prices.randomElement()! }
        XCTAssertEqual(encodedBlock(values)[0], IntegerEncoding.dictionary.rawValue)
        for rows in selections(of: values.count) { check(values, rows: rows) }
    }

    func testOtherEncodingsAreDecodedWholeAndGathered() {
        var t: Int64 = 1_735_660_800_000_000
        let times = (0..<8000).map { _ -> Int64 in t += Int64.random(in: 0...3) * 1_000_000; return t }
        for rows in selections(of: times.count) { check(times, rows: rows) }
        let ids = (0..<8000).map { i -> Int64 in i % 3 == 0 ? Int64.random(in: 0..<1 << 20) : Int64(1 << 20 + i) }
        for rows in selections(of: ids.count) { check(ids, rows: rows) }
    }

    func testDamageIsReportedNotCrashedOn() {
        let prices: [Int64] = [3990, 19_900, 135_000]
        let values = (0..<4096).map { _ in prices.randomElement()! }
        let payloads = [encodedBlock(values), encodedBlock((0..<4096).map { Int64($0 * 7919 % 4096) })]
        for payload in payloads {
            for trial in 0..<300 {
                var damaged = payload
                if trial % 3 == 0 { damaged.removeLast(Int.random(in: 1...min(64, damaged.count - 1))) }
                else { damaged[Int.random(in: 0..<damaged.count)] ^= UInt8.random(in: 1...255) }
                _ = decode(damaged, count: 4096, rows: [1, 100, 2000, 4095])
            }
        }
        // Rows past the block are refused.
        XCTAssertNil(decode(encodedBlock(values), count: 4096, rows: [4096]))
    }
}
