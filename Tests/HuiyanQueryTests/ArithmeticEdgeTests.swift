import XCTest
@testable import HuiyanQuery

/// Numbers at their edges, as an analyst meets them: negative money literals (refunds), remainders of
/// money, negation and rounding at the ends of BIGINT, LIMIT and OFFSET near Int64.max, NULL arguments,
/// strftime directives, and the errors that name what went wrong. Each was a wrong answer, a crash or an
/// unclear error found by comparing with DuckDB on the same data (seventh session).
final class ArithmeticEdgeTests: QueryTestCase {
    func testNegativeDecimalLiteralsAreExact() {
        XCTAssertEqual(rows("SELECT -5.25, -0.01, -(1.5), 3 - -1.25, -.5, +2.5"), [["-5.25", "-0.01", "-1.50", "4.25", "-0.50", "2.50"]])
        XCTAssertEqual(value("SELECT -1.234"), "-1.234", "more than two decimals: a double")
        // The refund in the orders fixture is found by its amount, as the positive one is.
        XCTAssertEqual(value("SELECT order_id FROM orders WHERE amount = -99.00"), "O000008")
        XCTAssertEqual(value("SELECT count(*) FROM orders WHERE amount IN (-99, -99.00, -98.99)"), "1")
        XCTAssertEqual(value("SELECT count(*) FROM orders WHERE amount BETWEEN -99.01 AND -98.99"), "1")
        XCTAssertEqual(value("SELECT count(*) FROM orders WHERE amount = -0.99"), "0")
    }

    func testRemainderOfMoneyIsExactMoney() {
        XCTAssertEqual(value("SELECT 12.34 % 5"), "2.34")
        XCTAssertEqual(value("SELECT -12.34 % 5.00"), "-2.34")
        XCTAssertEqual(value("SELECT 7 % 0"), "NULL")
        // Fen of every amount: equal remainders group together (a double remainder split 0.90 three ways).
        let fen = rows("SELECT amount % 1 AS fen, count(*) FROM orders GROUP BY 1 ORDER BY 1").map { $0[0] }
        XCTAssertEqual(fen, ["0.00", "0.50", "0.70"])
        XCTAssertEqual(rows("SELECT (-9223372036854775807 - 1) % -1, 9223372036854775807 % -1"), [["0", "0"]])
    }

    func testNegationAndAbsOverflowAreErrorsNeverWraps() {
        XCTAssertEqual(error("SELECT -(-9223372036854775807 - 1)").message, "BIGINT overflow in -")
        XCTAssertEqual(error("SELECT abs(-9223372036854775807 - 1)").message, "BIGINT overflow in abs")
        XCTAssertEqual(value("SELECT abs(-9223372036854775807)"), "9223372036854775807")
        // From a column at run time (the fixture's quantities are small: shifted to the edge).
        XCTAssertEqual(error("SELECT abs(qty - 9223372036854775807 - 2) FROM orders").message, "BIGINT overflow in abs")
        XCTAssertEqual(error("SELECT -(qty - 9223372036854775807 - 2) FROM orders").message, "BIGINT overflow in -")
        XCTAssertEqual(value("SELECT max(abs(-qty)) FROM orders"), "10")
    }

    func testRoundToDigitsAndToTens() {
        XCTAssertEqual(rows("SELECT round(15, -1), round(-15, -1), round(14, -1), round(15), round(15, 3)"), [["20", "-20", "10", "15", "15"]])
        XCTAssertEqual(rows("SELECT round(1234.56, -2), round(1234.56, 1), round(-0.05, 1), round(1234.56, 5)"),
                       [["1200.00", "1234.60", "-0.10", "1234.56"]])
        XCTAssertEqual(value("SELECT round(1250.5::DOUBLE, -2)"), "1300.0")
        // Digits far past either end give what the value holds at that place, never a crash.
        XCTAssertEqual(rows("SELECT round(12.5, -9223372036854775807), round(12, -9223372036854775807), round(12, 9223372036854775807)"),
                       [["0.00", "0", "12"]])
        XCTAssertEqual(rows("SELECT round(1e300, 2), round(1e300, -400), round(2.5e0, 9223372036854775807)"), [["1e+300", "0.0", "2.5"]])
        XCTAssertEqual(error("SELECT round(9223372036854775807, -1)").message, "BIGINT overflow in round")
        XCTAssertEqual(error("SELECT round(9000000000000000000, -19)").message, "BIGINT overflow in round")
        XCTAssertEqual(value("SELECT round(4000000000000000000, -19)"), "0")
        XCTAssertEqual(value("SELECT sum(round(qty, -1)) FROM orders"), value("SELECT sum(CASE WHEN qty >= 5 THEN 10 ELSE 0 END) FROM orders"))
    }

