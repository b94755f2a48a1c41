import HuiyanBuffers

extension ValueParsing {
    /// Parses decimal yuan into fen (yuan × 100) as `Int64`.
    ///
    /// Accepted: an optional `+`/`-` (negative = refund), then digits with an optional `.` and
    /// at most two fraction digits: `120.00`, `35.5`, `0`, `-12.30`, `+5`. Either side of the
    /// point may be empty but not both: `.5` is 50 fen and `5.` is 500 fen (both unambiguous).
    ///
    /// Errors: `.empty`; `.moreThanTwoDecimals` (`1.234`, also `1.000`); `.thousandsSeparator`
    /// (`1,200.00`, also `1'200`, `1_200`, `1 200`); `.currencySign` (`¥ ￥ $ € £ 元`, `RMB`,
    /// `CNY` anywhere); `.surroundingWhitespace`; `.amountOutOfRange` (beyond ±`Int64.max` fen);
    /// `.notAMoneyAmount` for anything else (including exponents such as `1e3`).
    package static func parseMoneyFen(_ bytes: UnsafeBufferPointer<UInt8>) -> ParsedValue<Int64> {
        let n = bytes.count
        guard n > 0 else { return .invalid(.empty) }
        let base = UncheckedBytes(bytes)
        var i = 0
        var negative = false
        if base[unchecked: 0] == ASCIIByte.minus { negative = true; i = 1 } else if base[unchecked: 0] == ASCIIByte.plus { i = 1 }

        var whole: UInt64 = 0
        var wholeDigits = 0
        var overflow = false
        while i < n {
            let d = base[unchecked: i] &- ASCIIByte.zero
            if d >= 10 { break }
            let (m, o1) = whole.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(d))
            overflow = overflow || o1 || o2
            whole = s
            wholeDigits += 1
            i += 1
        }
        var fraction: UInt64 = 0
        var fractionDigits = 0
        if i < n, base[unchecked: i] == ASCIIByte.dot {
            i += 1
            while i < n {
                let d = base[unchecked: i] &- ASCIIByte.zero
                if d >= 10 { break }
                if fractionDigits < 2 { fraction = fraction * 10 + UInt64(d) }
                fractionDigits += 1
                i += 1
            }
        }
        guard i == n, wholeDigits + fractionDigits > 0 else { return .invalid(diagnoseMoney(bytes)) }
        if fractionDigits > 2 { return .invalid(.moreThanTwoDecimals) }
        if fractionDigits == 1 { fraction *= 10 }

        let (w100, o3) = whole.multipliedReportingOverflow(by: 100)
        let (fen, o4) = w100.addingReportingOverflow(fraction)
        if overflow || o3 || o4 || fen > UInt64(Int64.max) { return .invalid(.amountOutOfRange) }
        return .value(negative ? -Int64(fen) : Int64(fen))
    }

    /// Picks the most helpful error for text that is not a money amount (error path only).
    /// Order: currency sign, thousands separator, surrounding whitespace, more than two decimals.
    private static func diagnoseMoney(_ bytes: UnsafeBufferPointer<UInt8>) -> ValueError {
        if containsCurrencySign(bytes) { return .currencySign }
        if hasDigitGroupSeparator(bytes) { return .thousandsSeparator }
        if hasSurroundingWhitespace(bytes) { return .surroundingWhitespace }
        return .notAMoneyAmount
    }

    /// True when the bytes contain `$`, `¥` (U+00A5), `￥` (U+FFE5), `元` (U+5143), `€`, `£`,
    /// or the codes `RMB` / `CNY` (ASCII case-insensitive).
    static func containsCurrencySign(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = bytes.count
        var i = 0
        while i < n {
            let c = bytes[i]
            if c == ASCIIByte.dollar { return true }
            if i + 1 < n {
                let c1 = bytes[i + 1]
                if c == 0xC2 && (c1 == 0xA5 || c1 == 0xA3) { return true }  // ¥ £
            }
            if i + 2 < n {
                let c1 = bytes[i + 1], c2 = bytes[i + 2]
                if c == 0xEF && c1 == 0xBF && c2 == 0xA5 { return true }   // ￥
                if c == 0xE5 && c1 == 0x85 && c2 == 0x83 { return true }   // 元
                if c == 0xE2 && c1 == 0x82 && c2 == 0xAC { return true }   // €
                let l0 = c | 0x20, l1 = c1 | 0x20, l2 = c2 | 0x20
                if l0 == UInt8(ascii: "r") && l1 == UInt8(ascii: "m") && l2 == UInt8(ascii: "b") { return true }
                if l0 == UInt8(ascii: "c") && l1 == UInt8(ascii: "n") && l2 == UInt8(ascii: "y") { return true }
            }
            i += 1
        }
        return false
    }
}
