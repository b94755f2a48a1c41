/// A span of the query text, in UTF-8 byte offsets: what errors point at with a caret.
public struct SourceRange: Sendable, Equatable, CustomStringConvertible {
    public var start: Int
    public var end: Int

    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = end
    }

    /// The smallest range covering both.
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(Swift.min(start, other.start), Swift.max(end, other.end))
    }

    public var description: String { "\(start)..<\(end)" }
}
