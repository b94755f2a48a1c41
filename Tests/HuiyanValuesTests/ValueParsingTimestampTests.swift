import Foundation
import XCTest
@testable import HuiyanValues

final class ValueParsingTimestampTests: XCTestCase {
    private let shanghai = 8 * 3600

    private func ts(_ s: String, local: Int = 8 * 3600) -> ParsedValue<Int64> {
        ValueTestSupport.withBytes(s) { ValueParsing.parseTimestampMicros($0, localOffsetSeconds: local) }
    }

    /// Epoch microseconds computed independently with Foundation's ISO 8601 formatter.
    private func foundationMicros(_ iso: String) -> Int64 {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        guard let date = f.date(from: iso) else { XCTFail("Foundation cannot parse \(iso)"); return 0 }
        return Int64(date.timeIntervalSince1970.rounded()) * 1_000_000
    }

    func testOffsetsAndSeparators() {
        // 2025-10-01T09:31:22+08:00 == 1759282282 s (checked with Python's datetime).
        let expected: Int64 = 1_759_282_282_000_000
        XCTAssertEqual(foundationMicros("2025-10-01T09:31:22+08:00"), expected)
        for s in ["2025-10-01T09:31:22+08:00", "2025-10-01T01:31:22Z", "2025-10-01T01:31:22z",
                  "2025-10-01 09:31:22+08:00", "2025-10-01t09:31:22+08:00", "2025-10-01T09:31:22+0800",
                  "2025-10-01T09:31:22+08", "2025-10-01T09:31:22", "2025-10-01 09:31:22",
                  "2025-09-30T20:31:22-05:00", "2025-09-30T20:31:22-0500", "2025-10-01T07:01:22+05:30",
                  "2025-10-01T01:31:22+00:00", "2025-10-01T01:31:22-00:00"] {
            XCTAssertEqual(ts(s), .value(expected), s)
        }
        XCTAssertEqual(ts("2025-10-01T09:31+08:00"), .value(expected - 22_000_000))
        XCTAssertEqual(ts("2025-10-01T09:31"), .value(expected - 22_000_000))
        XCTAssertEqual(ts("2025-10-01T09:31:22", local: 0), .value(expected + 8 * 3_600_000_000))
        XCTAssertEqual(ts("2025-10-01T09:31:22", local: -7 * 3600), .value(expected + 15 * 3_600_000_000))
    }

    func testDateAloneIsLocalMidnight() {
        XCTAssertEqual(ts("2025-10-01"), .value(1_759_248_000_000_000))
        XCTAssertEqual(ts("2025-10-01"), .value(foundationMicros("2025-10-01T00:00:00+08:00")))
        XCTAssertEqual(ts("2025-10-01", local: 0), .value(1_759_276_800_000_000))
        XCTAssertEqual(ts("2025-10-01"), ts("2025-10-01T00:00:00"))
    }

    func testAroundNewYear() {
        // 23:30 in Shanghai on New Year's Eve is 15:30 UTC — still 2025.
        XCTAssertEqual(ts("2025-12-31T23:30:00+08:00"), .value(1_767_195_000_000_000))
        XCTAssertEqual(ts("2025-12-31T23:30:00+08:00"), ts("2025-12-31T15:30:00Z"))
        // 16:30 UTC on New Year's Eve is already 00:30 on 2026-01-01 in Shanghai.
        XCTAssertEqual(ts("2025-12-31T16:30:00Z"), .value(1_767_198_600_000_000))
        XCTAssertEqual(ts("2025-12-31T16:30:00Z"), ts("2026-01-01T00:30:00+08:00"))
        XCTAssertEqual(ts("2025-12-31T16:30:00Z"), ts("2026-01-01T00:30:00"))
        XCTAssertEqual(ts("2025-12-31T16:30:00Z"), ts("2026-01-01 00:30"))
        XCTAssertNotEqual(ts("2025-12-31T23:30:00+08:00"), ts("2025-12-31T16:30:00Z"))
        XCTAssertEqual(ts("2025-12-31T16:30:00Z"), .value(foundationMicros("2026-01-01T00:30:00+08:00")))
    }