    func testLimitAndOffsetNearTheLargestInteger() {
        let all = rows("SELECT order_id FROM orders ORDER BY order_id")
        XCTAssertEqual(rows("SELECT order_id FROM orders ORDER BY order_id LIMIT 9223372036854775807 OFFSET 1"), Array(all.dropFirst()))
        XCTAssertEqual(rows("SELECT order_id FROM orders LIMIT 9223372036854775807 OFFSET 9223372036854775807"), [])
        XCTAssertEqual(rows("SELECT order_id FROM orders LIMIT 2 OFFSET 9223372036854775807"), [])
        XCTAssertEqual(rows("SELECT order_id FROM orders LIMIT 9223372036854775807 OFFSET 3").count, all.count - 3)
    }

    func testNullArgumentsGiveNull() {
        XCTAssertEqual(rows("SELECT NULL IN (1), NULL NOT IN (1, 2), abs(NULL), round(NULL), round(NULL, 2)"),
                       [["NULL", "NULL", "NULL", "NULL", "NULL"]])
    }

    func testStrftimeKnowsItsDirectivesAndRefusesOthers() {
        XCTAssertEqual(value("SELECT strftime(TIMESTAMP '2025-10-01 18:05:09.25', '%H:%M:%S.%f %I %p')"), "18:05:09.250000 06 PM")
        XCTAssertEqual(value("SELECT strftime(TIMESTAMP '2025-10-01 00:30:00', '%I:%M %p, %e %b')"), "12:30 AM, 1 Oct")
        var e = error("SELECT strftime(ts, '%Y-%Q') FROM visits")
        XCTAssertTrue(e.message.hasPrefix("strftime does not know %Q (it knows "), e.message)
        XCTAssertEqual(e.at, "'%Y-%Q'")
        e = error("SELECT strftime(ts, '100%') FROM visits")
        XCTAssertTrue(e.message.hasPrefix("strftime does not know % "), e.message)
        // Microseconds group rows by the instant, not by the hour.
        XCTAssertEqual(value("SELECT count(DISTINCT strftime(ts, '%f')) FROM visits"), "1")
    }

    func testErrorsNameTheTypeAndTheValue() {
        XCTAssertEqual(error("SELECT CAST(1e300 AS DECIMAL(18,2))").message, "value 1e+300 is out of range for DECIMAL(18,2)")
        XCTAssertTrue(error("SELECT sum(amount * 50000000000000) FROM orders").message
                        .hasPrefix("sum overflowed DECIMAL(18,2) (beyond ±92233720368547758.07)"))
        XCTAssertEqual(error("SELECT sum(qty * 500000000000000000) FROM orders").message, "sum overflowed BIGINT; cast the argument to DOUBLE")
        let quoted = error("SELECT count(*) FROM visits WHERE spot = \"南岳衡山\"")
        XCTAssertEqual(quoted.message, "column \"南岳衡山\" does not exist in table \"visits\" — a string is written in single quotes: '南岳衡山'")
        XCTAssertEqual(quoted.at, "\"南岳衡山\"")
    }

    func testExplainShowsTimestampsInTheDatabaseZone() {
        let plan = rows("EXPLAIN SELECT count(*) FROM visits WHERE ts >= '2025-10-04'").map { $0[0] }
        XCTAssertTrue(plan.contains("  filter: (ts >= 2025-10-04 00:00:00)"), "\(plan)")
    }
}
