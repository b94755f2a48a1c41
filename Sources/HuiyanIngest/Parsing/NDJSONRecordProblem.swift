/// Why an NDJSON line is not a usable record. Columns are 1-based byte offsets in the line.
enum NDJSONRecordProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not valid JSON at `column`; `reason` says what was expected or found.
    case malformed(column: Int, reason: String)
    /// The line is a JSON value but not an object (an array, a string, a number …).
    case notAnObject
    /// The value of `key` is an object or an array; only scalar values are accepted.
    case nestedValue(key: String, isArray: Bool)
    /// `key` appears twice in the object.
    case duplicateKey(key: String)
    /// Something other than whitespace follows the object, starting at `column`.
    case trailingGarbage(column: Int)
    /// A `\uD800`–`\uDFFF` escape at `column` is not part of a valid surrogate pair.
    case loneSurrogate(column: Int)
    /// The line (without its terminator) is longer than `limit` bytes.
    case recordTooLong(limit: Int)

    /// The key the problem is about, when it is about one (it goes to the rejects file's column field).
    var key: String? {
        switch self {
        case .nestedValue(let key, _), .duplicateKey(let key): return key
        default: return nil
        }
    }

    var description: String {
        switch self {
        case .malformed(let column, let reason): return "malformed JSON at byte \(column): \(reason)"
        case .notAnObject: return "the line is not a JSON object"
        case .nestedValue(let key, let isArray):
            return "the value of \"\(key)\" is a nested \(isArray ? "array" : "object"); only scalar values are allowed"
        case .duplicateKey(let key): return "duplicate key \"\(key)\""
        case .trailingGarbage(let column): return "unexpected text after the JSON object at byte \(column)"
        case .loneSurrogate(let column): return "unpaired UTF-16 surrogate escape at byte \(column)"
        case .recordTooLong(let limit): return "line longer than \(limit) bytes"
        }
    }
}
