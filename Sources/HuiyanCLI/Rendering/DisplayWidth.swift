@preconcurrency import CEditLine
import Foundation

/// How many terminal columns text takes, by the C library's `wcwidth` in a UTF-8 locale (East Asian wide and
/// fullwidth characters take two, combining marks none); a built-in table of the wide ranges stands in when the
/// process has no UTF-8 locale. `TerminalLocale.configure()` sets one up.
public enum DisplayWidth {
    public static func of(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + of($1) }
    }

    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v >= 0x20 && v < 0x7F { return 1 }
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
        if TerminalLocale.isUTF8 {
            let width = wcwidth(wchar_t(bitPattern: v))
            if width >= 0 { return Int(width) }
        }
        return fallback(scalar)
    }

    /// `text` cut to at most `width` columns at a character boundary, ending in "…" when something was cut.
    public static func truncated(_ text: String, to width: Int) -> String {
        guard of(text) > width else { return text }
        guard width > 0 else { return "" }
        var out = ""
        var used = 0
        for character in text {
            let w = of(String(character))
            if used + w > width - 1 { break }
            out.append(character)
            used += w
        }
        return out + "…"
    }

    /// `text` padded with spaces to `width` columns, on the right (`left` alignment) or on the left.
    public static func padded(_ text: String, to width: Int, right: Bool = false) -> String {
        let pad = String(repeating: " ", count: max(0, width - of(text)))
        return right ? pad + text : text + pad
    }

    /// `text` in lines of at most `width` columns, each after `indent` spaces: broken at a space, or between
    /// two characters of which one is wide (Chinese breaks anywhere), a word longer than a line cut where it must.
    public static func wrapped(_ text: String, to width: Int, indent: Int = 0) -> String {
        let margin = String(repeating: " ", count: indent)
        let room = max(1, width - indent)
        var lines: [String] = []
        var line = "", used = 0
        /// Where `line` may be broken: its length in characters and columns there.
        var lastBreak: (characters: Int, columns: Int)?
        var previousWide = false
        for character in text {
            let w = of(String(character))
            if used + w > room, !line.isEmpty {
                if let cut = lastBreak, cut.characters > 0 {
                    let head = String(line.prefix(cut.characters)), tail = String(line.dropFirst(cut.characters))
                    lines.append(head)
                    line = String(tail.drop { $0 == " " })
                    used = of(line)
                } else {
                    lines.append(line)
                    line = ""; used = 0
                }
                lastBreak = nil
            }
            if character == " " && line.isEmpty { continue }
            if character == " " || w == 2 || previousWide { lastBreak = (line.count, used) }
            line.append(character)
            used += w
            previousWide = w == 2
        }
        if !line.isEmpty { lines.append(line) }
        return lines.map { margin + $0.trimmingTrailingSpaces }.joined(separator: "\n")
    }

    /// Widths without a UTF-8 locale: the East Asian wide ranges of Unicode's EastAsianWidth.txt.
    static func fallback(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
            || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
            || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
            || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v)
            || (0x1F900...0x1F9FF).contains(v) || (0x20000...0x3FFFD).contains(v) {
            return 2
        }
        return 1
    }
}

private extension String {
    var trimmingTrailingSpaces: String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
