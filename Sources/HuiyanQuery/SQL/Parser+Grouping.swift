/// GROUP BY's lists of keys: expressions, `ROLLUP (…)`, `CUBE (…)` and `GROUPING SETS (…)`, several of them
/// crossed (`GROUP BY a, ROLLUP (b, c)` is the sets (a, b, c), (a, b), (a)); and `GROUP BY ALL`. The words
/// ROLLUP, CUBE, GROUPING and SETS are not keywords of the lexer.
extension Parser {
    /// The largest number of grouping sets a GROUP BY may make (CUBE of 12 keys makes 4,096).
    static let maxGroupingSets = 4096

    /// The items after GROUP BY (BY already read): the keys into `groupBy`, the sets (when ROLLUP, CUBE or
    /// GROUPING SETS is written) into `groupingSets` as positions in `groupBy`.
    mutating func groupByItems(_ statement: inout SelectStatement) throws(SQLError) {
        if accept(.all) != nil {
            statement.groupByAll = true
            return
        }
        var sets: [[Int]] = [[]]
        var hasSets = false
        repeat {
            let start = current
            let element: [[Int]]
            if let word = groupingWord(), word == "ROLLUP" || word == "CUBE" {
                advance()
                let keys = try keyList(&statement, open: advance())
                hasSets = true
                if word == "ROLLUP" {
                    element = (0...keys.count).reversed().map { Array(keys.prefix($0)) }
                } else {
                    guard keys.count <= 12 else { throw SQLError("CUBE takes at most 12 keys (4,096 grouping sets)", range: start.range) }
                    element = (0..<(1 << keys.count)).reversed().map { mask in keys.indices.filter { mask & (1 << (keys.count - 1 - $0)) != 0 }.map { keys[$0] } }
                }
            } else if groupingWord() == "GROUPING", case .identifier(let next) = peek().kind, next.uppercased() == "SETS" {
                advance()
                advance()
                guard isSymbol(.leftParen) else { throw syntaxError(expected: "\"(\" after GROUPING SETS") }
                let open = advance()
                var list: [[Int]] = []
                repeat {
                    if isSymbol(.leftParen) {
                        list.append(try keyList(&statement, open: advance(), allowsEmpty: true))
                    } else if let word = groupingWord(), word == "ROLLUP" || word == "CUBE", isSymbol(.leftParen, peek()) {
                        throw SQLError("\(word) inside GROUPING SETS is not supported; list the sets", range: current.range)
                    } else {
                        statement.groupBy.append(try expression().expr)
                        list.append([statement.groupBy.count - 1])
                    }
                } while try acceptComma()
                _ = try expectClose(open, list: true)
                hasSets = true
                element = list
            } else {
                statement.groupBy.append(try expression().expr)
                element = [[statement.groupBy.count - 1]]
            }
            guard sets.count * element.count <= Self.maxGroupingSets else {
                throw SQLError("GROUP BY makes more than \(Self.maxGroupingSets) grouping sets", range: start.range)
            }
            sets = sets.flatMap { set in element.map { set + $0 } }
        } while try acceptComma()
        if hasSets { statement.groupingSets = sets }
    }

    /// The current word, upper-cased, when it is an unquoted identifier.
    private func groupingWord() -> String? {
        if case .identifier(let word) = current.kind { return word.uppercased() }
        return nil
    }

    /// `(key, …)` after `open`: each key appended to `groupBy`, their positions returned.
    private mutating func keyList(_ statement: inout SelectStatement, open: Token, allowsEmpty: Bool = false) throws(SQLError) -> [Int] {
        var keys: [Int] = []
        if allowsEmpty && isSymbol(.rightParen) {
            advance()
            return keys
        }
        repeat {
            statement.groupBy.append(try expression().expr)
            keys.append(statement.groupBy.count - 1)
        } while try acceptComma()
        _ = try expectClose(open, list: true)
        return keys
    }
}
