@preconcurrency import CEditLine
import Foundation

/// Line editing through libedit: emacs keys (arrows, Ctrl-A/E, Ctrl-R search), history kept in a file across
/// sessions (a statement over several lines stays on several lines), UTF-8 input (Chinese edits a character at a
/// time), Tab completion, and a redraw at the new width when the terminal is resized. Ctrl-C at the prompt ends
/// the line with `.interrupted`; the caller decides what it means.
final class LineEditor {
    enum Input {
        case line(String)
        /// Ctrl-C; `hadText` when something had been typed on the line.
        case interrupted(hadText: Bool)
        case end
    }

    private let editLine: OpaquePointer
    private let history: OpaquePointer
    private let historyPath: String?

    /// The one editor of the process, reached by libedit's C callbacks, and the prompt they show.
    // Safe unlocked: the REPL runs on the main thread only, and libedit calls back on the thread that called
    // `el_gets`, so only the main thread ever touches these two.
    nonisolated(unsafe) private static var current: LineEditor?
    nonisolated(unsafe) private static var promptText: UnsafeMutablePointer<CChar>? = strdup("")
    private let completer: SQLCompleter
    private var interrupted = false
    /// Set by the SIGWINCH handler; the line is redrawn at the terminal's new width when the wait for a key wakes.
    // Safe unlocked: a `sig_atomic_t` written only by the handler (which may take no lock) and read and cleared
    // by the main thread, which the handler interrupts; no other thread touches it.
    nonisolated(unsafe) private static var resized: sig_atomic_t = 0

    /// The history file: $HUIYAN_HISTORY, else ~/.huiyan_history.
    static var defaultHistoryPath: String? {
        let env = ProcessInfo.processInfo.environment
        if let path = env["HUIYAN_HISTORY"] { return path.isEmpty ? nil : path }
        return env["HOME"].map { $0 + "/.huiyan_history" }
    }

    /// Needs `TerminalLocale.configure()` first (libedit reads the locale when it starts).
    init?(completer: SQLCompleter, historyPath: String? = LineEditor.defaultHistoryPath) {
        guard let history = huiyan_history_open(1000) else { return nil }
        guard let editLine = el_init("huiyan", stdin, stdout, stderr) else { return nil }
        self.editLine = editLine
        self.history = history
        self.historyPath = historyPath
        self.completer = completer
        if let historyPath { _ = huiyan_history_load(history, historyPath) }
        huiyan_el_setup(editLine, history, { _ in LineEditor.promptText }, { _, out in LineEditor.readCharacter(out) },
                        { _, _ in LineEditor.complete() })
        LineEditor.current = self
        Self.resized = 0
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in LineEditor.resized = 1 }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGWINCH, &action, nil)
    }

    deinit {
        el_end(editLine)
        history_end(history)
    }

    /// Reads a line after showing `prompt`.
    func read(prompt: String) -> Input {
        free(Self.promptText)
        Self.promptText = strdup(prompt)
        interrupted = false
        _ = InterruptSignal.take()
        el_resize(editLine)
        var count: Int32 = 0
        guard let text = el_gets(editLine, &count), count > 0 else {
            guard interrupted else { return .end }
            let info = el_line(editLine)?.pointee
            return .interrupted(hadText: info.map { $0.lastchar != $0.buffer } ?? false)
        }
        var line = String(cString: text)
        if line.hasSuffix("\n") { line.removeLast() }
        return .line(line)
    }

    /// Adds a line to the history and saves the history file.
    func remember(_ line: String) {
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        _ = huiyan_history_add(history, line)
        if let historyPath { _ = huiyan_history_save(history, historyPath) }
    }

    // MARK: libedit callbacks

    /// One character from standard input, decoded from UTF-8; 0 at the end of input, -1 after Ctrl-C.
    private static func readCharacter(_ out: UnsafeMutablePointer<wchar_t>?) -> Int32 {
        guard let editor = current, let out else { return -1 }
        guard let first = editor.readByte() else { return editor.interrupted ? -1 : 0 }
        let length = first < 0x80 ? 1 : first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1
        var bytes = [first]
        while bytes.count < length, let next = editor.readByte() { bytes.append(next) }
        if editor.interrupted { return -1 }
        let scalar = String(decoding: bytes, as: UTF8.self).unicodeScalars.first ?? "\u{FFFD}"
        out.pointee = wchar_t(bitPattern: scalar.value)
        return 1
    }

    /// A byte of standard input, waiting for it or for Ctrl-C (nil then, and at the end of input).
    private func readByte() -> UInt8? {
        var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: InterruptSignal.fd, events: Int16(POLLIN), revents: 0)]
        while true {
            // Checked before each wait, not only when the signal interrupts one: it may come while keys are read.
            if Self.resized != 0 { redrawAtNewWidth() }
            if poll(&fds, 2, -1) < 0 {
                guard errno == EINTR else { return nil }
                continue
            }
            if fds[1].revents != 0, InterruptSignal.take() {
                interrupted = true
                return nil
            }
            if fds[0].revents != 0 {
                var byte: UInt8 = 0
                let n = Foundation.read(STDIN_FILENO, &byte, 1)
                if n == 1 { return byte }
                if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                return nil
            }
        }
    }

    /// After a resize: a terminal that reflows its lines has moved the old drawing of the prompt and line where
    /// libedit cannot know, so the line is drawn afresh on the next row at the new width.
    private func redrawAtNewWidth() {
        Self.resized = 0
        el_resize(editLine)
        FileHandle.standardOutput.write(Data("\r\n".utf8))
        huiyan_el_refresh(editLine)
    }

    /// Tab: the one completion inserted, or the common start of several (listed when there is nothing to add).
    private static func complete() -> UInt8 {
        // swift-format-ignore: AlwaysUseLowerCamelCase
        // (libedit's names)
        let CC_REFRESH: UInt8 = 4, CC_REDISPLAY: UInt8 = 8, CC_ERROR: UInt8 = 6
        guard let editor = current, let info = el_line(editor.editLine)?.pointee, let base = info.buffer else { return CC_ERROR }
        let before = String(decoding: UnsafeRawBufferPointer(start: base, count: info.cursor - base), as: UTF8.self)
        let line = String(decoding: UnsafeRawBufferPointer(start: base, count: info.lastchar - base), as: UTF8.self)
        let word = String(before.reversed().prefix(while: SQLCompleter.isWordCharacter).reversed())
        let candidates = editor.completer.candidates(before: before, statement: line)
        guard !candidates.isEmpty else { return CC_ERROR }
        if candidates.count == 1 {
            let rest = String(candidates[0].dropFirst(word.count))
            _ = el_insertstr(editor.editLine, rest + SQLCompleter.suffix(after: candidates[0]))
            return CC_REFRESH
        }
        let common = SQLCompleter.commonPrefix(candidates)
        if common.count > word.count {
            _ = el_insertstr(editor.editLine, String(common.dropFirst(word.count)))
            return CC_REFRESH
        }
        FileHandle.standardOutput.write(Data(("\n" + candidates.joined(separator: "  ") + "\n").utf8))
        return CC_REDISPLAY
    }
}
