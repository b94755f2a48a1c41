import HuiyanBuffers

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ValueParsing {
    /// Parses a base-10 `Int64`: an optional `+`/`-` followed by one or more ASCII digits
    /// (leading zeros allowed), nothing else. Overflow is reported as `.integerOutOfRange`.
    package static func parseInt64(_ bytes: UnsafeBufferPointer<UInt8>) -> ParsedValue<Int64> {
        let n = bytes.count
        guard n > 0 else { return .invalid(.empty) }
        let base = UncheckedBytes(bytes)
        var i = 0
        var negative = false
        if base[unchecked: 0] == ASCIIByte.minus { negative = true; i = 1 } else if base[unchecked: 0] == ASCIIByte.plus { i = 1 }
        guard i < n else { return .invalid(diagnoseInteger(bytes)) }
        var magnitude: UInt64 = 0
        var overflow = false
        while i < n {
            let d = base[unchecked: i] &- ASCIIByte.zero
            guard d < 10 else { return .invalid(diagnoseInteger(bytes)) }
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(d))
            overflow = overflow || o1 || o2
            magnitude = s
            i += 1
        }
        if negative {
            if overflow || magnitude > UInt64(Int64.max) + 1 { return .invalid(.integerOutOfRange) }
            return .value(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
        }
        if overflow || magnitude > UInt64(Int64.max) { return .invalid(.integerOutOfRange) }
        return .value(Int64(magnitude))
    }

    /// Picks the most helpful error for text that is not an integer (error path only).
    private static func diagnoseInteger(_ bytes: UnsafeBufferPointer<UInt8>) -> ValueError {
        if hasSurroundingWhitespace(bytes) { return .surroundingWhitespace }
        if hasDigitGroupSeparator(bytes) { return .thousandsSeparator }
        return .notAnInteger
    }

    /// Parses a decimal floating-point number: `[+-]digits[.digits][(e|E)[+-]digits]`, where
    /// either the integer or the fraction digits may be absent (`.5`, `5.`) but not both.
    /// `inf`, `nan` and hexadecimal forms are rejected; a result that overflows to infinity
    /// is `.numberOutOfRange` (underflow rounds towards zero and is accepted).
    /// Conversion uses `strtod` on a NUL-terminated copy (on the stack for normal lengths),
    /// so it is correctly rounded.
    package static func parseFloat64(_ bytes: UnsafeBufferPointer<UInt8>) -> ParsedValue<Double> {
        let n = bytes.count
        guard n > 0 else { return .invalid(.empty) }
        let base = UncheckedBytes(bytes)
        // Validate the grammar first so strtod never sees anything it would interpret loosely.
        var i = 0
        if base[unchecked: 0] == ASCIIByte.minus || base[unchecked: 0] == ASCIIByte.plus { i = 1 }
        var mantissaDigits = 0
        while i < n, ASCIIByte.isDigit(base[unchecked: i]) { i += 1; mantissaDigits += 1 }
        if i < n, base[unchecked: i] == ASCIIByte.dot {
            i += 1
            while i < n, ASCIIByte.isDigit(base[unchecked: i]) { i += 1; mantissaDigits += 1 }
        }
        guard mantissaDigits > 0 else { return .invalid(diagnoseNumber(bytes)) }
        if i < n, base[unchecked: i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < n, base[unchecked: i] == ASCIIByte.minus || base[unchecked: i] == ASCIIByte.plus { i += 1 }
            var exponentDigits = 0
            while i < n, ASCIIByte.isDigit(base[unchecked: i]) { i += 1; exponentDigits += 1 }
            guard exponentDigits > 0 else { return .invalid(diagnoseNumber(bytes)) }
        }
        guard i == n else { return .invalid(diagnoseNumber(bytes)) }

        let result: Double = withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { tmp in
            UnsafeMutableRawBufferPointer(tmp).copyMemory(from: base.rawBuffer)
            tmp[n] = 0
            return strtod(tmp.baseAddress!, nil)
        }
        guard result.isFinite else { return .invalid(.numberOutOfRange) }
        return .value(result)
    }

    /// Picks the most helpful error for text that is not a number (error path only).
    private static func diagnoseNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> ValueError {
        if hasSurroundingWhitespace(bytes) { return .surroundingWhitespace }
        if hasDigitGroupSeparator(bytes) { return .thousandsSeparator }
        return .notANumber
    }

    /// Parses a boolean, ASCII case-insensitively: `true`/`false`, `t`/`f`, `1`/`0`, `yes`/`no`.
    package static func parseBool(_ bytes: UnsafeBufferPointer<UInt8>) -> ParsedValue<Bool> {
        let n = bytes.count
        guard n > 0 else { return .invalid(.empty) }
        let b = UncheckedBytes(bytes)
        // `| 0x20` lower-cases ASCII letters; only ever compared with lower-case letters.
        switch n {
        case 1:
            let c = b[unchecked: 0]
            if c == UInt8(ascii: "1") || c | 0x20 == UInt8(ascii: "t") { return .value(true) }
            if c == UInt8(ascii: "0") || c | 0x20 == UInt8(ascii: "f") { return .value(false) }
        case 2:
            if b[unchecked: 0] | 0x20 == UInt8(ascii: "n"), b[unchecked: 1] | 0x20 == UInt8(ascii: "o") { return .value(false) }
        case 3:
            if b[unchecked: 0] | 0x20 == UInt8(ascii: "y"), b[unchecked: 1] | 0x20 == UInt8(ascii: "e"), b[unchecked: 2] | 0x20 == UInt8(ascii: "s") {
                return .value(true)
            }
        case 4:
            if b[unchecked: 0] | 0x20 == UInt8(ascii: "t"), b[unchecked: 1] | 0x20 == UInt8(ascii: "r"),
               b[unchecked: 2] | 0x20 == UInt8(ascii: "u"), b[unchecked: 3] | 0x20 == UInt8(ascii: "e") {
                return .value(true)
            }
        case 5:
            if b[unchecked: 0] | 0x20 == UInt8(ascii: "f"), b[unchecked: 1] | 0x20 == UInt8(ascii: "a"), b[unchecked: 2] | 0x20 == UInt8(ascii: "l"),
               b[unchecked: 3] | 0x20 == UInt8(ascii: "s"), b[unchecked: 4] | 0x20 == UInt8(ascii: "e") {
                return .value(false)
            }
        default:
            break
        }
        return .invalid(hasSurroundingWhitespace(bytes) ? .surroundingWhitespace : .notABoolean)
    }
}
