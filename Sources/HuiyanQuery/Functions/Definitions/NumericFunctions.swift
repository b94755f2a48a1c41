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
            return b.call([x], type: type, constants: [.int(digits)])
        }, evaluate: { e in
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
}
