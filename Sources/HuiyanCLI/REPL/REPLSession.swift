import Foundation
import HuiyanQuery
import HuiyanStorage

/// The state of a REPL session and what runs in it: statements and meta-commands, fed a line at a time by the
/// line editor, standard input or `.read`. Results go to standard output (or the `.output` file), errors with
/// a caret to standard error; an error leaves the session usable.
final class REPLSession {
    private(set) var engine: QueryEngine
    private(set) var databasePath: String
    var settings = REPLSettings()
    /// Whether a person is at a terminal: then Ctrl-C cancels a statement and long ones show progress.
    let interactive: Bool
    /// Whether any statement or command failed.
    private(set) var hadError = false
    /// The exit status of a script: 0, else the status of the first error's kind (`ExitStatus`).
    private(set) var exitStatus: Int32 = 0
    private var buffer = StatementBuffer()
    private var lastResult: QueryResult?
    private var output: FileHandle?
    private var outputPath: String?
    private var readDepth = 0
    /// Set when Ctrl-C cancelled a statement: a `.read` stops there instead of running the rest of its file.
    private var interrupted = false

    /// Whether SQL may read and write files (COPY), unless the database says no.
    private let fileAccess: Bool
    /// Each statement's limits.
    var timeout: Double?
    var memoryLimit: Int? = QueryContext.defaultMemoryLimit

    init(databasePath: String, interactive: Bool, fileAccess: Bool = true) throws {
        self.databasePath = databasePath
        self.interactive = interactive
        self.fileAccess = fileAccess
        engine = try Self.engine(databasePath, fileAccess: fileAccess)
    }

    private static func engine(_ path: String, fileAccess: Bool) throws -> QueryEngine {
        let engine = QueryEngine(database: try Database.open(at: path))
        if !fileAccess { engine.fileAccess = false }
        return engine
    }

    var database: Database { engine.database }

    /// Whether a statement has begun and waits for its `;`.
    var isContinuing: Bool { buffer.isContinuing }

    /// The text of a statement begun on earlier lines (for completion).
    var pending: String { buffer.pending }

    /// Drops a statement that was begun (Ctrl-C at the continuation prompt).
    func discardPending() { buffer.clear() }

    /// Runs what the line completes; false after `.quit`.
    func feed(_ line: String) -> Bool { feed(line, into: &buffer) }

    /// Runs an unfinished last statement of a script that did not end with `;`.
    func finish() { finish(&buffer) }

    /// Runs a start-up file (`~/.huiyanrc`, or `-init FILE`) as `.read` runs a file; false when it ran `.quit`.
    func runStartupFile(_ path: String) -> Bool {
        do { return try read(path) } catch {
            fail("\(error)", error)
            return true
        }
    }

    private func feed(_ line: String, into buffer: inout StatementBuffer) -> Bool {
        if !buffer.isContinuing, line.drop(while: \.isWhitespace).hasPrefix(".") {
            buffer.clear()
            return runMeta(line)
        }
        for statement in buffer.append(line) { run(statement) }
        return true
    }

    private func finish(_ buffer: inout StatementBuffer) {
        if buffer.isContinuing { run(buffer.pending) }
        buffer.clear()
    }

    // MARK: Statements

    /// Parses and runs the statements of `sql`, each under its own context and watch (Ctrl-C, progress line),
    /// the watch ended before anything is printed.
    private func run(_ sql: String) {
        let statements: [Statement]
        do { statements = try engine.parse(sql) } catch { return report(error, in: sql) }
        for statement in statements {
            let context = QueryContext(timeout: timeout, memoryLimit: memoryLimit)
            // A script has no Ctrl-C handler (SIGINT ends it) and shows no progress: nothing to watch.
            let watch = interactive ? QueryWatch(context: context, showProgress: TerminalLocale.isTerminal(STDERR_FILENO)) : nil
            let started = Date()
            let outcome = Result { try engine.execute(statement, sql: sql, context: context) }
            watch?.stop()
            if context.isCancelled { interrupted = true }
            switch outcome {
            case .success(let result):
                if !result.columnNames.isEmpty { lastResult = result }
                show(renderer().render(result))
            case .failure(let error):
                report(error, in: sql)
            }
            if settings.timer { say(String(format: "Run Time: %.3f s", Date().timeIntervalSince(started))) }
            if case .failure = outcome { return }
        }
    }

