import XCTest
@testable import HuiyanStorage
import HuiyanTourism

/// Selecting a block's rows by a range of values straight from the encoded block (what a filter on a column
/// that nothing reads afterwards does): the same rows as testing the decoded values, for every encoding and
/// width, ranges inside, around and outside the values, and blocks whose length leaves a tail.
final class SelectRowsTests: XCTestCase {
    /// Selects `range` from the encoded values and compares with the rows whose value lies in it; returns
    /// the encoding used.
    @discardableResult
    private func check(_ values: [Int64], _ range: ClosedRange<Int64>, file: StaticString = #filePath, line: UInt = #line) -> IntegerEncoding {
        let payload = encodedBlock(values)
        var selection = [Int32](repeating: -1, count: values.count)
        let n = payload.withUnsafeBytes { raw in
            selection.withUnsafeMutableBufferPointer { try? IntegerBlockCodec.select(raw, count: values.count, within: range, into: $0.baseAddress!) }
        }
        let expected = values.indices.filter { range.contains(values[$0]) }.map(Int32.init)
        XCTAssertEqual(n.map { Array(selection.prefix($0)) }, expected, "range \(range) of \(values.count) values", file: file, line: line)
        return IntegerEncoding(rawValue: payload[0])!
    }

    /// Ranges worth trying on `values`: each of a few present values alone, an absent one, both ends, a
    /// middle stretch, everything, nothing, and ranges reaching to the ends of Int64.
    private func ranges(_ values: [Int64]) -> [ClosedRange<Int64>] {
        let lo = values.min()!, hi = values.max()!
        var out: [ClosedRange<Int64>] = [lo...hi, Int64.min...Int64.max, Int64.min...lo, hi...Int64.max, lo...lo, hi...hi]
        for v in values.prefix(3) { out.append(v...v) }
        if hi > lo {
            let mid = lo / 2 + hi / 2
            out += [mid...mid, (lo + 1)...(hi - 1 > lo ? hi - 1 : lo + 1), Int64.min...mid, mid...Int64.max]
        }
        if lo > Int64.min { out.append(Int64.min...(lo - 1)) }
        if hi < Int64.max { out.append((hi + 1)...Int64.max) }
        return out
    }

    func testFrameOfReferenceAtEveryWidthAndLength() {
        var rng = SplitMix64(seed: 21)
        for width in 0...56 {
            for count in [1, 7, 8, 9, 63, 64, 65, 100, 4096, 4099] {
                let top = width == 0 ? 0 : (UInt64(1) << UInt64(width)) - 1
                let base = Int64(rng.below(1000)) - 500
                let values = (0..<count).map { _ in base + Int64(bitPattern: width == 0 ? 0 : rng.next() & top) }
                for range in ranges(values) { check(values, range) }
            }
        }
    }

    func testNarrowCodesComparedWordAtATime() {
        // Widths 1, 2 and 4 compare 64 bits at once: every value of the code range, at lengths around a word.
        var rng = SplitMix64(seed: 22)
        for codes in [2, 3, 4, 9, 16] {
            for count in [31, 32, 33, 64, 65, 1000, 65_536] {
                let values = (0..<count).map { _ in Int64(rng.below(codes)) }
                for code in 0..<Int64(codes + 1) {
                    XCTAssertEqual(check(values, code...code), .frameOfReference)
                }
                check(values, 1...2)
            }
        }
        // Words with no equal field (skipped whole), every field equal, and a few.
        for top: Int64 in [1, 3, 9] {           // widths 1, 2 and 4
            for count in [64, 1000, 65_536] {
                // Stretches of 200 values where code 1 is almost every value, almost none, or half.
                let values = (0..<count).map { i -> Int64 in
                    let perMillion: UInt64 = [990_000, 5_000, 500_000][(i / 200) % 3]
                    return i == 0 ? top : rng.chance(perMillion) ? 1 : Int64(rng.below(Int(top) + 1))
                }
                for code in 0...2 as ClosedRange<Int64> {
                    let encoding = check(values, code...code)
                    if count > 64 { XCTAssertEqual(encoding, .frameOfReference) }   // 64 codes of ten may be fewer
                }
            }
        }
    }

    func testScaledValues() {
        // Money in whole yuan (scale 100): range ends between multiples select the same rows as the values.
        var rng = SplitMix64(seed: 23)
        let values = (0..<5000).map { _ in Int64(rng.below(300)) * 100 + 1000 }
        for range in ranges(values) + [1050...1950, 1001...1099, 999...1000, 1100...1100, 1101...1199] { check(values, range) }
    }

    func testOtherEncodingsAreDecodedFirst() {
        var rng = SplitMix64(seed: 24)
        // Times in order (delta), a few money amounts (per-block dictionary), ids (interleaved), extremes (plain).
        var t: Int64 = 1_735_660_800_000_000
        let times = (0..<4096).map { _ -> Int64 in t += Int64(rng.below(5_000_000)); return t }
        let money: [Int64] = (0..<4096).map { _ in [1999, 8000, 12_050, 60_000, -300][rng.below(5)] }
        var next: Int64 = 400_000
        let ids = (0..<4096).map { _ -> Int64 in
            if rng.chance(660_000) { next += 1; return next }
            return Int64(rng.below(Int(next)))
        }
        let extremes: [Int64] = (0..<1000).map { _ in rng.chance(500_000) ? Int64.min + Int64(rng.below(10)) : Int64.max - Int64(rng.below(10)) }
        for values in [times, money, ids, extremes] {
            for range in ranges(values) { check(values, range) }
        }
    }

