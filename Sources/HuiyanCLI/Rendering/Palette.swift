import Foundation

/// ANSI colours for a terminal: headers bold, NULLs dim, errors red. None on a pipe or a file, under `NO_COLOR`
/// (any value but empty, as no-color.org asks) or on a `TERM=dumb` terminal.
public struct Palette: Sendable {
    /// Whether the styles add escape sequences at all.
    public let enabled: Bool

    /// No colour.
    public static let none = Palette(enabled: false)

    public init(enabled: Bool) { self.enabled = enabled }

    /// Colour when `fd` is a terminal and the environment allows it.
    public static func forTerminal(_ fd: Int32) -> Palette {
        let env = ProcessInfo.processInfo.environment
        let allowed = (env["NO_COLOR"] ?? "").isEmpty && env["TERM"] != "dumb"
        return Palette(enabled: allowed && TerminalLocale.isTerminal(fd))
    }

    /// A table's header cells.
    public var header: ((String) -> String)? { style("1") }
    /// NULL cells.
    public var null: ((String) -> String)? { style("2") }
    /// The "Error:" of an error message.
    public var error: ((String) -> String)? { style("1;31") }

    /// `text` wrapped in the style, or unchanged without colour.
    public func apply(_ style: KeyPath<Palette, ((String) -> String)?>, to text: String) -> String {
        self[keyPath: style]?(text) ?? text
    }

    private func style(_ code: String) -> ((String) -> String)? {
        guard enabled else { return nil }
        return { "\u{1B}[\(code)m" + $0 + "\u{1B}[0m" }
    }
}
