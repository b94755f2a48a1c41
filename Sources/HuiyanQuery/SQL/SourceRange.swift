/// A span of the query text, in UTF-8 byte offsets: what errors point at with a caret.
public struct SourceRange: Sendable, Equatable, CustomStringConvertible {
    /// The UTF-8 offset of the first byte.
    public var start: Int
    /// The UTF-8 offset one past the last byte.
    public var end: Int

    package init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = end
    }

    /// The smallest range covering both.
    package func union(_ other: SourceRange) -> SourceRange {
        SourceRange(Swift.min(start, other.start), Swift.max(end, other.end))
    }

    /// `start..<end`.
    public var description: String { "\(start)..<\(end)" }
}
