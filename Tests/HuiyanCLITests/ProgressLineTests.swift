import XCTest
@testable import HuiyanCLI
@testable import HuiyanQuery

/// The progress line of a long statement: how many of the blocks to read are read, and an estimate of the
/// time left once a tenth is.
final class ProgressLineTests: XCTestCase {
    func testTheLineSaysHowFarAndHowLong() {
        let statistics = QueryStatistics()
        XCTAssertEqual(QueryWatch.progress(statistics, seconds: 1), "")
        statistics.addBlockScanned()
        XCTAssertEqual(QueryWatch.progress(statistics, seconds: 1), " · 1 block read", "the total is not known yet")
        statistics.addBlocksPlanned(1_222)
        XCTAssertEqual(QueryWatch.progress(statistics, seconds: 1), " · 0 % of 1,222 blocks")
        for _ in 0..<305 { statistics.addBlockScanned() }
        XCTAssertEqual(QueryWatch.progress(statistics, seconds: 2), " · 25 % of 1,222 blocks, about 6 s left")
        for _ in 0..<916 { statistics.addBlockSkippedByTopN() }
        XCTAssertEqual(QueryWatch.progress(statistics, seconds: 3), " · 1,222 blocks read, finishing")
    }
}
