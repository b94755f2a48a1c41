/// Window functions: `f(…) OVER (…)` in the select list, QUALIFY and ORDER BY becomes `.window(i)`, and
/// `WindowFunctionSpec` `i` (its arguments, partition keys and order over the rows before the window
/// operator: FROM's columns, or group keys and aggregates in a grouped SELECT) is computed by the window
/// operator, which `bind(_:)` places above the aggregate and HAVING. The WINDOW clause names windows; QUALIFY
/// filters the rows with their window functions.
extension Binder {
    /// The windows of a WINDOW clause (each may start from one named before it).
    mutating func bindNamedWindows(_ windows: [NamedWindow]) throws {
        for window in windows {
            let key = window.name.name.lowercased()
            guard namedWindows[key] == nil else {
                throw QueryError("window \"\(window.name.name)\" is defined twice", at: window.name.range)
            }
            namedWindows[key] = try resolveWindow(window.spec)
        }
    }

    /// QUALIFY's condition, bound with the select list's names readable as columns.
    mutating func bindQualify(_ condition: Expression, items: [(BoundExpression, String, Expression?)]) throws -> BoundExpression {
        clause = "QUALIFY"
        aggregatesAllowed = true
        windowsAllowed = true
        for item in items where item.2 != nil { selectAliases[item.1.lowercased()] = selectAliases[item.1.lowercased()] ?? item.0 }
        defer { selectAliases = [:] }
        let bound = try bind(condition)
        try requireBoolean(bound, condition.range, "QUALIFY")
        return bound
    }

    /// A window as written, with the named window it starts from filled in.
    func resolveWindow(_ spec: WindowSpec) throws -> WindowSpec {
        guard let name = spec.name else { return spec }
        guard let base = namedWindows[name.name.lowercased()] else {
            var message = "window \"\(name.name)\" is not defined"
            if let guess = QueryError.suggestion(for: name.name.lowercased(), among: Array(namedWindows.keys)) { message += " — did you mean \"\(guess)\"?" }
            throw QueryError(message + " (WINDOW name AS (…) after HAVING defines one)", at: name.range)
        }
        if !spec.partitionBy.isEmpty {
            throw QueryError("a window that starts from window \"\(name.name)\" cannot have its own PARTITION BY", at: spec.partitionBy[0].range)
        }
        if !spec.orderBy.isEmpty && !base.orderBy.isEmpty {
            throw QueryError("cannot override the ORDER BY of window \"\(name.name)\"", at: spec.orderBy[0].expression.range)
        }
        return WindowSpec(partitionBy: base.partitionBy, orderBy: spec.orderBy.isEmpty ? base.orderBy : spec.orderBy,
                          frame: spec.frame ?? base.frame, range: spec.range)
    }

    /// `f(…) OVER (…)`: the function's spec appended (once, if written twice), its result as `.window(i)`.
    mutating func bindWindowFunction(_ call: FunctionCall, _ window: WindowSpec) throws -> BoundExpression {
        let name = call.name.name.lowercased()
        guard windowsAllowed else { throw QueryError("window functions are not allowed in \(clause)", at: call.range) }
        guard !insideWindow else { throw QueryError("window functions cannot be nested", at: call.range) }
        guard !insideAggregate else { throw QueryError("a window function cannot be the argument of an aggregate", at: call.range) }
        insideWindow = true
        defer { insideWindow = false }
        let spec = try resolveWindow(window)
        var function: WindowFunctionSpec
        if let kind = WindowFunctionKind.named(name) {
            function = try bindRankingOrValue(kind, call)
        } else if let kind = aggregateKind(name, call) {
            guard WindowFunctionKind.slidingAggregates.contains(kind), !call.distinct else {
                throw QueryError("\(text(call.name.range))(\(call.distinct ? "DISTINCT …" : "…")) OVER is not supported; "
                    + "window aggregates: count, sum, avg, min, max and their shorthands", at: call.range)
            }
            let aggregate = try bindAggregateCall(call, kind: kind)
            function = WindowFunctionSpec(kind: .aggregate(aggregate.kind), arguments: aggregate.argument.map { [$0] } ?? [],
                                          filter: aggregate.filter, partition: [], order: [], frame: .standard(ordered: false),
                                          type: aggregate.type, text: text(call.range))
        } else {
            throw QueryError("\(call.name.name) is not a window function or an aggregate, so it cannot take OVER", at: call.name.range)
        }
        function.partition = try spec.partitionBy.map { try bind($0) }
        function.order = try spec.orderBy.map { item in
            SortKey(expression: try bind(item.expression), descending: item.descending, nullsFirst: item.nullsFirst ?? item.descending)
        }
        function.frame = try bindFrame(spec.frame, order: function.order)
        if let same = windowFunctions.firstIndex(where: { $0.computesSame(as: function) }) { return .window(same, type: function.type) }
        windowFunctions.append(function)
        windowCallRanges.append(call.range)
        return .window(windowFunctions.count - 1, type: function.type)
    }

