/// One aggregate function of the dialect beyond the built-in count, sum, avg, min and max (which the scan's
/// shortcuts know by `AggregateKind`): the names it answers to, how a call binds (argument checks and
/// conversions, constants, result type) and the accumulator that computes it per group. A new aggregate is one
/// entry in one of the lists `AggregateRegistry.all` joins, nothing else.
struct AggregateDefinition: Sendable {
    /// The name EXPLAIN shows first, then the other names it answers to.
    let names: [String]
    /// Whether the entry is the DISTINCT form of its names (`sum(DISTINCT x)`).
    let distinct: Bool
    /// Checks and converts the arguments.
    let bind: @Sendable (FunctionBinding) throws -> AggregateBinding
    /// The state of every group of one thread's table (`AggregateSpec.type`, `arguments` and `constants` bound).
    let accumulator: @Sendable (AggregateSpec) -> Accumulator

    init(_ names: [String], distinct: Bool = false, bind: @escaping @Sendable (FunctionBinding) throws -> AggregateBinding,
         accumulator: @escaping @Sendable (AggregateSpec) -> Accumulator) {
        self.names = names
        self.distinct = distinct
        self.bind = bind
        self.accumulator = accumulator
    }

    /// The id specs name the entry by: its first name, with DISTINCT for a DISTINCT form.
    var id: String { distinct ? names[0] + "(DISTINCT)" : names[0] }
}

/// What an aggregate call binds to: the arguments evaluated for each row (at least one), the constants, the
/// result type.
struct AggregateBinding {
    var arguments: [BoundExpression]
    var constants: [Value] = []
    var type: SQLType
}

/// Every registered aggregate, by name.
enum AggregateRegistry {
    static let all: [AggregateDefinition] = statisticAggregates + valueAggregates

    private static let byID: [String: AggregateDefinition] = {
        var map: [String: AggregateDefinition] = [:]
        for a in all {
            for name in a.names {
                let key = a.distinct ? name + "(DISTINCT)" : name
                precondition(map[key] == nil, "two aggregates are named \(key)")
                map[key] = a
            }
        }
        return map
    }()

    /// The aggregate a (lower-case) name calls, in its DISTINCT form or not.
    static func definition(_ name: String, distinct: Bool) -> AggregateDefinition? { byID[distinct ? name + "(DISTINCT)" : name] }

    /// The entry of a spec's `registered` id.
    static func definition(id: String) -> AggregateDefinition { byID[id]! }

    /// Every name a call may use.
    static var names: [String] { Array(Set(all.flatMap(\.names))).sorted() }
}

extension FunctionBinding {
    /// Argument `i` as a DOUBLE (any number; NULL as a NULL DOUBLE).
    func double(_ i: Int) throws -> BoundExpression {
        try argument(i, as: .float64)
    }

    /// Argument `i`, which must be a numeric literal, as a DOUBLE.
    func numberConstant(_ i: Int, what: String) throws -> Double {
        guard case .constant(let v, _) = arguments[i], let d = v.doubleValue else {
            throw error("the \(what) of \(name) must be a number literal", at: i)
        }
        return d
    }
}
