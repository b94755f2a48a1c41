import XCTest
@testable import HuiyanValues

/// A DATE column's values: days since 1970-01-01, no zone, a day alone.
final class ValueParsingDateTests: XCTestCase {
    private func day(_ s: String) -> ParsedValue<Int64> {
        ValueTestSupport.withBytes(s) { ValueParsing.parseDateDays($0) }
    }

    func testDaysAreCountedFromTheEpochWithoutAZone() {
        XCTAssertEqual(day("1970-01-01").value, 0)
        XCTAssertEqual(day("2025-10-01").value, 20_362)     // Python: (date(2025,10,1) - date(1970,1,1)).days
        XCTAssertEqual(day("1969-12-31").value, -1)
        XCTAssertEqual(day("2024-02-29").value, 19_782)
    }

    func testAnythingButADayIsRefusedWithItsReason() {
        XCTAssertEqual(day("2025-02-29").error, .invalidDate(.day(29, month: 2, year: 2025)))
        XCTAssertEqual(day("2025-13-01").error, .invalidDate(.month(13)))
        XCTAssertEqual(day("2025-03-01 10:00").error, .invalidDate(.malformed))
        XCTAssertEqual(day("2025/03/01").error, .invalidDate(.malformed))
        XCTAssertEqual(day(" 2025-03-01").error, .surroundingWhitespace)
        XCTAssertEqual(ValueError.invalidDate(.malformed).description, "not a valid date: expected YYYY-MM-DD")
    }
}