    func testDamagedPayloadsAreRefusedOrSelectSafely() {
        var rng = SplitMix64(seed: 25)
        let values = (0..<4096).map { _ in Int64(rng.below(7)) }
        let payload = encodedBlock(values)
        var selection = [Int32](repeating: 0, count: 4096)
        for trial in 0..<500 {
            var damaged = payload
            if trial % 3 == 0 { damaged.removeLast(rng.below(min(64, damaged.count - 1)) + 1) }
            else { damaged[rng.below(damaged.count)] ^= UInt8(rng.below(255) + 1) }
            let n = damaged.withUnsafeBytes { raw in
                selection.withUnsafeMutableBufferPointer { try? IntegerBlockCodec.select(raw, count: 4096, within: 3...3, into: $0.baseAddress!) }
            }
            if let n {
                XCTAssertLessThanOrEqual(n, 4096)
                XCTAssertTrue(selection.prefix(n).allSatisfy { $0 >= 0 && $0 < 4096 })
            }
        }
    }
}

/// Counting a block's codes straight from the encoded block (count(*) by a string column): the same
/// histogram as counting the decoded values, and codes outside the dictionary reported.
final class CountCodesTests: XCTestCase {
    private func counted(_ values: [Int64], slots: Int) -> [Int64]? {
        let encoded = encodedBlock(values)
        var counts = [Int64](repeating: 0, count: slots)
        let inside = encoded.withUnsafeBytes { raw in
            counts.withUnsafeMutableBufferPointer { try? IntegerBlockCodec.count(raw, count: values.count, into: $0) }
        }
        return inside == true ? counts : nil
    }

    private func histogram(_ values: [Int64], slots: Int) -> [Int64] {
        var counts = [Int64](repeating: 0, count: slots)
        for v in values { counts[Int(v)] += 1 }
        return counts
    }

    func testCodesOfEveryWidthAndEncoding() {
        var rng = SplitMix64(seed: 41)
        for slots in [1, 2, 3, 7, 16, 27, 200, 5000, 70_000] {
            for count in [1, 8, 9, 100, 4096, 65_536] {
                let random = (0..<count).map { _ in Int64(rng.below(slots)) }
                // A skewed column (one code most of the time) and one whose codes start above 0.
                let skewed = (0..<count).map { _ in rng.chance(700_000) ? Int64(slots - 1) : Int64(rng.below(slots)) }
                let high = (0..<count).map { _ in Int64(slots / 2 + rng.below(max(1, slots - slots / 2))) }
                for values in [random, skewed, high] {
                    XCTAssertEqual(counted(values, slots: slots), histogram(values, slots: slots), "\(slots) codes, \(count) rows")
                }
            }
        }
        // Ascending ids (delta and interleaved encodings) are decoded first, then counted.
        let ids = (0..<4096).map { Int64($0 * 3) }
        XCTAssertEqual(counted(ids, slots: 20_000), histogram(ids, slots: 20_000))
    }

    func testPairsOfCodesCountInTheRowOfTheirFirstCode() {
        // With another column's codes as `firsts`, each value counts at firsts[i] · stride + value: the same
        // as counting the pairs one by one, for packed widths, skew and ids decoded first; codes outside
        // the limit reported.
        var rng = SplitMix64(seed: 43)
        for (slots, firstSlots) in [(1, 3), (5, 8), (27, 7), (200, 30), (5000, 2), (20_000, 3)] {
            let stride = slots + 1
            for count in [1, 9, 4096, 65_536] {
                let firsts = (0..<count).map { _ in UInt16(rng.below(firstSlots)) }
                let random = (0..<count).map { _ in Int64(rng.below(slots)) }
                let ids = (0..<count).map { Int64($0 % slots) }
                for values in [random, ids] {
                    var expected = [Int64](repeating: 0, count: firstSlots * stride)
                    for i in 0..<count { expected[Int(firsts[i]) * stride + Int(values[i])] += 1 }
                    var counts = [Int64](repeating: 0, count: firstSlots * stride)
                    let inside = encodedBlock(values).withUnsafeBytes { raw in
                        counts.withUnsafeMutableBufferPointer { all in
                            firsts.withUnsafeBufferPointer {
                                try? IntegerBlockCodec.count(raw, count: count, into: all, limit: slots, by: $0.baseAddress!, stride: stride)
                            }
                        }
                    }
                    XCTAssertEqual(inside, true, "\(slots) × \(firstSlots), \(count) rows")
                    XCTAssertEqual(counts, expected, "\(slots) × \(firstSlots), \(count) rows")
                }
            }
        }
        let firsts = [UInt16](repeating: 1, count: 4096)
        var counts = [Int64](repeating: 0, count: 2 * 9)
        let outside = encodedBlock((0..<4096).map { Int64($0 % 9) }).withUnsafeBytes { raw in
            counts.withUnsafeMutableBufferPointer { all in
                firsts.withUnsafeBufferPointer { try? IntegerBlockCodec.count(raw, count: 4096, into: all, limit: 8, by: $0.baseAddress!, stride: 9) }
            }
        }
        XCTAssertEqual(outside, false)
    }

    func testCodesOutsideTheDictionaryAreReported() {
        XCTAssertNil(counted([0, 1, 2, 3], slots: 3))
        XCTAssertNil(counted((0..<4096).map { Int64($0 % 9) }, slots: 8))
        XCTAssertNil(counted((0..<4096).map { Int64($0 * 5) }, slots: 20_000))
        XCTAssertNotNil(counted((0..<4096).map { Int64($0 % 8) }, slots: 8))
    }
}
