import HuiyanIngest
import HuiyanStorage

/// Resolves names and types of a SELECT against the catalog and builds its plan. Every error points at the
/// part of the query it is about.
struct Binder {
    let database: Database
    let offsetSeconds: Int
    let sql: String

    /// A table in FROM — stored, or a subquery's rows: its columns are `base + i` in bound expressions.
    struct ScopeTable {
        let name: String
        /// The alias, or the table's name, lower-cased.
        let qualifier: String
        let columnNames: [String]
        let columnTypes: [SQLType]
        /// A stored table's snapshot (nil: a subquery's rows).
        let snapshot: TableSnapshot?
        /// A subquery's bound SELECT (nil: a stored table).
        let derived: BoundQuery?
        var base = 0

        /// The index of a column by name (case-insensitive).
        func index(of column: String) -> Int? {
            let wanted = column.lowercased()
            return columnNames.firstIndex { $0.lowercased() == wanted }
        }
    }

    /// The WITH queries FROM may name (by lower-cased name), each bound once.
    var commonTables: [String: BoundQuery] = [:]
    /// Runs a subquery of an expression (uncorrelated: it runs once, before the query) and returns its rows.
    var subqueryRunner: ((BoundQuery) throws -> [[Value]])?

    // The tables in scope, in the order written; bound columns carry their qualifier when there are several.
    var scope: [ScopeTable] = []
    /// Conditions of inner joins' ON that involve several tables but are not keys: they filter after the joins.
    var joinResidual: [BoundExpression] = []
    /// The optimizer rules the binder may apply (join_order chooses the scanned table).
    let optimizer: OptimizerSettings
    /// Whether join_order made the second table the scanned one.
    var joinOrderSwapped = false
    // Aggregates found while binding the current clause, and whether aggregates are allowed there.
    private var aggregates: [AggregateSpec] = []
    var aggregatesAllowed = false
    private var insideAggregate = false
    var clause = "SELECT"

    init(database: Database, offsetSeconds: Int, sql: String, optimizer: OptimizerSettings = .allOn) {
        self.database = database
        self.optimizer = optimizer
        self.offsetSeconds = offsetSeconds
        self.sql = sql
    }

    /// The query text of a range (column names of expressions).
    func text(_ range: SourceRange) -> String {
        let bytes = Array(sql.utf8)
        guard range.start >= 0, range.end <= bytes.count, range.start <= range.end else { return "?" }
        return String(decoding: bytes[range.start..<range.end], as: UTF8.self)
    }

