import ArgumentParser
import Foundation
import HuiyanQuery

struct REPLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "An interactive SQL session (what `huiyan` alone starts on a terminal).",
        usage: "huiyan [repl] [<options>]",
        discussion: """
        Statements end with ';' and may span lines. Meta-commands start with a dot; .help lists them. \
        Line editing and history (~/.huiyan_history, or $HUIYAN_HISTORY) come from libedit; Tab completes \
        tables, columns, keywords and commands; Ctrl-C cancels a running statement.

        At the start the statements and commands of ~/.huiyanrc run (-init FILE names another): settings such as \
        .units wan and .timer on stay from one session to the next. docs/REPL.md has it all.

        When standard input is not a terminal, the statements and commands are read from it and only results \
        are printed:
          huiyan < report.sql
          huiyan -c "SELECT count(*) FROM visits"
        """)

    @OptionGroup var global: GlobalOptions

    @Option(name: [.customLong("init", withSingleDash: true), .customLong("init")],
            help: ArgumentHelp("Run this file at the start instead of ~/.huiyanrc.", valueName: "file"))
    var initFile: String?

    @Option(name: .customShort("c"), help: ArgumentHelp(
        "Run these statements and commands, print their results and exit (may be given more than once).",
        valueName: "sql"))
    var commands: [String] = []

    /// The start-up file: `-init FILE`, else `~/.huiyanrc` when there is one (nil: none).
    var startupFile: String? {
        if let initFile { return initFile.isEmpty ? nil : initFile }
        guard let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty else { return nil }
        let path = (home as NSString).appendingPathComponent(".huiyanrc")
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    @Option(name: .long, help: "Stop a statement that runs longer than this many seconds.")
    var timeout: Double?

    @Option(name: .long, help: "The most memory one statement may hold, in MiB (default: three quarters of the machine's); a statement that needs more is refused and the session goes on.")
    var memoryLimit: Int?

    func validate() throws {
        if let timeout, !(timeout > 0 && timeout.isFinite) { throw ValidationError("--timeout must be a positive number of seconds") }
        if let memoryLimit, memoryLimit <= 0 || memoryLimit > Int.max >> 20 { throw ValidationError("--memory-limit must be a positive number of MiB") }
    }

    func run() throws {
        let interactive = commands.isEmpty && TerminalLocale.isTerminal(STDIN_FILENO)
        let session = try REPLSession(databasePath: global.databasePath, interactive: interactive, fileAccess: !global.noFileAccess)
        session.timeout = timeout
        session.memoryLimit = memoryLimit.map { $0 << 20 } ?? QueryContext.defaultMemoryLimit
        if interactive {
            REPLRunner.interactive(session, startupFile: startupFile)
            return
        }
        if commands.isEmpty {
            REPLRunner.script(session, startupFile: startupFile)
        } else {
            // A lone ";" after each -c ends a last statement given without one (and is nothing after one that has it).
            let lines = commands.flatMap { $0.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init) + [";"] }
            REPLRunner.script(session, startupFile: startupFile, lines: lines)
        }
        if session.hadError { throw ExitCode(session.exitStatus) }
    }
}
