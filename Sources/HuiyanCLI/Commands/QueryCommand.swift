import ArgumentParser
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import HuiyanQuery
import HuiyanStorage

struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run SQL: SELECT, EXPLAIN, SHOW TABLES, DESCRIBE, CREATE TABLE, COPY.",
        usage: "huiyan query [<options>] <sql>\nhuiyan query [<options>] -f <file> (- for standard input)",
        discussion: """
        Statements are separated by ';' and run in order; the first error stops the rest (exit 1; the REPL \
        reading a script from standard input reports it and goes on). Money prints as yuan with two decimals, timestamps in the \
        database's zone (Asia/Shanghai unless set otherwise). docs/SQL.md lists the dialect.

        Examples:
          huiyan query "SELECT spot, count(*) AS arrivals FROM visits
                        GROUP BY spot ORDER BY arrivals DESC LIMIT 10"
          huiyan query --format csv "SELECT date_trunc('month', ts) AS month,
                        sum(amount) FROM orders GROUP BY 1 ORDER BY 1"
          huiyan query -f report.sql --format markdown
          echo "SELECT count(*) FROM visits" | huiyan query -f -
        """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The SQL to run (or give -f FILE).")
    var sql: String?

    @Option(name: .shortAndLong, help: "Read the SQL from a file ('-': standard input).")
    var file: String?

    @Option(name: .long, help: "Output format: table, csv, json (one object per line), markdown or line.")
    var format: OutputFormatArgument = .table

    @Option(name: .long, help: "Stop a statement that runs longer than this many seconds.")
    var timeout: Double?

    @Option(name: .long, help: "The most memory one statement may hold, in MiB (default: three quarters of the machine's).")
    var memoryLimit: Int?

    @Option(name: .long, help: "Worker threads (default: every core).")
    var threads: Int?

    @Option(name: .long, help: ArgumentHelp(
        "Run in this time zone instead of the database's: calendar functions, time literals and output (e.g. UTC, +05:30).",
        valueName: "zone"))
    var timeZone: String?

    @Option(name: .long, help: ArgumentHelp(
        "Switch optimizer rules off: names separated by commas, or 'all' (the rows stay the same; only the time changes). "
            + "EXPLAIN lists the rules a query uses; HUIYAN_DISABLE_RULES does the same for every command.",
        valueName: "rules"))
    var disableRules: String?

    func validate() throws {
        if let disableRules {
            do { _ = try OptimizerSettings.parse(disableRules, source: "--disable-rules") } catch let error as QueryError {
                throw ValidationError(error.message)
            }
        }
        if (sql == nil) == (file == nil) { throw ValidationError("give the SQL as an argument or with -f FILE (one of the two)") }
        if let timeout, !(timeout > 0 && timeout.isFinite) { throw ValidationError("--timeout must be a positive number of seconds") }
        if let memoryLimit, memoryLimit <= 0 { throw ValidationError("--memory-limit must be positive") }
        // Past 2^43 MiB the limit in bytes would not fit in 64 bits; no machine has that much anyway.
        if let memoryLimit, memoryLimit > Int.max >> 20 { throw ValidationError("--memory-limit is at most \(Int.max >> 20) MiB") }
        if let threads, threads <= 0 { throw ValidationError("--threads must be positive") }
    }

    func run() throws {
        let text: String
        if let file {
            let contents = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: file)
            guard let data = contents else { throw QueryFailure("\(file): cannot read the file") }
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw QueryFailure("\(file): the query text is not valid UTF-8")
            }
            text = decoded
        } else {
            text = sql!
            // The argument arrives already decoded, invalid bytes replaced by U+FFFD: refuse it, as for a file.
            if text.unicodeScalars.contains("\u{FFFD}") && Self.isInvalidUTF8Argument(text) {
                throw QueryFailure("the query text is not valid UTF-8")
            }
        }
        let database = try global.open()
        let engine = global.engine(database)
        if let timeZone { engine.utcOffsetSeconds = try DatabaseSettings.fixedOffset(ofZone: timeZone) }
        var renderer = ResultRenderer(format: format.value, offsetSeconds: engine.utcOffsetSeconds)
        renderer.maxWidth = TerminalLocale.columns()
        renderer.palette = Palette.forTerminal(STDOUT_FILENO)
        let optimizer = try disableRules.map { try OptimizerSettings.parse($0, source: "--disable-rules") } ?? .allOn
        let context = QueryContext(timeout: timeout, memoryLimit: memoryLimit.map { $0 << 20 } ?? QueryContext.defaultMemoryLimit,
                                   threads: threads ?? ProcessInfo.processInfo.activeProcessorCount, optimizer: optimizer)
        // Ctrl-C cancels the running statement cleanly, through the same handler and watch as in the REPL.
        InterruptSignal.install()
        let watch = QueryWatch(context: context, showProgress: false)
        defer { watch.stop() }
        do {
            let statements = try engine.parse(text)
            for (index, statement) in statements.enumerated() {
                // A SELECT's rows in CSV or JSON are written as the query hands them on, never held whole.
                if case .select(let select) = statement, let streamed = format.value.textFormat {
                    try engine.stream(select, sql: text, context: context, format: streamed) { try StandardOutput.write($0) }
                    continue
                }
                let result = try engine.execute(statement, sql: text, context: context)
                if index > 0 && format.value == .table { emit("") }
                let rendered = renderer.render(result)
                if !rendered.isEmpty { emit(rendered) }
            }
        } catch let error as QueryError {
            warnError(error.message)
            if error.range != nil { warn(error.caret(in: text)) }
            throw ExitCode(ExitStatus.code(for: context.isCancelled ? .cancelled : error.kind))
        }
    }
}

extension QueryCommand {
    /// True when a raw command-line argument that decodes (with repair) to `repaired` is not valid UTF-8.
    static func isInvalidUTF8Argument(_ repaired: String) -> Bool {
        for index in 0..<Int(CommandLine.argc) {
            guard let raw = CommandLine.unsafeArgv[index] else { continue }
            if String(validatingCString: raw) == nil && String(cString: raw) == repaired { return true }
        }
        return false
    }
}

/// Standard output written directly, in the pieces given (a result streamed as it is made).
enum StandardOutput {
    static func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw QueryFailure("cannot write the result: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }
}

extension OutputFormat {
    /// The text format rows of this output format are streamed in (CSV and JSON lines), nil for the others.
    var textFormat: TextFormat? {
        switch self {
        case .csv: return .csv
        case .json: return .ndjson
        case .table, .markdown, .line: return nil
        }
    }
}

/// A failure before any SQL ran (the file), reported like other errors.
struct QueryFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// `--format` of the query command.
struct OutputFormatArgument: ExpressibleByArgument {
    var value: OutputFormat
    init?(argument: String) {
        guard let format = OutputFormat(rawValue: argument.lowercased()) else { return nil }
        value = format
    }
    static let table = OutputFormatArgument(argument: "table")!
    static var allValueStrings: [String] { OutputFormat.allCases.map(\.rawValue) }
    /// The name `--help` shows as the default.
    var defaultValueDescription: String { value.rawValue }
}
