/// Queries inside queries: `WITH name AS (SELECT …)` before a SELECT, and `(SELECT …) alias` in FROM and JOIN.
extension Parser {
    /// How much of `maxNesting` one level of subquery takes (its frames are many more than an operator's).
    static let subqueryNesting = 16

    /// `[WITH name [(columns)] AS (SELECT …), …] SELECT …`; `nested` inside parentheses, where a `)` ends it.
    mutating func query(nested: Bool = false) throws(SQLError) -> SelectStatement {
        var ctes: [CommonTableExpression] = []
        if accept(.with) != nil {
            if case .identifier(let word) = current.kind, word.lowercased() == "recursive" {
                throw SQLError("WITH RECURSIVE is not supported", range: current.range)
            }
            repeat {
                let name = try name(expected: "a name for the WITH query")
                if let other = ctes.first(where: { $0.name.name.lowercased() == name.name.lowercased() }) {
                    throw SQLError("WITH query name \"\(other.name.name)\" is given twice", range: name.range)
                }
                var columns: [Identifier] = []
                if let open = accept(.leftParen) { columns = try columnAliases(open) }
                _ = try expect(.as, expected: "AS and (SELECT …) after the WITH query's name")
                let open = try expect(.leftParen, expected: "\"(\" and a SELECT after AS")
                let body = try subqueryBody(open)
                ctes.append(CommonTableExpression(name: name, columns: columns, query: body,
                                                  range: SourceRange(name.range.start, previousEnd)))
            } while try acceptComma()
            guard isKeyword(.select) else { throw syntaxError(expected: "\",\" or SELECT after the WITH query") }
        }
        var statement = try select(nested: nested)
        statement.with = ctes
        while accept(.union) != nil {
            let all = accept(.all) != nil
            if !all { _ = accept(.distinct) }
            guard isKeyword(.select) else { throw syntaxError(expected: "SELECT after UNION") }
            // ORDER BY, LIMIT and OFFSET after the last SELECT are the union's; before it, refused.
            for earlier in [statement] + statement.unions.map(\.select) where !earlier.orderBy.isEmpty || earlier.limit != nil || earlier.offset != nil {
                throw SQLError("ORDER BY, LIMIT and OFFSET of a UNION come after its last SELECT", range: earlier.range)
            }
            statement.unions.append(UnionArm(all: all, select: try select(nested: nested)))
        }
        if var last = statement.unions.last?.select {
            (statement.orderBy, statement.limit, statement.offset) = (last.orderBy, last.limit, last.offset)
            (last.orderBy, last.limit, last.offset) = ([], nil, nil)
            statement.unions[statement.unions.count - 1].select = last
        }
        if isKeyword(.intersect) || isKeyword(.except) {
            throw SQLError("\(text.text(current.range).uppercased()) is not supported", range: current.range)
        }
        return statement
    }

    /// A SELECT in parentheses after its `(`, up to and with the `)`.
    mutating func subqueryBody(_ open: Token) throws(SQLError) -> SelectStatement {
        guard isKeyword(.select) || isKeyword(.with) else { throw syntaxError(expected: "SELECT or WITH in the parentheses") }
        nesting += Parser.subqueryNesting
        defer { nesting -= Parser.subqueryNesting }
        guard nesting <= Parser.maxNesting else { throw SQLError("subqueries are nested too deeply", range: current.range) }
        let body = try query(nested: true)
        _ = try expectClose(open)
        return body
    }

    /// One table of FROM or JOIN: a name, `(SELECT …)`, a table function `name(arguments)` or a file
    /// `'f.parquet'`, with its alias and the alias's column names.
    mutating func fromItem() throws(SQLError) -> (table: Identifier, alias: Identifier?, subquery: Subquery?, columnAliases: [Identifier],
                                                 function: TableFunctionCall?) {
        if let function = try tableFunctionCall() {
            let alias = try optionalAlias()
            var columns: [Identifier] = []
            if alias != nil, let open = accept(.leftParen) { columns = try columnAliases(open) }
            return (function.name, alias, nil, columns, function)
        }
        guard let open = accept(.leftParen) else {
            return (try tableName(), try optionalAlias(), nil, [], nil)
        }
        guard isKeyword(.select) || isKeyword(.with) else {
            throw syntaxError(expected: "SELECT or WITH after \"(\" in FROM", hint: "tables in parentheses are not supported")
        }
        let body = try subqueryBody(open)
        let table = Identifier("", range: SourceRange(open.range.start, previousEnd))
        let alias = try optionalAlias()
        var columns: [Identifier] = []
        if alias != nil, let open = accept(.leftParen) { columns = try columnAliases(open) }
        return (table, alias, .select(body), columns, nil)
    }

    /// `name(argument, …)` or `'path'` in FROM, or nil when the table is something else.
    private mutating func tableFunctionCall() throws(SQLError) -> TableFunctionCall? {
        let start = current
        if case .string = start.kind {
            let path = try expression()
            return TableFunctionCall(name: Identifier("", range: start.range), arguments: [path.expr], range: start.range)
        }
        guard case .identifier = start.kind, isSymbol(.leftParen, peek()) else { return nil }
        let name = try name(expected: "a table function")
        let open = advance()
        var arguments: [Expression] = []
        if accept(.rightParen) == nil {
            nesting += 1
            defer { nesting -= 1 }
            repeat {
                arguments.append(try expression().expr)
            } while try acceptComma()
            _ = try expectClose(open)
        }
        return TableFunctionCall(name: name, arguments: arguments, range: SourceRange(start.range.start, previousEnd))
    }

    /// `a, b, …)` after a `(`: names for a subquery's columns.
    mutating func columnAliases(_ open: Token) throws(SQLError) -> [Identifier] {
        var names: [Identifier] = []
        repeat {
            names.append(try name(expected: "a column name"))
        } while try acceptComma()
        _ = try expectClose(open, list: true)
        return names
    }
}