    /// The SELECT as a logical plan: scan and joins, WHERE as a filter above them (filter pushdown moves
    /// it down), aggregate and HAVING, the projection (select list, then ORDER BY keys outside it),
    /// DISTINCT, sort, limit.
    mutating func bind(_ select: SelectStatement) throws -> BoundQuery {
        try bindCommonTables(select.with)
        if !select.unions.isEmpty { return try bindUnion(select) }
        var plan = LogicalPlan.singleRow
        var whereTerms: [BoundExpression] = []
        if let from = select.from {
            plan = try bindFrom(from)
        }

        // WHERE: no aggregates.
        if let whereClause = select.whereClause {
            clause = "WHERE"
            aggregatesAllowed = false
            let bound = try bind(whereClause)
            try requireBoolean(bound, whereClause.range, "WHERE")
            whereTerms = bound.conjuncts
        }

        // The select list, expanding stars.
        clause = "SELECT"
        aggregatesAllowed = true
        var items: [(BoundExpression, String, Expression?)] = []
        for item in select.items {
            switch item {
            case .star(let qualifier, let range):
                guard !scope.isEmpty else { throw QueryError("SELECT * needs a FROM clause", at: range) }
                let tables = try qualifier.map { [try scopeTable($0)] } ?? scope
                for table in tables {
                    for (i, name) in table.columnNames.enumerated() {
                        items.append((boundColumn(table, i), name, nil))
                    }
                }
            case .expression(let e, let alias):
                let bound = try bind(e)
                items.append((bound, alias?.name ?? outputName(e), e))
            }
        }

        // GROUP BY: positions, select aliases, or expressions.
        clause = "GROUP BY"
        aggregatesAllowed = false
        var groupKeys: [BoundExpression] = []
        for g in select.groupBy {
            if case .literal(.integer(let n), let range) = g {
                guard n >= 1 && Int(n) <= items.count else {
                    throw QueryError("GROUP BY position \(n) is not in the select list (1…\(items.count))", at: range)
                }
                let key = items[Int(n) - 1].0
                if containsAggregate(key) { throw QueryError("GROUP BY position \(n) refers to an aggregate", at: range) }
                groupKeys.append(key)
                continue
            }
            if case .column(nil, let name) = g, !columnExists(name.name),
               let item = items.first(where: { $0.1.lowercased() == name.name.lowercased() }) {
                if containsAggregate(item.0) { throw QueryError("GROUP BY \"\(name.name)\" refers to an aggregate", at: name.range) }
                groupKeys.append(item.0)
                continue
            }
            groupKeys.append(try bind(g))
        }

        // HAVING.
        clause = "HAVING"
        aggregatesAllowed = true
        let havingBound = try select.having.map { try bind($0) }
        if let havingBound, let having = select.having { try requireBoolean(havingBound, having.range, "HAVING") }

        // ORDER BY: output names, positions, or expressions.
        clause = "ORDER BY"
        var orderKeys: [(BoundExpression, OrderItem)] = []
        for o in select.orderBy {
            if case .literal(.integer(let n), let range) = o.expression {
                guard n >= 1 && Int(n) <= items.count else {
                    throw QueryError("ORDER BY position \(n) is not in the select list (1…\(items.count))", at: range)
                }
                orderKeys.append((items[Int(n) - 1].0, o))
                continue
            }
            if case .column(nil, let name) = o.expression,
               let item = items.first(where: { $0.1.lowercased() == name.name.lowercased() }),
               !columnExists(name.name) || item.2 != nil {
                orderKeys.append((item.0, o))
                continue
            }
            orderKeys.append((try bind(o.expression), o))
        }

        let isAggregate = !aggregates.isEmpty || !select.groupBy.isEmpty || select.having != nil
        if let filter = BoundExpression.conjunction(whereTerms + joinResidual) { plan = .filter(plan, filter) }
        var outputs = items.map(\.0)
        var orderExpressions = orderKeys.map(\.0)
        if isAggregate {
            // Everything after aggregation refers to group keys and aggregates only.
            outputs = try items.map { item in
                try rewriteOverGroups(item.0, groupKeys: groupKeys, at: item.2?.range ?? select.range)
            }
            orderExpressions = try orderKeys.map { key, item in
                try rewriteOverGroups(key, groupKeys: groupKeys, at: item.expression.range)
            }
            plan = .aggregate(plan, keys: groupKeys, aggregates: aggregates)
            if let havingBound, let having = select.having {
                plan = .filter(plan, try rewriteOverGroups(havingBound, groupKeys: groupKeys, at: having.range))
            }
        }
        if select.distinct {
            for (key, item) in zip(orderExpressions, select.orderBy) where !outputs.contains(key) {
                throw QueryError("with SELECT DISTINCT, ORDER BY expressions must appear in the select list", at: item.expression.range)
            }
        }
        // ORDER BY keys are the projection's outputs: a select item's, or one computed after them.
        var projected = outputs
        var names = items.map(\.1)
        var sortKeys: [SortKey] = []
        for (expression, (_, item)) in zip(orderExpressions, orderKeys) {
            var position = projected.firstIndex(of: expression)
            if position == nil {
                projected.append(expression)
                names.append(text(item.expression.range))
                position = projected.count - 1
            }
            let descending = item.descending
            sortKeys.append(SortKey(expression: .column(position!, name: names[position!], type: expression.type),
                                    descending: descending, nullsFirst: item.nullsFirst ?? descending))
        }
        plan = .project(plan, projected)
        if select.distinct { plan = .distinct(plan) }
        if !sortKeys.isEmpty { plan = .sort(plan, sortKeys) }
        let limit = try select.limit.map { try constantInteger($0, "LIMIT") }
        let offset = try select.offset.map { try constantInteger($0, "OFFSET") } ?? 0
        if limit != nil || offset > 0 { plan = .limit(plan, limit: limit, offset: offset) }
        return BoundQuery(plan: plan, columnNames: items.map(\.1), columnTypes: outputs.map(\.type))
    }

