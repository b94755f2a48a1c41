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
    public static func suggestion(for name: String, among candidates: [String]) -> String? {
        let lower = Array(name.lowercased())
        let scored = candidates.map { ($0, EditDistance.between(lower, Array($0.lowercased()))) }.sorted { $0.1 < $1.1 }
        guard let best = scored.first, best.1 <= max(1, lower.count / 3) else { return nil }
        return best.0
    }
}

extension QueryError {
    /// The line of the query the error is about with a caret line under its range (empty without a range).
    public func caret(in sql: String) -> String {
        guard let range else { return "" }
        return SourceText(sql).snippet(for: range)
    }
}
