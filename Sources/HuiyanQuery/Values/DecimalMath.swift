import Foundation

/// Exact decimal arithmetic on Int64 units of 10^-scale, as PostgreSQL's numeric within 18 digits: results
/// that do not fit are errors that name the value, never a silent DOUBLE. Rounding is half away from zero.
enum DecimalMath {
    static let maxScale = 18
    /// Decimals of a quotient of exact numbers at least (PostgreSQL gives about 16 significant digits; a fixed
    /// column needs one scale for every row, and 6 keeps 12 digits before the point).
    static let quotientScale = 6

    private static let powers: [Int64] = (0...18).map { n in (0..<n).reduce(1) { r, _ in r * 10 } }

    /// 10^n for n in 0…18.
    @inline(__always) static func power(_ n: Int) -> Int64 { powers[n] }

    /// `units` at `scale` as text: `2031500, 5` → `20.31500`.
    static func format(_ units: Int64, scale: Int) -> String {
        let magnitude = units.magnitude, unit = UInt64(power(scale))
        var fraction = String(magnitude % unit)
        if fraction.count < scale { fraction = String(repeating: "0", count: scale - fraction.count) + fraction }
        return (units < 0 ? "-" : "") + String(magnitude / unit) + (scale > 0 ? "." + fraction : "")
    }

    /// `units` at scale `from` as units at scale `to`: exact upward (nil past Int64), rounded half away from
    /// zero downward.
    static func rescale(_ units: Int64, from: Int, to: Int) -> Int64? {
        if from == to { return units }
        if to > from {
            let (r, o) = units.multipliedReportingOverflow(by: power(to - from))
            return o ? nil : r
        }
        return roundDiv(units, power(from - to))
    }

    /// `a / b` rounded half away from zero (b ≠ 0).
    @inline(__always) static func roundDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b, r = a % b
        return r.magnitude * 2 >= b.magnitude ? q + ((a < 0) != (b < 0) ? -1 : 1) : q
    }

    /// The quotient of `a` (scale `sa`) by `b` (scale `sb`) at scale `scale`, rounded half away from zero;
    /// nil when it does not fit. `b` is not 0.
    static func divide(_ a: Int64, _ sa: Int, by b: Int64, _ sb: Int, scale: Int) -> Int64? {
        // a·10^(scale − sa + sb) / b in 128 bits: the shift is at most 18 + 18.
        var shift = scale - sa + sb
        var numerator = (high: a < 0 ? Int64(-1) : 0, low: UInt64(bitPattern: a))
        var divisor = b
        while shift < 0 {   // a wider divisor instead of a fraction of the numerator
            let (d, o) = divisor.multipliedReportingOverflow(by: 10)
            if o { return 0 }
            divisor = d
            shift += 1
        }
        while shift > 0 {
            let step = Swift.min(shift, 18)
            guard let n = multiply128(numerator, power(step)) else { return nil }
            numerator = n
            shift -= step
        }
        let negative = (numerator.high < 0) != (divisor < 0)
        let magnitude = abs128(numerator), d = divisor.magnitude
        guard magnitude.high < d else { return nil }
        let (q, r) = d.dividingFullWidth((magnitude.high, magnitude.low))
        var quotient = q
        if r >= d - r { quotient += 1 }
        guard quotient <= UInt64(Int64.max) else { return nil }
        return negative ? -Int64(quotient) : Int64(quotient)
    }

    private static func multiply128(_ x: (high: Int64, low: UInt64), _ m: Int64) -> (high: Int64, low: UInt64)? {
        let negative = x.high < 0
        let mag = abs128(x)
        let low = mag.low.multipliedFullWidth(by: UInt64(m))
        let (highPart, o1) = mag.high.multipliedReportingOverflow(by: UInt64(m))
        let (high, o2) = highPart.addingReportingOverflow(low.high)
        guard !o1, !o2, high < UInt64(1) << 62 else { return nil }
        return negative ? negate128((high, low.low)) : (Int64(high), low.low)
    }

    private static func abs128(_ x: (high: Int64, low: UInt64)) -> (high: UInt64, low: UInt64) {
        guard x.high < 0 else { return (UInt64(x.high), x.low) }
        let n = negate128((UInt64(bitPattern: x.high), x.low))
        return (UInt64(bitPattern: n.high), n.low)
    }

    private static func negate128(_ x: (high: UInt64, low: UInt64)) -> (high: Int64, low: UInt64) {
        let low = ~x.low &+ 1
        let high = ~x.high &+ (low == 0 ? 1 : 0)
        return (Int64(bitPattern: high), low)
    }

    /// Text as units at `scale`: `[+-]digits[.digits]`, extra decimals rounded half away from zero; nil when
    /// it is no such number or does not fit.
    static func parse(_ text: String, scale: Int) -> Int64? {
        var units: Int64 = 0, decimals = 0, digits = 0, negative = false, seenDot = false, roundUp = false
        var chars = Substring(text.trimmingCharacters(in: .whitespaces))[...]
        if chars.first == "-" || chars.first == "+" { negative = chars.first == "-"; chars = chars.dropFirst() }
        for c in chars {
            if c == "." && !seenDot { seenDot = true; continue }
            guard let d = c.wholeNumberValue, c.isASCII else { return nil }
            digits += 1
            if seenDot && decimals >= scale {
                if decimals == scale { roundUp = d >= 5 }
                decimals += 1
                continue
            }
            let (m, o1) = units.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(d))
            if o1 || o2 { return nil }
            units = s
            if seenDot { decimals += 1 }
        }
        guard digits > 0 else { return nil }
        if roundUp { let (s, o) = units.addingReportingOverflow(1); if o { return nil }; units = s }
        guard let scaled = rescale(units, from: Swift.min(decimals, scale), to: scale) else { return nil }
        return negative ? -scaled : scaled
    }

    /// The number of decimals written in a literal (`23.90` → 2), or nil when it has an exponent.
    static func writtenScale(_ text: String) -> Int? {
        guard !text.contains(where: { $0 == "e" || $0 == "E" }) else { return nil }
        guard let dot = text.firstIndex(of: ".") else { return 0 }
        return text.distance(from: dot, to: text.endIndex) - 1
    }
}
