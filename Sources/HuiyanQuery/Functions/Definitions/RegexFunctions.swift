/// Regular expressions (RE2 syntax, as DuckDB's): regexp_matches, regexp_replace, regexp_extract. The
/// pattern and options are constants; the pattern is compiled once per batch and matched once per
/// dictionary entry of a string column, in time linear in the text.
extension FunctionRegistry {
    static let regexFunctions: [FunctionDefinition] = [
        FunctionDefinition(["regexp_matches"], bind: { b in
            try b.arity(2...3)
            return try regexCall(b, optionsAt: 2, returns: .boolean)
        }, evaluate: { e in
            let regex = try compiled(e.function)
            return try e.valueByValue(strict: true) { args, _ in .bool(regex.matches(args[0].string)) }
        }),
        FunctionDefinition(["regexp_replace"], bind: { b in
            try b.arity(3...4)
            return try regexCall(b, optionsAt: 3, returns: .string)
        }, evaluate: { e in
            let regex = try compiled(e.function), global = e.function.text(1).contains("g")
            return try e.valueByValue(strict: true) { args, _ in .string(try regex.replace(args[0].string, with: args[1].string, global: global)) }
        }),
        FunctionDefinition(["regexp_extract"], bind: { b in
            try b.arity(2...3)
            var group: Int64 = 0
            if b.count == 3 {
                group = try b.integerConstant(2, what: "group")
                guard group >= 0 else { throw b.error("the group of regexp_extract must be 0 or more", at: 2) }
            }
            let regex = try regexCall(b, optionsAt: nil, returns: .string)
            guard case .function(let f, let args, let type) = regex else { return regex }
            if let pattern = try? compiled(f), group > pattern.groups {
                throw b.error("the pattern has \(pattern.groups) group(s), not \(group)", at: 2)
            }
            return .function(ScalarFunction(f.id, constants: f.constants + [.int(group)]), args, type: type)
        }, evaluate: { e in
            let regex = try compiled(e.function), group = e.function.integer(2)
            return try e.valueByValue(strict: true) { args, _ in .string(regex.extract(args[0].string, group: group) ?? "") }
        }),
    ]

    /// A regex call: argument 0 the text, argument 1 the pattern (a string literal), the options at
    /// `optionsAt` (a literal of i, c, s, g); the other arguments are strings. Constants: pattern, options.
    private static func regexCall(_ b: FunctionBinding, optionsAt: Int?, returns type: SQLType) throws -> BoundExpression {
        let pattern = try b.stringConstant(1)
        var options = ""
        if let at = optionsAt, b.count > at {
            options = try b.stringConstant(at)
            if let bad = options.first(where: { !"icsgm".contains($0) }) {
                throw b.error("unknown option '\(bad)' for \(b.name) (i: ignore case, c: case-sensitive, s: dot matches newline, g: every match)", at: at)
            }
        }
        let f = ScalarFunction(b.id, constants: [.string(pattern), .string(options)])
        do { _ = try compiled(f) } catch let error as QueryError { throw b.error(error.message, at: 1) }  // at bind time, at the pattern
        var args = [try b.argument(0, as: .string)]
        if b.id == "regexp_replace" { args.append(try b.argument(2, as: .string)) }
        return .function(f, args, type: type)
    }

    /// The call's pattern compiled with its options (the last of i and c wins).
    private static func compiled(_ f: ScalarFunction) throws -> RegularExpression {
        let options = f.text(1)
        let insensitive = options.last(where: { $0 == "i" || $0 == "c" }) == "i"
        return try RegularExpression(f.text(0), caseInsensitive: insensitive, dotMatchesNewline: options.contains("s"))
    }
}
