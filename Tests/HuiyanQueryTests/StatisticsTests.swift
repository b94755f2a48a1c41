import XCTest
@testable import HuiyanQuery

/// The pieces of the value-keeping aggregates: selection in place, doubles as ordered integer keys, values
/// collected per group across chunks and merged threads.
final class StatisticsTests: XCTestCase {
    func testSelectionPutsTheValueASortWouldAtEveryPosition() {
        var state: UInt64 = 7
        for n in [1, 2, 3, 17, 100, 1000, 5000, 40_000] {
            // Few distinct values (many equal to the pivot, or one radix bucket each), a wide span, a skewed one
            // (most values in the lowest bucket), the whole span of Int64.
            for shape in 0..<5 {
                var values = (0..<n).map { i -> Int64 in
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    let r = Int64(state >> 24)
                    switch shape {
                    case 0: return r % 3 - 1
                    case 1: return r % 1000 - 500
                    case 2: return r % (1 << 40) - (1 << 39)
                    case 3: return (r % (1 << 20)) * (r % (1 << 20)) >> 10
                    default: return i % 7 == 0 ? .min : i % 7 == 1 ? .max : r
                    }
                }
                let sorted = values.sorted()
                for k in Set([0, n / 2, n - 1, n * 9 / 10]) {
                    values.withUnsafeMutableBufferPointer { Selection.select(k, in: $0) }
                    XCTAssertEqual(values[k], sorted[k], "n \(n), k \(k)")
                    XCTAssertTrue(values[..<k].allSatisfy { $0 <= sorted[k] } && values[k...].allSatisfy { $0 >= sorted[k] })
                }
            }
        }
    }

    func testOrderedBitsKeepTheOrderOfDoubles() {
        let doubles: [Double] = [-.infinity, -1e300, -2.5, -0.0, 0.0, 1e-300, 3, .infinity, .nan]
        let keys = doubles.map(OrderedBits.key)
        XCTAssertEqual(keys, keys.sorted())
        XCTAssertEqual(keys.map(OrderedBits.double).dropLast().map(\.bitPattern), doubles.dropLast().map(\.bitPattern))
        XCTAssertTrue(OrderedBits.double(keys.last!).isNaN)
    }

    func testGroupedValuesKeepEachGroupsValuesInOrderAcrossChunksAndMerges() {
        var mine = GroupedValues(), theirs = GroupedValues()
        // More values than a first chunk holds, in three groups.
        for i in 0..<3000 { mine.append(Int64(i), group: Int32(i % 3)) }
        for i in 0..<10 { theirs.append(Int64(10_000 + i), group: Int32(i % 2)) }
        // Their group 0 is our 2, their 1 a new group 3.
        mine.merge(theirs, mapping: [2, 3])
        XCTAssertEqual(mine.count, 3010)
        let (values, offsets) = mine.grouped(groups: 4)
        XCTAssertEqual(offsets, [0, 1000, 2000, 3005, 3010])
        XCTAssertEqual(Array(values[0..<3]), [0, 3, 6])
        XCTAssertEqual(Array(values[2998..<3005]), [2996, 2999, 10_000, 10_002, 10_004, 10_006, 10_008])
        XCTAssertEqual(Array(values[3005...]), [10_001, 10_003, 10_005, 10_007, 10_009])
        XCTAssertEqual(mine.count, 0, "the collection is emptied")
    }
}