    /// The ranking functions and lag, lead, first_value, last_value and nth_value.
    private mutating func bindRankingOrValue(_ kind: WindowFunctionKind, _ call: FunctionCall) throws -> WindowFunctionSpec {
        let name = call.name.name.lowercased()
        if call.distinct || call.star || call.filter != nil {
            throw QueryError("\(name) takes no DISTINCT, * or FILTER", at: call.range)
        }
        func arity(_ counts: ClosedRange<Int>, _ shape: String) throws {
            guard counts.contains(call.arguments.count) else { throw QueryError("\(name) takes \(shape)", at: call.range) }
        }
        var function = WindowFunctionSpec(kind: kind, arguments: [], partition: [], order: [], frame: .standard(ordered: false),
                                          type: .int64, text: text(call.range))
        switch kind {
        case .rowNumber, .rank, .denseRank, .percentRank, .cumeDist:
            try arity(0...0, "no arguments: \(name)() OVER (…)")
            if kind == .percentRank || kind == .cumeDist { function.type = .float64 }
        case .ntile:
            try arity(1...1, "one argument, the number of buckets")
            function.count = try constantCount(call.arguments[0], what: "the number of buckets of ntile", minimum: 1)
        case .lag, .lead:
            try arity(1...3, "a value, an optional offset and an optional default: \(name)(x [, offset [, default]])")
            var value = try bind(call.arguments[0])
            if call.arguments.count >= 2 { function.count = try constantCount(call.arguments[1], what: "the offset of \(name)", minimum: nil) }
            function.type = value.type
            if call.arguments.count == 3 {
                var fallback = try bind(call.arguments[2])
                let type = try unify(value.type, fallback.type, at: call.arguments[2].range, what: "the default of \(name)")
                value = try convert(value, to: type, at: call.arguments[0].range)
                fallback = try convert(fallback, to: type, at: call.arguments[2].range)
                function.type = type
                function.arguments = [value, fallback]
            } else {
                function.arguments = [value]
            }
        case .firstValue, .lastValue, .nthValue:
            try arity(kind == .nthValue ? 2...2 : 1...1, kind == .nthValue ? "a value and a position: nth_value(x, n)" : "one argument")
            let value = try bind(call.arguments[0])
            function.arguments = [value]
            function.type = value.type
            if kind == .nthValue { function.count = try constantCount(call.arguments[1], what: "the position of nth_value", minimum: 1) }
        case .aggregate:
            break
        }
        if function.type == .null { function.type = .int64 }
        return function
    }

    /// An integer constant argument (an offset, a count of buckets).
    private mutating func constantCount(_ e: Expression, what: String, minimum: Int64?) throws -> Int64 {
        guard case .constant(.int(let n), _) = try bind(e) else {
            throw QueryError("\(what) must be an integer constant", at: e.range)
        }
        if let minimum, n < minimum { throw QueryError("\(what) must be at least \(minimum)", at: e.range) }
        return n
    }

