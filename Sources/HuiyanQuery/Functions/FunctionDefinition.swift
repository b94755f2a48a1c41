/// One scalar function of the dialect, whole: the names it answers to, how a call binds (argument checks,
/// conversions, constants, result type) and how it computes a batch. A new function is one entry in one of
/// the lists `FunctionRegistry.all` joins (Functions/Definitions), nothing else.
struct FunctionDefinition: Sendable {
    /// The name EXPLAIN shows first, then the other names it answers to.
    let names: [String]
    /// Checks and converts the arguments; usually ends with `FunctionBinding.call`, but may give any
    /// expression (a cast, a constant).
    let bind: @Sendable (FunctionBinding) throws -> BoundExpression
    /// Computes the call for the selected rows of a batch.
    let evaluate: @Sendable (FunctionEvaluation) throws -> Vector

    init(_ names: [String], bind: @escaping @Sendable (FunctionBinding) throws -> BoundExpression,
         evaluate: @escaping @Sendable (FunctionEvaluation) throws -> Vector) {
        self.names = names
        self.bind = bind
        self.evaluate = evaluate
    }

    /// A function computed value by value: `compute(arguments)` for each row, or once per dictionary entry when
    /// the only argument that varies is a string column. With `strict`, a NULL argument gives NULL without a call.
    init(_ names: [String], strict: Bool = true, bind: @escaping @Sendable (FunctionBinding) throws -> BoundExpression,
         compute: @escaping @Sendable (_ arguments: [Value], _ call: FunctionEvaluation) throws -> Value) {
        self.init(names, bind: bind, evaluate: { try $0.valueByValue(strict: strict, compute) })
    }
}

/// Every scalar function, by name.
enum FunctionRegistry {
    static let all: [FunctionDefinition] = timeFunctions + timeArithmeticFunctions + stringFunctions + regexFunctions + numericFunctions + conditionalFunctions

    private static let byName: [String: FunctionDefinition] = {
        var map: [String: FunctionDefinition] = [:]
        for f in all {
            for name in f.names {
                precondition(map[name] == nil, "two functions are named \(name)")
                map[name] = f
            }
        }
        return map
    }()

    /// The function a (lower-case) name calls.
    static func definition(_ name: String) -> FunctionDefinition? { byName[name] }

    /// Every name a call may use, aggregates included (for "did you mean").
    static var knownNames: [String] {
        byName.keys.sorted() + ["count", "sum", "avg", "mean", "min", "max", "approx_count_distinct", "extract", "count_if", "bool_and", "bool_or", "any_value", "arbitrary"]
            + AggregateRegistry.names
            + WindowFunctionKind.byName.keys.sorted()
    }
}
