/// Functions of strings (docs/SQL.md, "Strings"). Lengths and positions count characters (Unicode scalars,
/// as DuckDB and PostgreSQL do), not bytes or grapheme clusters.
extension FunctionRegistry {
    static let stringFunctions: [FunctionDefinition] = [
        FunctionDefinition(["lower"], bind: { b in try stringCall(b, 1, returns: .string) },
                           compute: { args, _ in .string(args[0].string.lowercased()) }),
        FunctionDefinition(["upper"], bind: { b in try stringCall(b, 1, returns: .string) },
                           compute: { args, _ in .string(args[0].string.uppercased()) }),
        FunctionDefinition(["length", "char_length", "character_length"], bind: { b in try stringCall(b, 1, returns: .int64) },
                           compute: { args, _ in .int(Int64(args[0].string.unicodeScalars.count)) }),
    ]

    /// A call whose arguments are all strings (NULL as a VARCHAR NULL), of `arity` arguments.
    static func stringCall(_ b: FunctionBinding, _ arity: ClosedRange<Int>, returns type: SQLType) throws -> BoundExpression {
        try b.arity(arity)
        return b.call(try b.arguments.indices.map { try b.argument($0, as: .string) }, type: type)
    }

    static func stringCall(_ b: FunctionBinding, _ arity: Int, returns type: SQLType) throws -> BoundExpression {
        try stringCall(b, arity...arity, returns: type)
    }
}

extension Value {
    /// The string of a VARCHAR value ("" otherwise).
    var string: String {
        if case .string(let s) = self { return s }
        return ""
    }
}
