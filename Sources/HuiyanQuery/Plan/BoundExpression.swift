/// A typed, name-resolved expression, ready to evaluate over batches.
indirect enum BoundExpression: CustomStringConvertible {
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
    case caseWhen([(BoundExpression, BoundExpression)], otherwise: BoundExpression?, type: SQLType)
    case cast(BoundExpression, to: SQLType)
    case function(ScalarFunction, [BoundExpression], type: SQLType)
    case concat(BoundExpression, BoundExpression)
    /// After aggregation: group key `i`.
    case groupKey(Int, type: SQLType)
    /// After aggregation: aggregate `i`'s result.
    case aggregate(Int, type: SQLType)

    var type: SQLType {
        switch self {
        case .column(_, _, let type), .constant(_, let type), .negate(_, let type), .arithmetic(_, _, _, let type),
             .caseWhen(_, _, let type), .function(_, _, let type), .groupKey(_, let type), .aggregate(_, let type):
            return type
        case .cast(_, let type): return type
        case .comparison, .and, .or, .not, .isNull, .inList, .like: return .boolean
        case .concat: return .string
        }
    }

    /// The table columns the expression reads.
    var columns: Set<Int> {
        switch self {
        case .column(let i, _, _): return [i]
        case .constant, .groupKey, .aggregate: return []
        case .negate(let e, _), .not(let e), .isNull(let e, _), .inList(let e, _, _), .like(let e, _, _), .cast(let e, _):
            return e.columns
        case .arithmetic(_, let a, let b, _), .comparison(_, let a, let b), .concat(let a, let b):
            return a.columns.union(b.columns)
        case .and(let list), .or(let list), .function(_, let list, _):
            return list.reduce(into: Set<Int>()) { $0.formUnion($1.columns) }
        case .caseWhen(let branches, let otherwise, _):
            var set = otherwise?.columns ?? []
            for (w, t) in branches { set.formUnion(w.columns); set.formUnion(t.columns) }
            return set
        }
    }

    var isConstant: Bool {
        if case .constant = self { return true }
        return false
    }

    var description: String {
        switch self {
        case .column(_, let name, _): return name
        case .constant(let v, _): return ValueFormatting.text(v, offsetSeconds: 0).map { v.type == .string ? "'\($0)'" : $0 } ?? "NULL"
        case .negate(let e, _): return "-(\(e))"
        case .arithmetic(let op, let a, let b, _): return "(\(a) \(op.rawValue) \(b))"
        case .comparison(let op, let a, let b): return "(\(a) \(op.rawValue) \(b))"
        case .and(let list): return "(" + list.map(\.description).joined(separator: " AND ") + ")"
        case .or(let list): return "(" + list.map(\.description).joined(separator: " OR ") + ")"
        case .not(let e): return "NOT \(e)"
        case .isNull(let e, let negated): return "\(e) IS \(negated ? "NOT " : "")NULL"
        case .inList(let e, let values, let negated): return "\(e) \(negated ? "NOT " : "")IN (\(values.count) values)"
        case .like(let e, let pattern, let negated): return "\(e) \(negated ? "NOT " : "")\(pattern.caseInsensitive ? "ILIKE" : "LIKE") '\(pattern.pattern)'"
        case .caseWhen: return "CASE … END"
        case .cast(let e, let type): return "CAST(\(e) AS \(type))"
        case .function(let f, let args, _): return "\(f.name)(" + args.map(\.description).joined(separator: ", ") + ")"
        case .concat(let a, let b): return "(\(a) || \(b))"
        case .groupKey(let i, _): return "#group\(i)"
        case .aggregate(let i, _): return "#agg\(i)"
        }
    }
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
