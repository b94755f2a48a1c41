/// Calendar functions: truncation, fields, formatting (docs/SQL.md, "Time").
extension FunctionRegistry {
    static let timeFunctions: [FunctionDefinition] = [
        FunctionDefinition(["date_trunc", "datetrunc"], bind: { b in
            try b.arity(2)
            let text = try b.stringConstant(0)
            guard let unit = TimeMath.Unit(name: text) else {
                throw b.error("unknown unit '\(text)' for date_trunc (second, minute, hour, day, week, month, quarter, year)", at: 0)
            }
            let value = try b.temporal(1)
            let type: SQLType = value.type == .date && ![.second, .minute, .hour].contains(unit) ? .date : .timestamp
            return b.call([value], type: type, constants: [.string(unit.rawValue)])
        }, evaluate: dateTrunc),

        FunctionDefinition(["date_part", "datepart"], bind: { b in
            try b.arity(2)
            let text = try b.stringConstant(0)
            guard let field = TimeMath.Field(name: text) else {
                throw b.error("unknown field '\(text)' for date_part", at: 0)
            }
            return try datePart(field, b, 1)
        }, evaluate: datePart),

        FunctionDefinition(["year", "quarter", "month", "day", "hour", "minute", "second", "dayofweek", "dow",
                            "dayofyear", "week"], bind: { b in
            try b.arity(1)
            return try datePart(TimeMath.Field(name: b.name)!, b, 0)
        }, evaluate: datePart),

        FunctionDefinition(["date"], bind: { b in
            try b.arity(1)
            return try b.binder.convert(b.arguments[0], to: .date, at: b.range(0), explicit: true)
        }, evaluate: { _ in preconditionFailure("date binds to a cast") }),

        FunctionDefinition(["strftime"], bind: { b in
            try b.arity(2)
            let value = try b.temporal(0)
            let format = try b.stringConstant(1)
            if let unknown = TimeMath.unknownStrftimeDirective(format) {
                let known = TimeMath.strftimeDirectives.sorted().map { "%\($0)" }.joined(separator: " ")
                throw b.error("strftime does not know \(unknown) (it knows \(known))", at: 1)
            }
            return b.call([try b.binder.convert(value, to: .timestamp, at: b.call.range)], type: .string, constants: [.string(format)])
        }, evaluate: strftime),
    ]

    /// A `date_part(field, argument i)` call (EXTRACT and the field functions bind to it).
    static func datePart(_ field: TimeMath.Field, _ b: FunctionBinding, _ i: Int) throws -> BoundExpression {
        if b.arguments[i].type == .interval {
            guard let part = intervalPart(field, b.arguments[i]) else { throw b.error(noIntervalPart(field), at: Swift.max(0, i - 1)) }
            return part
        }
        let value = try b.temporal(i)
        return .function(ScalarFunction("date_part", constants: [.string(field.rawValue)]), [value], type: .int64)
    }

    /// A part of an interval, as DuckDB: its months as years and months, its days, its time as hours, minutes
    /// and seconds; epoch is the whole in seconds (DOUBLE), a month as 30 days. Nil for a field it has not.
    static func intervalPart(_ field: TimeMath.Field, _ value: BoundExpression) -> BoundExpression? {
        guard [.year, .quarter, .month, .day, .hour, .minute, .second, .millisecond, .microsecond, .epoch].contains(field) else { return nil }
        return .function(ScalarFunction("date_part", constants: [.string(field.rawValue)]), [value], type: field == .epoch ? .float64 : .int64)
    }

    static func noIntervalPart(_ field: TimeMath.Field) -> String {
        "an INTERVAL has no \(field.rawValue) (it has year, quarter, month, day, hour, minute, second, millisecond, microsecond, epoch)"
    }

