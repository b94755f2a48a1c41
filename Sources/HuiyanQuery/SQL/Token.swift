/// One token of a query, with the range of text it came from.
package struct Token: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        /// An unquoted word that is a keyword (case-insensitive). Its text as written is in the query at `range`.
        case keyword(Keyword)
        /// An unquoted word that is not a keyword, as written.
        case identifier(String)
        /// `"name"`, without the quotes and with `""` turned into `"`.
        case quotedIdentifier(String)
        /// `'text'`, without the quotes and with `''` turned into `'`.
        case string(String)
        /// An integer that fits Int64.
        case integer(Int64)
        /// A number with a decimal point or an exponent, or an integer too large for Int64, as written.
        case decimal(String)
        case symbol(Symbol)
        /// The end of the query (always the last token).
        case end
    }

    package var kind: Kind
    package var range: SourceRange

    package init(_ kind: Kind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

/// Operators and punctuation. `!=` is lexed as `.notEqual`, like `<>`.
package enum Symbol: String, Sendable, Equatable {
    case plus = "+", minus = "-", star = "*", slash = "/", percent = "%"
    case equal = "=", notEqual = "<>", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case concat = "||", doubleColon = "::"
    case leftParen = "(", rightParen = ")", comma = ",", dot = ".", semicolon = ";"
    /// A list of files in FROM: `read_parquet(['a.parquet', 'b.parquet'])`.
    case leftBracket = "[", rightBracket = "]"
}

/// The words the grammar gives a meaning. Reserved keywords cannot be names (of columns, tables, aliases) unless
/// written in double quotes; the others can (`date`, `first`, `tables` …), where the grammar leaves no doubt.
package enum Keyword: String, Sendable, Equatable, CaseIterable {
    case all = "ALL", and = "AND", `as` = "AS", asc = "ASC", between = "BETWEEN", by = "BY"
    case `case` = "CASE", cast = "CAST", copy = "COPY", create = "CREATE", cross = "CROSS"
    case date = "DATE", desc = "DESC", describe = "DESCRIBE", distinct = "DISTINCT"
    case `else` = "ELSE", end = "END", except = "EXCEPT", exists = "EXISTS", explain = "EXPLAIN", extract = "EXTRACT"
    case `false` = "FALSE", filter = "FILTER", first = "FIRST", from = "FROM", full = "FULL"
    case group = "GROUP", having = "HAVING", `if` = "IF", ilike = "ILIKE", `in` = "IN", inner = "INNER"
    case intersect = "INTERSECT", interval = "INTERVAL", `is` = "IS", join = "JOIN"
    case last = "LAST", left = "LEFT", like = "LIKE", limit = "LIMIT"
    case natural = "NATURAL", not = "NOT", null = "NULL", nulls = "NULLS"
    case offset = "OFFSET", on = "ON", or = "OR", order = "ORDER", outer = "OUTER", over = "OVER"
    case right = "RIGHT", select = "SELECT", show = "SHOW"
    case table = "TABLE", tables = "TABLES", then = "THEN", timestamp = "TIMESTAMP", timestamptz = "TIMESTAMPTZ"
    case `true` = "TRUE", union = "UNION", using = "USING"
    case when = "WHEN", `where` = "WHERE", window = "WINDOW", with = "WITH"

    /// Keywords that may also be used as a column, table or function name, or as an alias after AS.
    static let nonReserved: Set<Keyword> = [
        .copy, .date, .describe, .exists, .explain, .filter, .first, .if, .interval, .last, .nulls, .show, .tables,
        .timestamp, .timestamptz,
    ]

    /// Reserved keywords that are nevertheless function names when followed by `(`: `left(s, 2)`.
    static let functionNames: Set<Keyword> = [.left, .right]

    package var isReserved: Bool { !Keyword.nonReserved.contains(self) }

    /// The keyword spelled by an unquoted word, in any case.
    package init?(word: String) {
        // Only ASCII words: "ın".uppercased() is "IN".
        guard word.utf8.count <= Keyword.longest, word.utf8.allSatisfy({ $0 < 0x80 }),
              let keyword = Keyword.byName[word.uppercased()] else { return nil }
        self = keyword
    }

    private static let byName: [String: Keyword] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })
    private static let longest = allCases.map(\.rawValue.utf8.count).max() ?? 0
}
