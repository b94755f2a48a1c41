/// Window functions: `OVER name`, `OVER ([name] [PARTITION BY …] [ORDER BY …] [frame])`, the WINDOW clause.
/// The words PARTITION, ROWS, RANGE, GROUPS, UNBOUNDED, PRECEDING, FOLLOWING, CURRENT ROW and QUALIFY are
/// not keywords of the lexer: they mean something only where the grammar expects them.
extension Parser {
    /// `OVER …` after a call (the current token is OVER); returns the height of its tallest expression.
    mutating func overClause(of call: inout FunctionCall) throws(SQLError) -> Int {
        let over = advance()
        if !isSymbol(.leftParen) {
            let name = try name(expected: "a window name or \"(\" after OVER")
            call.window = WindowSpec(name: name, range: over.range.union(name.range))
            call.range = call.range.union(name.range)
            return 0
        }
        let (spec, height) = try windowSpec(open: advance())
        call.window = spec
        call.range = call.range.union(spec.range)
        return height
    }

    /// The inside of `( … )` of a window, `open` being its `(`; the spec's range covers the parentheses.
    mutating func windowSpec(open: Token) throws(SQLError) -> (WindowSpec, Int) {
        var spec = WindowSpec(range: open.range)
        var height = 0
        if case .identifier(let word) = current.kind, !["PARTITION", "ORDER", "ROWS", "RANGE", "GROUPS"].contains(word.uppercased()) {
            spec.name = try name(expected: "a window name")
        } else if case .quotedIdentifier = current.kind {
            spec.name = try name(expected: "a window name")
        }
        if acceptWord("PARTITION") != nil {
            _ = try expect(.by, expected: "BY after PARTITION")
            repeat {
                let e = try expression()
                spec.partitionBy.append(e.expr)
                height = Swift.max(height, e.height)
            } while try acceptComma()
        }
        if accept(.order) != nil {
            _ = try expect(.by, expected: "BY after ORDER")
            repeat {
                spec.orderBy.append(try orderItem())
            } while try acceptComma()
        }
        if let unitToken = acceptWord("ROWS") ?? acceptWord("RANGE") ?? acceptWord("GROUPS") {
            let unit = WindowFrame.Unit(rawValue: text.text(unitToken.range).uppercased())!
            let start: WindowFrame.Bound, end: WindowFrame.Bound
            if accept(.between) != nil {
                start = try frameBound()
                _ = try expect(.and, expected: "AND in BETWEEN … AND …")
                end = try frameBound()
            } else {
                start = try frameBound()
                end = .currentRow
            }
            if case .identifier(let word) = current.kind, word.uppercased() == "EXCLUDE" {
                throw SQLError("EXCLUDE in a window frame is not supported", range: current.range)
            }
            spec.frame = WindowFrame(unit: unit, start: start, end: end, range: SourceRange(unitToken.range.start, previousEnd))
        }
        spec.range = open.range.union(try expectClose(open).range)
        return (spec, height)
    }

    /// `UNBOUNDED PRECEDING | UNBOUNDED FOLLOWING | CURRENT ROW | expression PRECEDING | expression FOLLOWING`
    private mutating func frameBound() throws(SQLError) -> WindowFrame.Bound {
        if acceptWord("UNBOUNDED") != nil {
            if acceptWord("PRECEDING") != nil { return .unboundedPreceding }
            _ = try expectWord("FOLLOWING", expected: "PRECEDING or FOLLOWING after UNBOUNDED")
            return .unboundedFollowing
        }
        if acceptWord("CURRENT") != nil {
            _ = try expectWord("ROW", expected: "ROW after CURRENT")
            return .currentRow
        }
        let offset = try expression().expr
        if acceptWord("PRECEDING") != nil { return .preceding(offset) }
        _ = try expectWord("FOLLOWING", expected: "PRECEDING or FOLLOWING after a frame offset")
        return .following(offset)
    }

    /// `WINDOW name AS (…), …` (WINDOW already read).
    mutating func windowClause() throws(SQLError) -> [NamedWindow] {
        var windows: [NamedWindow] = []
        repeat {
            let name = try name(expected: "a window name after WINDOW")
            _ = try expect(.as, expected: "AS after the window name")
            guard isSymbol(.leftParen) else { throw syntaxError(expected: "\"(\" after AS") }
            let (spec, _) = try windowSpec(open: advance())
            windows.append(NamedWindow(name: name, spec: spec))
        } while try acceptComma()
        return windows
    }
}
