import ArgumentParser
import Foundation
import HuiyanIngest
import HuiyanQuery
import HuiyanStorage
import HuiyanTourism

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Build a demo year of Hengyang's feeds, ask it the analysts' questions, and print the progress report.",
        usage: "huiyan demo [<options>]",
        discussion: """
        Generates a year (2025) of the three feeds into --dir, loads them into the database through the same \
        ingest as `huiyan ingest` (with progress), loads the catalogs' dimension tables, runs a showcase of \
        analyst queries with their timings, and prints the progress report (and writes it as HTML next to the \
        feeds). A second run reuses what is there: feed files already generated are kept, files already \
        ingested are passed over.

        Scales:
          small   1,000,000 visits, 125,000 tickets, 500,000 orders
                  (seconds; about 160 MB of CSV)
          city    80,000,000 visits (the plan's 8000万), 10,000,000 tickets,
                  40,000,000 orders (about 12 GB of CSV)

        Examples:
          huiyan demo
          huiyan demo --scale city --db city.db
        """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "small (1 M visits) or city (80 M visits).")
    var scale: DemoScale = .small

    @Option(name: .long, help: ArgumentHelp("Where the generated feeds are kept (a folder per scale).", valueName: "dir"))
    var dir = ".demo-data"

    @Flag(name: .long, help: "No progress bar.")
    var quiet = false

    func run() throws {
        let start = ContinuousClock.now
        let catalog = try Catalog.load(directoryOrDefault: nil)
        let folder = (dir as NSString).appendingPathComponent(scale.rawValue)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        emit("── Huiyan demo: a \(scale.rawValue) year \(DemoScale.year) of Hengyang's feeds in \(folder), database \(global.databasePath)")

        var files: [Feed: String] = [:]
        for feed in Feed.allCases { files[feed] = try generate(feed, catalog: catalog, folder: folder) }

        let database = try global.openOrCreate()
        for feed in Feed.allCases { try ingest(feed, file: files[feed]!, database: database) }
        let loaded = try CatalogTables.load(catalog, into: database)
        emit("dimension tables: " + loaded.map { "\($0.table) \($0.rows)" }.joined(separator: ", "))
        let visits = try database.manifest(of: "visits").rowCount
        if visits > scale.visits {
            warn("note: \(global.databasePath) holds \(Formatting.grouped(visits)) visits, more than this demo's "
                 + "\(Formatting.grouped(scale.visits)): the queries and the report count all of them (use --db for a database of its own)")
        }
        emit("built in \(Self.seconds(since: start))s")

        let engine = QueryEngine(database: database)
        let renderer = ResultRenderer(format: .table, offsetSeconds: engine.utcOffsetSeconds)
        let context = QueryContext(threads: ProcessInfo.processInfo.activeProcessorCount)
        for (title, sql) in Showcase.queries {
            let began = ContinuousClock.now
            let result = try engine.execute(sql, context: context).last!
            emit("\n── \(title) (\(Self.milliseconds(since: began)) ms)")
            emit(sql)
            emit(renderer.render(result))
        }

        emit("")
        let data = try ReportBuilder(engine: engine, catalog: catalog).build(year: DemoScale.year)
        let html = (folder as NSString).appendingPathComponent("report-\(DemoScale.year).html")
        try HTMLReport(data: data).render().write(toFile: html, atomically: true, encoding: .utf8)
        emit(TextReport(data: data).render())
        emit("\nthe same report as a page with charts: \(html)  (huiyan report --html FILE)")
        emit("demo done in \(Self.seconds(since: start))s")
    }

    /// The feed's file in `folder`, generated unless a complete one is there (written under a temporary
    /// name and renamed, so an interrupted run leaves no half file).
    private func generate(_ feed: Feed, catalog: Catalog, folder: String) throws -> String {
        let path = (folder as NSString).appendingPathComponent("\(feed.rawValue).csv")
        if FileManager.default.fileExists(atPath: path) {
            emit("\(feed.rawValue): reusing \(path)")
            return path
        }
        let options = GenerationOptions(feed: feed, rows: scale.rows(feed), year: DemoScale.year, seed: scale.seed(feed),
                                        format: .csv, badRowShare: scale.badRowShare(feed))
        emit("\(feed.rawValue): generating \(Formatting.grouped(options.rows)) rows …")
        let summary = try FeedGenerator(catalog: catalog).generate(options, to: path + ".tmp")
        try FileManager.default.moveItem(atPath: path + ".tmp", toPath: path)
        emit("\(feed.rawValue): \(Formatting.grouped(summary.rows)) rows → \(path), \(Formatting.bytes(summary.bytes)) in "
             + "\(Formatting.decimal(summary.seconds))s (\(Formatting.grouped(Int(summary.rowsPerSecond))) rows/s)")
        return path
    }

    /// Ingests the feed's file unless the table has it already.
    private func ingest(_ feed: Feed, file: String, database: Database) throws {
        guard !(try IngestCommand.notYetIngested([file], table: feed.rawValue, database: database)).isEmpty else { return }
        var options = IngestOptions()
        options.command = "huiyan demo --scale \(scale.rawValue)"
        let bar = ProgressBar(enabled: !quiet && isatty(STDERR_FILENO) == 1)
        defer { bar.clear() }
        let summary = try Ingestor(database: database).ingest(table: feed.rawValue, files: [file], options: options) { bar.update($0) }
        bar.clear()
        IngestCommand.report(summary)
    }

    static func seconds(since start: ContinuousClock.Instant) -> String {
        let d = start.duration(to: .now)
        return Formatting.decimal(Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18, digits: 1)
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        let d = start.duration(to: .now)
        return Int(d.components.seconds * 1000) + Int(d.components.attoseconds / 1_000_000_000_000_000)
    }
}

extension DemoScale: ExpressibleByArgument {}
