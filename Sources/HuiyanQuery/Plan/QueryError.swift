/// An error in a query, with the range of query text it is about (nil when it concerns no particular place).
public struct QueryError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public var range: SourceRange?
    /// What went wrong, for callers that act on it (a state over its memory limit spills and tries again).
    public var kind: Kind

    /// The kinds of query errors callers tell apart.
    public enum Kind: Sendable, Equatable {
        case other
        /// The statement's states passed its memory limit.
        case memoryLimitExceeded
    }

    public init(_ message: String, at range: SourceRange? = nil, kind: Kind = .other) {
        self.message = message
        self.range = range
        self.kind = kind
    }

    public var description: String { message }

    /// "did you mean" for a misspelt name: the closest candidate within a small edit distance.
    static func suggestion(for name: String, among candidates: [String]) -> String? {
        let lower = name.lowercased()
        let scored = candidates.map { ($0, editDistance(lower, $0.lowercased())) }.sorted { $0.1 < $1.1 }
        guard let best = scored.first, best.1 <= max(1, lower.count / 3) else { return nil }
        return best.0
    }

    /// Edits (insert, delete, replace, swap of neighbours) between two names.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}

extension QueryError {
    /// The line of the query the error is about with a caret line under its range (empty without a range).
    public func caret(in sql: String) -> String {
        guard let range else { return "" }
        return SourceText(sql).snippet(for: range)
    }
}
