import XCTest
@testable import HuiyanQuery

/// The base of the SQL front end's test cases: builders for expected syntax trees, all with the empty range `z`
/// (tests compare trees after `bare`, and check ranges separately where they matter), and parsing helpers.
/// Everything is a member, so that nothing here collides with the rest of the test target.
class SQLParserTestCase: XCTestCase {
    /// Foundation (which XCTest brings in) has an `Expression` of its own.
    typealias Expression = HuiyanQuery.Expression

    let z = SourceRange(0, 0)

    func r(_ start: Int, _ end: Int) -> SourceRange { SourceRange(start, end) }

    func ident(_ text: String, quoted: Bool = false) -> Identifier { Identifier(text, quoted: quoted, range: z) }
    func col(_ column: String, quoted: Bool = false) -> Expression {
        .column(qualifier: nil, name: ident(column, quoted: quoted))
    }
    func col(_ table: String, _ column: String) -> Expression { .column(qualifier: ident(table), name: ident(column)) }
    func int(_ value: Int64) -> Expression { .literal(.integer(value), range: z) }
    func dec(_ text: String) -> Expression { .literal(.decimal(text), range: z) }
    func str(_ text: String) -> Expression { .literal(.string(text), range: z) }
    func bool(_ value: Bool) -> Expression { .literal(.bool(value), range: z) }
    var null: Expression { .literal(.null, range: z) }
    func bin(_ op: BinaryOperator, _ left: Expression, _ right: Expression) -> Expression {
        .binary(op, left, right, range: z)
    }
    func neg(_ operand: Expression) -> Expression { .unary(.negate, operand, range: z) }
    func not(_ operand: Expression) -> Expression { .unary(.not, operand, range: z) }
    func cast(_ operand: Expression, _ type: String) -> Expression { .cast(operand, TypeName(type, range: z), range: z) }
    func typed(_ type: String, _ value: String) -> Expression { .typedLiteral(TypeName(type, range: z), value, range: z) }
    func call(_ function: String, _ arguments: Expression..., star: Bool = false, distinct: Bool = false,
              filter: Expression? = nil) -> Expression {
        .function(FunctionCall(name: ident(function), arguments: arguments, star: star, distinct: distinct,
                               filter: filter, range: z))
    }
    func item(_ expression: Expression, as alias: String? = nil) -> SelectItem {
        .expression(expression, alias: alias.map { ident($0) })
    }

    /// A column or literal with the given range (for exact comparisons).
    func withRange(_ e: Expression, _ range: SourceRange) -> Expression {
        switch e {
        case .column(nil, let name): return .column(qualifier: nil, name: Identifier(name.name, quoted: name.quoted, range: range))
        case .literal(let literal, _): return .literal(literal, range: range)
        default: return e
        }
    }

    // MARK: Trees without ranges

    func bare(_ identifier: Identifier) -> Identifier { Identifier(identifier.name, quoted: identifier.quoted, range: z) }

    func bare(_ type: TypeName) -> TypeName { TypeName(type.name, range: z) }

    /// The same tree with every range empty.
    func bare(_ e: Expression) -> Expression {
        switch e {
        case .column(let qualifier, let name):
            return .column(qualifier: qualifier.map(bare), name: bare(name))
        case .literal(let literal, _):
            return .literal(literal, range: z)
        case .unary(let op, let operand, _):
            return .unary(op, bare(operand), range: z)
        case .binary(let op, let left, let right, _):
            return .binary(op, bare(left), bare(right), range: z)
        case .between(let value, let low, let high, let negated, _):
            return .between(bare(value), low: bare(low), high: bare(high), negated: negated, range: z)
        case .inList(let value, let items, let negated, _):
            return .inList(bare(value), items.map(bare), negated: negated, range: z)
        case .isNull(let value, let negated, _):
            return .isNull(bare(value), negated: negated, range: z)
        case .caseWhen(let operand, let branches, let elseResult, _):
            return .caseWhen(operand: operand.map(bare),
                             branches: branches.map { CaseBranch(when: bare($0.when), then: bare($0.then)) },
                             elseResult: elseResult.map(bare), range: z)
        case .cast(let value, let type, _):
            return .cast(bare(value), bare(type), range: z)
        case .function(let call):
            return .function(FunctionCall(name: bare(call.name), arguments: call.arguments.map(bare), star: call.star,
                                          distinct: call.distinct, filter: call.filter.map(bare), range: z))
        case .extract(let field, let value, _):
            return .extract(field: bare(field), bare(value), range: z)
        case .typedLiteral(let type, let value, _):
            return .typedLiteral(bare(type), value, range: z)
        case .subquery(let query, _):
            return .subquery(.select(bare(query.statement)), range: z)
        case .inSubquery(let x, let query, let negated, _):
            return .inSubquery(bare(x), .select(bare(query.statement)), negated: negated, range: z)
        case .isDistinctFrom(let a, let b, let negated, _):
            return .isDistinctFrom(bare(a), bare(b), negated: negated, range: z)
        case .exists(let query, let negated, _):
            return .exists(.select(bare(query.statement)), negated: negated, range: z)
        }
    }

