/// Expressions, by precedence climbing. From loosest to tightest:
///
///     1 OR   2 AND   3 NOT (prefix)   4 = <> != < <= > >=, IS [NOT] NULL, [NOT] LIKE / ILIKE / BETWEEN / IN
///     5 ||   6 + -   7 * / %   8 - + (prefix)   9 ::type (postfix)
///
/// Binary operators associate to the left; comparisons (level 4) do not associate: `a = b = c` is an error.
extension Parser {
    /// An expression while parsing: its range includes any parentheses around it, and its height (the longest
    /// chain of operators down to a leaf) is checked against `maxHeight`.
    struct Node {
        var expr: Expression
        var range: SourceRange
        var height: Int
    }

    private enum Precedence {
        static let or = 1, and = 2, not = 3, comparison = 4, concat = 5, additive = 6, multiplicative = 7
    }

    mutating func expression() throws(SQLError) -> Node {
        try binary(0)
    }

    /// A node, unless it makes the tree too tall.
    private func node(_ expr: Expression, _ range: SourceRange, height: Int, at token: Token) throws(SQLError) -> Node {
        guard height <= Parser.maxHeight else { throw tooDeep(at: token) }
        return Node(expr: expr, range: range, height: height)
    }

    private func tooDeep(at token: Token) -> SQLError {
        SQLError("expression is nested too deeply", range: token.range)
    }

    /// The precedence of the infix operator at the current token, if there is one.
    private func infixPrecedence() -> Int? {
        switch current.kind {
        case .keyword(.or): return Precedence.or
        case .keyword(.and): return Precedence.and
        case .symbol(.equal), .symbol(.notEqual), .symbol(.less), .symbol(.lessOrEqual), .symbol(.greater),
             .symbol(.greaterOrEqual), .keyword(.is), .keyword(.like), .keyword(.ilike), .keyword(.between),
             .keyword(.in):
            return Precedence.comparison
        case .keyword(.not):
            switch peek().kind {
            case .keyword(.like), .keyword(.ilike), .keyword(.between), .keyword(.in): return Precedence.comparison
            default: return nil
            }
        case .symbol(.concat): return Precedence.concat
        case .symbol(.plus), .symbol(.minus): return Precedence.additive
        case .symbol(.star), .symbol(.slash), .symbol(.percent): return Precedence.multiplicative
        default: return nil
        }
    }

    /// Operators of at least `minPrecedence`, and their operands. Every activation counts towards `maxNesting`:
    /// it bounds the frames on the stack, as the other functions on the path of recursion are few per
    /// activation.
    private mutating func binary(_ minPrecedence: Int) throws(SQLError) -> Node {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Parser.maxNesting else { throw tooDeep(at: current) }
        var left = try prefix(minPrecedence)
        while let precedence = infixPrecedence(), precedence >= minPrecedence {
            left = precedence == Precedence.comparison ? try comparison(left) : try infix(left, precedence)
        }
        return left
    }

    /// `left op right` for a left-associative operator.
    private mutating func infix(_ left: Node, _ precedence: Int) throws(SQLError) -> Node {
        let opToken = advance()
        let op: BinaryOperator
        switch opToken.kind {
        case .keyword(.or): op = .or
        case .keyword(.and): op = .and
        case .symbol(.concat): op = .concat
        case .symbol(.plus): op = .add
        case .symbol(.minus): op = .subtract
        case .symbol(.star): op = .multiply
        case .symbol(.slash): op = .divide
        default: op = .modulo
        }
        let right = try binary(precedence + 1)
        let range = left.range.union(right.range)
        return try node(.binary(op, left.expr, right.expr, range: range), range,
                        height: Swift.max(left.height, right.height) + 1, at: opToken)
    }

    private func chainedComparison() -> SQLError {
        let message = "syntax error at or near \"\(text.text(current.range))\": comparisons cannot be chained; "
            + "combine them with AND, or use parentheses"
        return SQLError(message, range: current.range)
    }

    // The functions on the path of recursion (binary, prefix, postfix, primary, parenthesized, call …) are kept
    // small, with error messages built elsewhere: a debug build gives every local its own stack slot, and deep
    // nesting multiplies the frames.

