import XCTest
@testable import HuiyanTourism

/// The seeded permutation behind the generated ids: a bijection of its range, fixed by seed and salt, and
/// random-looking where the sequence numbers it maps are not.
final class IdPermutationTests: XCTestCase {
    func testEveryNumberOfTheRangeIsHitExactlyOnce() {
        for digits in 1...5 {
            for seed: UInt64 in [0, 7, 0xDEAD_BEEF] {
                let p = IdPermutation(digits: digits, seed: seed, salt: 1)
                let images = (0..<p.range).map { p($0) }
                XCTAssertTrue(images.allSatisfy { $0 < p.range }, "digits \(digits) seed \(seed)")
                XCTAssertEqual(Set(images).count, Int(p.range), "digits \(digits) seed \(seed)")
                XCTAssertNotEqual(images, Array(0..<p.range), "digits \(digits) seed \(seed): not the identity")
            }
        }
    }

    func testNineDigitIdsAreDistinctFixedBySeedAndSalt() {
        let p = IdPermutation(digits: 9, seed: 11, salt: 1)
        XCTAssertEqual(p.range, 1_000_000_000)
        let ids = (0..<200_000 as Range<UInt64>).map { p($0) }
        XCTAssertTrue(ids.allSatisfy { $0 < 1_000_000_000 })
        XCTAssertEqual(Set(ids).count, ids.count)
        XCTAssertEqual(ids, (0..<200_000 as Range<UInt64>).map { IdPermutation(digits: 9, seed: 11, salt: 1)($0) })
        let otherSeed = IdPermutation(digits: 9, seed: 12, salt: 1), otherSalt = IdPermutation(digits: 9, seed: 11, salt: 2)
        XCTAssertLessThan(zip(ids, ids.indices).filter { $0.0 == otherSeed(UInt64($0.1)) }.count, 3)
        XCTAssertLessThan(zip(ids, ids.indices).filter { $0.0 == otherSalt(UInt64($0.1)) }.count, 3)
    }

    func testConsecutiveNumbersGiveUnrelatedIds() {
        for digits in [9, 12, 15] {
            let p = IdPermutation(digits: digits, seed: 3, salt: 9)
            let ids = (0..<100_000 as Range<UInt64>).map { p($0) }
            // A sequence rises every step; random numbers rise half of the time, spread evenly over the range.
            let rises = zip(ids, ids.dropFirst()).filter { $0.0 < $0.1 }.count
            XCTAssertEqual(Double(rises) / Double(ids.count - 1), 0.5, accuracy: 0.01, "digits \(digits)")
            var leading = [Int](repeating: 0, count: 10)
            for id in ids { leading[Int(id / (p.range / 10))] += 1 }
            XCTAssertTrue(leading.allSatisfy { (9_400...10_600).contains($0) }, "digits \(digits): \(leading)")
            // Neighbouring sequence numbers differ in about half of their low bits, not in one or two.
            let flipped = zip(ids, ids.dropFirst()).map { (($0.0 ^ $0.1) & 0xFFFF).nonzeroBitCount }.reduce(0, +)
            XCTAssertEqual(Double(flipped) / Double(ids.count - 1), 8, accuracy: 0.2, "digits \(digits)")
        }
    }
}
