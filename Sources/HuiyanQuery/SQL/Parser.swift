/// The SQL parser: recursive descent for statements, precedence climbing for expressions (see
/// `Parser+Expressions.swift`). It builds the syntax tree of `AST.swift`; names and types are checked later, by
/// the binder.
package struct Parser {
    /// How deeply expressions may nest before the parser refuses them (rather than run out of stack): every
    /// parenthesis, call, CASE … counts one level, and so does an operand of a tighter operator inside a looser
    /// one (`a OR (b AND (c = d + e * f))`). 255 nested parentheses parse; about 3 MB of stack in a debug build,
    /// under 512 KB in a release build.
    package static let maxNesting = 256
    /// How tall an expression tree may grow, counting every operator (a chain of 1,000 ORs is that tall); code
    /// that walks the tree recursively can rely on it.
    package static let maxHeight = 1000

    let text: SourceText
    /// (`var`: a SELECT in COPY's parentheses is parsed with its closing parenthesis read as the end.)
    var tokens: [Token]
    /// The first lexical error; the tokens end at it.
    let lexError: SQLError?
    var position = 0
    var nesting = 0
    /// The index of the last alias written without AS, to point at it when it is a misspelled keyword
    /// (`SELECT a FORM t`).
    var bareAliasIndex: Int?

    private init(_ sql: String) {
        text = SourceText(sql)
        (tokens, lexError) = Lexer.scan(text.bytes)
    }

    // MARK: Entry points

    /// The statements of `sql`, separated by `;` (empty statements are skipped; a final `;` is optional).
    package static func parse(_ sql: String) throws(SQLError) -> [Statement] {
        try run(sql) { (parser: inout Parser) throws(SQLError) -> [Statement] in
            var statements: [Statement] = []
            while true {
                while parser.accept(.semicolon) != nil {}
                if parser.current.kind == .end { return statements }
                statements.append(try parser.statement())
            }
        }
    }

    /// Exactly one statement (a final `;` is allowed).
    package static func parseOne(_ sql: String) throws(SQLError) -> Statement {
        try run(sql) { (parser: inout Parser) throws(SQLError) -> Statement in
            while parser.accept(.semicolon) != nil {}
            if parser.current.kind == .end { throw parser.statementStartError() }
            let statement = try parser.statement()
            while parser.accept(.semicolon) != nil {}
            if parser.current.kind != .end {
                let next = parser.text.text(parser.current.range)
                throw SQLError("only one statement is allowed here, but another one starts at \"\(next)\"",
                               range: parser.current.range)
            }
            return statement
        }
    }

    /// One expression on its own (`a + 1`), as in a SELECT list.
    package static func parseExpression(_ sql: String) throws(SQLError) -> Expression {
        try run(sql) { (parser: inout Parser) throws(SQLError) -> Expression in
            let node = try parser.expression()
            if parser.current.kind != .end { throw parser.syntaxError(expected: "the end of the expression") }
            return node.expr
        }
    }

    /// Runs `body`, and reports the lexical error instead of a syntax error the parser found at or after it
    /// (where the tokens stop).
    private static func run<T>(_ sql: String, _ body: (inout Parser) throws(SQLError) -> T) throws(SQLError) -> T {
        var parser = Parser(sql)
        let result: T
        do throws(SQLError) {
            result = try body(&parser)
        } catch {
            if let lexError = parser.lexError, error.range.start >= lexError.range.start { throw lexError }
            throw error
        }
        if let lexError = parser.lexError { throw lexError }
        return result
    }

    // MARK: Tokens

    var current: Token { tokens[position] }

    func peek(_ offset: Int = 1) -> Token { tokens[Swift.min(position + offset, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    /// The end of the last token consumed.
    var previousEnd: Int { position > 0 ? tokens[position - 1].range.end : 0 }

    func isKeyword(_ keyword: Keyword, _ token: Token? = nil) -> Bool { (token ?? current).kind == .keyword(keyword) }

    func isSymbol(_ symbol: Symbol, _ token: Token? = nil) -> Bool { (token ?? current).kind == .symbol(symbol) }

    mutating func accept(_ keyword: Keyword) -> Token? { isKeyword(keyword) ? advance() : nil }

    mutating func accept(_ symbol: Symbol) -> Token? { isSymbol(symbol) ? advance() : nil }

    mutating func expect(_ keyword: Keyword, expected: String) throws(SQLError) -> Token {
        guard let token = accept(keyword) else {
            throw syntaxError(expected: expected, hint: suggestion(for: current, among: [keyword.rawValue]))
        }
        return token
    }

    mutating func expect(_ symbol: Symbol, expected: String) throws(SQLError) -> Token {
        guard let token = accept(symbol) else { throw syntaxError(expected: expected) }
        return token
    }

    /// The `)` closing `open`; `list` says a `,` could have come instead.
    mutating func expectClose(_ open: Token, list: Bool = false) throws(SQLError) -> Token {
        if let close = accept(.rightParen) { return close }
        throw unclosed(open, closer: "\")\"", expected: list ? "\",\" or \")\"" : "\")\"")
    }

    /// A `,` continuing a list; a comma before a clause keyword, `)` or the end is a trailing comma, and an error.
    mutating func acceptComma() throws(SQLError) -> Bool {
        guard let comma = accept(.comma) else { return false }
        let before: String
        switch current.kind {
        case .keyword(let keyword) where Parser.clauseKeywords.contains(keyword):
            before = keyword == .group || keyword == .order ? "\(keyword.rawValue) BY" : keyword.rawValue
        case .symbol(.rightParen): before = "\")\""
        case .symbol(.semicolon): before = "the end of the statement"
        case .end where lexError == nil: before = "the end of the statement"
        default: return true
        }
        throw SQLError("syntax error at or near \",\": remove the trailing comma before \(before)", range: comma.range)
    }

    static let clauseKeywords: Set<Keyword> = [.from, .where, .group, .having, .order, .limit, .offset]

    // MARK: Names

    /// A name: an identifier, a quoted identifier, or a keyword that is not reserved.
    mutating func name(expected: String) throws(SQLError) -> Identifier {
        let token = current
        switch token.kind {
        case .identifier(let name):
            advance()
            return Identifier(name, range: token.range)
        case .quotedIdentifier(let name):
            advance()
            return Identifier(name, quoted: true, range: token.range)
        case .keyword(let keyword) where !keyword.isReserved:
            advance()
            return Identifier(text.text(token.range, limit: .max), range: token.range)
        case .keyword:
            throw syntaxError(expected: expected, hint: keywordAsNameHint(token))
        default:
            throw syntaxError(expected: expected)
        }
    }

    /// `[AS] alias`: after AS any name; without AS only an identifier that is not a keyword.
    mutating func optionalAlias() throws(SQLError) -> Identifier? {
        if accept(.as) != nil { return try name(expected: "a name after AS") }
        switch current.kind {
        case .identifier(let name) where name.uppercased() != "QUALIFY":
            bareAliasIndex = position
            return Identifier(name, range: advance().range)
        case .quotedIdentifier(let name):
            return Identifier(name, quoted: true, range: advance().range)
        default:
            return nil
        }
    }

    func keywordAsNameHint(_ token: Token) -> String {
        let word = text.text(token.range)
        return "\(word.uppercased()) is a keyword; to use it as a name, write it in double quotes: "
            + "\"\(word.lowercased())\""
    }

    // MARK: Statements

    mutating func statement() throws(SQLError) -> Statement {
        let start = current
        switch start.kind {
        case .keyword(.select), .keyword(.with):
            return .select(try query())
        case .keyword(.explain):
            advance()
            var analyze = false
            if case .identifier(let word) = current.kind, word.lowercased() == "analyze" {
                advance()
                analyze = true
            }
            guard isKeyword(.select) || isKeyword(.with) else {
                throw syntaxError(expected: analyze ? "SELECT after EXPLAIN ANALYZE" : "SELECT after EXPLAIN")
            }
            let select = try query()
            let range = SourceRange(start.range.start, select.range.end)
            return analyze ? .explainAnalyze(select, range: range) : .explain(select, range: range)
        case .keyword(.show):
            advance()
            _ = try expect(.tables, expected: "TABLES after SHOW")
            let range = SourceRange(start.range.start, previousEnd)
            try endOfStatement(expected: [])
            return .showTables(range: range)
        case .keyword(.describe), .keyword(.desc):
            advance()
            if isKeyword(.select) || isKeyword(.with) || isSymbol(.leftParen) {
                let select: SelectStatement
                if let open = accept(.leftParen) { select = try parenthesizedSelect(open) } else { select = try query() }
                let range = SourceRange(start.range.start, previousEnd)
                try endOfStatement(expected: [])
                return .describeQuery(select, range: range)
            }
            let table = try tableName()
            let range = SourceRange(start.range.start, previousEnd)
            try endOfStatement(expected: [])
            return .describe(table: table, range: range)
        case .keyword(.create):
            return try createTable()
        case .keyword(.copy):
            return try copy()
        case .identifier(let word) where word.uppercased() == "DROP":
            if case .identifier(let next) = peek().kind, next.uppercased() == "VIEW" { return .dropView(try dropView()) }
            return .dropTable(try dropTable())
        case .identifier(let word) where word.uppercased() == "INSERT":
            return .insert(try insert())
        default:
            throw statementStartError()
        }
    }

    func statementStartError() -> SQLError {
        var hint = suggestion(for: current, among: ["SELECT", "EXPLAIN", "SHOW", "DESCRIBE", "CREATE", "COPY", "INSERT", "DROP"])
        switch current.kind {
        case .identifier(let word):
            switch word.uppercased() {
            case "SET": hint = "SET is not supported; the time zone is set with huiyan init --time-zone ZONE (the database's) or huiyan query --time-zone ZONE (one run)"
            case "UPDATE", "DELETE", "ALTER", "TRUNCATE", "MERGE", "UPSERT", "REPLACE":
                hint = "\(word.uppercased()) is not supported"
            default: break
            }
        case .symbol(.leftParen): hint = "a SELECT in parentheses is not supported"
        default: break
        }
        return syntaxError(expected: "SELECT, EXPLAIN, SHOW TABLES, DESCRIBE, CREATE TABLE, INSERT, DROP TABLE or COPY", hint: hint)
    }

    /// The statement must end here (at `;` or the end of the query); otherwise an error listing what could
    /// have come instead.
    mutating func endOfStatement(expected: [String], clause: SelectClause? = nil) throws(SQLError) {
        switch current.kind {
        case .symbol(.semicolon), .end: return
        default: break
        }
        let expectedText = Parser.list(expected + ["the end of the statement"])
        let clauseWords = ["FROM", "JOIN", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET"]
        // An alias written without AS just before is likely a misspelled keyword: `SELECT a FORM t`.
        if let index = bareAliasIndex, index == position - 1, clause != nil,
           let hint = suggestion(for: tokens[index], among: clauseWords) {
            throw syntaxError(expected: expectedText, at: tokens[index], hint: hint)
        }
        var hint: String?
        if let clause, case .keyword(let keyword) = current.kind, let other = SelectClause(keyword: keyword),
           other <= clause {
            let word = text.text(current.range).uppercased()
            let name = keyword == .group || keyword == .order ? word + " BY" : word
            hint = other == clause ? "a SELECT has only one \(name) clause" : "\(name) must come before \(clause.name)"
        } else if clause != nil {
            hint = suggestion(for: current, among: clauseWords)
        }
        switch current.kind {
        case .keyword(.select), .keyword(.explain), .keyword(.show), .keyword(.describe), .keyword(.create),
             .keyword(.copy):
            hint = hint ?? "is a \";\" missing before the next statement?"
        default: break
        }
        throw syntaxError(expected: expectedText, hint: hint)
    }

    // MARK: SELECT

    /// The clauses of a SELECT, in the order they must come.
    enum SelectClause: Int, Comparable {
        case select, from, `where`, groupBy, having, orderBy, limit

        init?(keyword: Keyword) {
            switch keyword {
            case .from: self = .from
            case .where: self = .where
            case .group: self = .groupBy
            case .having: self = .having
            case .order: self = .orderBy
            case .limit, .offset: self = .limit
            default: return nil
            }
        }

        var name: String {
            switch self {
            case .select: return "the select list"
            case .from: return "FROM"
            case .where: return "WHERE"
            case .groupBy: return "GROUP BY"
            case .having: return "HAVING"
            case .orderBy: return "ORDER BY"
            case .limit: return "LIMIT/OFFSET"
            }
        }

        static func < (a: SelectClause, b: SelectClause) -> Bool { a.rawValue < b.rawValue }
    }

    /// A SELECT; `nested` inside parentheses, where a `)` ends it.
    mutating func select(nested: Bool = false) throws(SQLError) -> SelectStatement {
        let selectToken = advance()
        var statement = SelectStatement(items: [], range: selectToken.range)
        if accept(.distinct) != nil {
            statement.distinct = true
            if accept(.on) != nil {
                statement.distinct = false
                let open = try expect(.leftParen, expected: "\"(\" after DISTINCT ON")
                repeat {
                    statement.distinctOn.append(try expression().expr)
                } while try acceptComma()
                _ = try expectClose(open, list: true)
            }
        } else {
            _ = accept(.all)
        }
        repeat {
            statement.items.append(try selectItem())
        } while try acceptComma()
        var clause = SelectClause.select

        if accept(.from) != nil {
            statement.from = try fromClause()
            clause = .from
        }
        if accept(.where) != nil {
            statement.whereClause = try expression().expr
            clause = .where
        }
        if accept(.group) != nil {
            _ = try expect(.by, expected: "BY after GROUP")
            try groupByItems(&statement)
            clause = .groupBy
        }
        if accept(.having) != nil {
            statement.having = try expression().expr
            clause = .having
        }
        if accept(.window) != nil {
            statement.windows = try windowClause()
            clause = .having
        }
        if acceptWord("QUALIFY") != nil {
            statement.qualify = try expression().expr
            clause = .having
        }
        if accept(.order) != nil {
            _ = try expect(.by, expected: "BY after ORDER")
            if let all = accept(.all) {
                statement.orderByAll = try orderDirection(OrderItem(expression: .column(qualifier: nil, name: Identifier("ALL", range: all.range))))
            } else {
                repeat {
                    statement.orderBy.append(try orderItem())
                } while try acceptComma()
            }
            clause = .orderBy
        }
        var sawLimit = false
        var sawOffset = false
        while true {
            if !sawLimit, accept(.limit) != nil {
                sawLimit = true
                if accept(.all) == nil { statement.limit = try expression().expr }  // LIMIT ALL: no limit
            } else if !sawOffset, accept(.offset) != nil {
                sawOffset = true
                statement.offset = try expression().expr
            } else {
                break
            }
            clause = .limit
        }
        statement.range = SourceRange(selectToken.range.start, previousEnd)

        let expected: [String]
        switch clause {
        case .select: expected = ["FROM", "WHERE", "GROUP BY", "ORDER BY", "LIMIT"]
        case .from: expected = ["JOIN", "WHERE", "GROUP BY", "ORDER BY", "LIMIT"]
        case .where: expected = ["GROUP BY", "ORDER BY", "LIMIT"]
        case .groupBy: expected = ["HAVING", "ORDER BY", "LIMIT"]
        case .having: expected = ["ORDER BY", "LIMIT"]
        case .orderBy: expected = ["LIMIT", "OFFSET"]
        case .limit: expected = (sawLimit ? [] : ["LIMIT"]) + (sawOffset ? [] : ["OFFSET"])
        }
        if (nested && isSymbol(.rightParen)) || isKeyword(.union) || isKeyword(.intersect) || isKeyword(.except) { return statement }
        try endOfStatement(expected: expected + (nested ? ["\")\""] : []), clause: clause)
        return statement
    }

    mutating func selectItem() throws(SQLError) -> SelectItem {
        if let star = accept(.star) { return .star(qualifier: nil, range: star.range) }
        if isSymbol(.dot, peek()) && isSymbol(.star, peek(2)) {
            let qualifierToken = current
            let qualifier = try name(expected: "a table name")
            advance()
            let star = advance()
            return .star(qualifier: qualifier, range: SourceRange(qualifierToken.range.start, star.range.end))
        }
        let expression = try expression()
        return .expression(expression.expr, alias: try optionalAlias())
    }

    mutating func fromClause() throws(SQLError) -> TableReference {
        let first = try fromItem()
        var reference = TableReference(table: first.table, alias: first.alias, subquery: first.subquery)
        reference.function = first.function
        reference.columnAliases = first.columnAliases
        while true {
            let start = current
            let kind: Join.Kind
            var cross = false
            // NATURAL [INNER | LEFT | RIGHT | FULL [OUTER]] JOIN: USING the columns of the same name.
            let natural = accept(.natural) != nil
            if natural && (isKeyword(.cross) || isSymbol(.comma)) {
                throw syntaxError(expected: "JOIN, INNER, LEFT, RIGHT or FULL after NATURAL")
            }
            if accept(.cross) != nil {
                _ = try expect(.join, expected: "JOIN after CROSS")
                (kind, cross) = (.inner, true)
            } else if accept(.comma) != nil {
                (kind, cross) = (.inner, true)
            } else if accept(.join) != nil {
                kind = .inner
            } else if accept(.inner) != nil {
                _ = try expect(.join, expected: "JOIN after INNER")
                kind = .inner
            } else if accept(.left) != nil {
                _ = accept(.outer)
                _ = try expect(.join, expected: "JOIN after LEFT")
                kind = .left
            } else {
                switch current.kind {
                case .keyword(.right), .keyword(.full):
                    let isFull = advance().kind == .keyword(.full)
                    _ = accept(.outer)
                    _ = try expect(.join, expected: "JOIN after \(isFull ? "FULL" : "RIGHT")")
                    kind = isFull ? .full : .right
                case .keyword(.outer):
                    throw syntaxError(expected: "LEFT before OUTER JOIN")
                default:
                    if natural { throw syntaxError(expected: "JOIN after NATURAL") }
                    return reference
                }
            }
            let item = try fromItem()
            if cross {
                // Every row with every row: a join whose condition always holds.
                let range = SourceRange(start.range.start, previousEnd)
                var join = Join(kind: .inner, table: item.table, alias: item.alias, condition: .literal(.bool(true), range: range),
                                range: range, subquery: item.subquery)
                join.columnAliases = item.columnAliases
                reference.joins.append(join)
                continue
            }
            if natural {
                let range = SourceRange(start.range.start, previousEnd)
                var join = Join(kind: kind, table: item.table, alias: item.alias, condition: .literal(.bool(true), range: range),
                                range: range, subquery: item.subquery)
                join.columnAliases = item.columnAliases
                join.function = item.function
                join.natural = true
                reference.joins.append(join)
                continue
            }
            if accept(.using) != nil {
                guard let open = accept(.leftParen) else { throw syntaxError(expected: "\"(\" and column names after USING") }
                let columns = try columnAliases(open)
                let range = SourceRange(start.range.start, previousEnd)
                var join = Join(kind: kind, table: item.table, alias: item.alias, condition: .literal(.bool(true), range: range),
                                range: range, subquery: item.subquery)
                join.columnAliases = item.columnAliases
                join.using = columns
                reference.joins.append(join)
                continue
            }
            _ = try expect(.on, expected: "ON and a join condition")
            let condition = try expression()
            var join = Join(kind: kind, table: item.table, alias: item.alias, condition: condition.expr,
                            range: SourceRange(start.range.start, condition.range.end), subquery: item.subquery)
            join.columnAliases = item.columnAliases
            join.function = item.function
            reference.joins.append(join)
        }
    }

    mutating func tableName() throws(SQLError) -> Identifier {
        if isSymbol(.leftParen) {
            throw syntaxError(expected: "a table name", hint: "subqueries are not supported")
        }
        let table = try name(expected: "a table name")
        if isSymbol(.dot) {
            throw SQLError("syntax error at or near \".\": qualified table names (schema.table) are not supported",
                           range: current.range)
        }
        return table
    }

    mutating func orderItem() throws(SQLError) -> OrderItem {
        try orderDirection(OrderItem(expression: try expression().expr))
    }

    /// `[ASC | DESC] [NULLS FIRST | NULLS LAST]` after an ORDER BY item.
    mutating func orderDirection(_ item: OrderItem) throws(SQLError) -> OrderItem {
        var item = item
        if accept(.asc) == nil, accept(.desc) != nil { item.descending = true }
        if accept(.nulls) != nil {
            if accept(.first) != nil {
                item.nullsFirst = true
            } else if accept(.last) != nil {
                item.nullsFirst = false
            } else {
                throw syntaxError(expected: "FIRST or LAST after NULLS")
            }
        }
        return item
    }

    // MARK: CREATE TABLE, DROP TABLE, INSERT, COPY

    /// The unquoted word `word` (not a keyword of the lexer: TO, DROP, INSERT, INTO, VALUES), consumed.
    mutating func acceptWord(_ word: String) -> Token? {
        if case .identifier(let name) = current.kind, name.uppercased() == word { return advance() }
        return nil
    }

    mutating func expectWord(_ word: String, expected: String) throws(SQLError) -> Token {
        guard let token = acceptWord(word) else { throw syntaxError(expected: expected, hint: suggestion(for: current, among: [word])) }
        return token
    }

    /// A SELECT inside parentheses that `open` opened: parsed with the matching `)` read as the end of the
    /// statement, then that `)` consumed.
    mutating func parenthesizedSelect(_ open: Token) throws(SQLError) -> SelectStatement {
        guard isKeyword(.select) else { throw syntaxError(expected: "SELECT") }
        var depth = 0
        var close = position
        while close < tokens.count - 1 {
            if tokens[close].kind == .symbol(.leftParen) { depth += 1 }
            if tokens[close].kind == .symbol(.rightParen) { if depth == 0 { break }; depth -= 1 }
            close += 1
        }
        let saved = tokens[close]
        if saved.kind == .symbol(.rightParen) { tokens[close] = Token(.symbol(.semicolon), range: saved.range) }
        defer { tokens[close] = saved }
        let query = try select()
        tokens[close] = saved
        _ = try expectClose(open)
        return query
    }

    mutating func createTable() throws(SQLError) -> Statement {
        let create = advance()
        if isKeyword(.or) || acceptWord("VIEW") != nil { return try createView(create) }
        _ = try expect(.table, expected: "TABLE after CREATE")
        var ifNotExists = false
        if accept(.if) != nil {
            _ = try expect(.not, expected: "NOT EXISTS after IF")
            _ = try expect(.exists, expected: "EXISTS after IF NOT")
            ifNotExists = true
        }
        let table = try tableName()
        if accept(.as) != nil {
            guard isKeyword(.select) else { throw syntaxError(expected: "SELECT after AS") }
            let query = try select()
            return .createTableAs(CreateTableAsStatement(table: table, ifNotExists: ifNotExists, query: query,
                                                         range: SourceRange(create.range.start, query.range.end)))
        }
        let open = try expect(.leftParen, expected: "\"(\" and a list of columns, or AS SELECT …")
        var columns: [CreateTableStatement.Column] = []
        repeat {
            let column = try name(expected: "a column name")
            let type = try typeName()
            var notNull = false
            if accept(.not) != nil {
                _ = try expect(.null, expected: "NULL after NOT")
                notNull = true
            } else {
                _ = accept(.null)
            }
            if case .identifier(let word) = current.kind,
               ["PRIMARY", "DEFAULT", "UNIQUE", "REFERENCES", "CHECK", "CONSTRAINT", "COLLATE", "GENERATED"]
                   .contains(word.uppercased()) {
                throw SQLError("\(word.uppercased()) is not supported: a column has a type and optionally NOT NULL",
                               range: current.range)
            }
            columns.append(CreateTableStatement.Column(name: column, type: type, notNull: notNull))
        } while try acceptComma()
        let close = try expectClose(open, list: true)
        try endOfStatement(expected: [])
        return .createTable(CreateTableStatement(table: table, ifNotExists: ifNotExists, columns: columns,
                                                 range: SourceRange(create.range.start, close.range.end)))
    }

    mutating func dropTable() throws(SQLError) -> DropTableStatement {
        let drop = advance()
        _ = try expect(.table, expected: "TABLE or VIEW after DROP")
        var ifExists = false
        if accept(.if) != nil {
            _ = try expect(.exists, expected: "EXISTS after IF")
            ifExists = true
        }
        let table = try tableName()
        let range = SourceRange(drop.range.start, previousEnd)
        try endOfStatement(expected: [])
        return DropTableStatement(table: table, ifExists: ifExists, range: range)
    }

    mutating func insert() throws(SQLError) -> InsertStatement {
        let insert = advance()
        _ = try expectWord("INTO", expected: "INTO after INSERT")
        let table = try tableName()
        var columns: [Identifier]?
        if let open = accept(.leftParen) {
            var names: [Identifier] = []
            repeat { names.append(try name(expected: "a column name")) } while try acceptComma()
            _ = try expectClose(open, list: true)
            columns = names
        }
        if isKeyword(.select) {
            let query = try select()
            return InsertStatement(table: table, columns: columns, source: .query(query),
                                   range: SourceRange(insert.range.start, query.range.end))
        }
        _ = try expectWord("VALUES", expected: "VALUES or SELECT")
        var rows: [(expressions: [Expression], range: SourceRange)] = []
        repeat {
            let open = try expect(.leftParen, expected: "\"(\" and a row of values")
            var row: [Expression] = []
            repeat { row.append(try expression().expr) } while try acceptComma()
            let close = try expectClose(open, list: true)
            rows.append((row, SourceRange(open.range.start, close.range.end)))
        } while try acceptComma()
        let range = SourceRange(insert.range.start, previousEnd)
        try endOfStatement(expected: [])
        return InsertStatement(table: table, columns: columns, source: .values(rows), range: range)
    }

    mutating func copy() throws(SQLError) -> Statement {
        let copy = advance()
        if let open = accept(.leftParen) {
            let query = try parenthesizedSelect(open)
            _ = try expectWord("TO", expected: "TO and a file path after COPY (SELECT …)")
            let (path, options) = try copyPathAndOptions()
            return .copyTo(CopyToStatement(source: .query(query), path: path, options: options, range: SourceRange(copy.range.start, previousEnd)))
        }
        let table = try tableName()
        if isSymbol(.leftParen) {
            throw syntaxError(expected: "FROM or TO", hint: "a list of columns in COPY is not supported")
        }
        if acceptWord("TO") != nil {
            let (path, options) = try copyPathAndOptions()
            return .copyTo(CopyToStatement(source: .table(table), path: path, options: options, range: SourceRange(copy.range.start, previousEnd)))
        }
        _ = try expect(.from, expected: "FROM or TO and a file path")
        let (path, options) = try copyPathAndOptions()
        return .copy(CopyStatement(table: table, path: path, options: options, range: SourceRange(copy.range.start, previousEnd)))
    }

    /// `'path' [[WITH] (option [value], …)]` and the end of the statement.
    mutating func copyPathAndOptions() throws(SQLError) -> (String, [(name: String, value: String)]) {
        guard case .string(let path) = current.kind else {
            throw syntaxError(expected: "a file path in single quotes")
        }
        advance()
        var options: [(name: String, value: String)] = []
        let open: Token?
        if accept(.with) != nil {
            open = try expect(.leftParen, expected: "\"(\" and a list of options after WITH")
        } else {
            open = accept(.leftParen)
        }
        if let open {
            repeat {
                let option = current
                switch option.kind {
                case .identifier, .keyword: advance()
                default: throw syntaxError(expected: "an option, such as FORMAT csv")
                }
                let name = text.text(option.range, limit: .max).lowercased()
                var value = "true"
                switch current.kind {
                case .identifier, .keyword: value = text.text(advance().range, limit: .max).lowercased()
                case .string(let string), .quotedIdentifier(let string): value = string; advance()
                case .integer, .decimal: value = text.text(advance().range, limit: .max)
                case .symbol(.leftParen):
                    // A list of names (PARTITION_BY (a, b)): the value is the names joined by commas.
                    let list = advance()
                    var names: [String] = []
                    repeat { names.append(try self.name(expected: "a column name").name) } while try acceptComma()
                    _ = try expectClose(list, list: true)
                    value = names.joined(separator: ",")
                default: break
                }
                options.append((name, value))
            } while try acceptComma()
            _ = try expectClose(open, list: true)
        }
        try endOfStatement(expected: open == nil ? ["options in parentheses"] : [])
        return (path, options)
    }

    // MARK: Errors

    /// The end of the last token of the query: where "unexpected end of query" points.
    var endOfQuery: Int { tokens.count >= 2 ? tokens[tokens.count - 2].range.end : 0 }

    /// `syntax error at or near "X": expected …` at a token (the current one by default), or `unexpected end of
    /// query: expected …` at the end; with a hint in parentheses, or else one about double quotes if the token
    /// is, or follows, a name in double quotes that looks like it was meant as a string.
    func syntaxError(expected: String, at token: Token? = nil, hint: String? = nil) -> SQLError {
        let token = token ?? current
        var hint = hint
        if token.kind == .end {
            if let lexError { return lexError }
            let message = "unexpected end of query: expected \(expected)" + (hint.map { " (\($0))" } ?? "")
            return SQLError(message, range: SourceRange(endOfQuery, endOfQuery))
        }
        if hint == nil {
            if case .quotedIdentifier(let name) = token.kind {
                hint = Parser.doubleQuoteHint(name)
            } else if token == current, position > 0, case .quotedIdentifier(let name) = tokens[position - 1].kind,
                      Parser.looksLikeValue(name) {
                hint = Parser.doubleQuoteHint(name)
            }
        }
        let message = "syntax error at or near \"\(text.text(token.range))\": expected \(expected)"
        return SQLError(message + (hint.map { " (\($0))" } ?? ""), range: token.range)
    }

    /// An opening `(` or CASE whose closing `)` or END is missing.
    func unclosed(_ opener: Token, closer: String, expected: String) -> SQLError {
        let opening = opener.kind == .symbol(.leftParen) ? "\"(\"" : text.text(opener.range).uppercased()
        let at = text.position(of: opener.range.start)
        if current.kind == .end && lexError == nil {
            return SQLError("missing \(closer) to close \(opening) at \(at)",
                            range: SourceRange(endOfQuery, endOfQuery))
        }
        return syntaxError(expected: "\(expected) to close \(opening) at \(at)")
    }

    static func doubleQuoteHint(_ name: String) -> String {
        var shown = name
        if name.unicodeScalars.count > 30 {
            var prefix = String.UnicodeScalarView()
            prefix.append(contentsOf: name.unicodeScalars.prefix(30))
            shown = String(prefix) + "…"
        }
        let escaped = shown.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''")
        return "\"\(shown)\" in double quotes is a name; write a string value in single quotes: '\(escaped)'"
    }

    /// A name in double quotes that could hardly be a column: with spaces or punctuation, or starting with a digit.
    static func looksLikeValue(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first else { return false }
        if first.isASCII && Lexer.isDigit(UInt8(first.value)) { return true }
        return name.unicodeScalars.contains { !Lexer.isWordPart($0) }
    }

    /// "did you mean WHERE?" for a word one or two typos away from one of `candidates`.
    func suggestion(for token: Token, among candidates: [String]) -> String? {
        guard case .identifier(let word) = token.kind, word.count >= 3, word.unicodeScalars.allSatisfy(\.isASCII)
        else { return nil }
        let upper = Array(word.uppercased().utf8)
        let limit = upper.count <= 4 ? 1 : 2
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = EditDistance.between(upper, Array(candidate.utf8))
            if distance <= limit, distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        return best.map { "did you mean \($0.candidate)?" }
    }

    /// "A, B or C"
    static func list(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " or " + items.last!
    }
}
