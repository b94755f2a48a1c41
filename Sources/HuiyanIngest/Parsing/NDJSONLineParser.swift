import HuiyanBuffers
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HuiyanValues

/// Parses one NDJSON line — a flat JSON object with scalar values — out of a contiguous buffer.
///
/// Keys and values are stored as ranges in two `ByteSpanTable`s: strings in place when they
/// have no escapes, otherwise unescaped (UTF-8, `\uXXXX` and surrogate pairs decoded) into
/// the table's scratch buffer; numbers, `true`, `false` and `null` as their literal text.
/// The value kind is kept in the value's tag (see `kind(ofTag:)`). Nothing is allocated on
/// the success path. A line ends at LF, CRLF or a lone CR (raw CR/LF cannot occur inside
/// valid JSON strings, so this never cuts a valid object).
enum NDJSONLineParser {
    /// Where a line ends and what is wrong with it.
    struct RecordBounds: Equatable {
        /// Offset of the line's terminator (or the end of input).
        var contentEnd: Int
        /// Offset where the next line starts.
        var next: Int
        /// False when the line ended at the end of input rather than at a terminator.
        var terminated: Bool
        /// The problem, or nil for a good record. With a problem, the tables are empty.
        var problem: NDJSONRecordProblem?
    }

    enum Outcome: Equatable {
        /// The line is not complete in `from..<end` and the input is not final.
        case needMoreData
        /// The line is empty or only spaces/tabs: not a record.
        case blankLine(next: Int, terminated: Bool)
        case record(RecordBounds)
    }

    /// The value kind stored in a value tag by `parseLine`.
    @inline(__always)
    static func kind(ofTag tag: UInt8) -> JSONValueKind {
        JSONValueKind(rawValue: tag >> 2) ?? .null
    }

    /// Parses the line starting at `from` in `base[from..<end]` into `keys` and `values`
    /// (both cleared first; offsets relative to `base`). With `isFinal == false` it returns
    /// `.needMoreData` whenever the answer might depend on bytes past `end`; the caller then
    /// supplies more and calls again from the same line start.
    static func parseLine(
        _ base: UncheckedBytes, from: Int, end: Int, isFinal: Bool,
        keys: ByteSpanTable, values: ByteSpanTable
    ) -> Outcome {
        keys.removeAll()
        values.removeAll()
        var cursor = Cursor(base: base, from: from, end: end, isFinal: isFinal, p: from)
        var problem: NDJSONRecordProblem? = nil
        var blank = false
        do throws(Cursor.Stop) {
            blank = try cursor.parseObjectLine(keys: keys, values: values)
        } catch {
            switch error {
            case .needMore:
                return .needMoreData
            case .problem(let found):
                problem = found
                keys.removeAll()
                values.removeAll()
                // Resynchronise at the end of the line.
                var p = cursor.p
                while p < end {
                    let c = base[unchecked: p]
                    if c == ASCIIByte.lf || c == ASCIIByte.cr { break }
                    p += 1
                }
                cursor.p = p
            }
        }
        // `cursor.p` is at the line terminator or the end of the input.
        let p = cursor.p
        let next: Int
        let terminated: Bool
        if p == end {
            if !isFinal { return .needMoreData }
            next = p
            terminated = false
        } else if base[unchecked: p] == ASCIIByte.lf {
            next = p + 1
            terminated = true
        } else if p + 1 < end {
            next = base[unchecked: p + 1] == ASCIIByte.lf ? p + 2 : p + 1
            terminated = true
        } else if isFinal {
            next = p + 1
            terminated = true
        } else {
            return .needMoreData  // CR at the end of the data: CR LF may be split
        }
        if blank { return .blankLine(next: next, terminated: terminated) }
        return .record(RecordBounds(contentEnd: p, next: next, terminated: terminated, problem: problem))
    }

    /// The parsing state for one line; errors unwind with a typed throw.
    private struct Cursor {
        enum Stop: Error {
            /// The line continues past the available bytes.
            case needMore
            case problem(NDJSONRecordProblem)
        }

        let base: UncheckedBytes
        let from: Int
        let end: Int
        let isFinal: Bool
        var p: Int
        /// Key numbers by hash, built once a line has more than `linearKeyLimit` keys (a line of a million
        /// keys made the linear duplicate check quadratic: a hang). Empty, it allocates nothing.
        var keysByHash: [Int: [Int]] = [:]
        static let linearKeyLimit = 32

