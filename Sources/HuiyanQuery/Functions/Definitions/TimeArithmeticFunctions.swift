/// Time arithmetic and construction (docs/SQL.md, "Time"): date_add, age, date_diff, date_sub, last_day,
/// make_date, make_timestamp, to_timestamp, strptime, now and current_date. Calendar months are added in
/// the database's zone, a day past the end of the month held at its last day (Jan 31 + 1 month = Feb 28).
extension FunctionRegistry {
    static let timeArithmeticFunctions: [FunctionDefinition] = [
        FunctionDefinition(["date_add"], bind: { b in
            try b.arity(2)
            let value = try b.temporal(0)
            guard b.arguments[1].type == .interval else { throw b.error("date_add needs an INTERVAL, not \(b.arguments[1].type)", at: 1) }
            return try b.binder.timeArithmetic(.add, value, b.arguments[1], value.type, .interval, b.call.range)!
        }, evaluate: { e in
            // The constant: the interval to add.
            guard case .interval(let x) = e.function.constants[0] else { preconditionFailure("date_add without its interval") }
            let v = e.arguments[0], out = e.output()
            let offset = e.offsetSeconds
            out.nulls = v.nulls
            if x.months == 0 {
                // Days are 24 hours in the database's fixed-offset zone: one addition.
                guard let micros = x.normalizedMicros else { throw QueryError("INTERVAL \(x.text) is past the year 90,000") }
                try e.batch.forEachSelectedThrowing { i in out.ints[i] = try checked(v.ints[i].addingReportingOverflow(micros)) }
            } else {
                try e.batch.forEachSelectedThrowing { i in
                    guard !v.isNull(i) else { return }
                    out.ints[i] = try add(x, to: v.ints[i], offsetSeconds: offset)
                }
            }
            return out
        }),

        FunctionDefinition(["age"], bind: { b in
            try b.arity(1...2)
            var times = try (0..<b.count).map { try b.binder.convert(try b.temporal($0), to: .timestamp, at: b.range($0)) }
            if b.count == 1 {
                // age(ts): from the statement's local midnight, as DuckDB and PostgreSQL.
                let today = TimeMath.localDay(b.binder.statementMicros, offsetSeconds: b.offsetSeconds)
                times.insert(.constant(.timestamp(TimeMath.midnight(ofDay: today, offsetSeconds: b.offsetSeconds)), type: .timestamp), at: 0)
            }
            return b.call(times, type: .interval)
        }, evaluate: { e in
            let a = e.arguments[0], c = e.arguments[1], out = e.output(), offset = e.offsetSeconds
            e.batch.forEachSelected { i in
                if a.isNull(i) || c.isNull(i) { out.setNull(i); return }
                out.setInterval(i, Interval.age(a.ints[i], c.ints[i], offsetSeconds: offset))
            }
            return out
        }),

        FunctionDefinition(["date_diff", "datediff"], bind: { b in try partBetween(b) },
                           evaluate: { e in try partBetween(e, complete: false) }),
        FunctionDefinition(["date_sub", "datesub"], bind: { b in try partBetween(b) },
                           evaluate: { e in try partBetween(e, complete: true) }),

        FunctionDefinition(["last_day"], bind: { b in
            try b.arity(1)
            return b.call([try b.binder.convert(try b.temporal(0), to: .date, at: b.range(0), explicit: true)], type: .date)
        }, compute: { args, _ in
            guard case .date(let day) = args[0] else { return .null }
            let (y, m, _) = TimeMath.civil(days: day)
            return .date(TimeMath.days(year: y, month: m, day: daysInMonth(y, m)))
        }),

        FunctionDefinition(["make_date"], bind: { b in
            try b.arity(3)
            return b.call(try (0..<3).map { try b.argument($0, as: .int64) }, type: .date)
        }, compute: { args, _ in .date(try day(args[0].int, args[1].int, args[2].int)) }),

        FunctionDefinition(["make_timestamp"], bind: { b in
            try b.arity(6)
            return b.call(try (0..<5).map { try b.argument($0, as: .int64) } + [try b.argument(5, as: .float64)], type: .timestamp)
        }, compute: { args, call in
            let (h, mi) = (args[3].int, args[4].int)
            guard case .double(let s) = args[5], (0...23).contains(h), (0...59).contains(mi), s >= 0, s < 60 else {
                throw QueryError("make_timestamp: the time \(args[3].int):\(args[4].int):\(args[5].doubleValue ?? 0) is not a time of day")
            }
            let local = try day(args[0].int, args[1].int, args[2].int) * TimeMath.microsPerDay + (h * 3600 + mi * 60) * 1_000_000
            return .timestamp(local + Int64((s * 1_000_000).rounded()) - Int64(call.offsetSeconds) * 1_000_000)
        }),

        FunctionDefinition(["to_timestamp"], bind: { b in
            try b.arity(1)
            return b.call([try b.argument(0, as: .float64)], type: .timestamp)
        }, compute: { args, _ in
            guard case .double(let seconds) = args[0], seconds.isFinite, seconds.magnitude * 1e6 < Double(TimeMath.maxMicros) else {
                throw QueryError("to_timestamp: \(args[0].doubleValue ?? 0) seconds is out of range")
            }
            return .timestamp(Int64((seconds * 1_000_000).rounded()))
        }),

        FunctionDefinition(["strptime", "try_strptime"], bind: { b in
            try b.arity(2)
            let format = try b.stringConstant(1)
            if let bad = TimeParsing.unknownDirective(format) {
                throw b.error("strptime does not know \(bad) (it knows \(TimeParsing.directives))", at: 1)
            }
            return b.call([try b.argument(0, as: .string)], type: .timestamp, constants: [.string(format), .bool(b.name == "try_strptime")])
        }, compute: { args, call in
            let format = call.function.text(0), text = args[0].string
            if let micros = TimeParsing.parse(text, format: format) { return .timestamp(micros - Int64(call.offsetSeconds) * 1_000_000) }
            if case .bool(true) = call.function.constants[1] { return .null }
            throw QueryError("strptime: '\(text)' does not match the format '\(format)'")
        }),

        FunctionDefinition(["now", "current_timestamp", "get_current_timestamp", "current_date", "today"], bind: { b in
            try b.arity(0)
            return currentTime(b.name, micros: b.binder.statementMicros, offsetSeconds: b.offsetSeconds)!
        }, evaluate: { _ in preconditionFailure("binds to a constant") }),
    ]