    /// `NOT x`, `-x`, `+x`, or a postfix expression.
    private mutating func prefix(_ minPrecedence: Int) throws(SQLError) -> Node {
        switch current.kind {
        case .keyword(.not): return try notPrefix(minPrecedence)
        case .symbol(.minus), .symbol(.plus): return try signPrefix()
        default: return try postfix()
        }
    }

    private mutating func notPrefix(_ minPrecedence: Int) throws(SQLError) -> Node {
        guard minPrecedence <= Precedence.not else { throw notNeedsParentheses() }
        var nots: [Token] = []
        while isKeyword(.not) { nots.append(advance()) }
        var operand = try binary(Precedence.comparison)
        for not in nots.reversed() {
            let range = not.range.union(operand.range)
            operand = try node(.unary(.not, operand.expr, range: range), range, height: operand.height + 1, at: not)
        }
        return operand
    }

    private func notNeedsParentheses() -> SQLError {
        syntaxError(expected: "an expression", hint: "put NOT … in parentheses here: (NOT x)")
    }

    private mutating func signPrefix() throws(SQLError) -> Node {
        var signs: [Token] = []
        while isSymbol(.minus) || isSymbol(.plus) { signs.append(advance()) }
        var operand = try postfix()
        for sign in signs.reversed() { operand = try applySign(sign, to: operand) }
        return operand
    }

    private func applySign(_ sign: Token, to operand: Node) throws(SQLError) -> Node {
        let range = sign.range.union(operand.range)
        if isSymbol(.minus, sign), case .literal(let literal, _) = operand.expr, let negated = Parser.negate(literal) {
            // `-5` is the literal -5 (so that -9223372036854775808 is an integer), as in PostgreSQL.
            return Node(expr: .literal(negated, range: range), range: range, height: operand.height)
        }
        let op: UnaryOperator = isSymbol(.minus, sign) ? .negate : .plus
        return try node(.unary(op, operand.expr, range: range), range, height: operand.height + 1, at: sign)
    }

    /// The negation of a number literal.
    private static func negate(_ literal: Literal) -> Literal? {
        switch literal {
        case .integer(let value):
            return value == .min ? .decimal("9223372036854775808") : .integer(-value)
        case .decimal(let text):
            if text.hasPrefix("-") { return .decimal(String(text.dropFirst())) }
            if let value = Int64("-" + text) { return .integer(value) }
            return .decimal("-" + text)
        default:
            return nil
        }
    }

    /// A primary followed by any number of `::type`.
    private mutating func postfix() throws(SQLError) -> Node {
        var operand = try primary()
        while isSymbol(.doubleColon) { operand = try castSuffix(operand) }
        return operand
    }

    private mutating func castSuffix(_ operand: Node) throws(SQLError) -> Node {
        let colons = advance()
        let type = try typeName()
        let range = operand.range.union(type.range)
        return try node(.cast(operand.expr, type, range: range), range, height: operand.height + 1, at: colons)
    }

    // MARK: Comparisons

    /// After the left operand: `= x`, `IS [NOT] NULL`, `[NOT] LIKE x`, `[NOT] BETWEEN a AND b`, `[NOT] IN (…)`.
    private mutating func comparison(_ left: Node) throws(SQLError) -> Node {
        let node = try comparisonOnce(left)
        if infixPrecedence() == Precedence.comparison { throw chainedComparison() }
        return node
    }

    private mutating func comparisonOnce(_ left: Node) throws(SQLError) -> Node {
        switch current.kind {
        case .symbol: return try comparisonOperator(left)
        case .keyword(.is): return try isNull(left)
        default: break
        }
        let opToken = current
        let negated = accept(.not) != nil
        switch current.kind {
        case .keyword(.like), .keyword(.ilike): return try like(left, negated: negated, at: opToken)
        case .keyword(.between): return try between(left, negated: negated, at: opToken)
        default: return try inList(left, negated: negated, at: opToken)
        }
    }

    private static func binaryOperator(_ symbol: Symbol) -> BinaryOperator {
        switch symbol {
        case .equal: return .equal
        case .notEqual: return .notEqual
        case .less: return .less
        case .lessOrEqual: return .lessOrEqual
        case .greater: return .greater
        default: return .greaterOrEqual
        }
    }