        /// 1-based byte column of `p` in the line.
        var column: Int { p - from + 1 }

        @inline(__always)
        func malformed(_ reason: String) -> Stop {
            .problem(.malformed(column: column, reason: reason))
        }

        @inline(__always)
        mutating func skipWhitespace() {
            while p < end {
                let c = base[unchecked: p]
                if c != ASCIIByte.space && c != ASCIIByte.tab { return }
                p += 1
            }
        }

        /// The byte at `p`, which must exist and not end the line; `expected` names what
        /// should come next, for the error message.
        @inline(__always)
        func requireByte(_ expected: StaticString) throws(Stop) -> UInt8 {
            if p < end {
                let c = base[unchecked: p]
                if c == ASCIIByte.lf || c == ASCIIByte.cr {
                    throw malformed("unexpected end of line, expected \(expected)")
                }
                return c
            }
            if !isFinal { throw .needMore }
            throw malformed("unexpected end of input, expected \(expected)")
        }

        /// Parses the whole line (up to, not including, its terminator). Returns true for a
        /// blank line. On return `p` is at the terminator or the end of the input.
        mutating func parseObjectLine(keys: ByteSpanTable, values: ByteSpanTable) throws(Stop) -> Bool {
            skipWhitespace()
            if p == end {
                if !isFinal { throw .needMore }
                return true
            }
            var c = base[unchecked: p]
            if c == ASCIIByte.lf || c == ASCIIByte.cr { return true }
            guard c == ASCIIByte.leftBrace else {
                switch c {
                case ASCIIByte.leftBracket, ASCIIByte.quote, ASCIIByte.minus, ASCIIByte.zero...ASCIIByte.nine,
                     UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                    throw .problem(.notAnObject)
                default:
                    throw malformed("expected '{'")
                }
            }
            p += 1
            skipWhitespace()
            c = try requireByte("a key or '}'")
            if c == ASCIIByte.rightBrace {
                p += 1
            } else {
                while true {
                    guard c == ASCIIByte.quote else { throw malformed("expected a key string") }
                    try parseString(into: keys, tag: 0)
                    try checkLastKeyIsNew(keys)
                    skipWhitespace()
                    c = try requireByte("':'")
                    guard c == ASCIIByte.colon else { throw malformed("expected ':' after the key") }
                    p += 1
                    skipWhitespace()
                    c = try requireByte("a value")
                    switch c {
                    case ASCIIByte.quote:
                        try parseString(into: values, tag: JSONValueKind.string.rawValue << 2)
                    case ASCIIByte.minus, ASCIIByte.zero...ASCIIByte.nine:
                        try parseNumber(into: values)
                    case UInt8(ascii: "t"):
                        try parseLiteral("true", kind: .bool, into: values)
                    case UInt8(ascii: "f"):
                        try parseLiteral("false", kind: .bool, into: values)
                    case UInt8(ascii: "n"):
                        try parseLiteral("null", kind: .null, into: values)
                    case ASCIIByte.leftBrace, ASCIIByte.leftBracket:
                        let key = String(decoding: keys.bytes(unchecked: keys.count - 1, in: base), as: UTF8.self)
                        throw .problem(.nestedValue(key: key, isArray: c == ASCIIByte.leftBracket))
                    default:
                        throw malformed("expected a value")
                    }
                    skipWhitespace()
                    c = try requireByte("',' or '}'")
                    if c == ASCIIByte.comma {
                        p += 1
                        skipWhitespace()
                        c = try requireByte("a key")
                        continue
                    }
                    guard c == ASCIIByte.rightBrace else { throw malformed("expected ',' or '}'") }
                    p += 1
                    break
                }
            }
            skipWhitespace()
            if p == end {
                if !isFinal { throw .needMore }
                return false
            }
            c = base[unchecked: p]
            if c != ASCIIByte.lf && c != ASCIIByte.cr { throw .problem(.trailingGarbage(column: column)) }
            return false
        }

        /// Throws `.duplicateKey` when the last key in `keys` equals an earlier one: a linear scan for the
        /// first `linearKeyLimit` keys, a hash lookup beyond.
        @inline(__always)
        mutating func checkLastKeyIsNew(_ keys: ByteSpanTable) throws(Stop) {
            let last = keys.count - 1
            let key = keys.bytes(unchecked: last, in: base)
            if last >= Self.linearKeyLimit {
                try checkLastKeyIsNewHashed(keys, last: last, key: key)
                return
            }
            var j = 0
            while j < last {
                let other = keys.bytes(unchecked: j, in: base)
                if other.count == key.count && memcmp(other.baseAddress!, key.baseAddress!, key.count) == 0 {
                    throw .problem(.duplicateKey(key: String(decoding: key, as: UTF8.self)))
                }
                j += 1
            }
        }

