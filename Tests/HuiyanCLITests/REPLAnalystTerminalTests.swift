import Foundation
import XCTest

/// The analyst's day in the REPL on a real pseudo-terminal (tmux): a first session in an 80-column terminal with
/// a result wider than it, settings kept in ~/.huiyanrc for the next one, completion of functions and of the
/// statement's own columns, a statement over several lines recalled as it was typed, a resize while typing, and
/// colours that appear on a terminal and not under NO_COLOR.
final class REPLAnalystTerminalTests: FixtureDatabaseTestCase {
    var home: String { directory! }

    func start(width: Int = 100, environment: [String: String] = [:]) throws -> REPLTerminal {
        let terminal = try REPLTerminal(database: directory + "/db", environment: [
            "HUIYAN_HISTORY": directory + "/history", "TERM": "xterm", "HOME": home,
        ].merging(environment) { $1 }, width: width)
        terminal.waitForPrompt()
        return terminal
    }

    /// The first session of docs/REPL.md, whose screen is shown there line for line.
    func testFirstSessionWideResultUnitsAndTheStartupFileNextTime() throws {
        let doc = try String(contentsOfFile: HuiyanProcess.fixtures + "/../docs/REPL.md", encoding: .utf8)
        let shown = try XCTUnwrap(doc.components(separatedBy: "## A first session")[1].components(separatedBy: "```\n").dropFirst().first)
        let repl = try start(width: 80)
        try repl.enter("SELECT * FROM orders LIMIT 5;")
        repl.waitFor("5 rows, ")
        for line in repl.rows() { XCTAssertLessThanOrEqual(RendererTests.columns(line), 80, line) }
        try repl.enter(".units wan")
        try repl.enter("SELECT product, sum(amount) * 1000 AS revenue FROM orders")
        try repl.enter("GROUP BY 1 ORDER BY 2 DESC LIMIT 4;")
        // 201.6万 over 9.95万: the column shows two decimals throughout, lined up.
        var screen = repl.waitFor("4 rows")
        let session = shown.components(separatedBy: "\n").dropFirst(3).prefix { $0 != "huiyan> .quit" }.joined(separator: "\n")
        XCTAssertTrue(screen.contains(session), "docs/REPL.md's first session is not what the screen shows:\n\(screen)")
        XCTAssertTrue(session.contains("5 rows, 5 of 10 columns hidden") && session.contains("│ 衡南鸽来香 │   9.95万 │"), session)
        repl.waitForPrompt()
        try repl.enter(".quit")
        repl.waitForExit()

        // What should stay goes into ~/.huiyanrc, and the next session starts with it.
        try ".units wan\n.timer on\n".write(toFile: home + "/.huiyanrc", atomically: true, encoding: .utf8)
        let again = try start(width: 80)
        try again.enter(".show")
        screen = again.waitFor("separators: off")
        XCTAssertTrue(screen.contains("     units: wan\n"), screen)
        XCTAssertTrue(screen.contains("     timer: on\n"), screen)
        XCTAssertTrue(screen.contains("  maxwidth: 0 (the terminal's 80 columns)\n"), screen)
        try again.enter("SELECT sum(amount) * 1000 AS revenue FROM orders;")
        screen = again.waitFor("Run Time: ")
        XCTAssertTrue(screen.contains("243.72万"), screen)
        try again.quit()
    }

