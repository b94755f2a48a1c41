/// Why a field value did not parse as its column type.
///
/// Cases carry only integers, so creating one never allocates; `description` builds
/// the human-readable reason (used in the rejects file) on demand.
public enum ValueError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case surroundingWhitespace
    case notAnInteger
    case integerOutOfRange
    case notANumber
    case numberOutOfRange
    case notABoolean
    case notAMoneyAmount
    case moreThanTwoDecimals
    case thousandsSeparator
    case currencySign
    case amountOutOfRange
    case invalidTimestamp(TimestampProblem)
    /// A DATE column's value that is not a day `YYYY-MM-DD`.
    case invalidDate(TimestampProblem)
    case invalidUTF8

    /// The specific reason a timestamp was rejected.
    public enum TimestampProblem: Equatable, Sendable, CustomStringConvertible {
        /// The text does not have the ISO 8601 shape at all.
        case malformed
        case year(Int)
        case month(Int)
        /// Day outside the month: `day`, `month`, `year`.
        case day(Int, month: Int, year: Int)
        case hour(Int)
        case minute(Int)
        /// Second outside 0–59 (leap seconds are not accepted).
        case second(Int)
        /// More than 9 fractional-second digits.
        case fractionTooLong
        /// UTC offset with hours > 23 or minutes > 59 (sign omitted).
        case offset(hours: Int, minutes: Int)
        /// The instant falls outside years 0001–9999 in UTC or in the local zone (near either end).
        case outOfRange

        public var description: String {
            switch self {
            case .malformed:
                return "expected YYYY-MM-DD[THH:MM[:SS[.fraction]]][Z|±HH:MM]"
            case .year(let y): return "year \(y)"
            case .month(let m): return "month \(m)"
            case .day(let d, let m, let y):
                let days = ValueParsing.daysInMonth(year: y, month: m)
                return "day \(d) (\(Self.pad(y, 4))-\(Self.pad(m, 2)) has \(days) days)"
            case .hour(let h): return "hour \(h)"
            case .minute(let m): return "minute \(m)"
            case .second(let s): return s == 60 ? "second 60 (leap seconds are not supported)" : "second \(s)"
            case .fractionTooLong: return "more than 9 fractional-second digits"
            case .offset(let h, let m): return "UTC offset \(Self.pad(h, 2)):\(Self.pad(m, 2))"
            case .outOfRange: return "outside years 0001–9999 (in UTC, or in the database's zone)"
            }
        }

        private static func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
    }

    public var description: String {
        switch self {
        case .empty: return "empty value"
        case .surroundingWhitespace: return "leading or trailing whitespace is not allowed"
        case .notAnInteger: return "not an integer"
        case .integerOutOfRange: return "integer out of range"
        case .notANumber: return "not a number"
        case .numberOutOfRange: return "number out of range"
        case .notABoolean: return "not a boolean (expected true/false, t/f, 1/0 or yes/no)"
        case .notAMoneyAmount: return "not a decimal amount"
        case .moreThanTwoDecimals: return "more than two decimals"
        case .thousandsSeparator: return "thousands separators are not allowed"
        case .currencySign: return "currency signs are not allowed"
        case .amountOutOfRange: return "amount out of range"
        case .invalidTimestamp(let p): return "not a valid timestamp: \(p)"
        case .invalidDate(let p): return p == .malformed ? "not a valid date: expected YYYY-MM-DD" : "not a valid date: \(p)"
        case .invalidUTF8: return "not a valid UTF-8 text (a file in GBK or another encoding? give it: --encoding gbk, or ENCODING gbk in COPY)"
        }
    }
}