    func bare(_ e: Expression?) -> Expression? { e.map(bare) }

    func bare(_ select: SelectStatement) -> SelectStatement {
        var bared = SelectStatement(
            distinct: select.distinct,
            items: select.items.map { item in
                switch item {
                case .star(let qualifier, _): return .star(qualifier: qualifier.map(bare), range: z)
                case .expression(let e, let alias): return .expression(bare(e), alias: alias.map(bare))
                }
            },
            from: select.from.map { from in
                var reference = TableReference(table: bare(from.table), alias: from.alias.map(bare),
                                               joins: from.joins.map {
                                                   var join = Join(kind: $0.kind, table: bare($0.table), alias: $0.alias.map(bare),
                                                                   condition: bare($0.condition), range: z,
                                                                   subquery: $0.subquery.map { .select(bare($0.statement)) })
                                                   join.columnAliases = $0.columnAliases.map(bare)
                                                   return join
                                               },
                                               subquery: from.subquery.map { .select(bare($0.statement)) })
                reference.columnAliases = from.columnAliases.map(bare)
                return reference
            },
            whereClause: bare(select.whereClause), groupBy: select.groupBy.map(bare), having: bare(select.having),
            orderBy: select.orderBy.map {
                OrderItem(expression: bare($0.expression), descending: $0.descending, nullsFirst: $0.nullsFirst)
            },
            limit: bare(select.limit), offset: bare(select.offset), range: z)
        bared.with = select.with.map {
            CommonTableExpression(name: bare($0.name), columns: $0.columns.map(bare), query: bare($0.query), range: z)
        }
        bared.unions = select.unions.map { UnionArm(all: $0.all, select: bare($0.select), operation: $0.operation) }
        return bared
    }

    func bare(_ statement: Statement) -> Statement {
        switch statement {
        case .select(let select): return .select(bare(select))
        case .explain(let select, _): return .explain(bare(select), range: z)
        case .explainAnalyze(let select, _): return .explainAnalyze(bare(select), range: z)
        case .showTables: return .showTables(range: z)
        case .describe(let table, _): return .describe(table: bare(table), range: z)
        case .describeQuery(let select, _): return .describeQuery(bare(select), range: z)
        case .createTable(let create):
            return .createTable(CreateTableStatement(
                table: bare(create.table), ifNotExists: create.ifNotExists,
                columns: create.columns.map {
                    CreateTableStatement.Column(name: bare($0.name), type: bare($0.type), notNull: $0.notNull)
                },
                range: z))
        case .copy(let copy):
            return .copy(CopyStatement(table: bare(copy.table), path: copy.path, options: copy.options, range: z))
        case .copyTo, .dropTable, .createTableAs, .insert, .createView, .dropView:
            return statement
        }
    }

