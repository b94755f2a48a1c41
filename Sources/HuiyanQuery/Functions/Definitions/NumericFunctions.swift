/// Functions of numbers: abs, round (docs/SQL.md).
extension FunctionRegistry {
    static let numericFunctions: [FunctionDefinition] = [
        FunctionDefinition(["abs"], bind: { b in
            try b.arity(1)
            if b.arguments[0].type == .null { return .constant(.null, type: .null) }
            guard b.arguments[0].type.isNumeric else { throw b.error("abs needs a number, not \(b.arguments[0].type)") }
            return b.call(b.arguments, type: b.arguments[0].type)
        }, evaluate: { e in
            let v = e.arguments[0], out = e.output()
            out.nulls = v.nulls
            if e.type == .float64 { e.batch.forEachSelected { out.doubles[$0] = Swift.abs(v.doubles[$0]) } }
            else { try Evaluator.negateIntegers(v, into: out, e.batch, what: "abs", onlyNegative: true) }
            return out
        }),

        FunctionDefinition(["round"], bind: { b in
            try b.arity(1...2)
            let digits = b.count == 2 ? try b.integerConstant(1, what: "digits") : 0
            let x = b.arguments[0]
            if x.type == .null { return .constant(.null, type: .null) }
            guard x.type.isNumeric else { throw b.error("round needs a number, not \(x.type)") }
            // A decimal keeps the decimals asked for, at least money's two and at most its own.
            let type = x.type.decimalScale.map { SQLType.decimal(scale: Swift.max(2, Swift.min(Int(digits), $0)))! } ?? x.type
            if case .arithmetic(.divide, let p, let q, let quotientType) = x, quotientType.isDecimal, digits <= quotientType.decimalScale!,
               p.type == .int64 || p.type.isDecimal, q.type == .int64 || q.type.isDecimal {
                // round(a / b, d) of exact numbers divides once, rounding at d places: a quotient rounded first
                // at its own places could round again the wrong way (192.44 / 7.12345 is 27.0149999…).
                return b.call([p, q], type: type, constants: [.int(digits), .string("quotient")])
            }
            return b.call([x], type: type, constants: [.int(digits)])
        }, evaluate: { e in
            if e.arguments.count == 2 { return try roundedQuotient(e) }
            let v = e.arguments[0], out = e.output(), type = e.type, digits = e.function.integer(0)
            out.nulls = v.nulls
            switch type {
            case .float64:
                e.batch.forEachSelected { out.doubles[$0] = DoubleDecimal.round(v.doubles[$0], digits: digits) }
            default:
                // Units of 10^-scale (an integer: scale 0) rounded to a multiple of 10^(scale − digits), then
                // brought to the result's scale (exactly: the digits dropped are zeros).
                let d = Swift.max(-100, Swift.min(digits, 100))       // past ±100 the answer is the same
                let scale = v.type.decimalScale ?? 0, power = scale - d
                let drop = DecimalMath.power(scale - (type.decimalScale ?? 0))
                var failure: Error?
                e.batch.forEachSelected { i in
                    guard failure == nil, !v.isNull(i) else { return }
                    do { out.ints[i] = try Evaluator.roundToPowerOfTen(v.ints[i], power: power, type: v.type) / drop } catch { failure = error }
                }
                if let failure { throw failure }
            }
            return out
        }),
    ]

    /// round(a / b, digits) of exact numbers: the quotient rounded half away from zero at `digits` places in
    /// one division (digits < 0: tens, hundreds …), then brought to the result's places exactly; NULL where b
    /// is 0, an error naming the operands where it does not fit.
    private static func roundedQuotient(_ e: FunctionEvaluation) throws -> Vector {
        let a = e.arguments[0], b = e.arguments[1], out = e.output(), digits = e.function.integer(0)
        let sa = a.type.decimalScale ?? 0, sb = b.type.decimalScale ?? 0, scale = e.type.decimalScale ?? 0
        let d = Swift.max(-36, digits)      // past 36 places below the point every quotient of 18 digits rounds to 0
        var failed: Int?
        e.batch.forEachSelected { i in
            if a.isNull(i) || b.isNull(i) || b.ints[i] == 0 { out.setNull(i); return }
            if failed != nil { return }
            guard let q = DecimalMath.divide(a.ints[i], sa, by: b.ints[i], sb, scale: d) else { failed = i; return }
            var value: Int64? = q
            var shift = scale - d
            while shift > 0, let v = value {
                let step = Swift.min(shift, 18)
                let (r, o) = v.multipliedReportingOverflow(by: DecimalMath.power(step))
                value = o ? nil : r
                shift -= step
            }
            guard let value else { failed = i; return }
            out.ints[i] = value
        }
        if let failed {
            let x = ValueFormatting.text(a.value(failed), offsetSeconds: 0) ?? "NULL", y = ValueFormatting.text(b.value(failed), offsetSeconds: 0) ?? "NULL"
            throw QueryError("\(e.type) overflow in round(… / …): \(x) / \(y) does not fit")
        }
        return out
    }
}