    func constantInteger(_ e: Expression, _ what: String) throws -> Int {
        guard case .literal(.integer(let n), _) = e, n >= 0 else {
            throw QueryError("\(what) takes a non-negative integer", at: e.range)
        }
        return Int(clamping: n)
    }

    func requireBoolean(_ e: BoundExpression, _ range: SourceRange, _ clause: String) throws {
        guard e.type == .boolean || e.type == .null else {
            throw QueryError("\(clause) needs a boolean condition, not \(e.type)", at: range)
        }
    }

    /// The default output name of a select item: the column name, or the expression's text.
    private func outputName(_ e: Expression) -> String {
        if case .column(_, let name) = e { return name.name }
        return text(e.range)
    }

    private func containsAggregate(_ e: BoundExpression) -> Bool {
        if case .aggregate = e { return true }
        return e.children.contains(where: containsAggregate)
    }

    /// Replaces group-key subexpressions by `.groupKey(i)`; any table column left outside an aggregate is an error.
    private func rewriteOverGroups(_ e: BoundExpression, groupKeys: [BoundExpression], at range: SourceRange) throws -> BoundExpression {
        try e.rewritten { x in
            if !x.isConstant, let i = groupKeys.firstIndex(of: x) {
                return .groupKey(i, type: x.type)
            }
            switch x {
            case .column(_, let name, _):
                throw QueryError("column \"\(name)\" must appear in the GROUP BY clause or be used in an aggregate function", at: columnRange(name, in: range))
            case .aggregate: return x
            default: return nil
            }
        }
    }

    /// Where a column name appears inside a range of the query (for the caret), else the whole range.
    private func columnRange(_ name: String, in range: SourceRange) -> SourceRange {
        let bytes = Array(sql.utf8)
        let target = Array(name.utf8)
        guard !target.isEmpty, range.end <= bytes.count else { return range }
        var i = range.start
        while i + target.count <= range.end {
            if Array(bytes[i..<(i + target.count)]).map({ $0 | 0x20 }) == target.map({ $0 | 0x20 }) {
                return SourceRange(i, i + target.count)
            }
            i += 1
        }
        return range
    }

    /// Whether some table in scope has a column of that name.
    private func columnExists(_ name: String) -> Bool { scope.contains { $0.index(of: name) != nil } }

    // MARK: Expressions

