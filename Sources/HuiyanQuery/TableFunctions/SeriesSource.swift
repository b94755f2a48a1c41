/// `generate_series(start, stop[, step])` (stop included) and `range(start, stop[, step])` (stop excluded) over
/// BIGINT, or over TIMESTAMP with an INTERVAL step (dates are read as midnight in the database's zone, as
/// DuckDB gives TIMESTAMP for them): one column named after the function. Each value is the one before it plus
/// the step (calendar months added in the zone, a day past the month's end held at its last day).
final class SeriesSource: TableSource {
    let columnNames: [String]
    let columnTypes: [SQLType]
    let explanation: String
    private let start: Int64
    private let stop: Int64
    /// The step: a number, or for timestamps an interval's months and microseconds.
    private let step: Int64
    private let stepMonths: Int64
    private let inclusive: Bool
    private let offsetSeconds: Int
    /// Whether the series counts up (the step's sign; an interval's months count as 30 days).
    private let ascending: Bool

    /// A series of `type` (.int64 or .timestamp). The step must not be zero (the binder checks).
    init(name: String, type: SQLType, start: Int64, stop: Int64, step: Int64, stepMonths: Int64, inclusive: Bool,
         offsetSeconds: Int, explanation: String) {
        columnNames = [name]
        columnTypes = [type]
        self.start = start
        self.stop = stop
        self.step = step
        self.stepMonths = stepMonths
        self.inclusive = inclusive
        self.offsetSeconds = offsetSeconds
        self.explanation = explanation
        ascending = stepMonths > 0 || (stepMonths == 0 && step > 0)
    }

    var estimatedRows: Int? {
        guard stepMonths == 0 else { return nil }
        let (span, overflow) = stop.subtractingReportingOverflow(start)
        guard !overflow else { return Int.max }
        return max(0, Int(span / step) + 1)
    }

    /// Whether `value` is still in the series.
    @inline(__always) private func within(_ value: Int64) -> Bool {
        if ascending { return inclusive ? value <= stop : value < stop }
        return inclusive ? value >= stop : value > stop
    }

    /// The value after `value`, or nil past Int64's range.
    @inline(__always) private func following(_ value: Int64) -> Int64? {
        var v = value
        if stepMonths != 0 {
            guard stepMonths.magnitude <= 12 * 90_000 else { return nil }
            v = FunctionRegistry.addMonths(v, stepMonths, offsetSeconds: offsetSeconds)
        }
        let (next, overflow) = v.addingReportingOverflow(step)
        return overflow ? nil : next
    }

    func produce(_ environment: ExecutionEnvironment, reading read: [Bool], pruning: SourcePruning, into consume: (DataChunk) throws -> Void) throws {
        var current: Int64? = within(start) ? start : nil
        let rows = Self.chunkRows
        while let first = current {
            var values = [Int64]()
            values.reserveCapacity(rows)
            var value = first
            current = nil
            while true {
                values.append(value)
                guard let following = following(value), within(following) else { break }
                if values.count == rows { current = following; break }
                value = following
            }
            try consume(DataChunk(columns: [Vector(type: columnTypes[0], ints: values)], count: values.count))
        }
    }
}
