/// Splits query text into tokens, with ranges in UTF-8 byte offsets.
///
/// Words are keywords (in any case) or identifiers: ASCII letters, digits and `_`, and any Unicode letter, so
/// `SELECT 景点 FROM t` lexes; `"quoted identifiers"` (`""` inside) keep their case. String literals are `'…'`
/// with `''` inside. Numbers: `42` (an integer, or a decimal if it overflows Int64), `12.50`, `.5`, `1e3`,
/// `1.5E-2`. Comments: `-- …` to the end of the line and `/* … */` (nested, as in PostgreSQL).
package struct Lexer {
    /// All tokens of `sql`, ending with an `.end` token; throws at the first lexical error.
    package static func tokenize(_ sql: String) throws(SQLError) -> [Token] {
        let (tokens, error) = scan(Array(sql.utf8))
        if let error { throw error }
        return tokens
    }

    /// The tokens up to the first lexical error (then ending with an `.end` token at the error), and the error.
    /// The parser reports a syntax error before the lexical error if there is one, as a lexer called on demand
    /// would.
    static func scan(_ bytes: [UInt8]) -> (tokens: [Token], error: SQLError?) {
        var lexer = Lexer(bytes: bytes)
        var tokens: [Token] = []
        tokens.reserveCapacity(bytes.count / 3 + 1)
        while true {
            let token: Token
            do throws(SQLError) {
                token = try lexer.next()
            } catch {
                tokens.append(Token(.end, range: SourceRange(error.range.start, error.range.start)))
                return (tokens, error)
            }
            tokens.append(token)
            if token.kind == .end { return (tokens, nil) }
        }
    }

    private let bytes: [UInt8]
    private var i = 0

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func byte(at index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func next() throws(SQLError) -> Token {
        try skipSpaceAndComments()
        guard i < bytes.count else { return Token(.end, range: SourceRange(bytes.count, bytes.count)) }
        let start = i
        let b = bytes[i]
        func symbol(_ s: Symbol, length: Int) -> Token {
            i += length
            return Token(.symbol(s), range: SourceRange(start, start + length))
        }
        switch b {
        case UInt8(ascii: "'"):
            return Token(.string(try quoted(by: b, what: "string literal")), range: SourceRange(start, i))
        case UInt8(ascii: "\""):
            let name = try quoted(by: b, what: "quoted identifier")
            if name.isEmpty {
                throw SQLError("zero-length quoted identifier \"\"", range: SourceRange(start, i))
            }
            return Token(.quotedIdentifier(name), range: SourceRange(start, i))
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try number()
        case UInt8(ascii: "."):
            if let next = byte(at: i + 1), Lexer.isDigit(next) { return try number() }
            return symbol(.dot, length: 1)
        case UInt8(ascii: "+"): return symbol(.plus, length: 1)
        case UInt8(ascii: "-"): return symbol(.minus, length: 1)
        case UInt8(ascii: "*"): return symbol(.star, length: 1)
        case UInt8(ascii: "/"): return symbol(.slash, length: 1)
        case UInt8(ascii: "%"): return symbol(.percent, length: 1)
        case UInt8(ascii: "="): return symbol(.equal, length: 1)
        case UInt8(ascii: "("): return symbol(.leftParen, length: 1)
        case UInt8(ascii: ")"): return symbol(.rightParen, length: 1)
        case UInt8(ascii: ","): return symbol(.comma, length: 1)
        case UInt8(ascii: ";"): return symbol(.semicolon, length: 1)
        case UInt8(ascii: "["): return symbol(.leftBracket, length: 1)
        case UInt8(ascii: "]"): return symbol(.rightBracket, length: 1)
        case UInt8(ascii: "<"):
            switch byte(at: i + 1) {
            case UInt8(ascii: "="): return symbol(.lessOrEqual, length: 2)
            case UInt8(ascii: ">"): return symbol(.notEqual, length: 2)
            default: return symbol(.less, length: 1)
            }
        case UInt8(ascii: ">"):
            if byte(at: i + 1) == UInt8(ascii: "=") { return symbol(.greaterOrEqual, length: 2) }
            return symbol(.greater, length: 1)
        case UInt8(ascii: "!") where byte(at: i + 1) == UInt8(ascii: "="):
            return symbol(.notEqual, length: 2)
        case UInt8(ascii: "|") where byte(at: i + 1) == UInt8(ascii: "|"):
            return symbol(.concat, length: 2)
        case UInt8(ascii: ":") where byte(at: i + 1) == UInt8(ascii: ":"):
            return symbol(.doubleColon, length: 2)
        default:
            let (scalar, length) = Lexer.decode(bytes, at: i)
            if Lexer.isWordStart(scalar) { return word() }
            throw unexpectedCharacter(scalar, length: length)
        }
    }

    // MARK: Space and comments

    private mutating func skipSpaceAndComments() throws(SQLError) {
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0B, 0x0C:
                i += 1
            case UInt8(ascii: "-") where byte(at: i + 1) == UInt8(ascii: "-"):
                while i < bytes.count && bytes[i] != UInt8(ascii: "\n") { i += 1 }
            case UInt8(ascii: "/") where byte(at: i + 1) == UInt8(ascii: "*"):
                try skipBlockComment()
            case 0x80...:
                // No-break and ideographic spaces (U+00A0, U+3000 …) are spaces too.
                let (scalar, length) = Lexer.decode(bytes, at: i)
                guard scalar.properties.isWhitespace else { return }
                i += length
            default:
                return
            }
        }
    }

    private mutating func skipBlockComment() throws(SQLError) {
        var openings = [i]
        i += 2
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "*") && byte(at: i + 1) == UInt8(ascii: "/") {
                openings.removeLast()
                i += 2
                if openings.isEmpty { return }
            } else if bytes[i] == UInt8(ascii: "/") && byte(at: i + 1) == UInt8(ascii: "*") {
                openings.append(i)
                i += 2
            } else {
                i += 1
            }
        }
        let start = openings.last!
        throw SQLError("unterminated /* comment", range: SourceRange(start, start + 2))
    }

    // MARK: Literals

    /// The content of `'…'` or `"…"` at `i`, the quote doubled inside; leaves `i` after the closing quote.
    private mutating func quoted(by quote: UInt8, what: String) throws(SQLError) -> String {
        let start = i
        i += 1
        var content: [UInt8] = []
        var runStart = i
        while i < bytes.count {
            if bytes[i] == quote {
                content.append(contentsOf: bytes[runStart..<i])
                if byte(at: i + 1) == quote {
                    content.append(quote)
                    i += 2
                    runStart = i
                } else {
                    i += 1
                    return String(decoding: content, as: UTF8.self)
                }
            } else {
                i += 1
            }
        }
        var message = "unterminated \(what)"
        if quote == UInt8(ascii: "\"") {
            message += " (double quotes make a name; write a string value in single quotes: 'text')"
        }
        throw SQLError(message, range: SourceRange(start, start + 1))
    }

    private mutating func number() throws(SQLError) -> Token {
        let start = i
        var isDecimal = false
        while let b = byte(at: i), Lexer.isDigit(b) { i += 1 }
        if byte(at: i) == UInt8(ascii: ".") {
            isDecimal = true
            i += 1
            while let b = byte(at: i), Lexer.isDigit(b) { i += 1 }
        }
        if let e = byte(at: i), e | 0x20 == UInt8(ascii: "e") {
            var j = i + 1
            if let sign = byte(at: j), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { j += 1 }
            if let d = byte(at: j), Lexer.isDigit(d) {
                isDecimal = true
                i = j
                while let b = byte(at: i), Lexer.isDigit(b) { i += 1 }
            }
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        if i < bytes.count, Lexer.isWordStart(Lexer.decode(bytes, at: i).scalar) {
            // `1abc`, `12e`, `3.5x`: not a number, and not a number followed by a name either.
            var end = i
            while end < bytes.count {
                let (scalar, length) = Lexer.decode(bytes, at: end)
                guard Lexer.isWordPart(scalar) else { break }
                end += length
            }
            let junk = String(decoding: bytes[start..<end], as: UTF8.self)
            throw SQLError("invalid number \"\(junk)\"", range: SourceRange(start, end))
        }
        let range = SourceRange(start, i)
        if !isDecimal, let value = Int64(text) { return Token(.integer(value), range: range) }
        return Token(.decimal(text), range: range)
    }

    private mutating func word() -> Token {
        let start = i
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x80 {
                guard Lexer.isASCIIWordPart(b) else { break }
                i += 1
            } else {
                let (scalar, length) = Lexer.decode(bytes, at: i)
                guard Lexer.isWordPart(scalar) else { break }
                i += length
            }
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        let range = SourceRange(start, i)
        if let keyword = Keyword(word: text) { return Token(.keyword(keyword), range: range) }
        return Token(.identifier(text), range: range)
    }

    // MARK: Errors

    private func unexpectedCharacter(_ scalar: Unicode.Scalar, length: Int) -> SQLError {
        let shown: String
        switch scalar.properties.generalCategory {
        case .control, .format, .nonspacingMark, .spacingMark, .enclosingMark, .lineSeparator, .paragraphSeparator,
             .privateUse, .surrogate, .unassigned, .spaceSeparator:
            shown = Lexer.codePoint(scalar)  // invisible, or not a character of its own
        default:
            shown = "\"\(scalar)\""
        }
        var message = "unexpected character \(shown) at \(SourceText(bytes: bytes).position(of: i))"
        if let hint = Lexer.hint(for: scalar) { message += " (\(hint))" }
        return SQLError(message, range: SourceRange(i, i + length))
    }

    private static func hint(for scalar: Unicode.Scalar) -> String? {
        switch scalar {
        case "&": return "use AND to combine conditions"
        case "!": return "use NOT, or != to compare"
        case "|": return "use || to join strings, OR to combine conditions"
        case ":": return "use :: to cast, as in x::BIGINT"
        case "`": return "quote a name with double quotes: \"name\""
        case "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}":
            return "a curly quote is not a SQL quote; write a string value in straight single quotes: 'text'"
        case "？", "?", "$": return "query parameters are not supported"
        default:
            // Full-width punctuation typed with a Chinese input method: ，（）；＝ …
            if (0xFF01...0xFF5E).contains(scalar.value), let ascii = Unicode.Scalar(scalar.value - 0xFEE0) {
                return "full-width \"\(scalar)\" is not SQL punctuation; use \"\(ascii)\""
            }
            switch scalar.value {
            case 0x3001: return "full-width \"、\" is not SQL punctuation; use \",\""
            case 0x3002: return "full-width \"。\" is not SQL punctuation; use \".\" or \";\""
            case 0x300C, 0x300D, 0x300E, 0x300F:
                return "write a string value in single quotes: 'text'"
            default: return nil
            }
        }
    }

    private static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: Swift.max(0, 4 - hex.count)) + hex
    }

    // MARK: Characters

    static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    static func isASCIIWordPart(_ b: UInt8) -> Bool {
        (b | 0x20 >= UInt8(ascii: "a") && b | 0x20 <= UInt8(ascii: "z")) || isDigit(b) || b == UInt8(ascii: "_")
    }

    static func isWordStart(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let b = UInt8(scalar.value)
            return isASCIIWordPart(b) && !isDigit(b)
        }
        return scalar.properties.isAlphabetic
    }

    static func isWordPart(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return isASCIIWordPart(UInt8(scalar.value)) }
        if scalar.properties.isAlphabetic { return true }
        switch scalar.properties.generalCategory {
        case .decimalNumber, .nonspacingMark, .spacingMark: return true
        default: return false
        }
    }

    /// The scalar whose UTF-8 encoding starts at `i` (the bytes come from a String, so they are valid UTF-8).
    static func decode(_ bytes: [UInt8], at i: Int) -> (scalar: Unicode.Scalar, length: Int) {
        let b0 = UInt32(bytes[i])
        let length: Int
        var value: UInt32
        switch b0 {
        case 0..<0x80: return (Unicode.Scalar(UInt8(b0)), 1)
        case 0xC0..<0xE0: length = 2; value = b0 & 0x1F
        case 0xE0..<0xF0: length = 3; value = b0 & 0x0F
        case 0xF0..<0xF8: length = 4; value = b0 & 0x07
        default: return ("\u{FFFD}", 1)
        }
        guard i + length <= bytes.count else { return ("\u{FFFD}", 1) }
        for k in 1..<length { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
    }
}
