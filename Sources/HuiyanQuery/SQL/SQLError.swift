/// A lexical or syntax error in a query: a message for a person, and the range of query text it is about.
package struct SQLError: Error, Equatable, CustomStringConvertible {
    package var message: String
    package var range: SourceRange

    package init(_ message: String, range: SourceRange) {
        self.message = message
        self.range = range
    }

    package var description: String { message }

    /// The message, the line of the query the error is on, and a caret line under the range:
    ///
    ///     syntax error at or near "FORM": expected FROM, WHERE, GROUP BY, ORDER BY, LIMIT or the end of the statement
    ///     SELECT * FORM visits
    ///              ^~~~
    ///
    /// Columns count East Asian wide characters as two and combining marks as none, so the caret lines up in a
    /// terminal. A query of several lines gets a line-number gutter; a very long line is cut to a window around
    /// the range.
    package func render(in sql: String) -> String {
        let snippet = SourceText(sql).snippet(for: range)
        return message + "\n" + snippet
    }

    /// Line and column (both from 1; the column counts Unicode scalars) of a UTF-8 offset into `sql`.
    package static func lineAndColumn(of offset: Int, in sql: String) -> (line: Int, column: Int) {
        SourceText(sql).lineAndColumn(of: offset)
    }
}

/// Positions and display of query text, by UTF-8 byte offset.
struct SourceText {
    let bytes: [UInt8]

    init(_ sql: String) { bytes = Array(sql.utf8) }
    init(bytes: [UInt8]) { self.bytes = bytes }

    func lineAndColumn(of offset: Int) -> (line: Int, column: Int) {
        let offset = Swift.max(0, Swift.min(offset, bytes.count))
        var line = 1
        var column = 1
        for i in 0..<offset {
            let b = bytes[i]
            if b == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {  // not a UTF-8 continuation byte: a new scalar
                column += 1
            }
        }
        return (line, column)
    }

    /// "line 1, column 8"
    func position(of offset: Int) -> String {
        let (line, column) = lineAndColumn(of: offset)
        return "line \(line), column \(column)"
    }

    /// The text of a range, at most `limit` scalars (then cut with "…").
    func text(_ range: SourceRange, limit: Int = 40) -> String {
        let start = Swift.max(0, Swift.min(range.start, bytes.count))
        let end = Swift.max(start, Swift.min(range.end, bytes.count))
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        guard text.unicodeScalars.count > limit else { return text }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.prefix(limit))
        return String(scalars) + "…"
    }

    /// The line holding `range.start` and a caret line under the range (see `SQLError.render`).
    func snippet(for range: SourceRange, maxWidth: Int = 100) -> String {
        let start = Swift.max(0, Swift.min(range.start, bytes.count))
        let end = Swift.max(start, Swift.min(range.end, bytes.count))
        var lineStart = start
        while lineStart > 0 && bytes[lineStart - 1] != UInt8(ascii: "\n") { lineStart -= 1 }
        var lineEnd = start
        while lineEnd < bytes.count && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
        var contentEnd = lineEnd
        if contentEnd > lineStart && bytes[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }

        // The line's scalars, each with its offset and the text and width it is shown with.
        struct Cell { var offset: Int; var text: String; var width: Int }
        var cells: [Cell] = []
        let line = String(decoding: bytes[lineStart..<contentEnd], as: UTF8.self)
        var offset = lineStart
        for scalar in line.unicodeScalars {
            let cell: Cell
            switch scalar.value {
            case 0x09: cell = Cell(offset: offset, text: "    ", width: 4)
            case 0x00..<0x20, 0x7F: cell = Cell(offset: offset, text: " ", width: 1)
            default: cell = Cell(offset: offset, text: String(scalar), width: SourceText.displayWidth(scalar))
            }
            cells.append(cell)
            offset += UTF8.width(scalar)
        }

        let caretStart = cells.firstIndex { $0.offset >= start } ?? cells.count
        let caretEnd = Swift.max(caretStart, cells.firstIndex { $0.offset >= end } ?? cells.count)

        // A window of at most maxWidth columns, starting some way before the caret.
        var first = 0
        var last = cells.count
        let totalWidth = cells.reduce(0) { $0 + $1.width }
        if totalWidth > maxWidth {
            var before = 0
            first = caretStart
            while first > 0 && before + cells[first - 1].width <= maxWidth / 3 {
                first -= 1
                before += cells[first].width
            }
            var width = 0
            last = first
            while last < cells.count && width + cells[last].width <= maxWidth {
                width += cells[last].width
                last += 1
            }
        }

        var shown = first > 0 ? "…" : ""
        var carets = first > 0 ? " " : ""
        for i in first..<last {
            shown += cells[i].text
            if i < caretStart {
                carets += String(repeating: " ", count: cells[i].width)
            } else if i < caretEnd {
                carets += String(repeating: i == caretStart ? "^" : "~", count: 1)
                carets += String(repeating: "~", count: Swift.max(0, cells[i].width - 1))
            }
        }
        if last < cells.count { shown += "…" }
        if caretStart == caretEnd || caretStart >= last { carets += "^" }

        let lineCount = bytes.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        let trailingNewline = bytes.last == UInt8(ascii: "\n") ? 1 : 0
        guard lineCount - trailingNewline > 1 else { return shown + "\n" + carets }
        let number = String(lineAndColumn(of: lineStart).line)
        let gutter = String(repeating: " ", count: number.count) + " | "
        return number + " | " + shown + "\n" + gutter + carets
    }

    /// Terminal columns of a scalar: 2 for East Asian wide characters, 0 for combining marks and format
    /// characters, 1 otherwise.
    static func displayWidth(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x300 { return 1 }
        switch v {
        case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return 2
        default:
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format: return 0
            default: return 1
            }
        }
    }
}