    private mutating func comparisonOperator(_ left: Node) throws(SQLError) -> Node {
        let opToken = advance()
        guard case .symbol(let symbol) = opToken.kind else { preconditionFailure("a comparison operator") }
        if symbol == .equal, isSymbol(.equal), current.range.start == opToken.range.end { throw doubleEquals(opToken) }
        let right = try binary(Precedence.concat)
        let range = left.range.union(right.range)
        return try node(.binary(Parser.binaryOperator(symbol), left.expr, right.expr, range: range), range,
                        height: Swift.max(left.height, right.height) + 1, at: opToken)
    }

    private func doubleEquals(_ first: Token) -> SQLError {
        SQLError("syntax error at or near \"==\": use = to compare (SQL has no == operator)",
                 range: first.range.union(current.range))
    }

    private mutating func isNull(_ left: Node) throws(SQLError) -> Node {
        let opToken = advance()
        let negated = accept(.not) != nil
        if accept(.distinct) != nil {
            _ = try expect(.from, expected: "FROM after IS \(negated ? "NOT " : "")DISTINCT")
            let right = try binary(Precedence.concat)
            let range = left.range.union(right.range)
            return try node(.isDistinctFrom(left.expr, right.expr, negated: negated, range: range), range,
                            height: Swift.max(left.height, right.height) + 1, at: opToken)
        }
        guard let null = accept(.null) else { throw isWithoutNull(negated: negated) }
        let range = left.range.union(null.range)
        return try node(.isNull(left.expr, negated: negated, range: range), range, height: left.height + 1, at: opToken)
    }

    private func isWithoutNull(negated: Bool) -> SQLError {
        var hint: String?
        switch current.kind {
        case .keyword(.true), .keyword(.false): hint = "IS TRUE and IS FALSE are not supported; compare with = TRUE"
        case .identifier(let word) where word.uppercased() == "DISTINCT": hint = "IS DISTINCT FROM is not supported"
        default: break
        }
        return syntaxError(expected: negated ? "NULL after IS NOT" : "NULL or NOT NULL after IS", hint: hint)
    }

    private mutating func like(_ left: Node, negated: Bool, at opToken: Token) throws(SQLError) -> Node {
        let ilike = advance().kind == .keyword(.ilike)
        let right = try binary(Precedence.concat)
        let op: BinaryOperator = ilike ? (negated ? .notIlike : .ilike) : (negated ? .notLike : .like)
        let range = left.range.union(right.range)
        return try node(.binary(op, left.expr, right.expr, range: range), range,
                        height: Swift.max(left.height, right.height) + 1, at: opToken)
    }

    private mutating func between(_ left: Node, negated: Bool, at opToken: Token) throws(SQLError) -> Node {
        advance()
        let low = try binary(Precedence.concat)
        _ = try expect(.and, expected: "AND and the upper bound of BETWEEN")
        let high = try binary(Precedence.concat)
        let range = left.range.union(high.range)
        return try node(.between(left.expr, low: low.expr, high: high.expr, negated: negated, range: range), range,
                        height: Swift.max(left.height, low.height, high.height) + 1, at: opToken)
    }

    private mutating func inList(_ left: Node, negated: Bool, at opToken: Token) throws(SQLError) -> Node {
        advance()
        let open = try expect(.leftParen, expected: "\"(\" and a list of values after IN")
        if isKeyword(.select) || isKeyword(.with) {
            let query = try subqueryBody(open)
            let range = left.range.union(SourceRange(open.range.start, previousEnd))
            return try node(.inSubquery(left.expr, .select(query), negated: negated, range: range), range,
                            height: left.height + 1, at: opToken)
        }
        var items: [Expression] = []
        var height = left.height
        repeat {
            let item = try expression()
            items.append(item.expr)
            height = Swift.max(height, item.height)
        } while try acceptComma()
        let close = try expectClose(open, list: true)
        let range = left.range.union(close.range)
        return try node(.inList(left.expr, items, negated: negated, range: range), range, height: height + 1,
                        at: opToken)
    }

    // MARK: Primaries

    private enum PrimaryKind {
        case literal, parenthesized, column, call, caseWhen, cast, extract, typedLiteral, interval, exists, invalid
    }

