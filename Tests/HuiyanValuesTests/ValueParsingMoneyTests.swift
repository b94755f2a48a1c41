import XCTest
@testable import HuiyanValues

final class ValueParsingMoneyTests: XCTestCase {
    private func money(_ s: String) -> ParsedValue<Int64> { ValueTestSupport.withBytes(s, ValueParsing.parseMoneyFen) }

    func testValidAmounts() {
        let cases: [(String, Int64)] = [
            ("120.00", 12_000), ("35.5", 3_550), ("0", 0), ("0.00", 0), ("-12.30", -1_230), ("+5", 500),
            ("0.01", 1), ("-0.01", -1), ("-0", 0), (".5", 50), ("-.05", -5), ("5.", 500), ("007.10", 710),
            ("1200", 120_000), ("99999999.99", 9_999_999_999),
            ("92233720368547758.07", Int64.max), ("-92233720368547758.07", -Int64.max),
        ]
        for (s, v) in cases { XCTAssertEqual(money(s), .value(v), s) }
    }

    func testMoreThanTwoDecimals() {
        for s in ["1.234", "1.000", "0.001", "-12.305", ".125"] {
            XCTAssertEqual(money(s), .invalid(.moreThanTwoDecimals), s)
        }
        XCTAssertEqual(ValueError.moreThanTwoDecimals.description, "more than two decimals")
    }

    func testThousandsSeparators() {
        for s in ["1,200.00", "1,200", "12,345,678.9", "1'200.00", "1_200", "1 200.00", "12,5"] {
            XCTAssertEqual(money(s), .invalid(.thousandsSeparator), s)
        }
        XCTAssertEqual(ValueError.thousandsSeparator.description, "thousands separators are not allowed")
    }

    func testCurrencySigns() {
        for s in ["¥12", "￥12", "$3", "12元", "12.5元", "US$3", "€5", "£5", "RMB 12", "12CNY", "rmb12", "¥1,200.005"] {
            XCTAssertEqual(money(s), .invalid(.currencySign), s)
        }
        XCTAssertEqual(ValueError.currencySign.description, "currency signs are not allowed")
    }

    func testOtherErrors() {
        XCTAssertEqual(money(""), .invalid(.empty))
        for s in ["abc", "1e3", ".", "-", "+", "1.2.3", "--1", "12a", "1.5-", "NaN", "一百"] {
            XCTAssertEqual(money(s), .invalid(.notAMoneyAmount), s)
        }
        XCTAssertEqual(money(" 12"), .invalid(.surroundingWhitespace))
        XCTAssertEqual(money("12.00 "), .invalid(.surroundingWhitespace))
        XCTAssertEqual(ValueError.notAMoneyAmount.description, "not a decimal amount")
    }

    func testOverflow() {
        XCTAssertEqual(money("92233720368547758.08"), .invalid(.amountOutOfRange))
        XCTAssertEqual(money("-92233720368547758.08"), .invalid(.amountOutOfRange))
        XCTAssertEqual(money("100000000000000000"), .invalid(.amountOutOfRange))
        XCTAssertEqual(money("99999999999999999999999999.99"), .invalid(.amountOutOfRange))
        XCTAssertEqual(ValueError.amountOutOfRange.description, "amount out of range")
    }
}
