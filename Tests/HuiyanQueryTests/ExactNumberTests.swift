import XCTest
@testable import HuiyanQuery

/// The arithmetic under exact DECIMALs and DOUBLE rounding, at the edges SQL files reach only with effort.
final class ExactNumberTests: XCTestCase {
    func testQuotientsRoundHalfAwayFromZeroAtTheirScale() {
        // 100.00 / 3 at 6 places; −1.00 / 8 is −0.125 exactly; 2 / 3 at 6 places rounds up.
        XCTAssertEqual(DecimalMath.divide(10_000, 2, by: 3, 0, scale: 6), 33_333_333)
        XCTAssertEqual(DecimalMath.divide(-100, 2, by: 8, 0, scale: 6), -125_000)
        XCTAssertEqual(DecimalMath.divide(2, 0, by: 3, 0, scale: 6), 666_667)
        XCTAssertEqual(DecimalMath.divide(-2, 0, by: 3, 0, scale: 6), -666_667)
        // A divisor with more places than the result: 1 / 0.0000001 (7 places) at scale 7.
        XCTAssertEqual(DecimalMath.divide(1, 0, by: 1, 7, scale: 7), 100_000_000_000_000)
        // The numerator widened past 64 bits still divides exactly: 9e18 units / 10^18 at scale 6.
        XCTAssertEqual(DecimalMath.divide(9_000_000_000_000_000_000, 0, by: 1_000_000_000_000_000_000, 0, scale: 6), 9_000_000)
        // A quotient past Int64 is nil (the caller's error names the operands).
        XCTAssertNil(DecimalMath.divide(Int64.max, 0, by: 1, 0, scale: 6))
    }

    func testRescaleAndParse() {
        XCTAssertEqual(DecimalMath.rescale(12_345, from: 4, to: 2), 123)      // 1.2345 → 1.23
        XCTAssertEqual(DecimalMath.rescale(-12_350, from: 4, to: 2), -124)    // −1.2350 → −1.24
        XCTAssertNil(DecimalMath.rescale(Int64.max / 10, from: 2, to: 4))
        XCTAssertEqual(DecimalMath.parse("1.23456", scale: 4), 12_346)
        XCTAssertEqual(DecimalMath.parse("-0.5", scale: 3), -500)
        XCTAssertEqual(DecimalMath.parse("+7", scale: 2), 700)
        XCTAssertNil(DecimalMath.parse("1.2.3", scale: 2))
        XCTAssertNil(DecimalMath.parse("", scale: 2))
        XCTAssertEqual(DecimalMath.format(-2_031_500, scale: 5), "-20.31500")
        XCTAssertEqual(DecimalMath.format(5, scale: 3), "0.005")
    }

    func testDoublesRoundAsTheyPrint() {
        XCTAssertEqual(DoubleDecimal.round(2.675, digits: 2), 2.68)
        XCTAssertEqual(DoubleDecimal.round(0.285, digits: 2), 0.29)
        XCTAssertEqual(DoubleDecimal.round(-2.675, digits: 2), -2.68)
        XCTAssertEqual(DoubleDecimal.round(1.005, digits: 2), 1.01)
        XCTAssertEqual(DoubleDecimal.round(9.995, digits: 2), 10.0)
        XCTAssertEqual(DoubleDecimal.round(1.2345e-7, digits: 10), 1.235e-7)
        XCTAssertEqual(DoubleDecimal.round(2.5, digits: 0), 3)
        XCTAssertEqual(DoubleDecimal.round(1234.5678, digits: -2), 1200)
        XCTAssertEqual(DoubleDecimal.round(1e300, digits: 2), 1e300)
    }

    func testIntervalsReadAndWrite() {
        XCTAssertEqual(IntervalParsing.parse("1 month 2 days 03:04:05.5")?.months, 1)
        XCTAssertEqual(IntervalParsing.parse("1 month 2 days 03:04:05.5")?.days, 2)
        XCTAssertEqual(IntervalParsing.parse("1 month 2 days 03:04:05.5")?.micros, 11_045_500_000)
        XCTAssertEqual(IntervalParsing.parse("1.5 months"), Interval(months: 1, days: 15))
        XCTAssertEqual(IntervalParsing.parse("1.5 days"), Interval(days: 1, micros: 43_200_000_000))
        XCTAssertEqual(IntervalParsing.parse("2 YEARS")?.months, 24)
        XCTAssertNil(IntervalParsing.parse("3 fortnights"))
        XCTAssertNil(IntervalParsing.parse(""))
        XCTAssertEqual(ValueFormatting.interval(Interval(months: 14, days: -1, micros: -7_200_000_000)), "1 year 2 months -1 day -02:00:00")
        XCTAssertEqual(ValueFormatting.interval(Interval()), "00:00:00")
        XCTAssertEqual(ValueFormatting.interval(Interval(micros: 129_600_000_000)), "36:00:00")
    }

    func testIntervalsKeepTheirPartsInAVector() {
        let values: [Value] = [.interval(Interval(months: 1)), .null, .interval(Interval(days: 30)), .interval(Interval(micros: 129_600_000_000))]
        let v = Vector.of(values, type: .interval)
        XCTAssertEqual((0..<4).map { v.value($0) }, values)
        XCTAssertEqual(v.ints[0], v.ints[2], "a month compares as 30 days, as in DuckDB")
        let moved = Vector.concatenated([v], [(0, 3), (0, 0)])
        XCTAssertEqual([moved.value(0), moved.value(1)], [values[3], values[0]])
        XCTAssertEqual(Interval.age(TimeMath.days(year: 2025, month: 3, day: 28) * 86_400_000_000,
                                    TimeMath.days(year: 2025, month: 1, day: 31) * 86_400_000_000, offsetSeconds: 0), Interval(months: 1, days: 28))
    }

    func testStrptimeRefusesWhatIsNotThere() {
        XCTAssertNil(TimeParsing.parse("2025-02-30", format: "%Y-%m-%d"))
        XCTAssertNil(TimeParsing.parse("2025-01-01x", format: "%Y-%m-%d"))
        XCTAssertNil(TimeParsing.parse("13:00 PM", format: "%I:%M %p"))
        XCTAssertEqual(TimeParsing.parse("1970-01-02", format: "%Y-%m-%d"), 86_400_000_000)
        XCTAssertEqual(TimeParsing.unknownDirective("%Y-%q"), "%q")
    }
}
