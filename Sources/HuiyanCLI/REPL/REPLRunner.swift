import Foundation

/// The two ways a REPL session is fed: a person at a terminal through the line editor, or a script on standard
/// input (`huiyan < script.sql`), which prints only results.
enum REPLRunner {
    static let prompt = "huiyan> "
    static let continuationPrompt = "   ...> "

    /// The interactive loop, after the start-up file if there is one: Ctrl-C drops the line (twice at an empty
    /// prompt: quit), Ctrl-D and `.quit` quit.
    static func interactive(_ session: REPLSession, startupFile: String?) {
        InterruptSignal.install()
        guard let editor = LineEditor(completer: SQLCompleter(database: { session.database }, pending: { session.pending })) else {
            warnError("the line editor (libedit) could not start; reading statements without it")
            script(session, startupFile: startupFile)
            return
        }
        emit("\(HuiyanCommand.version) — \(session.databasePath)")
        emit("Statements end with ';'. .help lists the commands; Ctrl-D quits.")
        if let startupFile, !session.runStartupFile(startupFile) { return }
        var interrupts = 0
        // The lines of the entry being typed: a statement over several lines goes into the history as one entry
        // that keeps its lines (recalled, it shows on them again).
        var entry: [String] = []
        loop: while true {
            switch editor.read(prompt: session.isContinuing ? continuationPrompt : prompt) {
            case .end:
                emit("")
                break loop
            case .interrupted(let hadText):
                emit("^C")
                if hadText || session.isContinuing {
                    session.discardPending()
                    entry = []
                    interrupts = 0
                } else {
                    interrupts += 1
                    if interrupts >= 2 { break loop }
                    emit("(Ctrl-C again or Ctrl-D to quit)")
                }
            case .line(let line):
                interrupts = 0
                entry.append(line)
                let more = session.feed(line)
                if !session.isContinuing {
                    editor.remember(entry.joined(separator: "\n"))
                    entry = []
                }
                if !more { break loop }
            }
        }
    }

    /// Runs the start-up file, then the lines of standard input as they come; prints results only (errors to
    /// standard error).
    static func script(_ session: REPLSession, startupFile: String?) {
        script(session, startupFile: startupFile, lines: AnyIterator { readLine(strippingNewline: true) })
    }

    /// Runs the start-up file, then `lines` (standard input, or the text of `-c`).
    static func script<Lines: Sequence<String>>(_ session: REPLSession, startupFile: String?, lines: Lines) {
        if let startupFile, !session.runStartupFile(startupFile) { return }
        for line in lines {
            if !session.feed(line) { return }
        }
        session.finish()
    }
}