    /// The frame: the default without one written (the whole partition, or up to the current row's peers
    /// with ORDER BY), else its bounds with constant offsets in the order key's lane.
    private mutating func bindFrame(_ frame: WindowFrame?, order: [SortKey]) throws -> WindowFrameSpec {
        guard let frame else { return .standard(ordered: !order.isEmpty) }
        let unit: WindowFrameSpec.Unit
        switch frame.unit {
        case .rows: unit = .rows
        case .range: unit = .range
        case .groups: throw QueryError("GROUPS frames are not supported; use ROWS or RANGE", at: frame.range)
        }
        func offset(_ e: Expression) throws -> FrameOffset {
            let bound = try bind(e)
            guard case .constant(let value, _) = bound, !value.isNull else {
                throw QueryError("a frame offset must be a constant", at: e.range)
            }
            if unit == .rows {
                guard case .int(let n) = value else { throw QueryError("a ROWS offset must be an integer", at: e.range) }
                guard n >= 0 else { throw QueryError("a frame offset must not be negative", at: e.range) }
                return FrameOffset(integer: n, double: Double(n))
            }
            guard order.count == 1 else {
                throw QueryError("RANGE with an offset needs exactly one ORDER BY key", at: e.range)
            }
            let key = order[0].expression.type
            switch key {
            case .int64, .money, .decimal, .float64:
                guard bound.type.isNumeric else { throw QueryError("the offset of a RANGE over a \(key) key must be a number", at: e.range) }
                let converted = try coerceConstant(value, from: bound.type, to: key, at: e.range)
                switch converted {
                case .double(let d):
                    guard d >= 0 else { throw QueryError("a frame offset must not be negative", at: e.range) }
                    return FrameOffset(integer: 0, double: d)
                case .int(let n), .money(let n), .decimal(let n, _):
                    guard n >= 0 else { throw QueryError("a frame offset must not be negative", at: e.range) }
                    return FrameOffset(integer: n, double: Double(n))
                default: break
                }
            case .timestamp:
                guard case .interval(let x) = value, x.months == 0, let micros = x.normalizedMicros else {
                    throw QueryError("the offset of a RANGE over a TIMESTAMP key must be an INTERVAL of days or less, such as INTERVAL '7 days'", at: e.range)
                }
                guard micros >= 0 else { throw QueryError("a frame offset must not be negative", at: e.range) }
                return FrameOffset(integer: micros, double: Double(micros))
            default: break
            }
            throw QueryError("RANGE with an offset needs a numeric or TIMESTAMP ORDER BY key, not \(key)", at: e.range)
        }
        func bound(_ b: WindowFrame.Bound) throws -> WindowFrameSpec.Bound {
            switch b {
            case .unboundedPreceding: return .unboundedPreceding
            case .preceding(let e): return .preceding(try offset(e))
            case .currentRow: return .currentRow
            case .following(let e): return .following(try offset(e))
            case .unboundedFollowing: return .unboundedFollowing
            }
        }
        let start = try bound(frame.start), end = try bound(frame.end)
        switch (start, end) {
        case (.unboundedFollowing, _):
            throw QueryError("a frame cannot start at UNBOUNDED FOLLOWING", at: frame.range)
        case (_, .unboundedPreceding):
            throw QueryError("a frame cannot end at UNBOUNDED PRECEDING", at: frame.range)
        case (.following, .currentRow), (.following, .preceding):
            throw QueryError("a frame starting at a following row cannot end before it", at: frame.range)
        case (.currentRow, .preceding):
            throw QueryError("a frame starting at the current row cannot end at a preceding row", at: frame.range)
        default:
            return WindowFrameSpec(unit: unit, start: start, end: end)
        }
    }
}