    func testFractionalSeconds() {
        let base: Int64 = 1_759_282_282_000_000
        XCTAssertEqual(ts("2025-10-01T09:31:22.1+08:00"), .value(base + 100_000))
        XCTAssertEqual(ts("2025-10-01T09:31:22.12+08:00"), .value(base + 120_000))
        XCTAssertEqual(ts("2025-10-01T09:31:22.123+08:00"), .value(base + 123_000))
        XCTAssertEqual(ts("2025-10-01T09:31:22.123456Z"), .value(base + 8 * 3_600_000_000 + 123_456))
        XCTAssertEqual(ts("2025-10-01T09:31:22.1234567+08:00"), .value(base + 123_456), "truncated, not rounded")
        XCTAssertEqual(ts("2025-10-01T09:31:22.999999999+08:00"), .value(base + 999_999))
        XCTAssertEqual(ts("2025-10-01T09:31:22.000001"), .value(base + 1))
        XCTAssertEqual(ts("2025-10-01T09:31:22.123456-05:30"), .value(1_759_330_882_123_456))
        XCTAssertEqual(ts("2025-10-01T09:31:22.1234567890+08:00"), .invalid(.invalidTimestamp(.fractionTooLong)))
        XCTAssertEqual(ts("2025-10-01T09:31:22.+08:00"), .invalid(.invalidTimestamp(.malformed)))
        XCTAssertEqual(ts("1969-12-31T23:59:59.5Z"), .value(-500_000))
    }

    func testLeapDays() {
        XCTAssertEqual(ts("2024-02-29T12:00:00Z"), .value(1_709_208_000_000_000))
        XCTAssertEqual(ts("2000-02-29"), .value(951_753_600_000_000))
        XCTAssertEqual(ts("2025-02-29"), .invalid(.invalidTimestamp(.day(29, month: 2, year: 2025))))
        XCTAssertEqual(ts("1900-02-29"), .invalid(.invalidTimestamp(.day(29, month: 2, year: 1900))))
        XCTAssertEqual(ts("2100-02-29T00:00:00Z"), .invalid(.invalidTimestamp(.day(29, month: 2, year: 2100))))
        XCTAssertEqual(ts("2024-02-30"), .invalid(.invalidTimestamp(.day(30, month: 2, year: 2024))))
        XCTAssertEqual(ts("2024-03-01T00:00:00Z").value! - ts("2024-02-28T00:00:00Z").value!, 2 * 86_400_000_000)
        XCTAssertEqual(ts("2025-03-01T00:00:00Z").value! - ts("2025-02-28T00:00:00Z").value!, 86_400_000_000)
        XCTAssertEqual(ValueError.invalidTimestamp(.day(29, month: 2, year: 2025)).description,
                       "not a valid timestamp: day 29 (2025-02 has 28 days)")
    }

    func testExtremesAndPreEpoch() {
        XCTAssertEqual(ts("1970-01-01T00:00:00Z"), .value(0))
        XCTAssertEqual(ts("1969-12-31T23:59:59Z"), .value(-1_000_000))
        XCTAssertEqual(ts("1900-03-01T00:00:00Z"), .value(-2_203_891_200_000_000))
        XCTAssertEqual(ts("0001-01-01T00:00:00Z"), .value(-62_135_596_800_000_000))
        XCTAssertEqual(ts("9999-12-31T23:59:59Z"), .value(253_402_300_799_000_000))
        XCTAssertEqual(ts("9999-12-31T23:59:59.999999Z"), .value(253_402_300_799_999_999))
    }

