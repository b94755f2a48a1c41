/// Collects input lines into SQL statements: a statement ends at a `;` outside quotes and comments and may span
/// lines; several statements on one line come out in order; comment-only text is no statement.
struct StatementBuffer {
    /// Text after the last complete statement.
    private(set) var pending = ""

    /// Whether a statement has begun but not ended (the continuation prompt shows then).
    var isContinuing: Bool { Self.hasContent(pending) || Self.endsInsideBlock(pending) }

    /// Adds a line; returns the statements it completes, each with its `;`.
    mutating func append(_ line: String) -> [String] {
        pending += pending.isEmpty ? line : "\n" + line
        var statements: [String] = []
        var scanner = Scanner()
        var start = pending.startIndex
        var index = pending.startIndex
        while index < pending.endIndex {
            let next = pending.index(after: index)
            if scanner.step(pending[index], next: next < pending.endIndex ? pending[next] : nil) {
                let statement = String(pending[start...index])
                if Self.hasContent(statement.dropLast()) { statements.append(statement) }
                start = next
            }
            index = next
        }
        pending = String(pending[start...])
        if !Self.hasContent(pending) && !scanner.isInsideBlock { pending = "" }
        return statements
    }

    /// Drops the unfinished statement (Ctrl-C at a continuation prompt).
    mutating func clear() { pending = "" }

    /// Whether text holds anything but white space and comments.
    static func hasContent<S: StringProtocol>(_ text: S) -> Bool {
        var scanner = Scanner()
        let characters = Array(text)
        for (i, c) in characters.enumerated() {
            _ = scanner.step(c, next: i + 1 < characters.count ? characters[i + 1] : nil)
            if scanner.sawContent { return true }
        }
        return false
    }

    /// Whether text ends inside a quoted string or name or a `/* … */` comment (left open, it is still
    /// pending: at the end of a script it runs, and says it is unterminated).
    static func endsInsideBlock<S: StringProtocol>(_ text: S) -> Bool {
        var scanner = Scanner()
        let characters = Array(text)
        for (i, c) in characters.enumerated() { _ = scanner.step(c, next: i + 1 < characters.count ? characters[i + 1] : nil) }
        return scanner.isInsideBlock
    }

    /// Where the scan is: in code, a quoted string or name, or a comment.
    private struct Scanner {
        enum State { case code, single, double, lineComment, blockComment }
        var state = State.code
        var sawContent = false
        /// The second character of a two-character token (`--`, `/*`, `*/`, `''`) still to skip.
        private var skip = false

        var isInsideBlock: Bool { state == .single || state == .double || state == .blockComment }

        /// Steps over one character; true when it is a statement-ending `;`.
        mutating func step(_ c: Character, next: Character?) -> Bool {
            if skip { skip = false; return false }
            switch state {
            case .code:
                switch c {
                case ";": return true
                case "'": state = .single; sawContent = true
                case "\"": state = .double; sawContent = true
                case "-" where next == "-": state = .lineComment; skip = true
                case "/" where next == "*": state = .blockComment; skip = true
                default: if !c.isWhitespace { sawContent = true }
                }
            case .single:
                if c == "'" { if next == "'" { skip = true } else { state = .code } }
            case .double:
                if c == "\"" { if next == "\"" { skip = true } else { state = .code } }
            case .lineComment:
                if c == "\n" { state = .code }
            case .blockComment:
                if c == "*" && next == "/" { state = .code; skip = true }
            }
            return false
        }
    }
}