    mutating func bind(_ e: Expression) throws -> BoundExpression {
        switch e {
        case .column(let qualifier, let name):
            return try resolveColumn(qualifier, name)

        case .literal(let literal, let range):
            return .constant(try literalValue(literal, range), type: try literalValue(literal, range).type)

        case .subquery(let query, let range):
            return try bindScalarSubquery(query.statement, at: range)

        case .inSubquery(let x, let query, let negated, let range):
            return try bindInSubquery(x, query.statement, negated: negated, at: range)

        case .typedLiteral(let typeName, let text, let range):
            guard let type = SQLType(typeName: typeName.name), type == .date || type == .timestamp else {
                throw QueryError("\(typeName.name) literals are not supported", at: typeName.range)
            }
            return .constant(try convertString(text, to: type, at: range), type: type)

        case .unary(let op, let operand, let range):
            let x = try bind(operand)
            switch op {
            case .not:
                try requireBoolean(x, operand.range, "NOT")
                return .not(x)
            case .plus:
                guard x.type.isNumeric || x.type == .null else { throw QueryError("cannot apply + to \(x.type)", at: range) }
                return x
            case .negate:
                guard x.type.isNumeric || x.type == .null else { throw QueryError("cannot negate a \(x.type) value", at: range) }
                if case .constant(let v, let t) = x { return .constant(try negateConstant(v, t, at: range), type: t) }
                return .negate(x, type: x.type)
            }

        case .binary(let op, let left, let right, let range):
            return try bindBinary(op, left, right, range)

        case .between(let x, let low, let high, let negated, let range):
            let conj = BoundExpression.and([
                try bindComparison(.greaterOrEqual, x, low, range),
                try bindComparison(.lessOrEqual, x, high, range),
            ])
            return negated ? .not(conj) : conj

        case .inList(let x, let list, let negated, let range):
            let value = try bind(x)
            var constants: [Value] = []
            var others: [BoundExpression] = []
            for item in list {
                let bound = try bind(item)
                if value.type == .null { continue }
                if case .constant(let v, let t) = bound {
                    constants.append(try coerceConstant(v, from: t, to: value.type, at: item.range))
                } else {
                    others.append(try bindComparison(.equal, x, item, range))
                }
            }
            // NULL IN (…) is NULL, whatever the list holds.
            if value.type == .null { return .constant(.null, type: .boolean) }
            var result = BoundExpression.inList(value, constants, negated: false)
            if !others.isEmpty { result = .or([result] + others) }
            return negated ? .not(result) : result

        case .isNull(let x, let negated, _):
            return .isNull(try bind(x), negated: negated)

        case .caseWhen(let operand, let branches, let elseResult, let range):
            var bound: [(BoundExpression, BoundExpression)] = []
            for branch in branches {
                let condition: BoundExpression
                if let operand {
                    condition = try bindComparison(.equal, operand, branch.when, branch.when.range)
                } else {
                    condition = try bind(branch.when)
                    try requireBoolean(condition, branch.when.range, "WHEN")
                }
                bound.append((condition, try bind(branch.then)))
            }
            let otherwise = try elseResult.map { try bind($0) }
            var type = SQLType.null
            for t in bound.map(\.1.type) + [otherwise?.type ?? .null] {
                type = try unify(type, t, at: range, what: "CASE branches")
            }
            let results = try bound.map { BoundCaseBranch(condition: $0.0, result: try convert($0.1, to: type, at: range)) }
            return .caseWhen(results, otherwise: try otherwise.map { try convert($0, to: type, at: range) }, type: type)

        case .cast(let x, let typeName, _):
            guard let type = SQLType(typeName: typeName.name) else {
                throw QueryError("unknown type \(typeName.name) (types: BOOLEAN, BIGINT, DOUBLE, DECIMAL(18,2), VARCHAR, TIMESTAMP, DATE)", at: typeName.range)
            }
            return try convert(try bind(x), to: type, at: x.range, explicit: true)

        case .extract(let field, let x, _):
            guard let f = TimeMath.Field(name: field.name) else {
                throw QueryError("unknown field \(field.name) for EXTRACT (year, quarter, month, day, hour, minute, second, dow, doy, week, epoch)", at: field.range)
            }
            let value = try bind(x)
            return try datePart(f, value, at: x.range)

        case .function(let call):
            return try bindFunction(call)
        }
    }

    private func negateConstant(_ v: Value, _ type: SQLType, at range: SourceRange) throws -> Value {
        switch v {
        case .int(let i), .money(let i):
            let (negated, overflow) = Int64(0).subtractingReportingOverflow(i)
            if overflow { throw QueryError("\(type) overflow in -", at: range) }
            return type == .money ? .money(negated) : .int(negated)
        case .double(let d): return .double(-d)
        default: return v
        }
    }

