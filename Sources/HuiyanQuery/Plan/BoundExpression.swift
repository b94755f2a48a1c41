/// A typed, name-resolved expression, ready to evaluate over batches. Two expressions are the same when
/// their trees are (`Hashable` by structure: operators, operands, constants with their types); the text
/// `description` gives is for EXPLAIN and messages only, never for identity.
indirect enum BoundExpression: Hashable, CustomStringConvertible {
    /// A column of the scanned table (index into the table's schema).
    case column(Int, name: String, type: SQLType)
    case constant(Value, type: SQLType)
    case negate(BoundExpression, type: SQLType)
    case arithmetic(ArithmeticOperator, BoundExpression, BoundExpression, type: SQLType)
    /// Both operands have the same comparable type.
    case comparison(ComparisonOperator, BoundExpression, BoundExpression)
    case and([BoundExpression])
    case or([BoundExpression])
    case not(BoundExpression)
    case isNull(BoundExpression, negated: Bool)
    /// Constant list of values of the operand's type.
    case inList(BoundExpression, [Value], negated: Bool)
    case like(BoundExpression, LikePattern, negated: Bool)
    case caseWhen([BoundCaseBranch], otherwise: BoundExpression?, type: SQLType)
    case cast(BoundExpression, to: SQLType)
    case function(ScalarFunction, [BoundExpression], type: SQLType)
    case concat(BoundExpression, BoundExpression)
    /// After aggregation: group key `i`.
    case groupKey(Int, type: SQLType)
    /// After aggregation: aggregate `i`'s result.
    case aggregate(Int, type: SQLType)
    /// Above a window operator: window function `i`'s result.
    case window(Int, type: SQLType)

    var type: SQLType {
        switch self {
        case .column(_, _, let type), .constant(_, let type), .negate(_, let type), .arithmetic(_, _, _, let type),
             .caseWhen(_, _, let type), .function(_, _, let type), .groupKey(_, let type), .aggregate(_, let type),
             .window(_, let type):
            return type
        case .cast(_, let type): return type
        case .comparison, .and, .or, .not, .isNull, .inList, .like: return .boolean
        case .concat: return .string
        }
    }

    /// The table columns the expression reads.
    var columns: Set<Int> {
        if case .column(let i, _, _) = self { return [i] }
        return children.reduce(into: Set<Int>()) { $0.formUnion($1.columns) }
    }

    /// The operands of this node.
    var children: [BoundExpression] {
        switch self {
        case .column, .constant, .groupKey, .aggregate, .window: return []
        case .negate(let x, _), .not(let x), .isNull(let x, _), .inList(let x, _, _), .like(let x, _, _), .cast(let x, _): return [x]
        case .arithmetic(_, let a, let b, _), .comparison(_, let a, let b), .concat(let a, let b): return [a, b]
        case .and(let list), .or(let list), .function(_, let list, _): return list
        case .caseWhen(let branches, let otherwise, _): return branches.flatMap { [$0.condition, $0.result] } + (otherwise.map { [$0] } ?? [])
        }
    }

    /// The terms of a conjunction (nested ANDs flattened); the expression itself otherwise.
    var conjuncts: [BoundExpression] {
        if case .and(let list) = self { return list.flatMap(\.conjuncts) }
        return [self]
    }

    /// The conjunction of terms: nil for none, the term itself for one.
    static func conjunction(_ terms: [BoundExpression]) -> BoundExpression? {
        terms.count <= 1 ? terms.first : .and(terms)
    }

    /// The same expression with every table column index passed through `map`.
    func mapColumns(_ map: (Int) -> Int) -> BoundExpression {
        rewritten { e in
            if case .column(let i, let name, let type) = e { return .column(map(i), name: name, type: type) }
            return nil
        }
    }

    /// The expression rebuilt bottom-up from the top: where `replace` returns an expression it takes the
    /// place of the subtree; where it returns nil the node is kept and its operands are rewritten.
    func rewritten(_ replace: (BoundExpression) throws -> BoundExpression?) rethrows -> BoundExpression {
        if let replacement = try replace(self) { return replacement }
        return try mappingOperands { try $0.rewritten(replace) }
    }

    /// The same node with each operand passed through `map`.
    func mappingOperands(_ r: (BoundExpression) throws -> BoundExpression) rethrows -> BoundExpression {
        switch self {
        case .column, .constant, .groupKey, .aggregate, .window: return self
        case .negate(let x, let t): return .negate(try r(x), type: t)
        case .arithmetic(let op, let a, let b, let t): return .arithmetic(op, try r(a), try r(b), type: t)
        case .comparison(let op, let a, let b): return .comparison(op, try r(a), try r(b))
        case .and(let list): return .and(try list.map(r))
        case .or(let list): return .or(try list.map(r))
        case .not(let x): return .not(try r(x))
        case .isNull(let x, let n): return .isNull(try r(x), negated: n)
        case .inList(let x, let v, let n): return .inList(try r(x), v, negated: n)
        case .like(let x, let p, let n): return .like(try r(x), p, negated: n)
        case .caseWhen(let branches, let otherwise, let t):
            return .caseWhen(try branches.map { BoundCaseBranch(condition: try r($0.condition), result: try r($0.result)) }, otherwise: try otherwise.map(r), type: t)
        case .cast(let x, let t): return .cast(try r(x), to: t)
        case .function(let f, let args, let t): return .function(f, try args.map(r), type: t)
        case .concat(let a, let b): return .concat(try r(a), try r(b))
        }
    }

    var isConstant: Bool {
        if case .constant = self { return true }
        return false
    }

    var description: String { text(offsetSeconds: 0) }

    /// The expression as EXPLAIN shows it, timestamps written in the zone `offsetSeconds` east of UTC.
    /// Group keys and aggregates are written as `names` gives them (else `#group0`, `#agg0`).
    func text(offsetSeconds offset: Int, names: AggregateNames? = nil) -> String {
        func t(_ e: BoundExpression) -> String { e.text(offsetSeconds: offset, names: names) }
        switch self {
        case .column(_, let name, _): return name
        case .constant(let v, _): return ValueFormatting.text(v, offsetSeconds: offset).map { v.type == .string ? "'\($0)'" : $0 } ?? "NULL"
        case .negate(let e, _): return "-(\(t(e)))"
        case .arithmetic(let op, let a, let b, _): return "(\(t(a)) \(op.rawValue) \(t(b)))"
        case .comparison(let op, let a, let b): return "(\(t(a)) \(op.rawValue) \(t(b)))"
        case .and(let list): return "(" + list.map(t).joined(separator: " AND ") + ")"
        case .or(let list): return "(" + list.map(t).joined(separator: " OR ") + ")"
        case .not(let e): return "NOT \(t(e))"
        case .isNull(let e, let negated): return "\(t(e)) IS \(negated ? "NOT " : "")NULL"
        case .inList(let e, let values, let negated):
            // A long list (an IN subquery's values) is shown by its first values and its length.
            var list = values.prefix(20).map { v in ValueFormatting.text(v, offsetSeconds: offset).map { v.type == .string ? "'\($0)'" : $0 } ?? "NULL" }
            if values.count > 20 { list.append("… \(values.count) values") }
            return "\(t(e)) \(negated ? "NOT " : "")IN (\(list.joined(separator: ", ")))"
        case .like(let e, let pattern, let negated): return "\(t(e)) \(negated ? "NOT " : "")\(pattern.caseInsensitive ? "ILIKE" : "LIKE") '\(pattern.pattern)'"
        case .caseWhen(let branches, let otherwise, _):
            return "CASE" + branches.map { " WHEN \(t($0.condition)) THEN \(t($0.result))" }.joined() + (otherwise.map { " ELSE \(t($0))" } ?? "") + " END"
        case .cast(let e, let type): return "CAST(\(t(e)) AS \(type))"
        case .function(let f, let args, _): return "\(f.name)(" + args.map(t).joined(separator: ", ") + ")"
        case .concat(let a, let b): return "(\(t(a)) || \(t(b)))"
        case .groupKey(let i, _): return names.map { $0.keys[i] } ?? "#group\(i)"
        case .aggregate(let i, _): return names.map { $0.aggregates[i] } ?? "#agg\(i)"
        case .window(let i, _): return names.flatMap { i < $0.windows.count ? $0.windows[i] : nil } ?? "#window\(i)"
        }
    }
}

/// How EXPLAIN writes the group keys and aggregates that expressions over an aggregate's output read.
struct AggregateNames {
    var keys: [String]
    var aggregates: [String]
    /// The window functions of a window operator below.
    var windows: [String] = []
}

/// One `WHEN condition THEN result` of a CASE.
struct BoundCaseBranch: Hashable {
    var condition: BoundExpression
    var result: BoundExpression
}

enum ArithmeticOperator: String {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%"
}

enum ComparisonOperator: String {
    case equal = "=", notEqual = "<>", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

    /// The operator with its operands swapped (`a < b` ⇔ `b > a`).
    var flipped: ComparisonOperator {
        switch self {
        case .equal, .notEqual: return self
        case .less: return .greater
        case .lessOrEqual: return .greaterOrEqual
        case .greater: return .less
        case .greaterOrEqual: return .lessOrEqual
        }
    }

    @inline(__always)
    func holds<T: Comparable>(_ a: T, _ b: T) -> Bool {
        switch self {
        case .equal: return a == b
        case .notEqual: return a != b
        case .less: return a < b
        case .lessOrEqual: return a <= b
        case .greater: return a > b
        case .greaterOrEqual: return a >= b
        }
    }
}