    private func primaryKind() -> PrimaryKind {
        let followedByParenthesis = isSymbol(.leftParen, peek())
        switch current.kind {
        case .integer, .decimal, .string, .keyword(.null), .keyword(.true), .keyword(.false):
            return .literal
        case .symbol(.leftParen):
            return .parenthesized
        case .identifier, .quotedIdentifier:
            return followedByParenthesis ? .call : .column
        case .keyword(.case):
            return .caseWhen
        case .keyword(.exists) where followedByParenthesis && (isKeyword(.select, peek(2)) || isKeyword(.with, peek(2))):
            return .exists
        case .keyword(.cast) where followedByParenthesis:
            return .cast
        case .keyword(.extract) where followedByParenthesis:
            return .extract
        case .keyword(.date), .keyword(.timestamp), .keyword(.timestamptz):
            if case .string = peek().kind { return .typedLiteral }
            return followedByParenthesis ? .call : .column
        case .keyword(.interval):
            switch peek().kind {
            case .string, .integer, .decimal: return .interval
            default: return followedByParenthesis ? .call : .column
            }
        case .keyword(let keyword) where !keyword.isReserved:
            return followedByParenthesis ? .call : .column
        case .keyword(let keyword) where Keyword.functionNames.contains(keyword) && followedByParenthesis:
            return .call
        default:
            return .invalid
        }
    }

    private mutating func primary() throws(SQLError) -> Node {
        switch primaryKind() {
        case .literal: return literal()
        case .parenthesized: return try parenthesized()
        case .column: return try column()
        case .call: return try call()
        case .caseWhen: return try caseExpression()
        case .cast: return try castExpression()
        case .extract: return try extractExpression()
        case .typedLiteral: return typedLiteral()
        case .interval: return try intervalLiteral()
        case .exists:
            let keyword = advance()
            let query = try subqueryBody(advance())
            let range = SourceRange(keyword.range.start, previousEnd)
            return Node(expr: .exists(.select(query), negated: false, range: range), range: range, height: 1)
        case .invalid: throw notAnExpression()
        }
    }

    private mutating func literal() -> Node {
        let token = advance()
        let literal: Literal
        switch token.kind {
        case .integer(let value): literal = .integer(value)
        case .decimal(let text): literal = .decimal(text)
        case .string(let text): literal = .string(text)
        case .keyword(.true): literal = .bool(true)
        case .keyword(.false): literal = .bool(false)
        default: literal = .null
        }
        return Node(expr: .literal(literal, range: token.range), range: token.range, height: 1)
    }

    private mutating func parenthesized() throws(SQLError) -> Node {
        let open = advance()
        if isKeyword(.select) || isKeyword(.with) {
            let query = try subqueryBody(open)
            let range = SourceRange(open.range.start, previousEnd)
            return Node(expr: .subquery(.select(query), range: range), range: range, height: 1)
        }
        let inner = try expression()
        let close = try expectClose(open)
        return Node(expr: inner.expr, range: open.range.union(close.range), height: inner.height)
    }

    /// `DATE '2025-10-01'`, `TIMESTAMP '…'`, `TIMESTAMPTZ '…'`
    private mutating func typedLiteral() -> Node {
        let keyword = advance()
        let string = advance()
        guard case .string(let value) = string.kind else { preconditionFailure("a string") }
        let type = TypeName(text.text(keyword.range).uppercased(), range: keyword.range)
        let range = keyword.range.union(string.range)
        return Node(expr: .typedLiteral(type, value, range: range), range: range, height: 1)
    }

    private func notAnExpression() -> SQLError {
        var hint: String?
        switch current.kind {
        case .keyword(.select): hint = "a subquery is written in parentheses: (SELECT …)"
        case .keyword(.not): hint = "put NOT … in parentheses here: (NOT x)"
        case .keyword:
            // A reserved word used as a column name: `SELECT order, …`, `WHERE order = 1`.
            switch peek().kind {
            case .symbol(.comma), .symbol(.rightParen), .symbol(.equal), .symbol(.dot), .keyword(.from), .keyword(.as):
                hint = keywordAsNameHint(current)
            default: break
            }
        case .symbol(.star): hint = "* stands for all columns only as a select item, or in count(*)"
        default: break
        }
        return syntaxError(expected: "an expression", hint: hint)
    }

