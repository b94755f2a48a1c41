import ArgumentParser
import Foundation

struct REPLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "An interactive SQL session (what `huiyan` alone starts on a terminal).",
        discussion: """
        Statements end with ';' and may span lines. Meta-commands start with a dot: .help lists them \
        (.tables, .schema, .mode, .timer, .maxrows, .nullvalue, .units, .chart, .read, .output, .open, .quit). \
        Line editing and history (~/.huiyan_history, or $HUIYAN_HISTORY) come from libedit; Tab completes \
        tables, columns, keywords and commands; Ctrl-C cancels a running statement. docs/REPL.md has it all.

        When standard input is not a terminal, the statements and commands are read from it and only results \
        are printed:
          huiyan < report.sql
        """)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let interactive = TerminalLocale.isTerminal(STDIN_FILENO)
        let session = try REPLSession(databasePath: global.databasePath, interactive: interactive)
        if interactive {
            REPLRunner.interactive(session)
        } else {
            REPLRunner.script(session)
            if session.hadError { throw ExitCode(1) }
        }
    }
}
