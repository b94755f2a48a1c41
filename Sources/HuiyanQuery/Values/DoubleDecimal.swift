import Foundation

/// Rounding of doubles by the decimal value they print as (the shortest text that reads back as the same
/// double): `round(2.675e0, 2)` is 2.68 and `round(0.285e0, 2)` is 0.29, every time, though the binary
/// values lie just below the halves.
enum DoubleDecimal {
    /// `x` rounded half away from zero to `digits` decimals (negative: to tens, hundreds, …); a double that
    /// has no digits at that place (too large, or beyond its precision) is returned as it is.
    static func round(_ x: Double, digits: Int) -> Double {
        guard x.isFinite else { return x }
        if digits >= 0 {
            let scale = pow(10.0, Double(min(digits, 400)))
            let y = x * scale
            guard y.isFinite, y.magnitude < 4_503_599_627_370_496 else { return x }   // 2^52: no fraction left
            // Away from a half, scaling decides; near one, the printed decimal does.
            let fraction = (y - y.rounded(.towardZero)).magnitude
            if (fraction - 0.5).magnitude <= Swift.max(1e-9, y.ulp * 16) { return printed(x, digits: digits) ?? x }
            return y.rounded(.toNearestOrAwayFromZero) / scale
        }
        let unit = pow(10.0, Double(min(-digits, 400)))
        guard unit.isFinite else { return 0 }
        return (x / unit).rounded(.toNearestOrAwayFromZero) * unit
    }

    /// The shortest decimal text of `x`, rounded half away from zero at `digits` decimals, read back.
    private static func printed(_ x: Double, digits: Int) -> Double? {
        var text = "\(x.magnitude)"
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        var mantissa = Array(parts[0]) + (parts.count > 1 ? Array(parts[1]) : [])
        var point = parts[0].count + exponent       // digits before the decimal point
        if point < 0 { mantissa = Array(repeating: "0", count: -point) + mantissa; point = 0 }
        let keep = point + digits
        guard keep < mantissa.count else { return x }
        var kept = mantissa[..<keep].compactMap(\.wholeNumberValue)
        if (mantissa[keep].wholeNumberValue ?? 0) >= 5 {
            var i = kept.count - 1
            while i >= 0 && kept[i] == 9 { kept[i] = 0; i -= 1 }
            if i >= 0 { kept[i] += 1 } else { kept.insert(1, at: 0); point += 1 }
        }
        let whole = kept.prefix(point).map(String.init).joined()
        let fraction = kept.dropFirst(point).map(String.init).joined()
        let result = Double((whole.isEmpty ? "0" : whole) + (fraction.isEmpty ? "" : "." + fraction)) ?? x
        return x < 0 ? -result : result
    }
}
