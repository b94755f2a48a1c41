import Foundation

/// The two ways a REPL session is fed: a person at a terminal through the line editor, or a script on standard
/// input (`huiyan < script.sql`), which prints only results.
enum REPLRunner {
    static let prompt = "huiyan> "
    static let continuationPrompt = "   ...> "

    /// The interactive loop: Ctrl-C drops the line (twice at an empty prompt: quit), Ctrl-D and `.quit` quit.
    static func interactive(_ session: REPLSession) {
        InterruptSignal.install()
        guard let editor = LineEditor(completer: SQLCompleter(database: { session.database })) else {
            warn("Error: the line editor (libedit) could not start; reading statements without it")
            script(session)
            return
        }
        emit("Huiyan 廻雁 — \(session.databasePath). Statements end with ';'. .help lists the commands; Ctrl-D quits.")
        var interrupts = 0
        // The lines of the entry being typed: a statement over several lines goes into the history as one.
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
                    editor.remember(entry.joined(separator: entry.contains { $0.contains("--") } ? "\n" : " "))
                    entry = []
                }
                if !more { break loop }
            }
        }
    }

    /// Runs the lines of standard input as they come; prints results only (errors to standard error).
    static func script(_ session: REPLSession) {
        while let line = readLine(strippingNewline: true) {
            if !session.feed(line) { return }
        }
        session.finish()
    }
}