        private mutating func checkLastKeyIsNewHashed(_ keys: ByteSpanTable, last: Int, key: UnsafeBufferPointer<UInt8>) throws(Stop) {
            func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
                var hasher = Hasher()
                hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
                return hasher.finalize()
            }
            if keysByHash.isEmpty {
                for j in 0..<last { keysByHash[hash(keys.bytes(unchecked: j, in: base)), default: []].append(j) }
            }
            let h = hash(key)
            for j in keysByHash[h] ?? [] {
                let other = keys.bytes(unchecked: j, in: base)
                if other.count == key.count && (key.count == 0 || memcmp(other.baseAddress!, key.baseAddress!, key.count) == 0) {
                    throw .problem(.duplicateKey(key: String(decoding: key, as: UTF8.self)))
                }
            }
            keysByHash[h, default: []].append(last)
        }

        /// Parses a string starting at the opening quote at `p` and appends it to `table`.
        mutating func parseString(into table: ByteSpanTable, tag: UInt8) throws(Stop) {
            p += 1
            var segmentStart = p
            var scratchStart = -1  // >= 0 once escapes forced an unescaped copy into scratch
            while true {
                while p < end {
                    let c = base[unchecked: p]
                    if c == ASCIIByte.quote || c == ASCIIByte.backslash || c < 0x20 { break }
                    p += 1
                }
                if p == end {
                    if !isFinal { throw .needMore }
                    throw malformed("unterminated string")
                }
                let c = base[unchecked: p]
                if c == ASCIIByte.quote {
                    if scratchStart < 0 {
                        table.append(segmentStart, p, tag: tag)
                    } else {
                        table.scratch.append(base.slice(unchecked: segmentStart..<p))
                        table.append(scratchStart, table.scratch.count, tag: tag | ByteSpanTable.inScratch)
                    }
                    p += 1
                    return
                }
                if c < 0x20 {
                    if c == ASCIIByte.lf || c == ASCIIByte.cr { throw malformed("unterminated string") }
                    throw malformed("unescaped control character in a string")
                }
                // Backslash escape.
                if scratchStart < 0 { scratchStart = table.scratch.count }
                table.scratch.append(base.slice(unchecked: segmentStart..<p))
                let escapeColumn = column
                p += 1
                guard p < end else {
                    if !isFinal { throw .needMore }
                    throw malformed("unterminated string")
                }
                let e = base[unchecked: p]
                switch e {
                case ASCIIByte.quote, ASCIIByte.backslash, ASCIIByte.slash: table.scratch.append(e)
                case UInt8(ascii: "b"): table.scratch.append(0x08)
                case UInt8(ascii: "f"): table.scratch.append(0x0C)
                case UInt8(ascii: "n"): table.scratch.append(0x0A)
                case UInt8(ascii: "r"): table.scratch.append(0x0D)
                case UInt8(ascii: "t"): table.scratch.append(0x09)
                case UInt8(ascii: "u"):
                    p += 1
                    var scalar = try hex4()
                    if scalar >= 0xD800 && scalar <= 0xDBFF {
                        // A high surrogate must be followed by `\u` and a low surrogate.
                        guard let low = try lowSurrogateEscape(), low >= 0xDC00 && low <= 0xDFFF else {
                            throw .problem(.loneSurrogate(column: escapeColumn))
                        }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        p += 6
                    } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                        throw .problem(.loneSurrogate(column: escapeColumn))
                    }
                    Self.appendUTF8(scalar, to: table.scratch)
                    p -= 1  // compensated by the `p += 1` below
                default:
                    throw malformed("invalid escape sequence")
                }
                p += 1
                segmentStart = p
            }
        }

        /// Reads the four hex digits of a `\u` escape at `p` and advances past them.
        /// Asks for more data only when every available byte is a valid hex digit.
        mutating func hex4() throws(Stop) -> Int {
            var v = 0
            for k in 0..<4 {
                if p + k == end {
                    if !isFinal { throw .needMore }
                    throw malformed("incomplete \\u escape")
                }
                let d = Self.hexDigit(base[unchecked: p + k])
                if d < 0 { throw malformed("invalid \\u escape") }
                v = v << 4 | d
            }
            p += 4
            return v
        }

        /// The value of a `\uXXXX` escape at `p` (without consuming it), or nil when the bytes
        /// there are not one. Asks for more data only when the available bytes could still be one.
        func lowSurrogateEscape() throws(Stop) -> Int? {
            var v = 0
            for k in 0..<6 {
                if p + k == end {
                    if !isFinal { throw .needMore }
                    return nil
                }
                let c = base[unchecked: p + k]
                switch k {
                case 0: if c != ASCIIByte.backslash { return nil }
                case 1: if c != UInt8(ascii: "u") { return nil }
                default:
                    let d = Self.hexDigit(c)
                    if d < 0 { return nil }
                    v = v << 4 | d
                }
            }
            return v
        }

        /// The value of one hex digit, or -1.
        @inline(__always)
        static func hexDigit(_ c: UInt8) -> Int {
            switch c {
            case ASCIIByte.zero...ASCIIByte.nine: return Int(c - ASCIIByte.zero)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(c - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(c - UInt8(ascii: "A")) + 10
            default: return -1
            }
        }

        /// Appends the UTF-8 encoding of a Unicode scalar value (not a surrogate) to `scratch`.
        @inline(__always)
        static func appendUTF8(_ v: Int, to scratch: GrowableBuffer<UInt8>) {
            if v < 0x80 {
                scratch.append(UInt8(v))
            } else if v < 0x800 {
                scratch.append(UInt8(0xC0 | v >> 6))
                scratch.append(UInt8(0x80 | v & 0x3F))
            } else if v < 0x10000 {
                scratch.append(UInt8(0xE0 | v >> 12))
                scratch.append(UInt8(0x80 | (v >> 6) & 0x3F))
                scratch.append(UInt8(0x80 | v & 0x3F))
            } else {
                scratch.append(UInt8(0xF0 | v >> 18))
                scratch.append(UInt8(0x80 | (v >> 12) & 0x3F))
                scratch.append(UInt8(0x80 | (v >> 6) & 0x3F))
                scratch.append(UInt8(0x80 | v & 0x3F))
            }
        }

        /// Parses a JSON number at `p` (strict RFC 8259 grammar) and stores its literal text.
        mutating func parseNumber(into values: ByteSpanTable) throws(Stop) {
            let start = p
            if base[unchecked: p] == ASCIIByte.minus { p += 1 }
            var c = try requireByte("a digit")
            if c == ASCIIByte.zero {
                p += 1
                if p < end && ASCIIByte.isDigit(base[unchecked: p]) { throw malformed("leading zero in a number") }
            } else if ASCIIByte.isDigit(c) {
                while p < end && ASCIIByte.isDigit(base[unchecked: p]) { p += 1 }
            } else {
                throw malformed("invalid number")
            }
            if p < end && base[unchecked: p] == ASCIIByte.dot {
                p += 1
                c = try requireByte("a digit after '.'")
                guard ASCIIByte.isDigit(c) else { throw malformed("expected a digit after '.'") }
                while p < end && ASCIIByte.isDigit(base[unchecked: p]) { p += 1 }
            }
            if p < end && base[unchecked: p] | 0x20 == UInt8(ascii: "e") {
                p += 1
                if p < end && (base[unchecked: p] == ASCIIByte.plus || base[unchecked: p] == ASCIIByte.minus) { p += 1 }
                c = try requireByte("an exponent digit")
                guard ASCIIByte.isDigit(c) else { throw malformed("expected an exponent digit") }
                while p < end && ASCIIByte.isDigit(base[unchecked: p]) { p += 1 }
            }
            values.append(start, p, tag: JSONValueKind.number.rawValue << 2)
        }

        /// Matches the literal `true`, `false` or `null` at `p` and stores it.
        mutating func parseLiteral(_ literal: StaticString, kind: JSONValueKind, into values: ByteSpanTable) throws(Stop) {
            let n = literal.utf8CodeUnitCount
            let text = literal.utf8Start
            for k in 0..<n {
                if p + k == end {
                    if !isFinal { throw .needMore }
                    throw malformed("invalid literal (expected \(literal))")
                }
                if base[unchecked: p + k] != text[k] { throw malformed("invalid literal (expected \(literal))") }
            }
            values.append(p, p + n, tag: kind.rawValue << 2)
            p += n
        }
    }
}