    /// A compact rendering of an expression to check precedence at a glance: `(+ 1 (* 2 3))`.
    func sexp(_ e: Expression) -> String {
        switch e {
        case .column(let qualifier, let name): return (qualifier.map { $0.name + "." } ?? "") + name.name
        case .literal(let literal, _):
            switch literal {
            case .null: return "NULL"
            case .bool(let b): return b ? "TRUE" : "FALSE"
            case .integer(let i): return String(i)
            case .decimal(let d): return d
            case .string(let s): return "'\(s)'"
            }
        case .unary(let op, let operand, _): return "(\(op.rawValue) \(sexp(operand)))"
        case .binary(let op, let l, let r, _): return "(\(op.rawValue) \(sexp(l)) \(sexp(r)))"
        case .between(let v, let low, let high, let negated, _):
            return "(\(negated ? "NOT BETWEEN" : "BETWEEN") \(sexp(v)) \(sexp(low)) \(sexp(high)))"
        case .inList(let v, let items, let negated, _):
            return "(\(negated ? "NOT IN" : "IN") \(sexp(v)) [\(items.map(sexp).joined(separator: " "))])"
        case .isNull(let v, let negated, _): return "(\(negated ? "IS NOT NULL" : "IS NULL") \(sexp(v)))"
        case .caseWhen(let operand, let branches, let elseResult, _):
            var parts = ["CASE"]
            if let operand { parts.append(sexp(operand)) }
            for b in branches { parts.append("[\(sexp(b.when)) \(sexp(b.then))]") }
            if let elseResult { parts.append("ELSE \(sexp(elseResult))") }
            return "(" + parts.joined(separator: " ") + ")"
        case .cast(let v, let type, _): return "(:: \(sexp(v)) \(type.name))"
        case .function(let call):
            var args = call.star ? ["*"] : call.arguments.map(sexp)
            if call.distinct { args.insert("DISTINCT", at: 0) }
            let filter = call.filter.map { " FILTER \(sexp($0))" } ?? ""
            return "\(call.name.name)(\(args.joined(separator: " ")))" + filter
        case .extract(let field, let v, _): return "(EXTRACT \(field.name) \(sexp(v)))"
        case .typedLiteral(let type, let value, _): return "\(type.name) '\(value)'"
        case .subquery: return "(SELECT …)"
        case .inSubquery(let x, _, let negated, _): return "(\(negated ? "NOT IN" : "IN") \(sexp(x)) (SELECT …))"
        case .isDistinctFrom(let a, let b, let negated, _): return "(\(negated ? "IS NOT DISTINCT FROM" : "IS DISTINCT FROM") \(sexp(a)) \(sexp(b)))"
        case .exists: return "(EXISTS (SELECT …))"
        }
    }

    /// Parses one expression, failing the test on an error.
    func expr(_ sql: String, file: StaticString = #filePath, line: UInt = #line) -> Expression? {
        do {
            return try Parser.parseExpression(sql)
        } catch {
            XCTFail("\(sql): \(error.message)", file: file, line: line)
            return nil
        }
    }

    /// Parses one statement, failing the test on an error.
    func statement(_ sql: String, file: StaticString = #filePath, line: UInt = #line) -> Statement? {
        do {
            return try Parser.parseOne(sql)
        } catch {
            XCTFail("\(sql): \(error.render(in: sql))", file: file, line: line)
            return nil
        }
    }

    /// Parses one SELECT, failing the test on an error.
    func select(_ sql: String, file: StaticString = #filePath, line: UInt = #line) -> SelectStatement? {
        guard let parsed = statement(sql, file: file, line: line) else { return nil }
        guard case .select(let select) = parsed else {
            XCTFail("not a SELECT: \(sql)", file: file, line: line)
            return nil
        }
        return select
    }

    /// The error parsing `sql`, failing the test if it parses.
    func parseError(_ sql: String, file: StaticString = #filePath, line: UInt = #line) -> SQLError? {
        do {
            let statements = try Parser.parse(sql)
            XCTFail("parsed, expected an error: \(sql) → \(statements)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    /// Asserts that parsing `sql` fails with exactly `message` at `range`.
    func assertError(_ sql: String, _ message: String, _ range: SourceRange, file: StaticString = #filePath,
                     line: UInt = #line) {
        guard let error = parseError(sql, file: file, line: line) else { return }
        XCTAssertEqual(error.message, message, sql, file: file, line: line)
        XCTAssertEqual(error.range, range, sql, file: file, line: line)
    }

    /// The UTF-8 offset of the first occurrence of `needle` in `sql` (for ranges in tests).
    func utf8Offset(of needle: String, in sql: String) -> Int {
        let bytes = Array(sql.utf8)
        let n = Array(needle.utf8)
        for i in 0...(bytes.count - n.count) where Array(bytes[i..<(i + n.count)]) == n { return i }
        fatalError("\(needle) not in \(sql)")
    }

    /// The UTF-8 range of the first occurrence of `needle` in `sql`.
    func sqlRange(of needle: String, in sql: String) -> SourceRange {
        let start = utf8Offset(of: needle, in: sql)
        return SourceRange(start, start + needle.utf8.count)
    }
}
