/// What a function's `bind` sees of a call: the bound arguments, where each was written, and the binder's
/// conversions. Every error points at the argument it is about.
struct FunctionBinding {
    /// The name as written, lower-cased.
    let name: String
    /// The entry's first name.
    let id: String
    let arguments: [BoundExpression]
    let call: FunctionCall
    let binder: Binder
    /// An aggregate's ORDER BY keys (`call.orderBy`), bound.
    var orderKeys: [BoundExpression] = []

    var count: Int { arguments.count }
    var offsetSeconds: Int { binder.offsetSeconds }

    /// Where argument `i` was written (the whole call when there is none).
    func range(_ i: Int) -> SourceRange { i < call.arguments.count ? call.arguments[i].range : call.range }

    func error(_ message: String, at i: Int? = nil) -> QueryError {
        QueryError(message, at: i.map(range) ?? call.range)
    }

    /// Requires a number of arguments.
    func arity(_ n: ClosedRange<Int>) throws {
        guard n.contains(count) else {
            let expected = n.lowerBound == n.upperBound ? "\(n.lowerBound)" : n.upperBound == Int.max ? "at least \(n.lowerBound)" : "\(n.lowerBound) to \(n.upperBound)"
            throw error("\(name) takes \(expected) argument(s), not \(count)")
        }
    }

    func arity(_ n: Int) throws { try arity(n...n) }

    /// Argument `i`, which must be a string literal.
    func stringConstant(_ i: Int) throws -> String {
        guard case .constant(.string(let s), _) = arguments[i] else {
            throw error("argument \(i + 1) of \(name) must be a string literal", at: i)
        }
        return s
    }

    /// Argument `i`, which must be an integer literal.
    func integerConstant(_ i: Int, what: String? = nil) throws -> Int64 {
        guard case .constant(.int(let n), _) = arguments[i] else {
            throw error(what.map { "the \($0) of \(name) must be an integer literal" } ?? "argument \(i + 1) of \(name) must be an integer literal", at: i)
        }
        return n
    }

    /// Argument `i` as a TIMESTAMP or DATE (a string literal is read as a timestamp, NULL as a NULL TIMESTAMP).
    func temporal(_ i: Int) throws -> BoundExpression {
        var a = arguments[i]
        if a.type == .null { return .constant(.null, type: .timestamp) }
        if case .constant(.string(let s), _) = a { a = .constant(try binder.convertString(s, to: .timestamp, at: range(i)), type: .timestamp) }
        guard a.type == .timestamp || a.type == .date else {
            throw error("\(name) needs a TIMESTAMP or DATE, not \(a.type)", at: i)
        }
        return a
    }

    /// Argument `i` converted to `type` (implicit conversions only; NULL becomes a NULL of that type), with
    /// an error naming the function otherwise.
    func argument(_ i: Int, as type: SQLType) throws -> BoundExpression {
        let a = arguments[i]
        if a.type == type { return a }
        if a.type == .null { return .constant(.null, type: type) }
        do { return try binder.convert(a, to: type, at: range(i)) } catch {
            throw self.error("\(name) needs a \(type) for argument \(i + 1), not \(a.type)", at: i)
        }
    }

    /// Argument `i` as text (any type is cast to VARCHAR, as concat does).
    func text(_ i: Int) throws -> BoundExpression {
        if arguments[i].type == .null { return .constant(.null, type: .string) }
        return try binder.convert(arguments[i], to: .string, at: range(i), explicit: true)
    }

    /// Argument `i` as a number (BIGINT, DOUBLE or DECIMAL; NULL as BIGINT).
    func numeric(_ i: Int) throws -> BoundExpression {
        let a = arguments[i]
        if a.type == .null { return .constant(.null, type: .int64) }
        guard a.type.isNumeric else { throw error("\(name) needs a number, not \(a.type)", at: i) }
        return a
    }

    /// The common type of the arguments (as CASE and coalesce unify), and the arguments converted to it.
    func unified(_ what: String? = nil) throws -> (SQLType, [BoundExpression]) {
        var type = SQLType.null
        for (i, a) in arguments.enumerated() { type = try binder.unify(type, a.type, at: range(i), what: what ?? name) }
        return (type, try arguments.enumerated().map { try binder.convert($1, to: type, at: range($0)) })
    }

    /// The bound call of this function.
    func call(_ arguments: [BoundExpression], type: SQLType, constants: [Value] = []) -> BoundExpression {
        .function(ScalarFunction(id, constants: constants), arguments, type: type)
    }
}