    /// now(), current_timestamp and current_date of a statement bound at `micros`.
    static func currentTime(_ name: String, micros: Int64, offsetSeconds: Int) -> BoundExpression? {
        switch name {
        case "now", "current_timestamp", "get_current_timestamp", "localtimestamp": return .constant(.timestamp(micros), type: .timestamp)
        case "current_date", "today": return .constant(.date(TimeMath.localDay(micros, offsetSeconds: offsetSeconds)), type: .date)
        default: return nil
        }
    }

    /// date_diff / date_sub(part, start, end): a string-literal part, two times (DATE or TIMESTAMP).
    private static func partBetween(_ b: FunctionBinding) throws -> BoundExpression {
        try b.arity(3)
        let text = try b.stringConstant(0)
        guard let unit = TimeMath.DiffUnit(name: text) else {
            throw b.error("unknown part '\(text)' for \(b.name) (\(TimeMath.DiffUnit.allCases.map(\.rawValue).joined(separator: ", ")))", at: 0)
        }
        let times = try [1, 2].map { try b.binder.convert(try b.temporal($0), to: .timestamp, at: b.range($0)) }
        return b.call(times, type: .int64, constants: [.string(unit.rawValue)])
    }

    /// The parts between two instants: boundaries crossed (date_diff, as DuckDB), or whole parts elapsed
    /// (`complete`: date_sub, as DuckDB).
    private static func partBetween(_ e: FunctionEvaluation, complete: Bool) throws -> Vector {
        let unit = TimeMath.DiffUnit(rawValue: e.function.text(0))!, a = e.arguments[0], b = e.arguments[1], out = e.output()
        let offset = e.offsetSeconds
        e.batch.forEachSelected { i in
            if a.isNull(i) || b.isNull(i) { out.setNull(i); return }
            out.ints[i] = complete ? TimeMath.completeParts(unit, a.ints[i], b.ints[i], offsetSeconds: offset)
                                   : TimeMath.boundaries(unit, a.ints[i], b.ints[i], offsetSeconds: offset)
        }
        return out
    }

    /// `micros` plus an interval: its months in the zone `offsetSeconds` east of UTC (the day held at the
    /// month's end), then its days and time, as DuckDB adds them.
    static func add(_ x: Interval, to micros: Int64, offsetSeconds: Int) throws -> Int64 {
        guard x.months.magnitude <= 12 * 90_000, let rest = Interval(days: x.days, micros: x.micros).normalizedMicros else {
            throw QueryError("TIMESTAMP out of range in date arithmetic: INTERVAL \(x.text) is past the year 90,000")
        }
        let start = x.months == 0 ? micros : addMonths(micros, x.months, offsetSeconds: offsetSeconds)
        return try checked(start.addingReportingOverflow(rest))
    }

    private static func checked(_ r: (partialValue: Int64, overflow: Bool)) throws -> Int64 {
        if r.overflow || !TimeMath.inRange(r.partialValue, .timestamp) { throw QueryError("TIMESTAMP out of range in date arithmetic (past the year 90,000)") }
        return r.partialValue
    }

    /// `micros` plus calendar months in the zone `offsetSeconds` east of UTC, the day held at the month's end.
    static func addMonths(_ micros: Int64, _ months: Int64, offsetSeconds: Int) -> Int64 {
        let day = TimeMath.localDay(micros, offsetSeconds: offsetSeconds)
        let timeOfDay = micros - TimeMath.midnight(ofDay: day, offsetSeconds: offsetSeconds)
        let (y, m, d) = TimeMath.civil(days: day)
        let total = y * 12 + (m - 1) + months
        let year = TimeMath.floorDiv(total, 12), month = total - year * 12 + 1
        let newDay = TimeMath.days(year: year, month: month, day: Swift.min(d, daysInMonth(year, month)))
        return TimeMath.midnight(ofDay: newDay, offsetSeconds: offsetSeconds) + timeOfDay
    }

    static func daysInMonth(_ year: Int64, _ month: Int64) -> Int64 {
        let next = month == 12 ? TimeMath.days(year: year + 1, month: 1, day: 1) : TimeMath.days(year: year, month: month + 1, day: 1)
        return next - TimeMath.days(year: year, month: month, day: 1)
    }

    /// The day number of a civil date, or an error naming it when there is no such date.
    private static func day(_ y: Int64, _ m: Int64, _ d: Int64) throws -> Int64 {
        guard (-9999...9999).contains(y), (1...12).contains(m), d >= 1, d <= daysInMonth(y, m) else {
            throw QueryError("make_date: \(y)-\(m)-\(d) is not a date")
        }
        return TimeMath.days(year: y, month: m, day: d)
    }
}
