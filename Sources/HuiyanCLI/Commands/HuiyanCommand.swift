import ArgumentParser

/// `huiyan`: the command line of the Huiyan event-analytics engine.
public struct HuiyanCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "huiyan",
        abstract: "Huiyan (廻雁): an embedded event-analytics engine for Hengyang's tourism and online retail.",
        discussion: """
        A database is a directory (default ./huiyan.db, or $HUIYAN_DB, or --db PATH) holding three event \
        tables — visits, tickets, orders — in compressed, checksummed column segments.

        Start with:
          huiyan demo                               a generated year of Hengyang's feeds, queried, with the progress report
          huiyan report --html report.html          the progress report against the plan's 2025 targets
          huiyan init                               create ./huiyan.db with the feed tables
          huiyan ingest visits visits.csv           load a feed; bad rows go to a rejects file
          huiyan tables                             what is loaded
          huiyan stats                              sizes and compression, per table and column
          huiyan verify                             check every checksum
          huiyan                                    the REPL (or run the statements piped to it)
        """,
        subcommands: [InitCommand.self, IngestCommand.self, QueryCommand.self, TablesCommand.self, DescribeCommand.self,
                      StatsCommand.self, VerifyCommand.self, CompactCommand.self, GenerateCommand.self,
                      CatalogsCommand.self, DemoCommand.self, ReportCommand.self, REPLCommand.self],
        defaultSubcommand: REPLCommand.self
    )

    public init() {}

    /// Runs the command line; `--db PATH` is accepted before the subcommand too.
    public static func run(arguments: [String]) {
        main(separateLeadingComment(moveGlobalOptions(arguments)))
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

    /// Moves a leading `--db PATH` (or `--db=PATH`) behind the subcommand name, where the parser expects it.
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
        guard !moved.isEmpty, let subcommand = args.first else { return arguments }
        return [subcommand] + moved + args.dropFirst()
    }
}