    func testInvalidCalendarFields() {
        let cases: [(String, ValueError.TimestampProblem)] = [
            ("2025-13-01", .month(13)), ("2025-00-10", .month(0)), ("2025-04-31", .day(31, month: 4, year: 2025)),
            ("2025-01-00", .day(0, month: 1, year: 2025)), ("0000-01-01", .year(0)),
            ("2025-10-01T24:00:00", .hour(24)), ("2025-10-01T23:60:00", .minute(60)),
            ("2025-10-01T23:59:60Z", .second(60)), ("2025-10-01T23:59:99Z", .second(99)),
            ("2025-10-01T10:00:00+24:00", .offset(hours: 24, minutes: 0)),
            ("2025-10-01T10:00:00-05:60", .offset(hours: 5, minutes: 60)),
        ]
        for (s, problem) in cases { XCTAssertEqual(ts(s), .invalid(.invalidTimestamp(problem)), s) }
        XCTAssertEqual(ValueError.invalidTimestamp(.month(13)).description, "not a valid timestamp: month 13")
        XCTAssertEqual(ValueError.invalidTimestamp(.second(60)).description,
                       "not a valid timestamp: second 60 (leap seconds are not supported)")
        XCTAssertEqual(ValueError.invalidTimestamp(.hour(24)).description, "not a valid timestamp: hour 24")
    }

    func testMalformed() {
        XCTAssertEqual(ts(""), .invalid(.empty))
        for s in ["2025/10/01", "2025-1-01", "2025-10-1", "20251001", "2025-10-01T9:31", "2025-10-01T09:31:2",
                  "2025-10-01T09", "2025-10-01T", "2025-10-01T09:31:22+8", "2025-10-01T09:31:22+08:0",
                  "2025-10-01T09:31:22+08:000", "2025-10-01T09:31:22 +08:00", "2025-10-01T09:31:22Zjunk",
                  "2025-10-01X09:31", "2025-10-01T09-31-22", "25-10-01", "２０２５-10-01", "2025-10-01T09:31:22UTC",
                  "+2025-10-01", "2025-10-01Z", "yesterday"] {
            XCTAssertEqual(ts(s), .invalid(.invalidTimestamp(.malformed)), s)
        }
        XCTAssertEqual(ts(" 2025-10-01"), .invalid(.surroundingWhitespace))
        XCTAssertEqual(ts("2025-10-01T09:31:22 "), .invalid(.surroundingWhitespace))
        XCTAssertEqual(ValueError.invalidTimestamp(.malformed).description,
                       "not a valid timestamp: expected YYYY-MM-DD[THH:MM[:SS[.fraction]]][Z|±HH:MM]")
    }

    /// Every day from 1583 to 2400 at a varying time of day and offset, against Foundation's
    /// Gregorian calendar (which is proleptic Gregorian from 1583 on).
    func testAgreesWithFoundationCalendarOverManyDates() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        var checked = 0
        for year in stride(from: 1583, through: 2400, by: 7) {
            for month in 1...12 {
                let days = calendar.range(of: .day, in: .month,
                                          for: calendar.date(from: DateComponents(year: year, month: month))!)!.count
                for day in [1, 2, 15, days - 1, days] {
                    let hour = (year + day) % 24, minute = (month * 7) % 60, second = (day * 13) % 60
                    let offsetMinutes = [-600, -330, 0, 345, 480, 840][(year + month) % 6]
                    let comps = DateComponents(timeZone: TimeZone(secondsFromGMT: offsetMinutes * 60), year: year,
                                               month: month, day: day, hour: hour, minute: minute, second: second)
                    let expected = Int64(calendar.date(from: comps)!.timeIntervalSince1970.rounded()) * 1_000_000 + 4_321
                    let sign = offsetMinutes < 0 ? "-" : "+"
                    let text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d.004321%@%02d:%02d", year, month, day,
                                      hour, minute, second, sign, abs(offsetMinutes) / 60, abs(offsetMinutes) % 60)
                    XCTAssertEqual(ts(text), .value(expected), text)
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 7000)
    }
}
