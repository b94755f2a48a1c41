/// `CREATE [OR REPLACE] VIEW v [(column, …)] AS query` and `DROP VIEW [IF EXISTS] v`.
extension Parser {
    /// After CREATE (`create`): `[OR REPLACE] VIEW …` (VIEW already read when OR REPLACE is absent).
    mutating func createView(_ create: Token) throws(SQLError) -> Statement {
        var orReplace = false
        if accept(.or) != nil {
            _ = try expectWord("REPLACE", expected: "REPLACE after CREATE OR")
            _ = try expectWord("VIEW", expected: "VIEW after CREATE OR REPLACE")
            orReplace = true
        }
        let view = try tableName()
        var columns: [Identifier] = []
        if let open = accept(.leftParen) { columns = try columnAliases(open) }
        _ = try expect(.as, expected: "AS and a SELECT after the view's name")
        guard isKeyword(.select) || isKeyword(.with) else { throw syntaxError(expected: "SELECT or WITH after AS") }
        let start = current.range.start
        let query = try query()
        let range = SourceRange(start, previousEnd)
        try endOfStatement(expected: [])
        return .createView(CreateViewStatement(view: view, orReplace: orReplace, columns: columns, query: query,
                                               queryText: text.text(range, limit: .max),
                                               range: SourceRange(create.range.start, previousEnd)))
    }

    mutating func dropView() throws(SQLError) -> DropViewStatement {
        let drop = advance()
        _ = try expectWord("VIEW", expected: "VIEW after DROP")
        var ifExists = false
        if accept(.if) != nil {
            _ = try expect(.exists, expected: "EXISTS after IF")
            ifExists = true
        }
        let view = try tableName()
        let range = SourceRange(drop.range.start, previousEnd)
        try endOfStatement(expected: [])
        return DropViewStatement(view: view, ifExists: ifExists, range: range)
    }
}
