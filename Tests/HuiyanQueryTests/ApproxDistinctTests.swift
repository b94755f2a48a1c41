import XCTest
@testable import HuiyanQuery

/// approx_count_distinct over strings: the estimate of each group is the same whichever way the rows
/// reach the registers (marks per group hashed at the end of a dictionary, or each row's hash looked up
/// when the marks would be too large, or one group alone), and within the stated error of the exact count.
final class ApproxDistinctTests: XCTestCase {
    /// Three dictionaries (segments) of ids, overlapping, each read in two batches; rows spread over
    /// `groups` groups, every seventh row NULL, some rows not selected.
    private struct Feed {
        var batches: [(input: Vector, groups: [Int32], batch: Batch)] = []
        var exact: [Set<String>]

        init(groups: Int) {
            exact = Array(repeating: [], count: groups)
            var rng = SystemRandomNumberGenerator()
            for segment in 0..<3 {
                let ids = Array(Set((0..<40_000).map { _ in "V\(Int.random(in: 0..<90_000, using: &rng) + segment * 10_000)" }))
                    .sorted { Evaluator.byteOrder($0, $1) < 0 }
                let pool = StringPool(strings: ids, isSorted: true)
                for _ in 0..<2 {
                    let n = 30_000
                    let input = Vector(type: .string, count: n)
                    input.pool = pool
                    input.nulls = (0..<n).map { $0 % 7 == 3 ? 1 : 0 }
                    var groupOf = [Int32](repeating: 0, count: n)
                    for i in 0..<n {
                        input.ints[i] = Int64(Int.random(in: 0..<ids.count, using: &rng))
                        groupOf[i] = Int32(Int.random(in: 0..<groups, using: &rng))
                    }
                    let selection = (0..<Int32(n)).filter { $0 % 11 != 5 }
                    for i in selection where input.nulls![Int(i)] == 0 {
                        exact[Int(groupOf[Int(i)])].insert(ids[Int(input.ints[Int(i)])])
                    }
                    batches.append((input, groupOf, Batch(count: n, selection: selection)))
                }
            }
        }

        /// The estimates of every group, through one accumulator fed every batch (`pendingBudget` 0: every row
        /// looks its hash up).
        func estimates(groups: Int, pendingBudget: Int = HyperLogLogAccumulator.defaultPendingBudget) throws -> [Int64] {
            let accumulator = HyperLogLogAccumulator(type: .string, pendingBudget: pendingBudget)
            accumulator.reserve(groups: groups)
            for (input, groupOf, batch) in batches { try accumulator.update(input, groups: groupOf, batch) }
            return accumulator.result(groups: groups).ints
        }

        /// The estimate of group `g` alone: its rows only, through an accumulator of one group.
        func estimate(ofGroup g: Int) throws -> Int64 {
            let accumulator = HyperLogLogAccumulator(type: .string)
            accumulator.reserve(groups: 1)
            for (input, groupOf, batch) in batches {
                let rows = batch.selection!.filter { groupOf[Int($0)] == Int32(g) }
                try accumulator.update(input, groups: [Int32](repeating: 0, count: batch.count), Batch(count: batch.count, selection: rows))
            }
            return accumulator.result(groups: 1).ints[0]
        }
    }

    func testEveryPathGivesTheSameEstimateWithinTheError() throws {
        let groups = 5
        let feed = Feed(groups: groups)
        let marked = try feed.estimates(groups: groups)
        let lookedUp = try feed.estimates(groups: groups, pendingBudget: 0)   // every row looks its hash up
        XCTAssertEqual(marked, lookedUp)
        for g in 0..<groups {
            XCTAssertEqual(try feed.estimate(ofGroup: g), marked[g], "group \(g) alone")
            // 2^14 registers: standard error 0.8 %; 3 % is nearly four of them.
            let exact = Double(feed.exact[g].count)
            XCTAssertLessThan(abs(Double(marked[g]) - exact) / exact, 0.03, "group \(g): \(marked[g]) against \(Int(exact))")
        }
    }

    func testTheEstimateHasNoBiasAcrossTheRange() throws {
        // Through the range where the classic estimator switched from linear counting (2.5 · 2^14 = 40,960):
        // it gave 3 % too many there. Each count is a different set of strings (its own pool).
        for n in [1, 10, 100, 1_000, 10_000, 30_000, 40_000, 41_000, 45_000, 60_000, 80_000, 150_000, 300_000] {
            let pool = StringPool(strings: (0..<n).map { "O\(n)-\($0 * 7919 % 1_000_003)" }.sorted { Evaluator.byteOrder($0, $1) < 0 }, isSorted: true)
            let input = Vector(type: .string, count: n)
            input.pool = pool
            for i in 0..<n { input.ints[i] = Int64(i) }
            let accumulator = HyperLogLogAccumulator(type: .string)
            accumulator.reserve(groups: 1)
            try accumulator.update(input, groups: [], Batch(count: n, selection: nil))
            let estimate = Double(accumulator.result(groups: 1).ints[0])
            // Three standard errors (0.81 % each), and exact to one for the smallest.
            XCTAssertLessThanOrEqual(abs(estimate - Double(n)), max(1, 0.025 * Double(n)), "\(n) distinct: \(Int(estimate))")
        }
    }

    func testGroupsWithOnlyNullsOrNoRowsEstimateZero() throws {
        let pool = StringPool(strings: ["a", "b"], isSorted: true)
        let input = Vector(type: .string, count: 4)
        input.pool = pool
        input.ints = [0, 1, 0, 1]
        input.nulls = [0, 0, 1, 1]
        let accumulator = HyperLogLogAccumulator(type: .string)
        accumulator.reserve(groups: 3)
        // Group 1 sees NULLs only; group 2 no row.
        try accumulator.update(input, groups: [0, 0, 1, 1], Batch(count: 4, selection: nil))
        XCTAssertEqual(accumulator.result(groups: 3).ints, [2, 0, 0])
        // A block of a column that is NULL throughout: its dictionary is empty.
        let empty = Vector(type: .string, count: 3)
        empty.pool = StringPool(strings: [], isSorted: true)
        empty.nulls = [1, 1, 1]
        try accumulator.update(empty, groups: [0, 1, 2], Batch(count: 3, selection: nil))
        XCTAssertEqual(accumulator.result(groups: 3).ints, [2, 0, 0])
    }
}
