import ArgumentParser
import Foundation
import HuiyanStorage
import HuiyanTourism

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a realistic demo feed (visits, tickets or orders) for a year, deterministically.",
        usage: "huiyan generate <feed> --out <file> [<options>]",
        discussion: """
        The rows follow FEEDS.md column for column, with timestamps ascending
        through the year. Daily volume follows the calendar — Spring Festival,
        清明, 五一, the summer, the 国庆 Golden Week, weekends (for orders: 年货,
        618, 双十一) — and times of day fall inside each spot's opening hours.
        Spots, routes, products, platforms and origins are drawn by their weights
        from the catalogs (see --catalogs). The same seed always gives the same
        bytes.

        --bad-rows SHARE replaces exactly round(rows × SHARE) rows by malformed \
        ones of varied kinds (bad timestamps, money with three decimals, qty 0, \
        too few fields, empty required fields …), to try the ingest's rejects \
        handling; with the default 0 every row is accepted.

        A one-line summary goes to standard error; nothing is written to standard \
        output unless --out is -.

        Examples:
          huiyan generate visits --rows 1000000 --out visits-2025.csv
          huiyan generate orders --rows 200000 --year 2024 --seed 7 \\
            --out orders.ndjson
          huiyan generate tickets --rows 10000 --bad-rows 0.01 --out bad.csv
        """)

    /// Accepted for uniformity (`huiyan --db X generate …`); generating touches no database.
    @OptionGroup(visibility: .hidden) var global: GlobalOptions

    @Argument(help: ArgumentHelp("The feed: visits, tickets or orders.", valueName: "feed"))
    var feed: Feed

    @Option(name: .long, help: "How many rows to write.")
    var rows = 100_000

    @Option(name: .long, help: "The calendar year the timestamps fall in.")
    var year = 2025

    @Option(name: .long, help: "The seed: the same seed gives the same file.")
    var seed: UInt64 = 1

    @Option(name: .long, help: ArgumentHelp("The file to write (- for standard output): a new file in a folder that exists, outside any database.", valueName: "file"))
    var out: String

    @Flag(name: .long, help: "Replace an existing --out file.")
    var force = false

    @Option(name: .long, help: "csv or ndjson (default: from the --out extension, .ndjson/.jsonl → ndjson, else csv).")
    var format: FeedFormat?

    @Option(name: .long, help: ArgumentHelp("The share of rows to make malformed, 0 to 1 (e.g. 0.001).", valueName: "share"))
    var badRows = 0.0

    @Option(name: .long, help: ArgumentHelp("A folder of catalog CSV files to use instead of the built-in ones (default: $HUIYAN_CATALOGS if set).",
                                            valueName: "dir"))
    var catalogs: String?

    func validate() throws {
        guard rows >= 0 else { throw ValidationError("--rows must not be negative") }
        guard (1000...9999).contains(year) else { throw ValidationError("--year must have four digits") }
        guard badRows.isFinite, (0...1).contains(badRows) else { throw ValidationError("--bad-rows must be a share between 0 and 1") }
    }

    func run() throws {
        let catalog = try Catalog.load(directoryOrDefault: catalogs)
        let options = GenerationOptions(feed: feed, rows: rows, year: year, seed: seed,
                                        format: format ?? FeedFormat.implied(byPath: out), badRowShare: badRows)
        let generator = FeedGenerator(catalog: catalog)
        let summary: GenerationSummary
        if out == "-" {
            summary = try generator.generate(options, to: out)
        } else {
            // A new file outside any database, put in place whole; an existing one replaced only with --force.
            let file = try UserOutputFile(path: out, replacing: force, what: "feed file")
            do {
                summary = try generator.generate(options) { try file.write($0) }
                try file.commit()
            } catch {
                file.discard()
                throw error
            }
        }
        let bad = summary.badRows > 0 ? " (\(Formatting.grouped(summary.badRows)) malformed)" : ""
        warn("\(feed.rawValue): \(Formatting.grouped(summary.rows)) rows\(bad) → \(out), \(Formatting.bytes(summary.bytes)) "
             + "(\(options.format.rawValue)) in \(Formatting.decimal(summary.seconds))s "
             + "(\(Formatting.grouped(Int(summary.rowsPerSecond))) rows/s)")
    }
}

extension Feed: ExpressibleByArgument {}
extension FeedFormat: ExpressibleByArgument {}
