import XCTest
@testable import HuiyanQuery

/// The codes of a sorted dictionary a long IN list holds, cached per dictionary and list.
final class InListCodeCacheTests: XCTestCase {
    func testCodesOfTheListAreFoundAndReused() {
        let strings = (0..<500).map { String(format: "id%04d", $0) }
        let pool = StringPool(strings: strings, isSorted: true)
        // Every third id, some ids the dictionary lacks, and a NULL.
        let values = stride(from: 0, to: 600, by: 3).map { Value.string(String(format: "id%04d", $0)) } + [.null]
        let cache = InListCodeCache()
        let wanted = cache.wanted(pool, values)
        XCTAssertEqual(wanted.count, 500)
        XCTAssertEqual(wanted.indices.filter { wanted[$0] }, Array(stride(from: 0, to: 500, by: 3)))
        XCTAssertEqual(cache.wanted(pool, values), wanted, "the same list again")
        // Another list with other contents and another pool are looked up on their own.
        let others = (0..<100).map { Value.string(String(format: "id%04d", $0 * 2)) }
        XCTAssertEqual(cache.wanted(pool, others).indices.filter { cache.wanted(pool, others)[$0] }, Array(stride(from: 0, to: 200, by: 2)))
        let small = StringPool(strings: ["id0003", "zz"], isSorted: true)
        XCTAssertEqual(cache.wanted(small, values), [true, false])
        // A short list is looked up each time (not cached), with the same answer.
        XCTAssertEqual(cache.wanted(pool, [.string("id0499")]).filter { $0 }.count, 1)
    }
}