    private static func dateTrunc(_ e: FunctionEvaluation) -> Vector {
        let unit = e.function.dateTruncUnit!, v = e.arguments[0], out = e.output(), type = e.type
        let offset = e.offsetSeconds
        out.nulls = v.nulls
        if v.type == .date {
            e.batch.forEachSelected { i in
                let day = TimeMath.truncateDay(v.ints[i], to: unit)
                out.ints[i] = type == .date ? day : TimeMath.midnight(ofDay: day, offsetSeconds: offset)
            }
        } else if let length = TimeMath.fixedLength(unit) {
            // A unit of fixed length: a row inside the previous row's unit takes its start, the others divide
            // (time-ordered rows change unit seldom: one division a day of rows, not one a row).
            var start = Int64.max, end = Int64.min
            v.ints.withUnsafeBufferPointer { x in
                out.ints.withUnsafeMutableBufferPointer { o in
                    e.batch.forEachSelected { i in
                        let t = x[i]
                        if t < start || t >= end {
                            start = TimeMath.truncate(t, to: unit, offsetSeconds: offset)
                            let (next, overflow) = start.addingReportingOverflow(length)
                            end = overflow ? Int64.max : next
                        }
                        o[i] = start
                    }
                }
            }
        } else {
            e.evaluator.byLocalDay(v, out, e.batch, perDay: { day, _ in
                TimeMath.midnight(ofDay: TimeMath.truncateDay(day, to: unit), offsetSeconds: offset)
            }, perRow: { _, _, value in value })
        }
        return out
    }

    private static func datePart(_ e: FunctionEvaluation) -> Vector {
        let field = e.function.datePartField!, v = e.arguments[0], out = e.output(), batch = e.batch
        out.nulls = v.nulls
        if v.type == .interval {
            batch.forEachSelected { i in
                guard !v.isNull(i) else { return }
                let x = v.interval(i)
                switch field {
                case .year: out.ints[i] = x.months / 12
                case .quarter: out.ints[i] = x.months % 12 / 3 + 1
                case .month: out.ints[i] = x.months % 12
                case .day: out.ints[i] = x.days
                case .hour: out.ints[i] = x.micros / 3_600_000_000
                case .minute: out.ints[i] = x.micros % 3_600_000_000 / 60_000_000
                case .second: out.ints[i] = x.micros % 60_000_000 / 1_000_000
                case .millisecond: out.ints[i] = x.micros % 60_000_000 / 1000
                case .microsecond: out.ints[i] = x.micros % 60_000_000
                default: out.doubles[i] = Double(x.months * Interval.daysPerMonth + x.days) * 86_400 + Double(x.micros) / 1_000_000
                }
            }
            return out
        }
        if v.type == .date {
            batch.forEachSelected { out.ints[$0] = TimeMath.extract(field, fromDay: v.ints[$0]) }
        } else if [.year, .quarter, .month, .day, .dow, .isodow, .doy, .week].contains(field) {
            e.evaluator.byLocalDay(v, out, batch, perDay: { day, _ in TimeMath.extract(field, fromDay: day) }, perRow: { _, _, value in value })
        } else if field == .hour || field == .minute || field == .second {
            // Time-of-day fields: the day's start found once per day, then a multiply-shift per row.
            let unit: Int64 = field == .hour ? 3_600_000_000 : field == .minute ? 60_000_000 : 1_000_000
            let modulus: Int64 = field == .hour ? 24 : 60
            e.evaluator.byLocalDay(v, out, batch, perDay: { _, _ in 0 }, perRow: { x, dayStart, _ in (x - dayStart) / unit % modulus })
        } else {
            let offset = e.offsetSeconds
            batch.forEachSelected { out.ints[$0] = TimeMath.extract(field, fromTimestamp: v.ints[$0], offsetSeconds: offset) }
        }
        return out
    }

    private static func strftime(_ e: FunctionEvaluation) -> Vector {
        let format = e.function.strftimeFormat!, v = e.arguments[0], offset = e.offsetSeconds
        // Formatted once per run of rows in the same local second, minute or hour (what the format shows).
        let unit = TimeMath.strftimeResolution(format), shift = Int64(offset) * 1_000_000
        let out = Vector(type: .string, count: e.batch.count)
        var index: [ByteKey: Int64] = [:]
        var list: [String] = []
        var lastUnit = Int64.min, lastCode: Int64 = 0
        e.batch.forEachSelected { i in
            guard !v.isNull(i) else { out.setNull(i); return }
            let at = TimeMath.floorDiv(v.ints[i] &+ shift, unit)
            if at != lastUnit {
                lastUnit = at
                let text = TimeMath.strftime(v.ints[i], format: format, offsetSeconds: offset)
                if let code = index[ByteKey(text)] { lastCode = code } else {
                    lastCode = Int64(list.count)
                    index[ByteKey(text)] = lastCode
                    list.append(text)
                }
            }
            out.ints[i] = lastCode
        }
        out.pool = StringPool(strings: list)
        return out
    }
}
