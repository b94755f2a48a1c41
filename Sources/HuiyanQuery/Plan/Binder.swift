import Foundation
import HuiyanStorage
import HuiyanValues

/// Resolves names and types of a SELECT against the catalog and builds its plan. Every error points at the
/// part of the query it is about.
struct Binder {
    let database: Database
    let offsetSeconds: Int
    let sql: String
    /// now() and current_date: the instant the statement was bound, µs since the epoch (one for all its calls).
    let statementMicros = Int64((Date().timeIntervalSince1970 * 1_000_000).rounded(.down))

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
    /// Whether files may be read in FROM (`read_csv`, `'f.parquet'`): off with --no-file-access.
    var fileAccess = true
    /// The database's views, by name, and the views being expanded (a view naming one of them is a cycle).
    var views = ViewCatalog()
    var expandingViews: [String] = []
    // Aggregates found while binding the current clause, and whether aggregates are allowed there.
    private var aggregates: [AggregateSpec] = []
    var aggregatesAllowed = false
    /// The window functions found so far (`Binder+Window`), the range of each call, and whether the
    /// current clause may hold them (the select list, QUALIFY and ORDER BY).
    var windowFunctions: [WindowFunctionSpec] = []
    var windowCallRanges: [SourceRange] = []
    var windowsAllowed = false
    var insideWindow = false
    /// The windows of the WINDOW clause, by lower-cased name.
    var namedWindows: [String: WindowSpec] = [:]
    /// Correlated subqueries as values, decorrelated: the subquery's grouped rows and the LEFT join that
    /// brings them to the query's rows (`Binder+CorrelatedScalar`), placed below WHERE.
    var pendingJoins: [(LogicalPlan, HashJoinSpec)] = []
    /// USING columns by lower-cased name: each join of the name in order, with the tables on either side
    /// (qualifiers; the left is the first table of the chain) and the join's kind.
    var usingColumns: [String: [(left: String, right: String, kind: Join.Kind)]] = [:]
    /// Whether a `grouping()` was bound, and the grouping sets (positions in the group keys) when GROUP BY
    /// has several (`Binder+GroupingSets`).
    var usesGrouping = false
    var groupingSets: [[Int]]?
    /// Select items by output name, which QUALIFY may read as columns (when no table column has the name).
    var selectAliases: [String: BoundExpression] = [:]
    var insideAggregate = false
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
        try bindNamedWindows(select.windows)
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
        windowsAllowed = true
        var items: [(BoundExpression, String, Expression?)] = []
        for item in select.items {
            switch item {
            case .star(let qualifier, let range):
                guard !scope.isEmpty else { throw QueryError("SELECT * needs a FROM clause", at: range) }
                let tables = try qualifier.map { [try scopeTable($0)] } ?? scope
                for table in tables {
                    for (i, name) in table.columnNames.enumerated() {
                        // A USING column once: where its left table has it, as it reads unqualified.
                        if qualifier == nil, let chain = usingColumns[name.lowercased()] {
                            if chain.contains(where: { $0.right == table.qualifier }) { continue }
                            if table.qualifier == chain[0].left, let merged = usingColumn(name) {
                                items.append((merged, name, nil))
                                continue
                            }
                        }
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
        windowsAllowed = false
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
        if select.groupByAll {
            for item in items where !containsAggregate(item.0) && !containsWindow(item.0) && !Self.containsGrouping(item.0) && !groupKeys.contains(item.0) {
                groupKeys.append(item.0)
            }
        }
        if let written = select.groupingSets {
            let writtenKeys = groupKeys
            groupKeys = []
            for key in writtenKeys where !groupKeys.contains(key) { groupKeys.append(key) }
            groupingSets = Self.groupingSets(written, writtenKeys: writtenKeys, keys: groupKeys)
        }

        // HAVING.
        clause = "HAVING"
        aggregatesAllowed = true
        let havingBound = try select.having.map { try bind($0) }
        if let havingBound, let having = select.having { try requireBoolean(havingBound, having.range, "HAVING") }

        // QUALIFY: over the rows with their window functions; it may read the select list's names.
        let qualifyBound = try select.qualify.map { try bindQualify($0, items: items) }
        windowsAllowed = true

        // ORDER BY: output names, positions, or expressions.
        clause = "ORDER BY"
        var orderKeys: [(BoundExpression, OrderItem)] = []
        if let all = select.orderByAll {
            for (i, item) in items.enumerated() {
                var key = all
                key.expression = .literal(.integer(Int64(i + 1)), range: all.expression.range)
                orderKeys.append((item.0, key))
            }
        }
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
        windowsAllowed = false
        clause = "DISTINCT ON"
        let distinctOnBound = try select.distinctOn.map { try bind($0) }
        if let qualify = select.qualify, windowFunctions.isEmpty {
            throw QueryError("QUALIFY needs a window function in the select list or in QUALIFY", at: qualify.range)
        }

        let isAggregate = !aggregates.isEmpty || !select.groupBy.isEmpty || select.having != nil || select.groupByAll
        if usesGrouping && !isAggregate { throw QueryError("grouping() needs GROUP BY", at: select.range) }
        // With grouping sets, what reads the groups reads the columns of the sets' aggregates appended.
        let bound = self
        let overSets = { (e: BoundExpression) in bound.groupingSets == nil ? e : bound.overGroupingSets(e, keys: groupKeys, aggregates: bound.aggregates) }
        for (right, spec) in pendingJoins { plan = .hashJoin(plan, right, spec) }
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
            if let sets = groupingSets {
                plan = groupingSetsPlan(plan, keys: groupKeys, sets: sets, aggregates: aggregates)
                outputs = outputs.map(overSets)
                orderExpressions = orderExpressions.map(overSets)
            } else {
                plan = .aggregate(plan, keys: groupKeys, aggregates: aggregates)
            }
            if let havingBound, let having = select.having {
                plan = .filter(plan, overSets(try rewriteOverGroups(havingBound, groupKeys: groupKeys, at: having.range)))
            }
            windowFunctions = try zip(windowFunctions, windowCallRanges).map { function, range in
                try function.mapExpressions { overSets(try rewriteOverGroups($0, groupKeys: groupKeys, at: range)) }
            }
        }
        // DISTINCT ON: the first row of each value of its expressions, by ORDER BY's order (a row_number
        // over them equal to 1).
        var distinctOnWindow: Int?
        if !distinctOnBound.isEmpty {
            let keys = isAggregate ? try distinctOnBound.map { overSets(try rewriteOverGroups($0, groupKeys: groupKeys, at: select.range)) } : distinctOnBound
            let order = zip(orderExpressions, orderKeys).map { e, key in
                SortKey(expression: e, descending: key.1.descending, nullsFirst: key.1.nullsFirst ?? key.1.descending)
            }
            if let windowed = zip(order, orderKeys).first(where: { containsWindow($0.0.expression) }) {
                throw QueryError("with DISTINCT ON, ORDER BY cannot read a window function", at: windowed.1.1.expression.range)
            }
            windowFunctions.append(WindowFunctionSpec(kind: .rowNumber, arguments: [], partition: keys, order: order, frame: .standard(ordered: !order.isEmpty),
                                                      type: .int64, text: "row_number() for DISTINCT ON"))
            distinctOnWindow = windowFunctions.count - 1
        }
        if !windowFunctions.isEmpty { plan = .window(plan, windowFunctions) }
        if let qualifyBound, let qualify = select.qualify {
            plan = .filter(plan, isAggregate ? overSets(try rewriteOverGroups(qualifyBound, groupKeys: groupKeys, at: qualify.range)) : qualifyBound)
        }
        if let k = distinctOnWindow {
            plan = .filter(plan, .comparison(.equal, .window(k, type: .int64), .constant(.int(1), type: .int64)))
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

    private func containsWindow(_ e: BoundExpression) -> Bool {
        if case .window = e { return true }
        return e.children.contains(where: containsWindow)
    }

    /// Replaces group-key subexpressions by `.groupKey(i)`; any table column left outside an aggregate is an error.
    func rewriteOverGroups(_ e: BoundExpression, groupKeys: [BoundExpression], at range: SourceRange) throws -> BoundExpression {
        try e.rewritten { x in
            if !x.isConstant, let i = groupKeys.firstIndex(of: x) {
                return .groupKey(i, type: x.type)
            }
            if case .function(let f, let arguments, _) = x, f.id == Self.groupingFunction {
                return try groupingValue(arguments, groupKeys: groupKeys, at: range)
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
            if typeName.name.uppercased() == "INTERVAL" {
                guard let x = IntervalParsing.parse(text) else {
                    throw QueryError("not an interval: '\(text)' (e.g. '7 days', '1 month', '2 hours 30 minutes', '1 day 03:00:00')", at: range)
                }
                return .constant(.interval(try x.checked()), type: .interval)
            }
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
                guard x.type.isNumeric || x.type == .null || x.type == .interval else { throw QueryError("cannot negate a \(x.type) value", at: range) }
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
                    // An exact constant with more places than the value's type (0.125 for money) equals none
                    // of its values: converting it would round it onto one.
                    if let places = t.decimalScale, let held = value.type == .int64 ? 0 : value.type.decimalScale, places > held,
                       let units = v.units, units % DecimalMath.power(places - held) != 0 { continue }
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

        case .isDistinctFrom(let x, let y, let negated, let range):
            return try bindDistinctFrom(x, y, negated: negated, at: range)

        case .exists(let query, let negated, let range):
            return try bindExists(query.statement, negated: negated, at: range)

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
                throw QueryError("unknown type \(typeName.name) (types: BOOLEAN, BIGINT, DOUBLE, DECIMAL(18,s) for s in 2…18, VARCHAR, TIMESTAMP, DATE)", at: typeName.range)
            }
            return try convert(try bind(x), to: type, at: x.range, explicit: true)

        case .extract(let field, let x, _):
            guard let f = TimeMath.Field(name: field.name) else {
                throw QueryError("unknown field \(field.name) for EXTRACT (year, quarter, month, day, hour, minute, second, dow, doy, week, epoch)", at: field.range)
            }
            let value = try bind(x)
            if value.type == .interval {
                guard let part = FunctionRegistry.intervalPart(f, value) else { throw QueryError(FunctionRegistry.noIntervalPart(f), at: field.range) }
                return part
            }
            guard value.type == .timestamp || value.type == .date else {
                throw QueryError("EXTRACT needs a TIMESTAMP or DATE, not \(value.type)", at: x.range)
            }
            return .function(ScalarFunction("date_part", constants: [.string(f.rawValue)]), [value], type: .int64)

        case .function(let call):
            return try bindFunction(call)
        }
    }

    private func negateConstant(_ v: Value, _ type: SQLType, at range: SourceRange) throws -> Value {
        switch v {
        case .int(let i), .money(let i), .decimal(let i, _):
            let (negated, overflow) = Int64(0).subtractingReportingOverflow(i)
            if overflow { throw QueryError("\(type) overflow in -", at: range) }
            if case .decimal(_, let scale) = v { return .decimal(negated, scale: scale) }
            return type == .money ? .money(negated) : .int(negated)
        case .double(let d): return .double(-d)
        case .interval(let x): return .interval(-x)
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
            // Two decimals or fewer: exact money; 3 to 18 an exact decimal of that scale; otherwise (an exponent,
            // more digits than 18) a double.
            if let fen = Self.exactFen(text) { return .money(fen) }
            if let scale = DecimalMath.writtenScale(text), scale > 2, scale <= DecimalMath.maxScale,
               let units = DecimalMath.parse(text, scale: scale) {
                return .decimal(units, scale: scale)
            }
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
        if let timed = try timeArithmetic(arith, a, b, ta, tb, range) { return timed }
        guard (ta.isNumeric || ta == .null) && (tb.isNumeric || tb == .null) else {
            throw QueryError("cannot apply \(op.rawValue) to \(a.type) and \(b.type)", at: range)
        }
        // BIGINT and DECIMAL stay exact, as PostgreSQL's numeric: a product keeps the sum of the scales, a
        // quotient has at least DecimalMath.quotientScale decimals. A DOUBLE operand makes the result DOUBLE;
        // BIGINT / BIGINT is DOUBLE (as in DuckDB).
        let exact = (ta.isDecimal || tb.isDecimal) && (ta.isDecimal || ta == .int64) && (tb.isDecimal || tb == .int64)
        if exact && (arith == .multiply || arith == .divide) {
            let sa = ta.decimalScale ?? 0, sb = tb.decimalScale ?? 0
            let scale = arith == .multiply ? sa + sb : Swift.max(DecimalMath.quotientScale, sa, sb)
            guard let type = SQLType.decimal(scale: scale) else {
                throw QueryError("the product of \(ta) and \(tb) needs \(scale) decimals, more than 18: round or cast an operand first", at: range)
            }
            let x = try convert(a, to: ta, at: range), y = try convert(b, to: tb, at: range)
            // A quotient of constants is folded by rule constant_folding, after round() has seen it whole.
            if arith == .multiply, case .constant(let va, _) = x, case .constant(let vb, _) = y, let folded = Evaluator.foldExact(arith, va, vb, scale) {
                return .constant(folded, type: type)
            }
            return .arithmetic(arith, x, y, type: type)
        }
        if arith == .divide {
            return .arithmetic(.divide, try convert(a, to: .float64, at: range), try convert(b, to: .float64, at: range), type: .float64)
        }
        // The remainder of two amounts in fen is an amount in fen: money % money stays money, exact.
        let type = try unify(ta, tb, at: range, what: "operands of \(op.rawValue)")
        let x = try convert(a, to: type, at: range), y = try convert(b, to: type, at: range)
        if case .constant(let va, _) = x, case .constant(let vb, _) = y, let folded = Evaluator.foldArithmetic(arith, va, vb, type) {
            return .constant(folded, type: type)
        }
        return .arithmetic(arith, x, y, type: type)
    }

    /// Arithmetic on times: TIMESTAMP or DATE ± INTERVAL (months in the database's zone) is a TIMESTAMP,
    /// TIMESTAMP − TIMESTAMP an INTERVAL, DATE ± BIGINT a DATE, DATE − DATE the BIGINT days between,
    /// INTERVAL ± INTERVAL an INTERVAL. Nil when no operand is a time.
    func timeArithmetic(_ op: ArithmeticOperator, _ a: BoundExpression, _ b: BoundExpression, _ ta: SQLType, _ tb: SQLType,
                                _ range: SourceRange) throws -> BoundExpression? {
        let times: Set<SQLType> = [.timestamp, .date, .interval]
        guard times.contains(ta) || times.contains(tb) else { return nil }
        let fail = QueryError("cannot apply \(op.rawValue) to \(a.type) and \(b.type)", at: range)
        func typed(_ e: BoundExpression, _ t: SQLType) throws -> BoundExpression { try convert(e, to: t, at: range) }
        switch (op, ta, tb) {
        case (.add, .interval, .timestamp), (.add, .interval, .date):
            return try timeArithmetic(.add, b, a, tb, ta, range)
        case (.add, .timestamp, .interval), (.subtract, .timestamp, .interval), (.add, .date, .interval), (.subtract, .date, .interval):
            let t = try typed(a, .timestamp)
            if case .constant(.interval(let x), _) = b {
                return .function(ScalarFunction("date_add", constants: [.interval(op == .add ? x : -x)]), [t], type: .timestamp)
            }
            return .arithmetic(op, t, try typed(b, .interval), type: .timestamp)
        case (.subtract, .timestamp, .timestamp), (.subtract, .timestamp, .date), (.subtract, .date, .timestamp):
            return .arithmetic(.subtract, try typed(a, .timestamp), try typed(b, .timestamp), type: .interval)
        case (.subtract, .date, .date):
            return .arithmetic(.subtract, a, b, type: .int64)
        case (.add, .date, .int64), (.subtract, .date, .int64):
            return .arithmetic(op, a, try typed(b, .int64), type: .date)
        case (.add, .int64, .date):
            return .arithmetic(.add, b, a, type: .date)
        case (.multiply, _, .interval) where ta.isNumeric:
            return try timeArithmetic(.multiply, b, a, tb, ta, range)
        case (.multiply, .interval, _) where tb.isNumeric, (.divide, .interval, .int64):
            // Scaling a length of time: by a BIGINT each part exactly; by a fraction with months carried into
            // days and days into time (as DuckDB); a quotient carries the remainders down.
            let n = try typed(b, tb == .int64 ? .int64 : .float64)
            if case .constant(.interval(let x), _) = a, case .constant(let v, _) = n {
                switch v {
                case .int(let k): return .constant(op == .multiply ? .interval(try x.multiplied(by: k)) : try x.divided(by: k).map(Value.interval) ?? .null, type: .interval)
                case .double(let f): return .constant(.interval(try x.multiplied(by: f)), type: .interval)
                default: return .constant(.null, type: .interval)
                }
            }
            return .arithmetic(op, try typed(a, .interval), n, type: .interval)
        case (.add, .interval, .interval), (.subtract, .interval, .interval):
            if case .constant(.interval(let x), _) = a, case .constant(.interval(let y), _) = b {
                return .constant(.interval(try x.adding(y, sign: op == .add ? 1 : -1)), type: .interval)
            }
            return .arithmetic(op, try typed(a, .interval), try typed(b, .interval), type: .interval)
        default:
            throw fail
        }
    }

    mutating func bindComparison(_ op: ComparisonOperator, _ left: Expression, _ right: Expression, _ range: SourceRange) throws -> BoundExpression {
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
        // Exact numbers meet at the larger scale; with a DOUBLE they are DOUBLE.
        if a.isDecimal || b.isDecimal, let sa = a == .int64 ? 0 : a.decimalScale, let sb = b == .int64 ? 0 : b.decimalScale {
            return SQLType.decimal(scale: Swift.max(sa, sb, 2))!
        }
        switch (a, b) {
        case (.int64, .float64), (.float64, .int64): return .float64
        case (.float64, _) where b.isDecimal: return .float64
        case (_, .float64) where a.isDecimal: return .float64
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
        case (.int64, .float64), (.date, .timestamp): implicit = true
        case (.int64, _) where type.isDecimal: implicit = true
        case (_, .float64) where e.type.isDecimal: implicit = true
        case (_, _) where e.type.isDecimal && type.isDecimal: implicit = type.decimalScale! >= e.type.decimalScale!
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

    func convertString(_ s: String, to type: SQLType, at range: SourceRange) throws -> Value {
        do {
            return try Evaluator.castValue(.string(s), to: type, offsetSeconds: offsetSeconds)
        } catch let error as QueryError {
            throw QueryError(error.message, at: range)
        }
    }

    private mutating func bindFunction(_ call: FunctionCall) throws -> BoundExpression {
        let name = call.name.name.lowercased()
        if let window = call.window { return try bindWindowFunction(call, window) }
        if (name == "grouping" || name == "grouping_id") && !call.name.quoted { return try bindGrouping(call) }
        if WindowFunctionKind.named(name) != nil {
            throw QueryError("\(name) is a window function: it needs OVER (…)", at: call.range)
        }
        if !call.star, let definition = AggregateRegistry.definition(name, distinct: call.distinct) {
            return try bindAggregate(definition, call, name: name)
        }
        if call.distinct, AggregateRegistry.definition(name, distinct: false) != nil {
            throw QueryError("DISTINCT is supported in count, sum, avg and string_agg only", at: call.range)
        }
        if let first = call.orderBy.first {
            throw QueryError("ORDER BY inside a call is supported in string_agg only", at: first.expression.range)
        }
        if let kind = aggregateKind(name, call) {
            try enterAggregate(call)
            defer { insideAggregate = false }
            let spec = try bindAggregateCall(call, kind: kind)
            // The same aggregate written twice is computed once.
            if let same = aggregates.firstIndex(where: { $0.computesSame(as: spec) }) { return .aggregate(same, type: spec.type) }
            aggregates.append(spec)
            return .aggregate(aggregates.count - 1, type: spec.type)
        }
        guard call.filter == nil, !call.distinct, !call.star else {
            throw QueryError("\(name) is not an aggregate function", at: call.range)
        }
        guard let definition = FunctionRegistry.definition(name) else {
            var message = "unknown function \(call.name.name)"
            if let guess = QueryError.suggestion(for: name, among: FunctionRegistry.knownNames) { message += " — did you mean \(guess)?" }
            throw QueryError(message, at: call.name.range)
        }
        let args = try call.arguments.map { try bind($0) }
        return try definition.bind(FunctionBinding(name: name, id: definition.names[0], arguments: args, call: call, binder: self))
    }

    /// An aggregate call's argument, FILTER and result type (an aggregate, or an aggregate over a window).
    mutating func bindAggregateCall(_ call: FunctionCall, kind: AggregateKind) throws -> AggregateSpec {
        let name = call.name.name.lowercased()
        var kind = kind
        if call.distinct && kind != .countDistinct {
            throw QueryError("DISTINCT is supported in count, sum, avg and string_agg only", at: call.range)
        }
        var argument: BoundExpression?
        if kind != .countStar {
            guard call.arguments.count == 1 else {
                throw QueryError("\(name) takes one argument", at: call.range)
            }
            argument = try bind(call.arguments[0])
        }
        if kind == .avg, let a = argument, case .decimal = a.type { argument = .cast(a, to: .float64) }
        var filter = try aggregateFilter(call)
        // Shorthands of the aggregates above: count_if(c) is count(*) FILTER (WHERE c); bool_and and
        // bool_or are min and max of booleans; any_value is min (one of the values, the same every time).
        if ["count_if", "bool_and", "bool_or"].contains(name), let a = argument {
            try requireBoolean(a, call.arguments[0].range, name)
        }
        if name == "count_if", let a = argument {
            kind = .countStar
            filter = filter.map { .and([$0, a]) } ?? a
            argument = nil
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
        case .registered: preconditionFailure("registered aggregates bind in bindAggregate")
        }
        return AggregateSpec(kind: kind, argument: argument, filter: filter, type: type, text: text(call.range))
    }

    /// Checks that an aggregate may stand here and marks its arguments as inside it (the caller unmarks).
    private mutating func enterAggregate(_ call: FunctionCall) throws {
        guard aggregatesAllowed else {
            throw QueryError("aggregate functions are not allowed in \(clause)", at: call.range)
        }
        guard !insideAggregate else { throw QueryError("aggregate functions cannot be nested", at: call.range) }
        insideAggregate = true
    }

    /// An aggregate's FILTER condition, bound.
    private mutating func aggregateFilter(_ call: FunctionCall) throws -> BoundExpression? {
        try call.filter.map { f -> BoundExpression in
            let b = try bind(f)
            try requireBoolean(b, f.range, "FILTER")
            return b
        }
    }

    /// A call of a registered aggregate (`AggregateRegistry`).
    private mutating func bindAggregate(_ definition: AggregateDefinition, _ call: FunctionCall, name: String) throws -> BoundExpression {
        try enterAggregate(call)
        defer { insideAggregate = false }
        let arguments = try call.arguments.map { try bind($0) }
        let keys = try call.orderBy.map { try bind($0.expression) }
        if !keys.isEmpty && !definition.names.contains("string_agg") {
            throw QueryError("ORDER BY inside a call is supported in string_agg only", at: call.orderBy[0].expression.range)
        }
        let filter = try aggregateFilter(call)
        let bound = try definition.bind(FunctionBinding(name: name, id: definition.id, arguments: arguments, call: call, binder: self, orderKeys: keys))
        let spec = AggregateSpec(kind: .registered, argument: bound.arguments[0], filter: filter, type: bound.type, text: text(call.range),
                                 registered: definition.id, extraArguments: Array(bound.arguments.dropFirst()), constants: bound.constants)
        if let same = aggregates.firstIndex(where: { $0.computesSame(as: spec) }) { return .aggregate(same, type: spec.type) }
        aggregates.append(spec)
        return .aggregate(aggregates.count - 1, type: spec.type)
    }

    func aggregateKind(_ name: String, _ call: FunctionCall) -> AggregateKind? {
        switch name {
        case "count":
            if call.star || call.arguments.isEmpty { return .countStar }
            return call.distinct ? .countDistinct : .count
        case "sum": return .sum
        case "avg", "mean": return .avg
        case "min": return .min
        case "max": return .max
        case "approx_count_distinct": return .approxCountDistinct
        case "count_if": return .count
        case "bool_and", "any_value", "arbitrary": return .min
        case "bool_or": return .max
        default: return nil
        }
    }
}
