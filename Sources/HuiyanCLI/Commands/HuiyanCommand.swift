import ArgumentParser
import Foundation
import HuiyanQuery
import HuiyanStorage

/// `huiyan`: the command line of the Huiyan event-analytics engine.
public struct HuiyanCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "huiyan",
        abstract: "Huiyan (廻雁): an embedded event-analytics engine for Hengyang's tourism and online retail.",
        discussion: """
        A database is a directory (default ./huiyan.db, or $HUIYAN_DB, or --db PATH) holding three event \
        tables — visits, tickets, orders — in compressed, checksummed column segments.

        Start with:
          huiyan demo                        a generated year of Hengyang's feeds,
                                             queried, with the progress report
          huiyan report --html report.html   the progress against 2025's targets
          huiyan init                        create ./huiyan.db with the tables
          huiyan ingest visits visits.csv    load a feed; bad rows go to rejects
          huiyan tables                      what is loaded
          huiyan stats                       sizes and compression per column
          huiyan verify                      check every checksum
          huiyan                             the REPL (or run statements piped
                                             to it); huiyan -c "SQL" runs one
          huiyan --generate-completion-script bash|zsh|fish
                                             Tab completion for your shell
                                             (docs/CLI.md says where it goes)

        \(ExitStatus.summary)
        """,
        version: HuiyanCommand.version,
        subcommands: [InitCommand.self, IngestCommand.self, QueryCommand.self, TablesCommand.self, DescribeCommand.self,
                      StatsCommand.self, VerifyCommand.self, CompactCommand.self, GenerateCommand.self,
                      CatalogsCommand.self, DemoCommand.self, ReportCommand.self, SettingsCommand.self, REPLCommand.self],
        defaultSubcommand: REPLCommand.self
    )

    /// The release, and the on-disk format it writes (`huiyan --version`).
    public static let version = "huiyan 0.1.0 (database format \(DatabaseSettings.formatVersion))"

    public init() {}

    /// Runs the command line; `--db PATH` is accepted before the subcommand too. A first word that names no
    /// command is refused with the nearest command's name, not read as the REPL's argument.
    public static func run(arguments: [String]) {
        if let problem = nonUTF8Argument(arguments) {
            warnError(problem)
            Foundation.exit(1)
        }
        let arguments = moveGlobalOptions(arguments)
        if let message = unknownCommand(arguments) {
            warnError(message)
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        var command: ParsableCommand
        do { command = try parseAsRoot(separateLeadingComment(arguments)) } catch { exit(withError: error) }
        do {
            try command.run()
        } catch {
            // A failure the parser would print as "Error: " and the error: the same, but red on a terminal.
            let plain = String(describing: error)
            // An error of the store, an ingest or a query: the exit status says its kind.
            if let kind = ExitStatus.kind(of: error) {
                warnError(plain)
                Foundation.exit(ExitStatus.code(for: kind))
            }
            if exitCode(for: error) == .failure, fullMessage(for: error) == "Error: " + plain {
                warnError(plain)
                Foundation.exit(ExitCode.failure.rawValue)
            }
            exit(withError: error)
        }
    }

    /// The names `huiyan` takes as its first word.
    static var commandNames: [String] {
        configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
    }

    /// "unknown command 'tabels' — did you mean 'tables'?" when the first argument is a word that names no command.
    static func unknownCommand(_ arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-"), !commandNames.contains(first) else { return nil }
        var message = "unknown command '\(first)'"
        if first.contains(where: \.isWhitespace) {
            message += " — SQL runs with huiyan query \"SQL\" or huiyan -c \"SQL\""
        } else if let guess = QueryError.suggestion(for: first, among: commandNames) {
            message += " — did you mean '\(guess)'?"
        }
        return message + "\nThe commands: \(commandNames.joined(separator: ", ")) (huiyan --help says what they do)."
    }

    /// Why the raw command line (or `$HUIYAN_DB`) cannot be used as given: an argument that is not UTF-8
    /// arrives in `arguments` with U+FFFD in place of its bad bytes, and a path so changed would name
    /// another file. Such a path is refused, never replaced. (Query text is refused by `query` itself.)
    static func nonUTF8Argument(_ arguments: [String]) -> String? {
        let hint = "huiyan takes file and folder names as UTF-8 and would not use this one exactly as given; "
            + "rename it to a UTF-8 name (e.g. with convmv)"
        if let raw = getenv("HUIYAN_DB"), String(validatingCString: raw) == nil {
            return "$HUIYAN_DB (\(escaped(raw))) is not valid UTF-8: \(hint)"
        }
        let count = Int(CommandLine.argc)
        for index in 1..<max(count, 1) {
            guard let raw = CommandLine.unsafeArgv[index], String(validatingCString: raw) == nil else { continue }
            // The SQL of `query` (not an option's value) is left to the query command's own message.
            let previous = index > 1 ? CommandLine.unsafeArgv[index - 1].map { String(cString: $0) } : nil
            let isOption = raw.pointee == 0x2D || previous?.hasPrefix("-") == true
            if arguments.contains("query") && !isOption { continue }
            return "the argument \(escaped(raw)) is not valid UTF-8: \(hint)"
        }
        return nil
    }

    /// A raw argument as text, with bytes that are not UTF-8 shown as \xNN.
    static func escaped(_ raw: UnsafePointer<CChar>) -> String {
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw))
        var text = "\""
        var rest = bytes[...]
        while !rest.isEmpty {
            // The longest valid UTF-8 prefix, then one bad byte as \xNN.
            var valid = rest.count
            while valid > 0 && String(validating: rest.prefix(valid), as: UTF8.self) == nil { valid -= 1 }
            text += String(decoding: rest.prefix(valid), as: UTF8.self)
            rest = rest.dropFirst(valid)
            if let bad = rest.first {
                text += "\\x" + String(bad, radix: 16, uppercase: true)
                rest = rest.dropFirst()
            }
        }
        return text + "\""
    }

    /// SQL given to `query` that starts with a `--` comment would be read as an option: an argument that
    /// starts with `-` and holds whitespace (no option does) goes last, behind the `--` that ends options.
    static func separateLeadingComment(_ arguments: [String]) -> [String] {
        guard arguments.first == "query", !arguments.contains("--"),
              let index = arguments.indices.dropFirst().first(where: {
                  arguments[$0].hasPrefix("-") && arguments[$0].contains(where: \.isWhitespace)
              }) else { return arguments }
        var args = arguments
        let sql = args.remove(at: index)
        return args + ["--", sql]
    }

    /// Moves a leading `--db PATH` (or `--db=PATH`) behind the subcommand's words (`catalogs load`), where the
    /// parser expects it; before an option of the REPL (`-c`, `-init`) it stays where it is.
    static func moveGlobalOptions(_ arguments: [String]) -> [String] {
        var args = arguments
        var moved: [String] = []
        while let first = args.first {
            if first == "--db", args.count >= 2 {
                moved += args.prefix(2); args.removeFirst(2)
            } else if first.hasPrefix("--db=") {
                moved.append(first); args.removeFirst()
            } else {
                break
            }
        }
        let words = args.prefix { !$0.hasPrefix("-") }.count
        guard !moved.isEmpty, words > 0 else { return arguments }
        return Array(args.prefix(words)) + moved + args.dropFirst(words)
    }
}