    /// A column: `a`, `t.a`.
    private mutating func column() throws(SQLError) -> Node {
        let token = advance()
        guard isSymbol(.dot) else {
            return Node(expr: .column(qualifier: nil, name: identifier(token)), range: token.range, height: 1)
        }
        advance()
        switch current.kind {
        case .identifier, .quotedIdentifier, .keyword:
            let name = advance()
            return Node(expr: .column(qualifier: identifier(token), name: identifier(name)),
                        range: token.range.union(name.range), height: 1)
        default:
            throw notAColumnName(after: token)
        }
    }

    private func notAColumnName(after qualifier: Token) -> SQLError {
        let name = identifier(qualifier).name
        if isSymbol(.star) {
            return syntaxError(expected: "a column name",
                               hint: "\(name).* stands for all columns only as a select item")
        }
        return syntaxError(expected: "a column name after \"\(name).\"")
    }

    /// The name a word or quoted identifier token stands for.
    private func identifier(_ token: Token) -> Identifier {
        switch token.kind {
        case .identifier(let name): return Identifier(name, range: token.range)
        case .quotedIdentifier(let name): return Identifier(name, quoted: true, range: token.range)
        default: return Identifier(text.text(token.range, limit: .max), range: token.range)
        }
    }

    /// `name(args)`, `name(DISTINCT args)`, `name(*)`, `name()`, then optionally `FILTER (WHERE condition)`.
    private mutating func call() throws(SQLError) -> Node {
        var call = FunctionCall(name: identifier(advance()), arguments: [], range: current.range)
        let open = advance()
        var height = 0
        if accept(.star) != nil {
            call.star = true
        } else if !call.name.quoted && call.name.name.lowercased() == "position" && !isSymbol(.rightParen) {
            // position(part IN text): the part binds tighter than IN; the call is position(text, part).
            let part = try binary(Precedence.concat)
            guard accept(.in) != nil else { throw syntaxError(expected: "IN in position(part IN text)") }
            let text = try expression()
            call.arguments = [text.expr, part.expr]
            height = Swift.max(part.height, text.height)
        } else if !call.name.quoted && ["substring", "substr"].contains(call.name.name.lowercased()) && !isSymbol(.rightParen) {
            height = try substringArguments(of: &call)
        } else if !isSymbol(.rightParen) {
            height = try arguments(of: &call)
        }
        call.range = call.name.range.union(try expectClose(open, list: !call.star).range)
        if case .identifier(let word) = current.kind, word.lowercased() == "within", isKeyword(.group, peek()) {
            height = Swift.max(height, try withinGroup(of: &call))
        }
        if isKeyword(.filter) && isSymbol(.leftParen, peek()) {
            height = Swift.max(height, try filterClause(of: &call))
        }
        if isKeyword(.over) { height = Swift.max(height, try overClause(of: &call)) }
        return try node(.function(call), call.range, height: height + 1, at: open)
    }

    /// `[DISTINCT | ALL] argument, … [ORDER BY key, …]`; returns the height of the tallest argument.
    private mutating func arguments(of call: inout FunctionCall) throws(SQLError) -> Int {
        if accept(.distinct) != nil {
            call.distinct = true
        } else {
            _ = accept(.all)
        }
        var height = 0
        repeat {
            let argument = try expression()
            call.arguments.append(argument.expr)
            height = Swift.max(height, argument.height)
        } while try acceptComma()
        if accept(.order) != nil {
            _ = try expect(.by, expected: "BY after ORDER")
            repeat { call.orderBy.append(try orderItem()) } while try acceptComma()
        }
        return height
    }

    /// `substring(text, start [, length])`, or as SQL writes it, `substring(text FROM start [FOR length])` and
    /// `substring(text FOR length)`; returns the arguments' height.
    private mutating func substringArguments(of call: inout FunctionCall) throws(SQLError) -> Int {
        let text = try expression()
        call.arguments = [text.expr]
        var height = text.height
        func isFor(_ token: Token) -> Bool {
            if case .identifier(let word) = token.kind { return word.lowercased() == "for" }
            return false
        }
        guard isKeyword(.from) || isFor(current) else {
            while try acceptComma() {
                let argument = try expression()
                call.arguments.append(argument.expr)
                height = Swift.max(height, argument.height)
            }
            return height
        }
        if accept(.from) != nil {
            let start = try expression()
            call.arguments.append(start.expr)
            height = Swift.max(height, start.height)
        } else {
            call.arguments.append(.literal(.integer(1), range: current.range))
        }
        if isFor(current) {
            _ = advance()
            let length = try expression()
            call.arguments.append(length.expr)
            height = Swift.max(height, length.height)
        }
        return height
    }