    func testCompletionRecallAndResize() throws {
        let repl = try start()
        // A function completes without a space: its "(" follows.
        try repl.type("SELECT date_tr")
        try repl.press("Tab")
        try repl.type("('day', ts) AS day, count(*) AS n FROM visits GROUP BY 1 ORDER BY 1 LIMIT 1;")
        repl.waitFor("huiyan> SELECT date_trunc('day', ts) AS day")
        try repl.press("Enter")
        repl.waitFor("│ 2025-10-01 00:00:00 │ 6 │")
        repl.waitForPrompt()
        // Columns complete from the tables the statement names: orders has category and county, tickets channel.
        try repl.type("SELECT c FROM orders")
        try repl.press("Left", "Left", "Left", "Left", "Left", "Left", "Left", "Left", "Left", "Left", "Left", "Left")
        try repl.press("Tab")
        let screen = repl.waitFor("category")
        XCTAssertTrue(screen.contains("county"), screen)
        XCTAssertFalse(screen.contains("channel"), "a column of tickets offered for a statement on orders:\n\(screen)")
        try repl.press("C-c")
        repl.waitForPrompt()
        // INSERT INTO completes as words, and a table after INTO.
        try repl.type("inse")
        try repl.press("Tab")
        try repl.type("into vis")
        try repl.press("Tab")
        repl.waitFor("huiyan> insert into visits")
        try repl.press("C-c")
        repl.waitForPrompt()
        // A statement over several lines comes back from the history on its lines, indentation and all.
        try repl.enter("SELECT spot,")
        try repl.enter("       count(*) AS n")
        try repl.enter("  FROM visits GROUP BY spot ORDER BY n DESC, spot LIMIT 1;")
        repl.waitFor("│ 南岳衡山 │ 3 │")
        repl.waitForPrompt()
        try repl.press("Up")
        repl.waitFor("huiyan> SELECT spot,\n       count(*) AS n\n  FROM visits GROUP BY spot ORDER BY n DESC, spot LIMIT 1;")
        try repl.press("Enter")
        repl.waitFor("│ 南岳衡山 │ 3 │", count: 2)
        repl.waitForPrompt()
        // Resized while a line wider than the new width is typed: the line is drawn again at the new width,
        // and what is typed after lands where it shows.
        let first = "SELECT '" + String(repeating: "a", count: 80) + "' AS a"
        try repl.type(first)
        repl.waitFor(first)
        try repl.resize(width: 60)
        try repl.type(", 'b' AS b")
        try repl.press("Left", "Left", "Left", "Left", "Left", "Left", "Left")
        try repl.type("X")
        let expected = "huiyan> " + first + ", 'Xb' AS b"
        repl.waitFor(expected)
        let last = repl.screen().split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        XCTAssertEqual(last.map { $0.trimmingCharacters(in: .whitespaces) }, expected)
        try repl.press("C-e")
        try repl.enter(";")
        repl.waitFor("│ Xb │")
        try repl.quit()
    }

    func testColoursOnATerminalAndNoneUnderNoColor() throws {
        for noColor in [false, true] {
            let repl = try start(environment: noColor ? ["NO_COLOR": "1"] : [:])
            try repl.enter("SELECT spot, route FROM visits WHERE route IS NULL;")
            repl.waitFor("1 row")
            try repl.enter("SELECT nope FROM visits;")
            repl.waitFor("does not exist")
            repl.waitForPrompt()
            let screen = repl.screen(escapes: true)
            let red = screen.range(of: "\u{1B}\\[[0-9;]*31m(\u{1B}\\[[0-9;]*m)?Error:", options: .regularExpression) != nil
            if noColor {
                XCTAssertFalse(screen.contains("\u{1B}[1m") || screen.contains("\u{1B}[2m") || red, screen.debugDescription)
            } else {
                XCTAssertTrue(screen.contains("\u{1B}[1mspot"), "a bold header:\n\(screen.debugDescription)")
                XCTAssertTrue(screen.contains("\u{1B}[2mNULL"), "a dim NULL:\n\(screen.debugDescription)")
                XCTAssertTrue(red, "a red Error:\n\(screen.debugDescription)")
            }
            try repl.press("C-d")
            repl.waitForExit()
            // A command's error on a terminal is red too (the shell keeps the pane open after it).
            let command = try REPLTerminal(database: directory + "/missing", arguments: ["tables", ";", "sleep", "60"],
                                           environment: ["TERM": "xterm"].merging(noColor ? ["NO_COLOR": "1"] : [:]) { $1 })
            command.waitFor("Error: no Huiyan database")
            let failed = command.screen(escapes: true)
            XCTAssertEqual(failed.range(of: "\u{1B}\\[[0-9;]*31m(\u{1B}\\[[0-9;]*m)?Error:", options: .regularExpression) != nil, !noColor,
                           failed.debugDescription)
        }
    }
}
