import Foundation

/// Number formatting shared by the commands.
public enum Formatting {
    /// `12345678` → `12,345,678`.
    public static func grouped(_ value: Int) -> String { grouped(String(value)) }

    /// The digits before the decimal point of a number's text grouped by thousands: `-1234567.50` →
    /// `-1,234,567.50`, `8000万` → `8,000万`; text that does not start with digits stays as it is (`1e+300` too).
    public static func grouped(_ text: String) -> String {
        let sign = text.hasPrefix("-") ? "-" : ""
        let body = text.dropFirst(sign.count)
        let digits = body.prefix(while: isDigit)
        let rest = body.dropFirst(digits.count)
        guard digits.count > 3, rest.first.map({ $0 == "." || !$0.isASCII }) ?? true else { return text }
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return sign + out + rest
    }

    private static func isDigit(_ c: Character) -> Bool { c >= "0" && c <= "9" }

    /// Bytes as B, KiB, MiB or GiB with one decimal.
    public static func bytes(_ value: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(value)
        var unit = 0
        while v >= 1024 && unit < units.count - 1 { v /= 1024; unit += 1 }
        return unit == 0 ? "\(value) B" : String(format: "%.1f %@", v, units[unit])
    }

    /// Large amounts in 万 (10⁴) and 亿 (10⁸), with `digits` decimals or, without, at most two with trailing zeros
    /// dropped: `80000000` → `8000万`, `70000000000` → `700亿`, `12345` → `1.23万`; nil below 10,000 and from 10¹⁶
    /// (a trillion 亿) on, where the plain number reads better (shown as they are).
    public static func wan(_ value: Double, digits: Int? = nil) -> String? {
        let magnitude = abs(value)
        guard magnitude.isFinite, magnitude >= 10_000, magnitude < 1e16 else { return nil }
        let (scaled, unit) = magnitude >= 100_000_000 ? (value / 100_000_000, "亿") : (value / 10_000, "万")
        var text = String(format: "%.\(digits ?? 2)f", scaled)
        if digits == nil {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text + unit
    }

    /// The decimals `wan(value)` shows when it drops trailing zeros (nil where it gives no 万 or 亿).
    public static func wanDecimals(_ value: Double) -> Int? {
        guard let text = wan(value) else { return nil }
        guard let point = text.firstIndex(of: ".") else { return 0 }
        return text[text.index(after: point)...].prefix(while: isDigit).count
    }

    /// A bar of `width` cells for `share` (0…1) in block characters, to an eighth of a cell, padded with spaces.
    public static func bar(_ share: Double, width: Int) -> String {
        let eighths = Int((min(max(share, 0), 1) * Double(width * 8)).rounded())
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8]
        let full = String(repeating: "█", count: eighths / 8)
        return full + partial + String(repeating: " ", count: max(0, width - eighths / 8 - (partial.isEmpty ? 0 : 1)))
    }

    public static func decimal(_ value: Double, digits: Int = 2) -> String {
        String(format: "%.\(digits)f", value)
    }

    /// JSON text of an encodable value (sorted keys, pretty).
    public static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
    }
}
