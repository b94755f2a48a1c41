extension ValueParsing {
    /// Parses a calendar day `YYYY-MM-DD` (a DATE column's value) into days since 1970-01-01. The same
    /// fields and checks as a timestamp's date part (`parseTimestampMicros`); a time of day is refused.
    package static func parseDateDays(_ bytes: UnsafeBufferPointer<UInt8>) -> ParsedValue<Int64> {
        guard bytes.count == 10 || bytes.isEmpty else {
            return .invalid(hasSurroundingWhitespace(bytes) ? .surroundingWhitespace : .invalidDate(.malformed))
        }
        switch parseTimestampMicros(bytes, localOffsetSeconds: 0) {
        case .value(let micros): return .value(micros / 86_400_000_000)
        case .invalid(.invalidTimestamp(let problem)): return .invalid(.invalidDate(problem))
        case .invalid(let error): return .invalid(error)
        }
    }
}
