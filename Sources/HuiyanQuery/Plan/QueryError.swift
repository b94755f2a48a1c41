import HuiyanIngest
import HuiyanStorage

/// An error in a query, with the range of query text it is about (nil when it concerns no particular place).
///
/// `kind` is what a caller switches on (a state over its memory limit spills and tries again; the command
/// line picks its exit status); a storage or ingest error the statement met is kept whole in `underlying`,
/// its file, column, block or line there to read, and its text is the message.
public struct QueryError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, for a person.
    public var message: String
    /// The part of the query text the error is about (nil: no particular place).
    public var range: SourceRange?
    /// What went wrong, for callers that act on it.
    public var kind: Kind
    /// The storage or ingest error this one reports; nil for an error of the query itself.
    public var underlying: Underlying?
    /// A memory limit passed by a state that spilling the aggregation would not shrink (a join's table, rows
    /// held for output): the statement fails rather than spilling.
    var beyondSpilling = false

    /// Whether spilling the aggregation (to disk, or by partitions) could bring the statement under its limit.
    var asksToSpill: Bool { kind == .memoryLimitExceeded && !beyondSpilling }

    /// The kinds of errors callers tell apart, the same for every layer.
    public typealias Kind = ErrorKind

    /// An error of a lower layer that a statement met.
    public enum Underlying: Sendable, Equatable {
        case storage(StorageError)
        case ingest(IngestError)
    }

    package init(_ message: String, at range: SourceRange? = nil, kind: Kind = .invalidInput) {
        self.message = message
        self.range = range
        self.kind = kind
    }

    /// A storage or ingest error as the statement's: its text the message, its kind the kind.
    package init(_ underlying: Underlying, at range: SourceRange? = nil) {
        switch underlying {
        case .storage(let error): self.init(error.description, at: range, kind: error.kind)
        case .ingest(let error): self.init(error.description, at: range, kind: error.kind)
        }
        self.underlying = underlying
    }

    /// Any error as a query error: a query error as it is (at `range` when it has no place of its own), a
    /// storage or ingest error kept whole, any other by its text.
    package init(wrapping error: any Error, at range: SourceRange? = nil) {
        switch error {
        case var error as QueryError:
            error.range = error.range ?? range
            self = error
        case let error as StorageError: self.init(.storage(error), at: range)
        case let error as IngestError: self.init(.ingest(error), at: range)
        default: self.init("\(error)", at: range)
        }
    }

    /// The message.
    public var description: String { message }

    /// "did you mean" for a misspelt name: the closest candidate within a small edit distance.
    package static func suggestion(for name: String, among candidates: [String]) -> String? {
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
