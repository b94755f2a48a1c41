import ArgumentParser
import Foundation
import HuiyanQuery

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

    @Option(name: .long, help: "Stop a statement that runs longer than this many seconds.")
    var timeout: Double?

    @Option(name: .long, help: "The most memory one statement may hold, in MiB (default: three quarters of the machine's); a statement that needs more is refused and the session goes on.")
    var memoryLimit: Int?

    func validate() throws {
        if let timeout, !(timeout > 0 && timeout.isFinite) { throw ValidationError("--timeout must be a positive number of seconds") }
        if let memoryLimit, memoryLimit <= 0 || memoryLimit > Int.max >> 20 { throw ValidationError("--memory-limit must be a positive number of MiB") }
    }

    func run() throws {
        let interactive = TerminalLocale.isTerminal(STDIN_FILENO)
        let session = try REPLSession(databasePath: global.databasePath, interactive: interactive, fileAccess: !global.noFileAccess)
        session.timeout = timeout
        session.memoryLimit = memoryLimit.map { $0 << 20 } ?? QueryContext.defaultMemoryLimit
        if interactive {
            REPLRunner.interactive(session)
        } else {
            REPLRunner.script(session)
            if session.hadError { throw ExitCode(1) }
        }
    }
}
