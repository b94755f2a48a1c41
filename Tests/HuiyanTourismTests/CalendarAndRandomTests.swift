import XCTest
@testable import HuiyanTourism

final class CalendarAndRandomTests: XCTestCase {
    func testCalendarDates() {
        let y2025 = YearCalendar(year: 2025)
        XCTAssertEqual(y2025.dayCount, 365)
        XCTAssertEqual(YearCalendar(year: 2024).dayCount, 366)
        XCTAssertEqual(YearCalendar(year: 2100).dayCount, 365)
        XCTAssertEqual(y2025.firstEpochDay, 20_089)   // 2025-01-01
        XCTAssertEqual(y2025.weekday(ofDay: 0), 3)    // a Wednesday
        XCTAssertEqual(y2025.date(ofDay: 364).month, 12)
        XCTAssertEqual(y2025.date(ofDay: 364).day, 31)
        XCTAssertEqual(y2025.date(ofDay: y2025.dayOfYear(3, 1)).day, 1)
        XCTAssertEqual(y2025.goldenWeek, 273...279)
    }

    func testHolidays() {
        for (year, month, day) in [(2024, 2, 10), (2025, 1, 29), (2026, 2, 17)] {
            let calendar = YearCalendar(year: year)
            XCTAssertTrue(calendar.knowsSpringFestival)
            XCTAssertEqual(calendar.springFestival, calendar.dayOfYear(month, day), "\(year)")
        }
        let unknown = YearCalendar(year: 2045)
        XCTAssertFalse(unknown.knowsSpringFestival)
        XCTAssertEqual(unknown.springFestival, unknown.dayOfYear(2, 5), "falls back to the middle of its range")
        XCTAssertEqual(YearCalendar(year: 2025).qingming, YearCalendar(year: 2025).dayOfYear(4, 4))
        XCTAssertEqual(YearCalendar(year: 2024).qingming, YearCalendar(year: 2024).dayOfYear(4, 4))
        XCTAssertEqual(YearCalendar(year: 2026).qingming, YearCalendar(year: 2026).dayOfYear(4, 5))
    }

    func testApportionSumsExactly() {
        let weights = YearCalendar(year: 2025).tourismWeights()
        for total in [0, 1, 7, 365, 1_000_003] {
            XCTAssertEqual(YearCalendar.apportion(total, weights: weights).reduce(0, +), total)
        }
    }

    func testGeneratorIsDeterministicAndBounded() {
        var a = Xoshiro256StarStar(seed: 99), b = Xoshiro256StarStar(seed: 99), c = Xoshiro256StarStar(seed: 100)
        let first = (0..<100).map { _ in a.next() }
        XCTAssertEqual(first, (0..<100).map { _ in b.next() })
        XCTAssertNotEqual(first, (0..<100).map { _ in c.next() })
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 {
            let v = a.below(7)
            XCTAssertTrue((0..<7).contains(v))
            counts[v] += 1
        }
        XCTAssertTrue(counts.allSatisfy { (9_000...11_000).contains($0) }, "\(counts)")
        var hits = 0
        for _ in 0..<100_000 where a.chance(250_000) { hits += 1 }
        XCTAssertTrue((23_500...26_500).contains(hits), "\(hits)")
    }

    func testAliasTableDrawsByWeight() {
        let table = AliasTable(weights: [0, 1, 2, 0, 7])
        var rng = Xoshiro256StarStar(seed: 1)
        var counts = [Int](repeating: 0, count: 5)
        for _ in 0..<100_000 { counts[table.sample(rng.next())] += 1 }
        XCTAssertEqual(counts[0], 0)
        XCTAssertEqual(counts[3], 0)
        XCTAssertEqual(Double(counts[1]) / 100_000, 0.1, accuracy: 0.01)
        XCTAssertEqual(Double(counts[2]) / 100_000, 0.2, accuracy: 0.01)
        XCTAssertEqual(Double(counts[4]) / 100_000, 0.7, accuracy: 0.01)
    }

    func testRowWriterFormatsNumbersMoneyAndTimes() {
        var w = RowWriter(capacity: 256, reserve: 0)
        defer { w.deallocate() }
        w.unsigned(0); w.byte(32)
        w.unsigned(1_234_567_890_123); w.byte(32)
        w.padded(42, width: 8); w.byte(32)
        w.signed(-17); w.byte(32)
        w.money(0); w.byte(32)
        w.money(5); w.byte(32)
        w.money(-12_030); w.byte(32)
        w.money(26_800); w.byte(32)
        w.timeOfDay(0); w.byte(32)
        w.timeOfDay(86_399); w.byte(32)
        w.fixedWidth(42, width: 9); w.byte(32)
        w.fixedWidth(745_468_783, width: 9); w.byte(32)
        w.fixedWidth(7, width: 12); w.byte(32)
        w.fixedWidth(999_999_999_999, width: 12); w.byte(32)
        w.fixedWidth(0, width: 1)
        let text = String(decoding: w.base.buffer(unchecked: 0..<w.count), as: UTF8.self)
        XCTAssertEqual(text, "0 1234567890123 00000042 -17 0.00 0.05 -120.30 268.00 00:00:00 23:59:59 "
                           + "000000042 745468783 000000000007 999999999999 0")
    }
}
