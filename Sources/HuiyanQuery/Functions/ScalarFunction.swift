/// A bound call's function: the registry entry it names (`FunctionRegistry`) and the arguments that had to
/// be constants (a unit, a field, a format, digits), bound into the call. Equal calls are equal by both.
struct ScalarFunction: Hashable {
    /// The entry's first name (`FunctionDefinition.names[0]`).
    let id: String
    let constants: [Value]

    init(_ id: String, constants: [Value] = []) {
        self.id = id
        self.constants = constants
    }

    /// The function with its bound constants, as EXPLAIN shows it: `date_trunc('day')`, `round(2)`.
    var name: String {
        guard !constants.isEmpty else { return id }
        let list = constants.map { v in ValueFormatting.text(v, offsetSeconds: 0).map { v.type == .string ? "'\($0)'" : v.type == .interval ? "INTERVAL '\($0)'" : $0 } ?? "NULL" }
        return id + "(" + list.joined(separator: ", ") + ")"
    }

    /// The registry entry.
    var definition: FunctionDefinition { FunctionRegistry.definition(id)! }

    /// Constant `i` as a string (a unit, a field, a format).
    func text(_ i: Int) -> String {
        if case .string(let s) = constants[i] { return s }
        return ""
    }

    /// Constant `i` as an integer (digits).
    func integer(_ i: Int) -> Int {
        if case .int(let n) = constants[i] { return Int(n) }
        return 0
    }

    /// The unit of a `date_trunc` call.
    var dateTruncUnit: TimeMath.Unit? { id == "date_trunc" ? TimeMath.Unit(rawValue: text(0)) : nil }
    /// The field of a `date_part` call.
    var datePartField: TimeMath.Field? { id == "date_part" ? TimeMath.Field(rawValue: text(0)) : nil }
    /// The format of a `strftime` call.
    var strftimeFormat: String? { id == "strftime" ? text(0) : nil }
}

/// The aggregate functions.
enum AggregateKind: String {
    case countStar = "count(*)"
    case count, sum, avg, min, max
    case countDistinct = "count(DISTINCT)"
    case approxCountDistinct = "approx_count_distinct"
    /// An entry of `AggregateRegistry` (`AggregateSpec.registered` names it).
    case registered
}

/// One aggregate of a query: its function, argument (over table columns), optional FILTER, result type.
struct AggregateSpec {
    var kind: AggregateKind
    var argument: BoundExpression?
    var filter: BoundExpression?
    var type: SQLType
    /// The text, for column names and EXPLAIN.
    var text: String
    /// For `.registered`: the registry entry's id (`AggregateDefinition.id`).
    var registered: String? = nil
    /// Arguments evaluated for each row after `argument` (corr's x, arg_max's key, string_agg's order key).
    var extraArguments: [BoundExpression] = []
    /// Arguments that had to be constants (a quantile's fraction, string_agg's separator).
    var constants: [Value] = []

    /// Every argument evaluated for each row: `argument`, then `extraArguments`.
    var arguments: [BoundExpression] { argument.map { [$0] + extraArguments } ?? [] }

    /// Whether both compute the same value: function, argument and FILTER alike by structure (the text may differ).
    func computesSame(as other: AggregateSpec) -> Bool {
        kind == other.kind && argument == other.argument && filter == other.filter && registered == other.registered
            && extraArguments == other.extraArguments && constants == other.constants
    }

    /// The spec with every expression it holds mapped.
    func mapExpressions(_ map: (BoundExpression) throws -> BoundExpression) rethrows -> AggregateSpec {
        var a = self
        a.argument = try argument.map(map)
        a.extraArguments = try extraArguments.map(map)
        a.filter = try filter.map(map)
        return a
    }
}