    /// `WITHIN GROUP (ORDER BY x)` of an ordered-set aggregate (`percentile_cont(0.5) WITHIN GROUP (ORDER BY
    /// spend)`, as PostgreSQL writes it): the key becomes the first argument, `percentile_cont(spend, 0.5)`.
    /// Returns the key's height.
    private mutating func withinGroup(of call: inout FunctionCall) throws(SQLError) -> Int {
        let within = advance()
        _ = advance()
        let open = try expect(.leftParen, expected: "( after WITHIN GROUP")
        _ = try expect(.order, expected: "ORDER BY in WITHIN GROUP (")
        _ = try expect(.by, expected: "BY after ORDER")
        let start = current
        let item = try orderItem()
        if item.descending {
            throw SQLError("WITHIN GROUP (ORDER BY … DESC) is not supported: order ascending (for percentile_cont, 1 − q descending is q ascending)",
                           range: start.range.union(item.expression.range))
        }
        let close = try expectClose(open)
        guard !call.star, !call.distinct, call.orderBy.isEmpty else {
            throw SQLError("WITHIN GROUP needs a plain call such as percentile_cont(0.5)", range: within.range.union(close.range))
        }
        call.arguments.insert(item.expression, at: 0)
        call.range = call.range.union(close.range)
        return 1
    }

    /// `FILTER (WHERE condition)`; returns its height.
    private mutating func filterClause(of call: inout FunctionCall) throws(SQLError) -> Int {
        advance()
        let open = advance()
        _ = try expect(.where, expected: "WHERE after FILTER (")
        let filter = try expression()
        call.filter = filter.expr
        call.range = call.range.union(try expectClose(open).range)
        return filter.height
    }

    /// `CASE [operand] WHEN … THEN … [ELSE …] END`
    private mutating func caseExpression() throws(SQLError) -> Node {
        let caseToken = advance()
        var caseWhen = (operand: Expression?.none, branches: [CaseBranch](), elseResult: Expression?.none, height: 0)
        if !isKeyword(.when) { try caseOperand(&caseWhen.operand, &caseWhen.height) }
        while isKeyword(.when) { try caseBranch(&caseWhen.branches, &caseWhen.height) }
        if caseWhen.branches.isEmpty { throw syntaxError(expected: "WHEN") }
        if accept(.else) != nil { try caseOperand(&caseWhen.elseResult, &caseWhen.height) }
        guard let end = accept(.end) else { throw caseWithoutEnd(caseToken, afterElse: caseWhen.elseResult != nil) }
        let range = caseToken.range.union(end.range)
        return try node(.caseWhen(operand: caseWhen.operand, branches: caseWhen.branches,
                                  elseResult: caseWhen.elseResult, range: range),
                        range, height: caseWhen.height + 1, at: caseToken)
    }

    /// The operand of `CASE x`, or the result after ELSE.
    private mutating func caseOperand(_ operand: inout Expression?, _ height: inout Int) throws(SQLError) {
        let node = try expression()
        operand = node.expr
        height = Swift.max(height, node.height)
    }

    /// `WHEN x THEN y`
    private mutating func caseBranch(_ branches: inout [CaseBranch], _ height: inout Int) throws(SQLError) {
        advance()
        let when = try expression()
        _ = try expect(.then, expected: "THEN")
        let then = try expression()
        branches.append(CaseBranch(when: when.expr, then: then.expr))
        height = Swift.max(height, when.height, then.height)
    }

    private func caseWithoutEnd(_ caseToken: Token, afterElse: Bool) -> SQLError {
        unclosed(caseToken, closer: "END", expected: afterElse ? "END" : "WHEN, ELSE or END")
    }

    /// `CAST(x AS type)`
    private mutating func castExpression() throws(SQLError) -> Node {
        let castToken = advance()
        let open = advance()
        let value = try expression()
        _ = try expect(.as, expected: "AS and a type in CAST")
        let type = try typeName()
        let close = try expectClose(open)
        let range = castToken.range.union(close.range)
        return try node(.cast(value.expr, type, range: range), range, height: value.height + 1, at: castToken)
    }

