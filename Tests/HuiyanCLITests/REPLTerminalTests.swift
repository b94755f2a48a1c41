import Foundation
import XCTest

/// The REPL driven through a pseudo-terminal (tmux), as an analyst uses it: line editing, history, modes, the
/// timer, charts, errors, completion, Ctrl-A/E/R, Ctrl-C and Ctrl-D. Waits are for what the screen shows, never for time.
final class REPLTerminalTests: FixtureDatabaseTestCase {
    var history: String { directory + "/history" }

    func start(_ arguments: [String] = [], database: String? = nil) throws -> REPLTerminal {
        let terminal = try REPLTerminal(database: database ?? directory + "/db", arguments: arguments,
                                        environment: ["HUIYAN_HISTORY": history, "TERM": "xterm"])
        terminal.waitForPrompt()
        return terminal
    }

    func testMultiLineQueryHistoryModesTimerChartAndCtrlD() throws {
        let repl = try start()
        // A statement over two lines: the continuation prompt, then the table with Chinese aligned.
        try repl.enter("SELECT spot,")
        repl.waitFor("   ...> ")
        try repl.enter("count(*) AS n FROM visits GROUP BY spot ORDER BY n DESC, spot LIMIT 2;")
        var screen = repl.waitFor("2 rows")
        XCTAssertTrue(screen.contains("""
        │ spot     │ n │
        ├──────────┼───┤
        │ 南岳衡山 │ 3 │
        │ 东洲岛   │ 1 │
        """), screen)

        // .mode csv, then the statement again from the history (one entry that keeps both lines).
        try repl.enter(".mode csv")
        repl.waitForPrompt()
        try repl.press("Up")
        try repl.press("Up")
        repl.waitFor("huiyan> SELECT spot,\ncount(*) AS n FROM visits GROUP BY spot ORDER BY n DESC, spot LIMIT 2;")
        try repl.press("Enter")
        repl.waitFor("spot,n\n南岳衡山,3\n东洲岛,1\n")

        // .timer on: the wall time under the result.
        try repl.enter(".timer on")
        try repl.enter("SELECT count(*) AS total FROM orders;")
        screen = repl.waitFor("Run Time: ")
        XCTAssertTrue(screen.contains("total\n8\nRun Time: "), screen)
        try repl.enter(".timer off")

        // .chart bar draws the last result.
        try repl.enter(".mode table")
        try repl.enter("SELECT spot, count(*) AS arrivals FROM visits GROUP BY spot ORDER BY arrivals DESC, spot LIMIT 3;")
        repl.waitFor("3 rows")
        try repl.enter(".chart bar")
        screen = repl.waitFor("arrivals by spot")
        XCTAssertTrue(screen.contains("南岳衡山   ███"), screen)
        XCTAssertTrue(screen.range(of: #"东洲岛     █+[▏▎▍▌▋▊▉]? +1\n"#, options: .regularExpression) != nil, screen)

        // A syntax error with its caret, and the session goes on.
        try repl.enter("SELECT * FORM visits;")
        screen = repl.waitFor("^~~~")
        XCTAssertTrue(screen.contains("Error: syntax error at or near \"FORM\""), screen)
        XCTAssertTrue(screen.contains("SELECT * FORM visits;\n         ^~~~"), screen)
        try repl.enter("SELECT count(*) AS after_error FROM visits;")
        repl.waitFor("│          10 │")
        repl.waitForPrompt()

        // Ctrl-D quits; the history file keeps the session's statements for the next one.
        try repl.press("C-d")
        repl.waitForExit()
        let saved = try String(contentsOfFile: history, encoding: .utf8)
        XCTAssertTrue(saved.contains("after_error"), saved)

        let again = try start()
        try again.press("Up")
        again.waitFor("huiyan> SELECT count(*) AS after_error FROM visits;")
        try again.press("Enter")
        again.waitFor("│          10 │")
        again.waitForPrompt()
        // Ctrl-R searches the history as one types.
        try again.press("C-r")
        try again.type("LIMIT 2")
        again.waitFor("bck:LIMIT 2")
        try again.press("Enter")
        again.waitFor("│ 南岳衡山 │ 3 │")
        try again.quit()
    }

    func testChineseEditingKeysAndCompletion() throws {
        let repl = try start()
        // Move left over wide characters and delete one: libedit edits by character, not by byte.
        try repl.type("SELECT '南岳X衡山' AS s;")
        try repl.press("Left", "Left", "Left", "Left", "Left", "Left", "Left", "Left", "Left")
        try repl.press("BSpace")
        try repl.press("Enter")
        repl.waitFor("│ 南岳衡山 │")
        repl.waitForPrompt()
        // Ctrl-A goes to the start of the line, Ctrl-E to its end.
        try repl.type("ELECT 1 AS one")
        try repl.press("C-a")
        try repl.type("S")
        try repl.press("C-e")
        try repl.enter(";")
        repl.waitFor("│   1 │")
        repl.waitForPrompt()        // keys typed before the prompt is drawn land in front of it on a busy machine
        // Tab completes keywords (in the case typed), tables (only tables after FROM), columns and meta-commands.
        try repl.type("sel")
        try repl.press("Tab")
        try repl.type("count(*) AS n fr")
        try repl.press("Tab")
        try repl.type("tick")
        try repl.press("Tab")
        repl.waitFor("huiyan> select count(*) AS n from tickets ")
        try repl.enter(";")
        repl.waitFor("│ 7 │")
        repl.waitForPrompt()
        try repl.type(".sch")
        try repl.press("Tab")
        try repl.type("ord")
        try repl.press("Tab")
        repl.waitFor("huiyan> .schema orders ")
        try repl.press("Enter")
        repl.waitFor("CREATE TABLE orders (")
        repl.waitForPrompt()
        try repl.enter(".nosuch")
        repl.waitFor("Error: unknown command .nosuch — the commands are .help .tables")
        try repl.quit()
    }

    func testCtrlCCancelsALongQueryAndTwiceAtTheEmptyPromptExits() throws {
        // Enough rows that a heavy grouping runs for seconds in a debug build.
        let feed = directory + "/visits.csv"
        XCTAssertEqual(try huiyan.run(["generate", "visits", "--rows", "300000", "--out", feed]).status, 0)
        let big = directory + "/big"
        XCTAssertEqual(try HuiyanProcess(databasePath: big).run(["ingest", "visits", feed]).status, 0)
        let repl = try start(database: big)
        let long = "SELECT visitor_id, spot, count(*), sum(spend), count(DISTINCT origin), count(DISTINCT route), count(DISTINCT group_type) "
            + "FROM visits GROUP BY visitor_id, spot ORDER BY 3 DESC, 1, 2;"
        try repl.enter(long)
        // After a second the progress line shows how far the blocks are read (a share of those to read, or
        // all read and finishing); Ctrl-C then cancels the statement, not the REPL.
        repl.waitFor(" blocks")
        repl.waitFor("Ctrl-C cancels")
        let progress = repl.screen()
        XCTAssertTrue(progress.contains("% of ") || progress.contains("blocks read, finishing"), progress)
        try repl.press("C-c")
        repl.waitFor("Error: query cancelled")
        repl.waitForPrompt()
        // Ctrl-C during a .read stops the file: the statement after the cancelled one does not run.
        let script = directory + "/long.sql"
        try "\(long)\nSELECT 'after the long one' AS marker;\n".write(toFile: script, atomically: true, encoding: .utf8)
        try repl.enter(".read \(script)")
        repl.waitFor("Ctrl-C cancels")
        try repl.press("C-c")
        repl.waitFor("long.sql: stopped after Ctrl-C")
        repl.waitForPrompt()
        XCTAssertFalse(repl.screen().contains("after the long one │"), repl.screen())
        try repl.enter("SELECT 7 AS seven;")
        repl.waitFor("│     7 │")
        repl.waitForPrompt()
        // Ctrl-C at the continuation prompt drops the unfinished statement.
        try repl.enter("SELECT 1,")
        repl.waitForPrompt("...>")
        try repl.press("C-c")
        repl.waitForPrompt()
        // Ctrl-C on a half-typed line drops it; twice at an empty prompt leaves.
        try repl.type("SELECT half")
        repl.waitFor("huiyan> SELECT half")
        try repl.press("C-c")
        repl.waitForPrompt()
        XCTAssertFalse(repl.hasExited)
        try repl.press("C-c")
        repl.waitFor("Ctrl-C again or Ctrl-D to quit")
        repl.waitForPrompt()
        try repl.press("C-c")
        repl.waitForExit()
    }
}