    private func report(_ error: Error, in sql: String) {
        if let error = error as? QueryError {
            fail(error.message + (error.range == nil ? "" : "\n" + error.caret(in: sql)), error)
        } else {
            fail("\(error)", error)
        }
    }

    private func renderer() -> ResultRenderer {
        var renderer = ResultRenderer(format: settings.mode, offsetSeconds: engine.utcOffsetSeconds)
        renderer.nullText = settings.nullValue
        renderer.maxRows = settings.maxRows > 0 ? settings.maxRows : nil
        renderer.units = settings.units
        renderer.separators = settings.separators
        if output == nil {
            renderer.maxWidth = settings.maxWidth > 0 ? settings.maxWidth : TerminalLocale.columns()
            renderer.palette = Palette.forTerminal(STDOUT_FILENO)
        }
        return renderer
    }

    /// `.show`: every setting, the output and the database.
    private var showText: String {
        let rows = settings.listed(terminalWidth: output == nil ? TerminalLocale.columns() : nil)
            + [("output", output == nil ? "stdout" : outputPath ?? ""), ("database", databasePath)]
        let width = rows.map { DisplayWidth.of($0.0) }.max() ?? 0
        return rows.map { DisplayWidth.padded($0.0, to: width, right: true) + ": " + $0.1 }.joined(separator: "\n")
    }

    // MARK: Meta-commands

    private func runMeta(_ line: String) -> Bool {
        do {
            switch try MetaCommand.parse(line) {
            case .help: show(Self.helpText)
            case .tables: run("SHOW TABLES;")
            case .schema(let table): show(try schema(of: table))
            case .mode(let mode): if let mode { settings.mode = mode } else { say(settings.mode.rawValue) }
            case .timer(let on): if let on { settings.timer = on } else { say(REPLSettings.onOff(settings.timer)) }
            case .maxRows(let n): if let n { settings.maxRows = n } else { say(String(settings.maxRows)) }
            case .maxWidth(let n): if let n { settings.maxWidth = n } else { say(String(settings.maxWidth)) }
            case .nullValue(let text): settings.nullValue = text
            case .units(let units): if let units { settings.units = units } else { say(settings.units.rawValue) }
            case .separators(let on): if let on { settings.separators = on } else { say(REPLSettings.onOff(settings.separators)) }
            case .show: say(showText)
            case .chart(let kind, let column): try chart(kind, column: column)
            case .read(let path): if try !read(path) { return false }
            case .output(let path): try redirect(to: path)
            case .open(let path):
                engine = try Self.engine(path, fileAccess: fileAccess)
                databasePath = path
                lastResult = nil
                if interactive { say("opened \(path)") }
            case .quit: return false
            }
        } catch {
            fail("\(error)", error)
        }
        return true
    }

    /// `.help`: every meta-command and the keys of the line editor, within 80 columns.
    static var helpText: String {
        let width = MetaCommand.all.map { DisplayWidth.of($0.name + " " + $0.arguments) }.max() ?? 0
        let margin = "\n" + String(repeating: " ", count: width + 2)
        var lines = MetaCommand.all.map {
            DisplayWidth.padded($0.name + " " + $0.arguments, to: width) + "  "
                + DisplayWidth.wrapped($0.summary, to: 80 - width - 2).replacingOccurrences(of: "\n", with: margin)
        }
        lines += ["", DisplayWidth.wrapped("Statements end with ';' and may span lines. Keys: ↑/↓ history (a statement over "
            + "several lines comes back on its lines), Ctrl-R searches the history, Tab completes, Ctrl-A/Ctrl-E go to the "
            + "start/end of the line, Ctrl-C cancels a running statement (twice at an empty prompt: quit), Ctrl-D quits. "
            + "~/.huiyanrc runs at the start (-init FILE names another).", to: 80)]
        return lines.joined(separator: "\n")
    }