    /// `EXTRACT(field FROM x)`; the field is a word (`YEAR`, `dow`), or a string (`'year'`).
    private mutating func extractExpression() throws(SQLError) -> Node {
        let extractToken = advance()
        let open = advance()
        let field: Identifier
        switch current.kind {
        case .identifier, .quotedIdentifier, .keyword: field = identifier(advance())
        case .string(let name): field = Identifier(name, range: advance().range)
        default: throw syntaxError(expected: "a field to extract, such as YEAR")
        }
        _ = try expect(.from, expected: "FROM in EXTRACT(field FROM value)")
        let value = try expression()
        let close = try expectClose(open)
        let range = extractToken.range.union(close.range)
        return try node(.extract(field: field, value.expr, range: range), range, height: value.height + 1,
                        at: extractToken)
    }

    static let intervalUnits: Set<String> = [
        "year", "years", "quarter", "quarters", "month", "months", "week", "weeks", "day", "days", "hour", "hours",
        "minute", "minutes", "second", "seconds", "millisecond", "milliseconds", "microsecond", "microseconds",
    ]

    /// `INTERVAL '2 days'`, and also `INTERVAL '2' DAY` and `INTERVAL 2 DAY` (as DuckDB), both read as '2 DAY'.
    private mutating func intervalLiteral() throws(SQLError) -> Node {
        let intervalToken = advance()
        let valueToken = advance()
        var value: String
        var needsUnit = false
        if case .string(let string) = valueToken.kind {
            value = string
        } else {
            value = text.text(valueToken.range, limit: .max)
            needsUnit = true
        }
        var end = valueToken.range
        if case .identifier(let unit) = current.kind, Parser.intervalUnits.contains(unit.lowercased()) {
            value += " " + unit
            end = advance().range
        } else if needsUnit {
            throw syntaxError(expected: "a unit after INTERVAL \(value), such as DAY or HOUR")
        }
        let range = intervalToken.range.union(end)
        let type = TypeName("INTERVAL", range: intervalToken.range)
        return Node(expr: .typedLiteral(type, value, range: range), range: range, height: 1)
    }

    // MARK: Types

    /// A type name as written, upper case, single spaces: `BIGINT`, `DOUBLE PRECISION`, `DECIMAL(18,2)`,
    /// `VARCHAR(20)`, `TIMESTAMP WITH TIME ZONE`.
    mutating func typeName() throws(SQLError) -> TypeName {
        let start = current
        guard let first = typeWord(start) else { throw syntaxError(expected: "a type name") }
        advance()
        var words = [first]
        func word(_ offset: Int) -> String? {
            let token = peek(offset)
            switch token.kind {
            case .identifier(let word): return word.uppercased()
            case .keyword(let keyword): return keyword.rawValue
            default: return nil
            }
        }
        switch first {
        case "DOUBLE" where word(0) == "PRECISION":
            words.append("PRECISION")
            advance()
        case "CHARACTER" where word(0) == "VARYING", "CHAR" where word(0) == "VARYING":
            words.append("VARYING")
            advance()
        case "TIMESTAMP", "TIME":
            if let with = word(0), with == "WITH" || with == "WITHOUT", word(1) == "TIME", word(2) == "ZONE" {
                words += [with, "TIME", "ZONE"]
                advance()
                advance()
                advance()
            }
        default:
            break
        }
        var name = words.joined(separator: " ")
        if let open = accept(.leftParen) {
            var parameters: [String] = []
            repeat {
                guard case .integer(let value) = current.kind else {
                    throw syntaxError(expected: "a number (a parameter of type \(name))")
                }
                parameters.append(String(value))
                advance()
            } while accept(.comma) != nil
            _ = try expectClose(open, list: true)
            name += "(" + parameters.joined(separator: ",") + ")"
        }
        return TypeName(name, range: SourceRange(start.range.start, previousEnd))
    }

    private func typeWord(_ token: Token) -> String? {
        switch token.kind {
        case .identifier(let word): return word.uppercased()
        case .keyword(let keyword) where !keyword.isReserved: return keyword.rawValue
        default: return nil
        }
    }
}
