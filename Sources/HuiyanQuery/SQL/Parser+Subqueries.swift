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
        while let keyword = accept(.union) ?? accept(.intersect) ?? accept(.except) {
            let operation: UnionArm.Operation = keyword.kind == .keyword(.union) ? .union : keyword.kind == .keyword(.intersect) ? .intersect : .except
            let word = text.text(keyword.range).uppercased()
            let all = accept(.all) != nil
            if !all { _ = accept(.distinct) }
            guard isKeyword(.select) else { throw syntaxError(expected: "SELECT after \(word)") }
            // ORDER BY, LIMIT and OFFSET after the last SELECT are the whole's; before it, refused.
            for earlier in [statement] + statement.unions.map(\.select) where !earlier.orderBy.isEmpty || earlier.orderByAll != nil || earlier.limit != nil || earlier.offset != nil {
                throw SQLError("ORDER BY, LIMIT and OFFSET of \(operation == .union ? "a" : "an") \(word) come after its last SELECT", range: earlier.range)
            }
            statement.unions.append(UnionArm(all: all, select: try select(nested: nested), operation: operation))
        }
        if var last = statement.unions.last?.select {
            (statement.orderBy, statement.orderByAll, statement.limit, statement.offset) = (last.orderBy, last.orderByAll, last.limit, last.offset)
            (last.orderBy, last.orderByAll, last.limit, last.offset) = ([], nil, nil, nil)
            statement.unions[statement.unions.count - 1].select = last
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
        if let values = acceptWord("VALUES") {
            let body = try valuesList(values)
            _ = try expectClose(open)
            let table = Identifier("", range: SourceRange(open.range.start, previousEnd))
            let alias = try optionalAlias()
            var columns: [Identifier] = []
            if alias != nil, let open = accept(.leftParen) { columns = try columnAliases(open) }
            return (table, alias ?? Identifier("valueslist", range: table.range), .select(body), columns, nil)
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
                if let bracket = accept(.leftBracket) {
                    arguments.append(try fileList(bracket))
                } else {
                    arguments.append(try expression().expr)
                }
            } while try acceptComma()
            _ = try expectClose(open)
        }
        return TableFunctionCall(name: name, arguments: arguments, range: SourceRange(start.range.start, previousEnd))
    }

    /// `['a.parquet', 'b/*.parquet']` (the `[` read): a table function's list of files, as a call of
    /// `list_value` (DuckDB's name for a list) that only a table function's binding takes.
    private mutating func fileList(_ bracket: Token) throws(SQLError) -> Expression {
        var items: [Expression] = []
        if accept(.rightBracket) == nil {
            repeat {
                items.append(try expression().expr)
            } while try acceptComma()
            guard accept(.rightBracket) != nil else { throw unclosed(bracket, closer: "\"]\"", expected: "\",\" or \"]\"") }
        }
        let range = SourceRange(bracket.range.start, previousEnd)
        return .function(FunctionCall(name: Identifier("list_value", range: bracket.range), arguments: items, range: range))
    }

    /// The largest VALUES list in FROM.
    static let maxValuesRows = 1000

    /// `VALUES (a, b), (c, d), …` (VALUES read) as the SELECT it stands for: each row a SELECT of its values,
    /// appended by UNION ALL; the columns are named col0, col1, … as in DuckDB.
    mutating func valuesList(_ values: Token) throws(SQLError) -> SelectStatement {
        var rows: [SelectStatement] = []
        repeat {
            guard let open = accept(.leftParen) else { throw syntaxError(expected: "\"(\" and a row of values after VALUES") }
            var items: [SelectItem] = []
            repeat {
                let e = try expression().expr
                items.append(.expression(e, alias: Identifier("col\(items.count)", range: e.range)))
            } while try acceptComma()
            let close = try expectClose(open, list: true)
            if let first = rows.first, first.items.count != items.count {
                throw SQLError("each row of VALUES must have as many values as the first (\(first.items.count))", range: open.range.union(close.range))
            }
            guard rows.count < Self.maxValuesRows else {
                throw SQLError("a VALUES list in FROM holds at most \(Self.maxValuesRows) rows; load more into a table", range: open.range)
            }
            rows.append(SelectStatement(items: items, range: open.range.union(close.range)))
        } while try acceptComma()
        var statement = rows[0]
        statement.range = values.range.union(rows[rows.count - 1].range)
        statement.unions = rows.dropFirst().map { UnionArm(all: true, select: $0) }
        return statement
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