    /// `.schema [name]`: the CREATE statements of the tables and then the views (or of the one named).
    private func schema(of table: String?) throws -> String {
        let catalog = try database.viewCatalog()
        let views = table.map { name in catalog.views.filter { $0.name.lowercased() == name.lowercased() } } ?? catalog.views
        let names = try table.map { views.isEmpty ? [try database.resolveTableName($0)] : [] } ?? database.tableNames()
        let tables = try names.map { name in
            let columns = try database.manifest(of: name).schema.columns.map { c in
                "  \(c.name) \(SQLType(c.type).rawValue)\(c.nullable ? "" : " NOT NULL")"
            }
            return "CREATE TABLE \(name) (\n" + columns.joined(separator: ",\n") + "\n);"
        }
        let created = views.map { view in
            "CREATE VIEW \(view.name)" + (view.columns.isEmpty ? "" : " (\(view.columns.joined(separator: ", ")))") + " AS \(view.sql);"
        }
        return (tables + created).joined(separator: "\n")
    }

    private func chart(_ kind: ChartRenderer.Kind, column: String?) throws {
        guard let lastResult else { throw MetaCommand.Problem(description: "no result to draw yet: run a query first") }
        var chart = ChartRenderer(kind: kind, column: column, width: (output == nil ? TerminalLocale.columns() : nil) ?? 80,
                                  offsetSeconds: engine.utcOffsetSeconds)
        chart.units = settings.units
        show(try chart.render(lastResult))
    }

    /// Runs a file; false when it ran `.quit`.
    private func read(_ path: String) throws -> Bool {
        guard readDepth < 16 else { throw MetaCommand.Problem(description: "\(path): .read nested too deeply") }
        // A file handle reads devices too (-init /dev/null: no start-up file), which contents(atPath:) does not.
        guard let data = FileHandle(forReadingAtPath: path).flatMap({ try? $0.readToEnd() ?? Data() }) else {
            throw MetaCommand.Problem(description: "\(path): cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw MetaCommand.Problem(description: "\(path): not valid UTF-8") }
        readDepth += 1
        defer { readDepth -= 1 }
        if readDepth == 1 { interrupted = false }
        var local = StatementBuffer()
        var quit = false
        // Lines end at LF or CRLF ("\r\n" is one Character, a newline).
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if !feed(String(line), into: &local) { quit = true }
            if quit || interrupted { break }
        }
        if interrupted {
            if readDepth == 1 { warn("\(path): stopped after Ctrl-C") }
        } else if !quit {
            finish(&local)
        }
        return !quit
    }

    private func redirect(to path: String?) throws {
        try output?.close()
        output = nil
        outputPath = nil
        guard let path else { return }
        // Emptied if it exists (as sqlite3 does), but never inside a database, in a missing folder or through a link.
        try UserOutputFile.check(path, replacing: true, what: ".output file")
        // A device or pipe (`/dev/stdout`, often itself a link) is written as it is.
        let fd = UserOutputFile.isDevice(path) ? open(path, O_WRONLY | O_CLOEXEC)
            : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else {
            throw MetaCommand.Problem(description: "\(path): cannot write the file (\(errno == ELOOP ? "a symbolic link" : String(cString: strerror(errno)))))")
        }
        output = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        outputPath = path
    }

    // MARK: Output

    /// A result: to the `.output` file or standard output.
    private func show(_ text: String) {
        guard !text.isEmpty else { return }
        let data = Data((text + "\n").utf8)
        if let output { output.write(data) } else { FileHandle.standardOutput.write(data) }
    }

    /// A note for the person (timer, opened database): standard output, never the `.output` file.
    private func say(_ text: String) { emit(text) }

    private func fail(_ text: String, _ error: (any Error)? = nil) {
        if !hadError { exitStatus = error.map { ExitStatus.exit(for: $0).rawValue } ?? ExitStatus.failure }
        hadError = true
        warnError(text)
    }
}