    private func literalValue(_ literal: Literal, _ range: SourceRange) throws -> Value {
        switch literal {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .integer(let i): return .int(i)
        case .string(let s): return .string(s)
        case .decimal(let text):
            // Two decimals or fewer: exact (money); otherwise a double.
            if let fen = Self.exactFen(text) { return .money(fen) }
            guard let d = Double(text) else { throw QueryError("not a number: \(text)", at: range) }
            return .double(d)
        }
    }

    /// `12.5` → 1250 fen, `-0.01` → -1 fen, when the text has at most two decimals and no exponent (read
    /// as ingest reads a money field); nil otherwise.
    static func exactFen(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { ValueParsing.parseMoneyFen($0).value }
    }

    private mutating func bindBinary(_ op: BinaryOperator, _ left: Expression, _ right: Expression, _ range: SourceRange) throws -> BoundExpression {
        switch op {
        case .and, .or:
            let a = try bind(left), b = try bind(right)
            try requireBoolean(a, left.range, op.rawValue)
            try requireBoolean(b, right.range, op.rawValue)
            let flatten: (BoundExpression) -> [BoundExpression] = { e in
                switch (op, e) {
                case (.and, .and(let list)), (.or, .or(let list)): return list
                default: return [e]
                }
            }
            return op == .and ? .and(flatten(a) + flatten(b)) : .or(flatten(a) + flatten(b))
        case .equal: return try bindComparison(.equal, left, right, range)
        case .notEqual: return try bindComparison(.notEqual, left, right, range)
        case .less: return try bindComparison(.less, left, right, range)
        case .lessOrEqual: return try bindComparison(.lessOrEqual, left, right, range)
        case .greater: return try bindComparison(.greater, left, right, range)
        case .greaterOrEqual: return try bindComparison(.greaterOrEqual, left, right, range)
        case .like, .notLike, .ilike, .notIlike:
            let value = try bind(left)
            guard value.type == .string || value.type == .null else {
                throw QueryError("LIKE needs a VARCHAR value, not \(value.type)", at: left.range)
            }
            guard case .literal(.string(let pattern), _) = right else {
                throw QueryError("the pattern of LIKE must be a string literal", at: right.range)
            }
            let compiled = LikePattern(pattern, caseInsensitive: op == .ilike || op == .notIlike)
            return .like(value, compiled, negated: op == .notLike || op == .notIlike)
        case .concat:
            let a = try convert(try bind(left), to: .string, at: left.range, explicit: true)
            let b = try convert(try bind(right), to: .string, at: right.range, explicit: true)
            return .concat(a, b)
        case .add, .subtract, .multiply, .divide, .modulo:
            let a = try bind(left), b = try bind(right)
            return try arithmetic(op, a, b, range)
        }
    }

    private func arithmetic(_ op: BinaryOperator, _ a: BoundExpression, _ b: BoundExpression, _ range: SourceRange) throws -> BoundExpression {
        let arith: ArithmeticOperator = op == .add ? .add : op == .subtract ? .subtract : op == .multiply ? .multiply : op == .divide ? .divide : .modulo
        let ta = a.type == .null ? b.type : a.type
        let tb = b.type == .null ? a.type : b.type
        guard (ta.isNumeric || ta == .null) && (tb.isNumeric || tb == .null) else {
            throw QueryError("cannot apply \(op.rawValue) to \(a.type) and \(b.type)", at: range)
        }
        // Division is always DOUBLE (as in DuckDB); money times an integer stays money.
        if arith == .divide {
            return .arithmetic(.divide, try convert(a, to: .float64, at: range), try convert(b, to: .float64, at: range), type: .float64)
        }
        if arith == .multiply && ((ta == .money && tb == .int64) || (ta == .int64 && tb == .money)) {
            return .arithmetic(.multiply, a, b, type: .money)
        }
        if arith == .multiply && ta == .money && tb == .money {
            return .arithmetic(.multiply, try convert(a, to: .float64, at: range), try convert(b, to: .float64, at: range), type: .float64)
        }
        // The remainder of two amounts in fen is an amount in fen: money % money stays money, exact.
        let type = try unify(ta, tb, at: range, what: "operands of \(op.rawValue)")
        let x = try convert(a, to: type, at: range), y = try convert(b, to: type, at: range)
        if case .constant(let va, _) = x, case .constant(let vb, _) = y, let folded = Evaluator.foldArithmetic(arith, va, vb, type) {
            return .constant(folded, type: type)
        }
        return .arithmetic(arith, x, y, type: type)
    }

