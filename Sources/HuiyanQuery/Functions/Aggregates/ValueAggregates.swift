extension AggregateRegistry {
    /// The aggregates that keep every value of a group (`ValuesAccumulator`), arg_max / arg_min and string_agg.
    static let valueAggregates: [AggregateDefinition] = [
        AggregateDefinition(["median"], bind: { b in
            try b.arity(1)
            let a = try interpolated(b, 0)
            return AggregateBinding(arguments: [a], constants: [.double(0.5)], type: interpolatedType(a.type))
        }, accumulator: { spec in quantile(spec, continuous: true) }),
        AggregateDefinition(["quantile_cont", "quantile", "percentile_cont"], bind: { b in
            try b.arity(2)
            let a = try interpolated(b, 0)
            return AggregateBinding(arguments: [a], constants: [.double(try fraction(b))], type: interpolatedType(a.type))
        }, accumulator: { spec in quantile(spec, continuous: true) }),
        AggregateDefinition(["approx_quantile"], bind: { b in
            try b.arity(2)
            let a = try ordered(b, 0)
            return AggregateBinding(arguments: [a], constants: [.double(try fraction(b))], type: a.type)
        }, accumulator: { spec in
            guard case .double(let q) = spec.constants[0] else { preconditionFailure() }
            return ApproxQuantileAccumulator(type: spec.type, fraction: q)
        }),
        AggregateDefinition(["quantile_disc", "percentile_disc"], bind: { b in
            try b.arity(2)
            let a = try ordered(b, 0)
            return AggregateBinding(arguments: [a], constants: [.double(try fraction(b))], type: a.type)
        }, accumulator: { spec in quantile(spec, continuous: false) }),
        AggregateDefinition(["mode"], bind: { b in
            try b.arity(1)
            let a = b.arguments[0].type == .null ? BoundExpression.constant(.null, type: .int64) : b.arguments[0]
            return AggregateBinding(arguments: [a], type: a.type)
        }, accumulator: { spec in ValuesAccumulator(.mode, inputType: spec.argument!.type, resultType: spec.type) }),
        distinctSum(["sum"], average: false),
        distinctSum(["avg", "mean"], average: true),
        argExtreme(["arg_max", "max_by", "argmax"], isMax: true),
        argExtreme(["arg_min", "min_by", "argmin"], isMax: false),
        stringAgg(distinct: false),
        stringAgg(distinct: true),
    ]

    /// Argument `i` of a quantile: a number, a time or a date (values in order).
    private static func ordered(_ b: FunctionBinding, _ i: Int) throws -> BoundExpression {
        let a = b.arguments[i]
        if a.type == .null { return .constant(.null, type: .float64) }
        guard a.type.isNumeric || a.type == .timestamp || a.type == .date else {
            throw b.error("\(b.name) needs a number, a TIMESTAMP or a DATE, not \(a.type)", at: i)
        }
        return a
    }

    /// Argument `i` of an interpolated quantile: as `ordered`, a DATE taken as the TIMESTAMP of its midnight
    /// (between two days lies a time, as in DuckDB).
    private static func interpolated(_ b: FunctionBinding, _ i: Int) throws -> BoundExpression {
        let a = try ordered(b, i)
        return a.type == .date ? try b.argument(i, as: .timestamp) : a
    }

    /// An interpolated quantile's type: DOUBLE of integers, else the values' own.
    private static func interpolatedType(_ t: SQLType) -> SQLType { t == .int64 ? .float64 : t }

    /// The fraction of a quantile call, between 0 and 1.
    private static func fraction(_ b: FunctionBinding) throws -> Double {
        let q = try b.numberConstant(1, what: "fraction")
        guard q >= 0, q <= 1 else { throw b.error("the fraction of \(b.name) must be between 0 and 1", at: 1) }
        return q
    }

    private static func quantile(_ spec: AggregateSpec, continuous: Bool) -> Accumulator {
        guard case .double(let q) = spec.constants[0] else { preconditionFailure() }
        return ValuesAccumulator(.quantile(q, continuous: continuous), inputType: spec.argument!.type, resultType: spec.type)
    }

    private static func distinctSum(_ names: [String], average: Bool) -> AggregateDefinition {
        AggregateDefinition(names, distinct: true, bind: { b in
            try b.arity(1)
            let a = try b.numeric(0)
            return AggregateBinding(arguments: [a], type: average ? .float64 : a.type)
        }, accumulator: { spec in ValuesAccumulator(.distinctSum(average: average), inputType: spec.argument!.type, resultType: spec.type) })
    }

    /// string_agg(s [, separator] [ORDER BY key [DESC]]), with or without DISTINCT.
    private static func stringAgg(distinct: Bool) -> AggregateDefinition {
        AggregateDefinition(["string_agg", "group_concat", "listagg"], distinct: distinct, bind: { b in
            try b.arity(1...2)
            let separator = b.count == 2 ? try b.stringConstant(1) : ","
            var arguments = [try b.text(0)]
            var nullsFirst = false, descending = false
            if let key = b.orderKeys.first {
                let item = b.call.orderBy[0]
                guard b.orderKeys.count == 1 else { throw QueryError("string_agg orders by one key", at: b.call.orderBy[1].expression.range) }
                guard key.type != .null, key.type != .interval else {
                    throw QueryError("string_agg orders by a number, time, boolean or string, not \(key.type)", at: item.expression.range)
                }
                arguments.append(key)
                descending = item.descending
                nullsFirst = item.nullsFirst ?? item.descending
            }
            return AggregateBinding(arguments: arguments, constants: [.string(separator), .bool(descending), .bool(nullsFirst)], type: .string)
        }, accumulator: { spec in
            guard case .string(let separator) = spec.constants[0], case .bool(let descending) = spec.constants[1],
                  case .bool(let nullsFirst) = spec.constants[2] else { preconditionFailure() }
            return StringAggAccumulator(separator: separator, ordered: spec.arguments.count == 2, descending: descending, nullsFirst: nullsFirst,
                                        distinct: distinct, stringKey: spec.arguments.count == 2 && spec.arguments[1].type == .string)
        })
    }

    private static func argExtreme(_ names: [String], isMax: Bool) -> AggregateDefinition {
        AggregateDefinition(names, bind: { b in
            try b.arity(2)
            var value = b.arguments[0]
            if value.type == .null { value = .constant(.null, type: .int64) }
            var key = b.arguments[1]
            if key.type == .null { key = .constant(.null, type: .int64) }
            return AggregateBinding(arguments: [value, key], type: value.type)
        }, accumulator: { spec in ArgExtremeAccumulator(valueType: spec.type, keyType: spec.arguments[1].type, isMax: isMax) })
    }
}
