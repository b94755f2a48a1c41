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

    /// Values of four shapes: spread wide, few distinct, skewed (most in a sliver of the span), the ends of Int64.
    private func shapedValues(_ n: Int, shape: Int, seed: UInt64) -> [Int64] {
        var state = seed
        return (0..<n).map { i -> Int64 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let r = Int64(state >> 24)
            switch shape {
            case 0: return r % (1 << 40) - (1 << 39)
            case 1: return r % 5
            case 2: return i % 1000 == 0 ? r : r % 100
            default: return i % 9 == 0 ? .min : i % 9 == 1 ? .max : r - (1 << 39)
            }
        }
    }

    func testBucketSelectionFindsTheValuesASortPutsAtEachPositionOfEachGroup() {
        for shape in 0..<4 {
            let groups = 5
            let values = shapedValues(90_000, shape: shape, seed: UInt64(shape) + 11)
            // Two collections (threads): the second's groups numbered the other way round, then merged.
            var mine = GroupedValues(), theirs = GroupedValues()
            var expected = [[Int64]](repeating: [], count: groups)
            for (i, v) in values.enumerated() {
                let g = (i * 7 + i / 3) % groups
                if g == 4 { continue }    // group 4 stays empty
                expected[g].append(v)
                if i % 3 == 0 { theirs.append(v, group: Int32(groups - 1 - g)) } else { mine.append(v, group: Int32(g)) }
            }
            mine.merge(theirs, mapping: (0..<Int32(groups)).reversed())
            let positions = { (n: Int) in Array(Set([0, n / 2, n / 2 + 1, n * 9 / 10, n - 1].filter { $0 >= 0 && $0 < n })).sorted() }
            let selected = BucketSelection.select(&mine, groups: groups, threads: 2, positions: positions)
            XCTAssertEqual(mine.count, 0)
            for g in 0..<groups {
                let sorted = expected[g].sorted()
                XCTAssertEqual(selected[g].count, sorted.count, "shape \(shape) group \(g)")
                XCTAssertEqual(selected[g].values, positions(sorted.count).map { sorted[$0] }, "shape \(shape) group \(g)")
            }
        }
    }

    func testQuantileSketchAnswersWithinItsRankErrorBoundAfterMerges() {
        let n = 200_000
        for shape in 0..<4 {
            var values = shapedValues(n, shape: shape, seed: UInt64(shape) + 3)
            if shape == 2 { values.sort() }    // sorted input as well
            // Four threads' sketches, merged.
            var parts = [QuantileSketch](repeating: QuantileSketch(), count: 4)
            for (i, v) in values.enumerated() { parts[i * 4 / n].add(v) }
            var sketch = parts[0]
            for p in parts.dropFirst() { sketch.merge(p) }
            XCTAssertEqual(sketch.count, n)
            let sorted = values.sorted()
            for q in [0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0] {
                let rank = Int((Double(n - 1) * q).rounded(.down))
                let (answer, _) = sketch.values(aroundRank: rank)!
                // The ranks the answer holds in the data; the distance from the rank asked to them.
                let first = Self.count(sorted) { $0 < answer }, end = Self.count(sorted) { $0 <= answer }
                XCTAssertLessThan(first, end, "the answer is one of the values")
                let error = rank < first ? first - rank : rank >= end ? rank - end + 1 : 0
                XCTAssertLessThanOrEqual(Double(error) / Double(n), 0.0165, "shape \(shape), q \(q)")
            }
        }
    }

    func testQuantileSketchIsExactBelowItsCapacity() {
        var sketch = QuantileSketch()
        let values = shapedValues(QuantileSketch.k - 1, shape: 0, seed: 5)
        for v in values { sketch.add(v) }
        let sorted = values.sorted()
        for r in 0..<(sorted.count - 1) { XCTAssertTrue(sketch.values(aroundRank: r)! == (sorted[r], sorted[r + 1])) }
        XCTAssertNil(QuantileSketch().values(aroundRank: 0))
    }

    /// How many values of a sorted array come before the first for which `below` is false.
    private static func count(_ sorted: [Int64], below: (Int64) -> Bool) -> Int {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if below(sorted[mid]) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