    private mutating func bindComparison(_ op: ComparisonOperator, _ left: Expression, _ right: Expression, _ range: SourceRange) throws -> BoundExpression {
        var a = try bind(left), b = try bind(right)
        // A string constant compared with a timestamp or date is read as one.
        if case .constant(.string(let s), _) = b, a.type == .timestamp || a.type == .date {
            b = .constant(try convertString(s, to: a.type, at: right.range), type: a.type)
        }
        if case .constant(.string(let s), _) = a, b.type == .timestamp || b.type == .date {
            a = .constant(try convertString(s, to: b.type, at: left.range), type: b.type)
        }
        let type = try unify(a.type, b.type, at: range, what: "a comparison")
        return .comparison(op, try convert(a, to: type, at: left.range), try convert(b, to: type, at: right.range))
    }

    /// The common type of two operands.
    func unify(_ a: SQLType, _ b: SQLType, at range: SourceRange, what: String) throws -> SQLType {
        if a == b { return a }
        if a == .null { return b }
        if b == .null { return a }
        switch (a, b) {
        case (.int64, .float64), (.float64, .int64), (.money, .float64), (.float64, .money): return .float64
        case (.int64, .money), (.money, .int64): return .money
        case (.date, .timestamp), (.timestamp, .date): return .timestamp
        default:
            throw QueryError("cannot compare or combine \(a) with \(b) in \(what)", at: range)
        }
    }

    /// Converts an expression to a type: implicit conversions (numeric widening, date → timestamp) always,
    /// the others only for an explicit CAST.
    func convert(_ e: BoundExpression, to type: SQLType, at range: SourceRange, explicit: Bool = false) throws -> BoundExpression {
        if e.type == type { return e }
        if case .constant(let v, let t) = e {
            if explicit, case .string(let s) = v { return .constant(try convertString(s, to: type, at: range), type: type) }
            if let c = try? coerceConstant(v, from: t, to: type, at: range, explicit: explicit) { return .constant(c, type: type) }
        }
        if e.type == .null { return .constant(.null, type: type) }
        let implicit: Bool
        switch (e.type, type) {
        case (.int64, .float64), (.int64, .money), (.money, .float64), (.date, .timestamp): implicit = true
        default: implicit = false
        }
        guard implicit || explicit else {
            throw QueryError("cannot use a \(e.type) value where \(type) is expected", at: range)
        }
        guard Evaluator.canCast(from: e.type, to: type) else {
            throw QueryError("cannot cast \(e.type) to \(type)", at: range)
        }
        return .cast(e, to: type)
    }

    /// A constant converted to a type at bind time.
    func coerceConstant(_ v: Value, from: SQLType, to: SQLType, at range: SourceRange, explicit: Bool = false) throws -> Value {
        if from == to || v.isNull { return v }
        if case .string(let s) = v, to == .timestamp || to == .date || explicit { return try convertString(s, to: to, at: range) }
        do {
            return try Evaluator.castValue(v, to: to, offsetSeconds: offsetSeconds)
        } catch let error as QueryError {
            throw QueryError(error.message, at: range)
        }
    }

    private func convertString(_ s: String, to type: SQLType, at range: SourceRange) throws -> Value {
        do {
            return try Evaluator.castValue(.string(s), to: type, offsetSeconds: offsetSeconds)
        } catch let error as QueryError {
            throw QueryError(error.message, at: range)
        }
    }

