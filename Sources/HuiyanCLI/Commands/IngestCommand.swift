import ArgumentParser
import Foundation
import HuiyanIngest
import HuiyanQuery
import HuiyanStorage

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Load CSV or NDJSON files into a table, atomically.",
        usage: "huiyan ingest [<options>] <table> <files> ...",
        discussion: """
        Columns are matched by header name (CSV) or key (NDJSON), in any order. Every row is checked \
        against the table's schema; a bad row is written to the rejects file with file, line, field, \
        column, value and reason, and the good rows are committed. All files of one command become \
        visible together, or — on an error, a crash or --strict with rejects — not at all.

        A file whose content was ingested before is refused (re-running yesterday's import must not \
        double the numbers): --force ingests it again, --skip-ingested passes over it.

        A feed in GBK or GB18030 is converted as it is read (--encoding gbk); a .gz file is read through \
        gzip; - reads standard input (with --input-format). An ingest in which every row was rejected \
        commits nothing and fails, saying why.

        Ctrl-C or --timeout stops an ingest before its commit: nothing is committed and the files it wrote \
        are removed (after Ctrl-C: "cancelled: nothing committed", exit status 130).

        Examples:
          huiyan ingest visits visits-2025-10.csv
          huiyan ingest orders orders.ndjson --rejects bad-orders.csv --strict
          huiyan ingest visits county-visits.csv.gz --encoding gbk
          zcat feed.csv.gz | huiyan ingest visits - --input-format csv
        """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The table to load: visits, tickets, orders, or one created later.")
    var table: String

    @Argument(help: "Input files (.csv, .ndjson or .jsonl, each also gzipped as .gz), or - for standard input.")
    var files: [String]

    @Option(name: .long, help: "Input format, instead of taking it from the file extension.")
    var inputFormat: InputFormat?

    @Option(name: .long, help: "The files' character encoding: utf-8 (the default), gbk or gb18030.")
    var encoding: FeedEncoding = .utf8

    @Option(name: .long, help: "Where to write rejected rows (default: <db>/rejects/<table>-<time>.csv): a new file outside the database, in a folder that exists (--force replaces an existing file).")
    var rejects: String?

    @Flag(name: .long, help: "Commit nothing if any row is rejected.")
    var strict = false

    @Flag(name: .long, help: "Ingest files even if the same content was ingested before, and replace an existing --rejects file.")
    var force = false

    @Option(name: .long, help: "Stop (committing nothing) if the ingest runs longer than this many seconds.")
    var timeout: Double?

    @Flag(name: .long, help: "Pass over files whose content was ingested before, instead of refusing.")
    var skipIngested = false

    @Flag(name: .long, help: "Skip input columns the table does not have, instead of refusing the file.")
    var ignoreUnknownColumns = false

    @Option(name: .long, help: ArgumentHelp("Rows per segment file.", visibility: .hidden))
    var segmentRows = 1 << 20

    @Flag(name: .long, help: "No progress bar.")
    var quiet = false

    @Option(name: .long, help: "Output format of the summary: table or json.")
    var format: ListingFormat = .table

    func run() throws {
        let database = try global.openOrCreate()
        var options = IngestOptions()
        options.format = inputFormat
        options.encoding = encoding
        options.rejectsPath = rejects
        options.strict = strict
        options.force = force
        options.replaceRejects = force
        options.ignoreUnknownColumns = ignoreUnknownColumns
        guard segmentRows > 0 else { throw ValidationError("--segment-rows must be at least 1") }
        if let timeout, !(timeout > 0 && timeout.isFinite) { throw ValidationError("--timeout must be a positive number of seconds") }
        options.segmentRows = segmentRows
        options.command = (["huiyan"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        var paths = files
        if skipIngested && !force {
            paths = try Self.notYetIngested(files, table: table, database: database)
            if paths.isEmpty { emit("nothing to ingest: every file was ingested before"); return }
        }
        let bar = ProgressBar(enabled: !quiet && isatty(STDERR_FILENO) == 1)
        // Ctrl-C (and --timeout) stop the reading and parsing; the command then commits nothing and removes
        // what it wrote.
        let context = QueryContext(timeout: timeout, memoryLimit: nil)
        InterruptSignal.install()
        let watch = QueryWatch(context: context, showProgress: false)
        defer { watch.stop() }
        options.cancellation = { try context.check() }
        let summary: IngestSummary
        do {
            summary = try Ingestor(database: database).ingest(table: table, files: paths, options: options) { bar.update($0) }
            bar.clear()
        } catch {
            bar.clear()
            if context.isCancelled || context.isPastDeadline {
                warn(context.isCancelled ? "cancelled: nothing committed" : "timed out after \(Formatting.decimal(timeout ?? 0)) s: nothing committed")
                throw ExitCode(context.isCancelled ? ExitStatus.cancelled : ExitStatus.failure)
            }
            throw error
        }
        switch format {
        case .json: emit(Formatting.json(summary))
        case .table: Self.report(summary)
        }
    }

    /// The files whose content the table has not ingested yet, each content once; each other one is named on
    /// standard error. (A file that held no row is never a repeat: it changed nothing.)
    static func notYetIngested(_ files: [String], table: String, database: Database) throws -> [String] {
        let already = Set(try database.manifest(of: table).ingestedFiles.filter { $0.acceptedRows + $0.rejectedRows > 0 }.map(\.contentHash))
        var given: [String: String] = [:]
        return try files.filter { path in
            guard FileIO.exists(path), !FileIO.isDirectory(path) else { return true }
            let hash = try Ingestor.contentHash(path)
            if already.contains(hash) { warn("\(path): already ingested, passed over"); return false }
            if let earlier = given[hash] { warn("\(path): the same content as \(earlier), passed over"); return false }
            given[hash] = path
            return true
        }
    }

    /// Prints an ingest's summary: per file, the table's totals, the first rejections and the rejects file.
    static func report(_ summary: IngestSummary) {
        for file in summary.files {
            emit("\(file.path): \(Formatting.grouped(file.accepted)) accepted, \(Formatting.grouped(file.rejected)) rejected (\(Formatting.bytes(file.bytes)), \(file.format.rawValue))")
        }
        emit("\(summary.table): \(Formatting.grouped(summary.accepted)) rows committed, \(Formatting.grouped(summary.rejected)) rejected, "
             + "\(Formatting.bytes(summary.bytes)) read in \(Formatting.decimal(summary.seconds))s "
             + "(\(Formatting.grouped(Int(summary.rowsPerSecond))) rows/s), \(summary.segmentsWritten) segment(s), \(Formatting.bytes(summary.bytesOnDisk)) on disk")
        if let path = summary.rejectsPath {
            for rejection in summary.sampleRejections.prefix(5) { warn("rejected: \(rejection)") }
            if summary.rejected > 5 { warn("… and \(Formatting.grouped(summary.rejected - 5)) more") }
            emit("rejected rows and their reasons: \(path)")
        }
    }
}

extension InputFormat: ExpressibleByArgument {}

extension FeedEncoding: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
}
