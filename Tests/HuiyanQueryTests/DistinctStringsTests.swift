import XCTest
@testable import HuiyanQuery

/// Exact distinct strings across dictionaries: inline (≤ 15 bytes) and long strings, groups kept apart.
final class DistinctStringsTests: XCTestCase {
    private func run(_ group: Int, _ strings: [String], picking codes: [Int]? = nil) -> DistinctStrings.Run {
        let sorted = Array(Set(strings)).sorted { Evaluator.byteOrder($0, $1) < 0 }
        let pool = StringPool(strings: sorted, isSorted: true)
        var bits = [UInt64](repeating: 0, count: (sorted.count + 63) / 64)
        for c in codes ?? Array(sorted.indices) { bits[c >> 6] |= 1 << UInt64(c & 63) }
        return DistinctStrings.Run(group: group, pool: pool, bits: bits)
    }

    func testOverlappingDictionariesCountEachStringOnce() {
        let long = "一个超过十五个字节的很长的字符串"  // 48 bytes
        let a = run(0, ["", "a", "V0000001", "V0000002", "exactly15bytes!", long, long + "x", "sixteen bytes!!!"])
        let b = run(0, ["", "a", "V0000002", "V0000003", "exactly15bytes?", long, "sixteen bytes!!?"])
        // 8 + (V0000003, exactly15bytes?, sixteen bytes!!?) = 11.
        XCTAssertEqual(DistinctStrings.count([a, b], groups: 1, threads: 2), [11])
    }

    func testGroupsAreCountedApartAndOneDictionaryNeedsNoHashing() {
        let strings = (0..<5000).map { "visitor-\($0)" }
        let runs = [
            run(0, Array(strings[0..<3000])), run(0, Array(strings[2000..<5000])),  // 5000 distinct
            run(1, Array(strings[0..<10])),                                           // one dictionary: 10
            run(2, Array(strings[0..<100]), picking: [0, 1, 2]), run(2, Array(strings[0..<100]), picking: [2, 3]),  // 4
        ]
        XCTAssertEqual(DistinctStrings.count(runs, groups: 4, threads: 2), [5000, 10, 4, 0])
    }

    func testManyRangesAgreeWithASet() {
        // 60,000 strings in 7 overlapping dictionaries, two groups, some long: several ranges of 16,384.
        var generator = SystemRandomNumberGenerator()
        let strings = (0..<60_000).map { i in i % 97 == 0 ? "a string longer than fifteen bytes \(i)" : "V\(String(i * 7919 % 1_000_003))" }
        var runs: [DistinctStrings.Run] = []
        var expected: [Set<String>] = [[], []]
        for d in 0..<7 {
            let group = d % 2
            let picked = (0..<20_000).map { _ in strings[Int.random(in: 0..<strings.count, using: &generator)] }
            runs.append(run(group, picked))
            expected[group].formUnion(picked)
        }
        XCTAssertEqual(DistinctStrings.count(runs, groups: 2, threads: 2), expected.map(\.count))
    }
}
