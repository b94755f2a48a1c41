/// Why a CSV record is malformed. Field numbers are 1-based.
enum CSVRecordProblem: Equatable, Sendable, CustomStringConvertible {
    /// A quoted field is never closed: the record runs to the end of the file.
    case unterminatedQuote(field: Int)
    /// Text follows a closing quote before the next delimiter, as in `"ab"c`.
    case textAfterClosingQuote(field: Int)
    /// A `"` appears inside a field that did not start with one, as in `ab"c` or ` "ab"`.
    case quoteInUnquotedField(field: Int)
    /// The record (without its line terminator) is longer than `limit` bytes.
    case recordTooLong(limit: Int)

    var description: String {
        switch self {
        case .unterminatedQuote(let f):
            return "unterminated quote in field \(f) (the record runs to the end of the file)"
        case .textAfterClosingQuote(let f):
            return "text after the closing quote in field \(f)"
        case .quoteInUnquotedField(let f):
            return "quote inside unquoted field \(f) (a field containing quotes must be quoted, with quotes doubled)"
        case .recordTooLong(let limit):
            return "record longer than \(limit) bytes"
        }
    }
}
