import Foundation
import HuiyanQuery

/// A REPL command that starts with a dot: settings, listings, files, charts.
enum MetaCommand {
    case help
    case tables
    case schema(table: String?)
    /// The settings below print their value when given no argument (nil).
    case mode(OutputFormat?)
    case timer(Bool?)
    case maxRows(Int?)
    case maxWidth(Int?)
    case nullValue(String)
    case units(NumberUnits?)
    case separators(Bool?)
    case show
    case chart(ChartRenderer.Kind, column: String?)
    case read(path: String)
    case output(path: String?)
    case open(path: String)
    case quit

    /// Every command with its arguments and what it does, in the order `.help` lists them.
    static let all: [(name: String, arguments: String, summary: String)] = [
        (".help", "", "this list"),
        (".tables", "", "the tables with their rows and columns"),
        (".schema", "[table]", "CREATE TABLE statements of every table, or of one"),
        (".mode", "[table|csv|json|markdown|line]", "how results are shown"),
        (".timer", "[on|off]", "print the wall time of each statement"),
        (".maxrows", "[N]", "show the first and last of at most N rows of a table (0: all)"),
        (".maxwidth", "[N]", "fit tables in N columns, hiding middle ones (0: the terminal's width)"),
        (".nullvalue", "TEXT", "how NULL is shown in tables (default NULL)"),
        (".units", "[plain|wan]", "numbers as they are, or large amounts in 万 and 亿"),
        (".separators", "[on|off]", "thousands separators in numbers: 1,234,567.50"),
        (".show", "", "the settings and their values"),
        (".chart", "bar|line [column]", "draw the last result: bars for categories, a line for a series"),
        (".read", "FILE", "run the statements and commands of a file"),
        (".output", "[FILE]", "send results to a file; without FILE back to the terminal"),
        (".open", "PATH", "use another database"),
        (".quit", "", "leave (also .exit, or Ctrl-D)"),
    ]

    static var names: [String] { all.map(\.name) + [".exit"] }

    /// A problem with a command line, said to the user.
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// Parses a line that starts with a dot.
    static func parse(_ line: String) throws -> MetaCommand {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        let name = String(trimmed.prefix { !$0.isWhitespace }).lowercased()
        let rest = trimmed.dropFirst(name.count).trimmingCharacters(in: .whitespacesAndNewlines)
        let words = rest.split(whereSeparator: \.isWhitespace).map(String.init)
        func usage() -> Problem {
            let entry = all.first { $0.name == name }!
            return Problem(description: "usage: \(entry.name) \(entry.arguments)")
        }
        /// The one argument read by `value`, nil without one; anything else is a usage error.
        func optional<T>(_ value: (String) -> T?) throws -> T? {
            guard !words.isEmpty else { return nil }
            guard words.count == 1, let parsed = value(words[0]) else { throw usage() }
            return parsed
        }
        func onOff(_ word: String) -> Bool? { ["on": true, "off": false][word.lowercased()] }
        func count(_ word: String) -> Int? { Int(word).flatMap { $0 >= 0 ? $0 : nil } }
        switch name {
        case ".help": return .help
        case ".tables": return .tables
        case ".schema": return .schema(table: words.first)
        case ".mode": return .mode(try optional { OutputFormat(rawValue: $0.lowercased()) })
        case ".timer": return .timer(try optional(onOff))
        case ".maxrows": return .maxRows(try optional(count))
        case ".maxwidth": return .maxWidth(try optional(count))
        case ".nullvalue":
            return .nullValue(rest)
        case ".units": return .units(try optional { NumberUnits(rawValue: $0.lowercased()) })
        case ".separators": return .separators(try optional(onOff))
        case ".show": return .show
        case ".chart":
            guard (1...2).contains(words.count), let kind = ChartRenderer.Kind(rawValue: words[0].lowercased()) else { throw usage() }
            return .chart(kind, column: words.count == 2 ? words[1] : nil)
        case ".read":
            guard !rest.isEmpty else { throw usage() }
            return .read(path: rest)
        case ".output":
            return .output(path: rest.isEmpty ? nil : rest)
        case ".open":
            guard !rest.isEmpty else { throw usage() }
            return .open(path: rest)
        case ".quit", ".exit": return .quit
        default:
            if let guess = QueryError.suggestion(for: name, among: names) {
                throw Problem(description: "unknown command \(name) — did you mean \(guess)? (.help lists the commands)")
            }
            throw Problem(description: "unknown command \(name) — the commands are \(all.map(\.name).joined(separator: " ")) (.help says what they do)")
        }
    }
}
