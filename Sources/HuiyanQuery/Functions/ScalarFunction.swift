/// The scalar functions of the dialect (docs/SQL.md). Arguments that must be constants (a unit, a field,
/// a format) are bound into the case.
enum ScalarFunction: Hashable {
    case dateTrunc(TimeMath.Unit)
    case datePart(TimeMath.Field)
    case strftime(String)
    case coalesce
    case nullIf
    case lower, upper, length
    case abs
    case round(digits: Int)

    /// The function with its bound constants, as EXPLAIN shows it.
    var name: String {
        switch self {
        case .dateTrunc(let u): return "date_trunc('\(u.rawValue)')"
        case .datePart(let f): return "date_part('\(f.rawValue)')"
        case .strftime(let format): return "strftime('\(format)')"
        case .coalesce: return "coalesce"
        case .nullIf: return "nullif"
        case .lower: return "lower"
        case .upper: return "upper"
        case .length: return "length"
        case .abs: return "abs"
        case .round(let digits): return "round(\(digits))"
        }
    }

    /// Names the binder knows, for "did you mean" and the unknown-function error.
    static let knownNames = ["date_trunc", "date_part", "datepart", "extract", "strftime", "coalesce", "nullif", "lower",
                             "upper", "length", "abs", "round", "year", "quarter", "month", "day", "hour", "minute",
                             "dayofweek", "dow", "date", "count", "sum", "avg", "min", "max", "approx_count_distinct"]
}

/// The aggregate functions.
enum AggregateKind: String {
    case countStar = "count(*)"
    case count, sum, avg, min, max
    case countDistinct = "count(DISTINCT)"
    case approxCountDistinct = "approx_count_distinct"
}

/// One aggregate of a query: its function, argument (over table columns), optional FILTER, result type.
struct AggregateSpec {
    var kind: AggregateKind
    var argument: BoundExpression?
    var filter: BoundExpression?
    var type: SQLType
    /// The text, for column names and EXPLAIN.
    var text: String

    /// Whether both compute the same value: function, argument and FILTER alike by structure (the text may differ).
    func computesSame(as other: AggregateSpec) -> Bool {
        kind == other.kind && argument == other.argument && filter == other.filter
    }
}
