import Foundation
import XCTest

/// The REPL on a real pseudo-terminal: a detached tmux session of its own (private server socket) runs the
/// binary; keys go in with `send-keys`, the screen comes back with `capture-pane`.
final class REPLTerminal {
    let socket = "huiyan-test-\(UUID().uuidString.prefix(8))"
    static let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Starts `huiyan --db <db> [arguments]` in a terminal of `width` × 50 characters, with the test's
    /// `environment` over the process's less NO_COLOR and COLUMNS, and HOME the database's folder (no start-up
    /// file of the person running the tests).
    init(database: String, arguments: [String] = [], environment: [String: String], width: Int = 100) throws {
        guard Self.tmux != nil else { throw XCTSkip("tmux is not installed (tools/setup installs it)") }
        let env = environment.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
        let home = (database as NSString).deletingLastPathComponent
        let command = "env -u NO_COLOR -u COLUMNS HOME=\(home) \(env) \(HuiyanProcess.binary) --db \(database) \(arguments.joined(separator: " "))"
        try tmux(["-f", "/dev/null", "new-session", "-d", "-s", "repl", "-x", String(width), "-y", "50", command])
    }

    deinit { _ = try? tmux(["kill-server"]) }

    /// Runs a tmux command; its output when `capture`. Spawned directly (posix_spawn) and waited for with
    /// waitpid: Foundation's Process waits for every holder of a descriptor it hands the child, and the tmux
    /// server that new-session starts would hold it for good.
    @discardableResult
    private func tmux(_ arguments: [String], capture: Bool = false) throws -> String {
        let output = capture ? NSTemporaryDirectory() + "\(socket)-\(UUID().uuidString.prefix(8)).txt" : "/dev/null"
        defer { if capture { try? FileManager.default.removeItem(atPath: output) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([Self.tmux!, "-L", socket] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let env = ProcessInfo.processInfo.environment.filter { $0.key != "TMUX" }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { env.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, Self.tmux!, &actions, nil, argv, env) == 0 else { throw TmuxFailure(status: -1) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else { throw TmuxFailure(status: status) }
        return capture ? (try String(contentsOfFile: output, encoding: .utf8)) : ""
    }

    struct TmuxFailure: Error { var status: Int32 }

    /// Types text literally (a trailing `;` escaped from tmux's own command parser).
    func type(_ text: String) throws {
        try tmux(["send-keys", "-t", "repl", "-l", text.hasSuffix(";") ? String(text.dropLast()) + "\\;" : text])
    }

    /// Types a line and Enter.
    func enter(_ text: String) throws {
        try type(text)
        try press("Enter")
    }

    /// Presses keys by tmux name: Enter, Up, Left, BSpace, Tab, C-a, C-c, C-d …
    func press(_ keys: String...) throws { try tmux(["send-keys", "-t", "repl"] + keys) }

    /// The screen and its scrollback, wrapped lines joined (`escapes`: with the colours as escape sequences).
    func screen(escapes: Bool = false) -> String {
        (try? tmux(["capture-pane", "-p", "-J"] + (escapes ? ["-e"] : []) + ["-S", "-2000", "-t", "repl"], capture: true)) ?? ""
    }

    /// The visible screen as it is, lines not joined.
    func rows() -> [String] {
        ((try? tmux(["capture-pane", "-p", "-t", "repl"], capture: true)) ?? "").components(separatedBy: "\n")
    }

    /// Makes the terminal `width` columns wide (the program gets SIGWINCH).
    func resize(width: Int) throws { try tmux(["resize-window", "-t", "repl", "-x", String(width)]) }

    /// Whether the program has ended (and its session with it).
    var hasExited: Bool { (try? tmux(["has-session", "-t", "repl"])) == nil }

    /// Waits until the screen shows `text` `count` times (at most a minute: builds and CI machines are slow).
    @discardableResult
    func waitFor(_ text: String, count: Int = 1, file: StaticString = #filePath, line: UInt = #line) -> String {
        let deadline = Date().addingTimeInterval(60)
        var shown = ""
        while Date() < deadline {
            shown = screen()
            if shown.components(separatedBy: text).count - 1 >= count { return shown }
            if hasExited { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("the screen never showed \(text.debugDescription) \(count) time(s):\n\(shown)", file: file, line: line)
        return shown
    }

    /// Waits until the REPL waits at an empty prompt (the last line of the screen). Keys that mean something
    /// only to the line editor (Ctrl-D, Ctrl-C at the prompt, arrows) are sent after it: typed while a statement
    /// runs, the terminal is not in the editor's mode, and its own line discipline takes Ctrl-D.
    func waitForPrompt(_ prompt: String = "huiyan>", file: StaticString = #filePath, line: UInt = #line) {
        let deadline = Date().addingTimeInterval(60)
        var shown = ""
        while Date() < deadline {
            shown = screen()
            let last = shown.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            if last.map({ $0.trimmingCharacters(in: .whitespaces) }) == prompt { return }
            if hasExited { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("no empty prompt \(prompt.debugDescription) on the screen:\n\(shown)", file: file, line: line)
    }

    /// Waits for the empty prompt, presses Ctrl-D and waits until the program has ended.
    func quit(file: StaticString = #filePath, line: UInt = #line) throws {
        waitForPrompt(file: file, line: line)
        try press("C-d")
        waitForExit(file: file, line: line)
    }

    /// Waits until the program has ended.
    func waitForExit(file: StaticString = #filePath, line: UInt = #line) {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if hasExited { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("the REPL did not exit:\n\(screen())", file: file, line: line)
    }
}
