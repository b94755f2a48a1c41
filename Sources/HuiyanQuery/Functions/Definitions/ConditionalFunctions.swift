/// Functions that choose among their arguments: coalesce, nullif, greatest, least (docs/SQL.md).
extension FunctionRegistry {
    static let conditionalFunctions: [FunctionDefinition] = [
        FunctionDefinition(["coalesce", "ifnull"], bind: { b in
            try b.arity(1...Int.max)
            if b.name == "ifnull" { try b.arity(2) }
            let (type, args) = try b.unified("coalesce")
            return b.call(args, type: type)
        }, evaluate: { e in
            let args = e.arguments, type = e.type, out = e.output()
            if type == .string {
                return e.evaluator.strings(e.batch) { i in
                    for a in args where !a.isNull(i) { return a.pool!.string(Int(a.ints[i])) }
                    return nil
                }
            }
            e.batch.forEachSelected { i in
                guard let a = args.first(where: { !$0.isNull(i) }) else { out.setNull(i); return }
                out.copy(i, from: a, i)
            }
            return out
        }),

        FunctionDefinition(["nullif"], bind: { b in
            try b.arity(2)
            let (type, args) = try b.unified()
            return b.call(args, type: type)
        }, evaluate: { e in
            let a = e.arguments[0], b = e.arguments[1], type = e.type, out = e.output()
            if type == .string {
                return e.evaluator.strings(e.batch) { i in
                    if a.isNull(i) { return nil }
                    let s = a.pool!.string(Int(a.ints[i]))
                    return !b.isNull(i) && b.pool!.string(Int(b.ints[i])) == s ? nil : s
                }
            }
            e.batch.forEachSelected { i in
                let equal = !a.isNull(i) && !b.isNull(i) && (type == .float64 ? a.doubles[i] == b.doubles[i] : a.ints[i] == b.ints[i])
                if a.isNull(i) || equal { out.setNull(i); return }
                out.copy(i, from: a, i)
            }
            return out
        }),
        FunctionDefinition(["greatest"], strict: false, bind: { b in try extremeCall(b) },
                           compute: { args, _ in extreme(args, greatest: true) }),
        FunctionDefinition(["least"], strict: false, bind: { b in try extremeCall(b) },
                           compute: { args, _ in extreme(args, greatest: false) }),
    ]

    /// greatest / least: at least one argument, all of one type (as coalesce unifies them).
    private static func extremeCall(_ b: FunctionBinding) throws -> BoundExpression {
        try b.arity(1...Int.max)
        let (type, args) = try b.unified()
        return b.call(args, type: type)
    }

    /// The largest (or smallest) argument that is not NULL; NULL when all are. Strings by byte order.
    private static func extreme(_ args: [Value], greatest: Bool) -> Value {
        var best = Value.null
        for a in args where !a.isNull {
            if best.isNull { best = a; continue }
            let c = SelectExecutor.compare(a, best, nullsFirst: false)
            if greatest ? c > 0 : c < 0 { best = a }
        }
        return best
    }
}
