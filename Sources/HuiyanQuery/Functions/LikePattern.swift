/// A compiled LIKE / ILIKE pattern: `%` any run of characters, `_` one character, `\` escapes.
struct LikePattern: Hashable {
    let pattern: String
    let caseInsensitive: Bool
    /// The pattern one scalar at a time.
    private enum Token { case scalar(Unicode.Scalar), one, any }
    private let tokens: [Token]

    init(_ pattern: String, caseInsensitive: Bool) {
        self.pattern = pattern
        self.caseInsensitive = caseInsensitive
        var tokens: [Token] = []
        var escaped = false
        for scalar in (caseInsensitive ? pattern.lowercased() : pattern).unicodeScalars {
            if escaped { tokens.append(.scalar(scalar)); escaped = false; continue }
            switch scalar {
            case "\\": escaped = true
            case "%":
                if case .any? = tokens.last {} else { tokens.append(.any) }
            case "_": tokens.append(.one)
            default: tokens.append(.scalar(scalar))
            }
        }
        self.tokens = tokens
    }

    /// Whether `text` matches, in time proportional to its length × the pattern's at worst: a `%` is
    /// retried at later positions only for the last `%` seen (as shell wildcards are matched), never
    /// recursively, so `%a%a%a%b` over a long value cannot take exponential time. Long work asks
    /// `CancellationPoll`, so the statement can be stopped inside one value.
    func matches(_ text: String) throws -> Bool {
        let s = Array((caseInsensitive ? text.lowercased() : text).unicodeScalars)
        try CancellationPoll.spend(s.count)
        var i = 0, p = 0
        // The position after the last `%` seen, and where the text was when it was seen.
        var star = -1, starText = 0
        var steps = 0
        while i < s.count {
            steps += 1
            if steps & 0xFFF == 0 { try CancellationPoll.spend(0x1000) }
            if p < tokens.count {
                switch tokens[p] {
                case .any:
                    star = p + 1
                    starText = i
                    p += 1
                    continue
                case .one:
                    i += 1; p += 1
                    continue
                case .scalar(let c) where c == s[i]:
                    i += 1; p += 1
                    continue
                case .scalar:
                    break
                }
            }
            // A mismatch: let the last `%` take one more character, or fail if there was none.
            guard star >= 0 else { return false }
            starText += 1
            i = starText
            p = star
        }
        while p < tokens.count, case .any = tokens[p] { p += 1 }
        return p == tokens.count
    }
}

extension LikePattern {
    /// Two patterns are the same when their text and case rule are (the compiled parts follow from them).
    static func == (a: LikePattern, b: LikePattern) -> Bool { a.pattern == b.pattern && a.caseInsensitive == b.caseInsensitive }

    func hash(into hasher: inout Hasher) {
        hasher.combine(pattern)
        hasher.combine(caseInsensitive)
    }
}
