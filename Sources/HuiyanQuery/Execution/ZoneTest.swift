/// A conjunct of a WHERE clause that a range of values can decide — `column op constant` or `column IN (…)` —
/// against a block's zone map (`TableScanner`) or a Parquet row group's statistics (`ParquetFileSource`).
struct ZoneTest {
    var column: Int
    /// nil: equality with one of `values` (IN).
    var op: ComparisonOperator?
    var values: [Value]

    init(column: Int, op: ComparisonOperator?, values: [Value]) {
        self.column = column
        self.op = op
        self.values = values
    }

    /// The test a conjunct is, or nil when it is of another form.
    init?(_ conjunct: BoundExpression) {
        switch conjunct {
        case .comparison(let op, .column(let i, _, _), .constant(let v, _)) where !v.isNull:
            self.init(column: i, op: op, values: [v])
        case .comparison(let op, .constant(let v, _), .column(let i, _, _)) where !v.isNull:
            self.init(column: i, op: op.flipped, values: [v])
        case .inList(.column(let i, _, _), let values, false) where !values.isEmpty:
            self.init(column: i, op: nil, values: values.filter { !$0.isNull })
        default:
            return nil
        }
    }

    /// The Int64 a constant is stored as in an integer lane (times, dates, decimals unscaled, booleans).
    static func integer(_ v: Value) -> Int64? {
        switch v {
        case .bool(let b): return b ? 1 : 0
        default: return v.integerLane
        }
    }

    /// Whether some value in [lo, hi] satisfies `value op c` (`op` nil: equality, for IN).
    static func mayHold<T: Comparable>(_ op: ComparisonOperator?, _ lo: T, _ hi: T, _ c: T) -> Bool {
        switch op ?? .equal {
        case .equal: return lo <= c && c <= hi
        case .notEqual: return !(lo == c && hi == c)
        case .less: return lo < c
        case .lessOrEqual: return lo <= c
        case .greater: return hi > c
        case .greaterOrEqual: return hi >= c
        }
    }
}
