import ArgumentParser
import Foundation
import HuiyanQuery
import HuiyanStorage
import HuiyanTourism

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The progress report against the plan's targets: text here, or one HTML page with charts.",
        usage: "huiyan report [<options>]",
        discussion: """
        Arrivals and tourism revenue to date against 8000万 and 700亿元, the share
        reached, the pace needed for the rest of the year and a projection from
        the calendar's seasonal profile; 网络零售 against 400亿元 and e-commerce
        against 2000亿元; enterprises past 10亿元 (when the orders carry
        merchants); arrivals and revenue by spot, grade, theme, route and county;
        雁城四宝 by product and platform; month by month. Every number is SQL on
        the database (tourism revenue = sum of visits.spend, online retail = sum
        of orders.amount); the targets come from the catalogs' targets.csv.

        Examples:
          huiyan report
          huiyan report --year 2025 --as-of 2025-06-30
          huiyan report --html report.html   one page (inline SVG, nothing fetched)
        """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "The plan year.")
    var year = 2025

    @Option(name: .long, help: ArgumentHelp("Count up to this day, YYYY-MM-DD (default: the last day with data in the year).", valueName: "date"))
    var asOf: String?

    @Option(name: .long, help: ArgumentHelp("Write the report as an HTML page to this file instead of printing it.", valueName: "file"))
    var html: String?

    @Option(name: .long, help: ArgumentHelp("A folder of catalog CSV files (default: $HUIYAN_CATALOGS, else the built-in ones).", valueName: "dir"))
    var catalogs: String?

    @Flag(name: .long, help: "Replace an existing --html file (otherwise it is refused).")
    var force = false

    func validate() throws {
        guard (1971...9998).contains(year) else { throw ValidationError("--year must be a year between 1971 and 9998") }
    }

    func run() throws {
        let catalog = try Catalog.load(directoryOrDefault: catalogs)
        try Self.produce(database: try global.open(), catalog: catalog, year: year, asOf: asOf, html: html, replacing: force)
    }

    /// Builds the report and prints it, or writes it as HTML to `html` (saying where): a new file outside any
    /// database, in a folder that exists, put in place whole (an existing one replaced only when `replacing`).
    static func produce(database: Database, catalog: Catalog, year: Int, asOf: String?, html: String?, replacing: Bool = false) throws {
        if let html { try checkOutput(html, replacing: replacing) }
        let data = try ReportBuilder(engine: QueryEngine(database: database), catalog: catalog).build(year: year, asOf: asOf)
        if let html {
            let file = try UserOutputFile(path: html, replacing: replacing, what: "report")
            do {
                try file.write(Array(HTMLReport(data: data).render().utf8))
                try file.commit()
            } catch {
                file.discard()
                throw QueryFailure("cannot write the report to \(html): \(error)")
            }
            emit("report of \(year) as of \(data.asOf) written to \(html)")
        } else {
            emit(TextReport(data: data).render())
        }
    }

    /// Refuses `html` before any work, saying why (a missing folder, inside a database, an existing file).
    static func checkOutput(_ html: String, replacing: Bool) throws {
        let folder = FileIO.directoryOf(html)
        guard FileIO.isDirectory(folder) else { throw QueryFailure("cannot write the report to \(html): no folder \(folder)") }
        do { try UserOutputFile.check(html, replacing: replacing, what: "report") } catch let error as StorageError {
            throw QueryFailure("\(error)" + (replacing ? "" : " (--force replaces it)"))
        }
    }
}