    private func datePart(_ field: TimeMath.Field, _ value: BoundExpression, at range: SourceRange) throws -> BoundExpression {
        guard value.type == .timestamp || value.type == .date else {
            throw QueryError("EXTRACT needs a TIMESTAMP or DATE, not \(value.type)", at: range)
        }
        return .function(.datePart(field), [value], type: .int64)
    }

    private mutating func bindFunction(_ call: FunctionCall) throws -> BoundExpression {
        let name = call.name.name.lowercased()
        if let kind = aggregateKind(name, call) {
            guard aggregatesAllowed else {
                throw QueryError("aggregate functions are not allowed in \(clause)", at: call.range)
            }
            guard !insideAggregate else { throw QueryError("aggregate functions cannot be nested", at: call.range) }
            if call.distinct && kind != .countDistinct {
                throw QueryError("DISTINCT is supported in count(DISTINCT …) only", at: call.range)
            }
            insideAggregate = true
            defer { insideAggregate = false }
            var argument: BoundExpression?
            if kind != .countStar {
                guard call.arguments.count == 1 else {
                    throw QueryError("\(name) takes one argument", at: call.range)
                }
                argument = try bind(call.arguments[0])
            }
            let filter = try call.filter.map { f -> BoundExpression in
                let b = try bind(f)
                try requireBoolean(b, f.range, "FILTER")
                return b
            }
            let type: SQLType
            switch kind {
            case .countStar, .count, .countDistinct, .approxCountDistinct: type = .int64
            case .sum:
                guard let t = argument?.type, t.isNumeric || t == .null else {
                    throw QueryError("sum needs a number, not \(argument!.type)", at: call.arguments[0].range)
                }
                type = t == .null ? .int64 : t
            case .avg:
                guard let t = argument?.type, t.isNumeric || t == .null else {
                    throw QueryError("avg needs a number, not \(argument!.type)", at: call.arguments[0].range)
                }
                type = .float64
            case .min, .max: type = argument!.type
            }
            // The same aggregate written twice is computed once.
            let spec = AggregateSpec(kind: kind, argument: argument, filter: filter, type: type, text: text(call.range))
            if let same = aggregates.firstIndex(where: { $0.computesSame(as: spec) }) { return .aggregate(same, type: type) }
            aggregates.append(spec)
            return .aggregate(aggregates.count - 1, type: type)
        }
        guard call.filter == nil, !call.distinct, !call.star else {
            throw QueryError("\(name) is not an aggregate function", at: call.range)
        }
        let args = try call.arguments.map { try bind($0) }
        func arity(_ n: ClosedRange<Int>) throws {
            guard n.contains(args.count) else {
                throw QueryError("\(name) takes \(n.lowerBound == n.upperBound ? "\(n.lowerBound)" : "\(n.lowerBound) to \(n.upperBound)") argument(s), not \(args.count)", at: call.range)
            }
        }
        func stringConstant(_ i: Int) throws -> String {
            guard case .constant(.string(let s), _) = args[i] else {
                throw QueryError("argument \(i + 1) of \(name) must be a string literal", at: call.arguments[i].range)
            }
            return s
        }
        func temporal(_ i: Int) throws -> BoundExpression {
            var a = args[i]
            if case .constant(.string(let s), _) = a { a = .constant(try convertString(s, to: .timestamp, at: call.arguments[i].range), type: .timestamp) }
            guard a.type == .timestamp || a.type == .date else {
                throw QueryError("\(name) needs a TIMESTAMP or DATE, not \(a.type)", at: call.arguments[i].range)
            }
            return a
        }
        switch name {
        case "date_trunc", "datetrunc":
            try arity(2...2)
            guard let unit = TimeMath.Unit(name: try stringConstant(0)) else {
                throw QueryError("unknown unit '\(try stringConstant(0))' for date_trunc (second, minute, hour, day, week, month, quarter, year)", at: call.arguments[0].range)
            }
            let value = try temporal(1)
            return .function(.dateTrunc(unit), [value], type: value.type == .date && ![.second, .minute, .hour].contains(unit) ? .date : .timestamp)
        case "date_part", "datepart":
            try arity(2...2)
            guard let field = TimeMath.Field(name: try stringConstant(0)) else {
                throw QueryError("unknown field '\(try stringConstant(0))' for date_part", at: call.arguments[0].range)
            }
            return try datePart(field, try temporal(1), at: call.arguments[1].range)
        case "year", "quarter", "month", "day", "hour", "minute", "second", "dayofweek", "dow", "dayofyear", "week":
            try arity(1...1)
            return try datePart(TimeMath.Field(name: name)!, try temporal(0), at: call.arguments[0].range)
        case "date":
            try arity(1...1)
            return try convert(args[0], to: .date, at: call.arguments[0].range, explicit: true)
        case "strftime":
            try arity(2...2)
            let value = try temporal(0)
            let format = try stringConstant(1)
            if let unknown = TimeMath.unknownStrftimeDirective(format) {
                let known = TimeMath.strftimeDirectives.sorted().map { "%\($0)" }.joined(separator: " ")
                throw QueryError("strftime does not know \(unknown) (it knows \(known))", at: call.arguments[1].range)
            }
            return .function(.strftime(format), [try convert(value, to: .timestamp, at: call.range)], type: .string)
        case "coalesce", "ifnull":
            guard !args.isEmpty else { throw QueryError("coalesce takes at least one argument", at: call.range) }
            var type = SQLType.null
            for (i, a) in args.enumerated() { type = try unify(type, a.type, at: call.arguments[i].range, what: "coalesce") }
            return .function(.coalesce, try args.enumerated().map { try convert($1, to: type, at: call.arguments[$0].range) }, type: type)
        case "nullif":
            try arity(2...2)
            let type = try unify(args[0].type, args[1].type, at: call.range, what: "nullif")
            return .function(.nullIf, [try convert(args[0], to: type, at: call.range), try convert(args[1], to: type, at: call.range)], type: type)
        case "lower", "upper", "length":
            try arity(1...1)
            guard args[0].type == .string || args[0].type == .null else {
                throw QueryError("\(name) needs a VARCHAR, not \(args[0].type)", at: call.arguments[0].range)
            }
            let f: ScalarFunction = name == "lower" ? .lower : name == "upper" ? .upper : .length
            return .function(f, args, type: name == "length" ? .int64 : .string)
        case "abs":
            try arity(1...1)
            if args[0].type == .null { return .constant(.null, type: .null) }
            guard args[0].type.isNumeric else { throw QueryError("abs needs a number, not \(args[0].type)", at: call.range) }
            return .function(.abs, args, type: args[0].type)
        case "round":
            try arity(1...2)
            var digits = 0
            if args.count == 2 {
                guard case .constant(.int(let d), _) = args[1] else {
                    throw QueryError("the digits of round must be an integer literal", at: call.arguments[1].range)
                }
                digits = Int(d)
            }
            if args[0].type == .null { return .constant(.null, type: .null) }
            guard args[0].type.isNumeric else { throw QueryError("round needs a number, not \(args[0].type)", at: call.range) }
            return .function(.round(digits: digits), [args[0]], type: args[0].type == .int64 ? .int64 : args[0].type)
        default:
            var message = "unknown function \(call.name.name)"
            if let guess = QueryError.suggestion(for: name, among: ScalarFunction.knownNames) { message += " — did you mean \(guess)?" }
            throw QueryError(message, at: call.name.range)
        }
    }

    private func aggregateKind(_ name: String, _ call: FunctionCall) -> AggregateKind? {
        switch name {
        case "count":
            if call.star || call.arguments.isEmpty { return .countStar }
            return call.distinct ? .countDistinct : .count
        case "sum": return .sum
        case "avg", "mean": return .avg
        case "min": return .min
        case "max": return .max
        case "approx_count_distinct": return .approxCountDistinct
        default: return nil
        }
    }
}
