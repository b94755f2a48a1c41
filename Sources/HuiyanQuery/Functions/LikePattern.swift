/// A compiled LIKE / ILIKE pattern: `%` any run of characters, `_` one character, `\` escapes.
struct LikePattern: Hashable {
    let pattern: String
    let caseInsensitive: Bool
    private enum Part { case literal([Unicode.Scalar]), any, one }
    private let parts: [Part]

    init(_ pattern: String, caseInsensitive: Bool) {
        self.pattern = pattern
        self.caseInsensitive = caseInsensitive
        var parts: [Part] = []
        var literal: [Unicode.Scalar] = []
        var escaped = false
        for scalar in (caseInsensitive ? pattern.lowercased() : pattern).unicodeScalars {
            if escaped { literal.append(scalar); escaped = false; continue }
            switch scalar {
            case "\\": escaped = true
            case "%":
                if !literal.isEmpty { parts.append(.literal(literal)); literal = [] }
                if case .any? = parts.last {} else { parts.append(.any) }
            case "_":
                if !literal.isEmpty { parts.append(.literal(literal)); literal = [] }
                parts.append(.one)
            default: literal.append(scalar)
            }
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.parts = parts
    }

    func matches(_ text: String) -> Bool {
        let scalars = Array((caseInsensitive ? text.lowercased() : text).unicodeScalars)
        return match(scalars, 0, 0)
    }

    private func match(_ s: [Unicode.Scalar], _ i: Int, _ p: Int) -> Bool {
        var i = i
        var p = p
        while p < parts.count {
            switch parts[p] {
            case .literal(let lit):
                guard i + lit.count <= s.count, Array(s[i..<(i + lit.count)]) == lit else { return false }
                i += lit.count
                p += 1
            case .one:
                guard i < s.count else { return false }
                i += 1
                p += 1
            case .any:
                if p == parts.count - 1 { return true }
                // Try every position for the rest (patterns are short; values are short strings).
                var j = i
                while j <= s.count {
                    if match(s, j, p + 1) { return true }
                    j += 1
                }
                return false
            }
        }
        return i == s.count
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
