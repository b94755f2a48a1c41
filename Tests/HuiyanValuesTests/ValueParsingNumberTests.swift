import XCTest
@testable import HuiyanValues

final class ValueParsingNumberTests: XCTestCase {
    private func int(_ s: String) -> ParsedValue<Int64> { ValueTestSupport.withBytes(s, ValueParsing.parseInt64) }
    private func float(_ s: String) -> ParsedValue<Double> { ValueTestSupport.withBytes(s, ValueParsing.parseFloat64) }
    private func bool(_ s: String) -> ParsedValue<Bool> { ValueTestSupport.withBytes(s, ValueParsing.parseBool) }

    func testInt64Successes() {
        XCTAssertEqual(int("0"), .value(0))
        XCTAssertEqual(int("42"), .value(42))
        XCTAssertEqual(int("+7"), .value(7))
        XCTAssertEqual(int("-13"), .value(-13))
        XCTAssertEqual(int("007"), .value(7))
        XCTAssertEqual(int("-0"), .value(0))
        XCTAssertEqual(int("9223372036854775807"), .value(Int64.max))
        XCTAssertEqual(int("-9223372036854775808"), .value(Int64.min))
        XCTAssertEqual(int("000000000000000000000000000001"), .value(1))
    }

    func testInt64Overflow() {
        XCTAssertEqual(int("9223372036854775808"), .invalid(.integerOutOfRange))
        XCTAssertEqual(int("-9223372036854775809"), .invalid(.integerOutOfRange))
        XCTAssertEqual(int("18446744073709551616"), .invalid(.integerOutOfRange))
        XCTAssertEqual(int("99999999999999999999999999"), .invalid(.integerOutOfRange))
        XCTAssertEqual(ValueError.integerOutOfRange.description, "integer out of range")
    }

    func testInt64Errors() {
        XCTAssertEqual(int(""), .invalid(.empty))
        for s in ["12.5", "abc", "+", "-", "1e3", "0x10", "12a", "--1", "+-1", "١٢", "１２"] {
            XCTAssertEqual(int(s), .invalid(.notAnInteger), s)
        }
        XCTAssertEqual(int(" 12"), .invalid(.surroundingWhitespace))
        XCTAssertEqual(int("12\t"), .invalid(.surroundingWhitespace))
        XCTAssertEqual(int("1,000"), .invalid(.thousandsSeparator))
        XCTAssertEqual(ValueError.notAnInteger.description, "not an integer")
        XCTAssertEqual(ValueError.empty.description, "empty value")
    }

    func testFloat64Successes() {
        let cases: [(String, Double)] = [
            ("3.14", 3.14), ("-0.5", -0.5), (".5", 0.5), ("5.", 5), ("+2", 2), ("0", 0), ("1e10", 1e10),
            ("1.5E-3", 0.0015), ("-2.5e+2", -250), ("0.1", 0.1), ("120.50", 120.5),
            ("1.7976931348623157e308", 1.7976931348623157e308),
            ("2.2250738585072014e-308", 2.2250738585072014e-308),
            ("4.9e-324", .leastNonzeroMagnitude),  // the smallest subnormal
            ("9007199254740993", 9007199254740992),  // ties-to-even: correctly rounded
            ("0.30000000000000004", 0.30000000000000004),
            ("1e-400", 0),  // underflow rounds to zero, accepted
        ]
        for (s, v) in cases { XCTAssertEqual(float(s), .value(v), s) }
        XCTAssertEqual(float("-0").value?.sign, .minus)
        let long = "0." + String(repeating: "1", count: 2000)
        XCTAssertEqual(float(long).value ?? 0, 0.1111111111111111, accuracy: 1e-16)
    }

    func testFloat64Errors() {
        XCTAssertEqual(float(""), .invalid(.empty))
        for s in ["inf", "-inf", "nan", "NaN", "infinity", "0x1p3", ".", "-", "e5", "1e", "1e+", "1.2.3", "1..2", "abc", "١"] {
            XCTAssertEqual(float(s), .invalid(.notANumber), s)
        }
        XCTAssertEqual(float("1e309"), .invalid(.numberOutOfRange))
        XCTAssertEqual(float("-1e400"), .invalid(.numberOutOfRange))
        XCTAssertEqual(float(" 1.5"), .invalid(.surroundingWhitespace))
        XCTAssertEqual(float("1,5"), .invalid(.thousandsSeparator))
        XCTAssertEqual(ValueError.notANumber.description, "not a number")
    }

    func testBool() {
        for s in ["true", "TRUE", "True", "t", "T", "1", "yes", "YES", "Yes"] { XCTAssertEqual(bool(s), .value(true), s) }
        for s in ["false", "FALSE", "False", "f", "F", "0", "no", "NO", "No"] { XCTAssertEqual(bool(s), .value(false), s) }
        XCTAssertEqual(bool(""), .invalid(.empty))
        for s in ["2", "tru", "truee", "y", "n", "on", "off", "\u{11}", "\u{10}", "是", "-1"] {
            XCTAssertEqual(bool(s), .invalid(.notABoolean), s)
        }
        XCTAssertEqual(bool("yes "), .invalid(.surroundingWhitespace))
    }
}
