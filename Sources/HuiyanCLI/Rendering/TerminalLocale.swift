import Foundation

/// The process's character locale and what the terminal is.
public enum TerminalLocale {
    /// Takes the character type (LC_CTYPE) from the environment, falling back to C.UTF-8 when that is not UTF-8,
    /// so that `wcwidth` and libedit see UTF-8. Only LC_CTYPE: number formatting stays the C locale's.
    public static func configure() {
        setlocale(LC_CTYPE, "")
        if !currentIsUTF8() { _ = setlocale(LC_CTYPE, "C.UTF-8") ?? setlocale(LC_CTYPE, "en_US.UTF-8") }
        isUTF8 = currentIsUTF8()
    }

    /// Whether LC_CTYPE is UTF-8 (set by `configure`).
    // Safe unlocked: written only by `configure`, which main.swift calls first, before any other thread starts;
    // every later access (each rendered cell's width) only reads.
    nonisolated(unsafe) public private(set) static var isUTF8 = false

    private static func currentIsUTF8() -> Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }

    /// Whether a file descriptor is a terminal.
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// The width of the terminal on `fd` in columns (nil when it is not a terminal); $COLUMNS overrides.
    public static func columns(of fd: Int32 = STDOUT_FILENO) -> Int? {
        if let text = ProcessInfo.processInfo.environment["COLUMNS"], let n = Int(text), n > 0 { return n }
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
