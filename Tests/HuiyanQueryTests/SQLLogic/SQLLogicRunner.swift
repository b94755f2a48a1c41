import Foundation
import HuiyanIngest
@testable import HuiyanQuery
import HuiyanStorage
import HuiyanTourism

/// Runs the records of one sqllogictest file against a fresh database folder of its own; every query runs with
/// all optimizer rules on, with all of them off, and with aggregations spilled to disk, and each must give the
/// expected rows.
final class SQLLogicRunner {
    /// A block that did not do what its file says.
    struct Failure: CustomStringConvertible {
        let file: String
        let line: Int
        let message: String
        var description: String { "\(file):\(line): \(message)" }
    }

    /// `SQLLOGIC_TIMES=1` prints how long each record took.
    static let printsTimes = ProcessInfo.processInfo.environment["SQLLOGIC_TIMES"] != nil

    /// The ways every query runs.
    static let runs: [(name: String, optimizer: OptimizerSettings, spills: Bool)] = [
        ("rules on", .allOn, false), ("rules off", .allOff, false), ("spilled", .allOn, true),
    ]

    private static func context(_ run: (name: String, optimizer: OptimizerSettings, spills: Bool)) -> QueryContext {
        let context = QueryContext(optimizer: run.optimizer)
        context.spillsAlways = run.spills
        return context
    }

    let fileName: String
    let fixtures: String
    private(set) var failures: [Failure] = []
    /// Blocks marked `# known:` that still differ (expected) and those that now pass (the marker can go).
    private(set) var knownStillFailing: [Failure] = []
    private(set) var knownNowPassing: [Failure] = []
    /// How many query blocks ran (each once per run).
    private(set) var queries = 0

    init(fileName: String, fixtures: String) {
        self.fileName = fileName
        self.fixtures = fixtures
    }

    /// Runs every record in a new database under the temporary folder, removed afterwards.
    func run(_ records: [SQLLogicRecord]) throws {
        let directory = NSTemporaryDirectory() + "huiyan-sqllogic-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try Database.create(at: directory + "/db", tables: [])
        let engine = QueryEngine(database: database)
        for record in records {
            let started = Date()
            defer { if Self.printsTimes { print("time \(fileName):\(record.line) " + String(format: "%.3f s", Date().timeIntervalSince(started))) } }
            let sql = record.sql.replacingOccurrences(of: "${FIXTURES}", with: fixtures)
            switch record.kind {
            case .loadFeeds:
                do { try loadFeeds(database, directory: directory) } catch { fail(record, "load feeds failed: \(error)") }
            case .loadGenerated(let feed, let rows, let seed):
                do { try loadGenerated(feed, rows: rows, seed: seed, database: database, directory: directory) } catch {
                    fail(record, "load generated failed: \(error)")
                }
            case .zone(let zone):
                do { engine.utcOffsetSeconds = try DatabaseSettings.fixedOffset(ofZone: zone) } catch { fail(record, "zone: \(error)") }
            case .statementOK:
                do {
                    let results = try engine.execute(sql)
                    // A fixture that loses rows would make every expected row a lie: COPY must take every row.
                    for result in results where result.columnNames == ["rows_loaded", "rows_rejected"] {
                        if case .int(let rejected) = result.rows.first?[1], rejected != 0 {
                            fail(record, "\(result.message ?? "COPY rejected rows")\nSQL: \(sql)")
                        }
                    }
                } catch {
                    fail(record, "statement failed: \(error)\nSQL: \(sql)")
                }
            case .statementError(let expected):
                for run in Self.runs {
                    do {
                        _ = try engine.execute(sql, context: Self.context(run))
                        fail(record, "\(run.name): no error, expected one containing \"\(expected)\"\nSQL: \(sql)")
                    } catch {
                        let message = (error as? QueryError)?.message ?? "\(error)"
                        if !message.contains(expected) {
                            fail(record, "\(run.name): error \"\(message)\" does not contain \"\(expected)\"\nSQL: \(sql)")
                        }
                    }
                }
            case .query(let types, let sort, let expected):
                queries += 1
                runQuery(record, sql: sql, engine: engine, types: types, sort: sort, expected: expected)
            }
        }
    }

    private func runQuery(_ record: SQLLogicRecord, sql: String, engine: QueryEngine, types: String, sort: SQLLogicSort, expected: [String]) {
        let expectedRows = sort == .rowsort ? Self.sorted(expected) : expected
        var problems: [String] = []
        /// What each run gave: its rows, or its error.
        var answers: [[String]] = []
        for run in Self.runs {
            do {
                guard let result = try engine.execute(sql, context: Self.context(run)).last else {
                    problems.append("\(run.name): no result"); continue
                }
                if let mismatch = Self.typeMismatch(types, result.columnTypes) {
                    problems.append("\(run.name): \(mismatch)")
                }
                var rows = result.rows.map { row in row.map { Self.text($0, offsetSeconds: engine.utcOffsetSeconds) }.joined(separator: "\t") }
                if sort == .rowsort { rows = Self.sorted(rows) }
                answers.append(rows)
                if rows != expectedRows {
                    problems.append("\(run.name): rows differ\nexpected (\(expectedRows.count)):\n\(Self.show(expectedRows))\nactual (\(rows.count)):\n\(Self.show(rows))")
                }
            } catch {
                let message = (error as? QueryError)?.message ?? "\(error)"
                answers.append(["error: " + message])
                problems.append("\(run.name): error \(message)")
            }
        }
        let runsAgree = answers.count == Self.runs.count && answers.allSatisfy { $0 == answers[0] }
        if let known = record.known {
            // A known bug may keep its wrong rows, but the optimizer must not change them.
            if !runsAgree { fail(record, "the runs disagree (known: \(known))\nSQL: \(sql)\n" + problems.joined(separator: "\n")) }
            let failure = Failure(file: fileName, line: record.line, message: known)
            if problems.isEmpty { knownNowPassing.append(failure) } else { knownStillFailing.append(failure) }
        } else if !problems.isEmpty {
            fail(record, "SQL: \(sql)\n" + problems.joined(separator: "\n"))
        }
    }

    private func fail(_ record: SQLLogicRecord, _ message: String) {
        failures.append(Failure(file: fileName, line: record.line, message: message))
    }

    /// Creates the feed tables and loads Fixtures/feeds into them, exactly as `QueryTestCase` does.
    private func loadFeeds(_ database: Database, directory: String) throws {
        let writer = try database.writer(command: "load feeds")
        do {
            for schema in FeedCatalog.all { try writer.createTable(schema) }
            writer.close()
        } catch {
            writer.close()
            throw error
        }
        let ingestor = Ingestor(database: database)
        var options = IngestOptions()
        options.rejectsPath = directory + "/rejects.csv"
        options.replaceRejects = true  // one scratch rejects file for every ingest of the test
        for (table, file) in [("visits", "visits.csv"), ("tickets", "tickets.csv"), ("orders", "orders.csv"), ("visits", "visits.ndjson")] {
            let summary = try ingestor.ingest(table: table, files: [fixtures + "/feeds/" + file], options: options)
            if summary.rejected != 0 { throw QueryError("\(file): \(summary.rejected) row(s) rejected") }
        }
    }

    /// Generates a feed as `huiyan generate` does (year 2025, no bad rows) and loads it into its feed table,
    /// created here when the file has not created it yet.
    private func loadGenerated(_ feed: String, rows: Int, seed: UInt64, database: Database, directory: String) throws {
        guard let kind = Feed(rawValue: feed), let schema = FeedCatalog.all.first(where: { $0.name == feed }) else {
            throw QueryError("unknown feed \(feed)")
        }
        if (try? database.manifest(of: feed)) == nil {
            let writer = try database.writer(command: "load generated")
            defer { writer.close() }
            try writer.createTable(schema)
        }
        let path = directory + "/\(feed)-\(seed).csv"
        try FeedGenerator(catalog: Catalog.bundled()).generate(feed: kind, rows: rows, year: 2025, seed: seed, format: .csv,
                                                               badRowShare: 0, to: path)
        var options = IngestOptions()
        options.rejectsPath = directory + "/rejects.csv"
        options.replaceRejects = true  // one scratch rejects file for every ingest of the test
        let summary = try Ingestor(database: database).ingest(table: feed, files: [path], options: options)
        if summary.rejected != 0 { throw QueryError("\(summary.rejected) generated row(s) rejected") }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A value as the expected rows write it: Huiyan's own text, NULL as `NULL`, the empty string as `(empty)`.
    static func text(_ value: Value, offsetSeconds: Int) -> String {
        // A decimal whose digits past the second are zeros is written as money, as tools/make-sqllogic does.
        if case .decimal(let units, let scale) = value, units % DecimalMath.power(scale - 2) == 0 {
            return ValueFormatting.money(units / DecimalMath.power(scale - 2))
        }
        guard let text = ValueFormatting.text(value, offsetSeconds: offsetSeconds) else { return "NULL" }
        return text.isEmpty ? "(empty)" : text
    }

    /// Rows in the order of their UTF-8 bytes (the maker script sorts the same way).
    static func sorted(_ rows: [String]) -> [String] {
        rows.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// The letter of each result type: T VARCHAR, I BIGINT, R DOUBLE, M DECIMAL (any scale), S TIMESTAMP, D DATE, B BOOLEAN, V INTERVAL.
    static func letter(_ type: SQLType) -> Character? {
        switch type {
        case .string: return "T"
        case .int64: return "I"
        case .float64: return "R"
        case .money, .decimal: return "M"
        case .timestamp: return "S"
        case .date: return "D"
        case .boolean: return "B"
        case .interval: return "V"
        case .null: return nil
        }
    }

    /// Why the result's column types do not match the block's letters, or nil (`?` and a NULL column match anything).
    static func typeMismatch(_ letters: String, _ types: [SQLType]) -> String? {
        guard letters.count == types.count else {
            return "\(types.count) column(s), the block says \(letters.count) (\(letters))"
        }
        let actual = String(types.map { letter($0) ?? "?" })
        for (want, have) in zip(letters, actual) where want != "?" && have != "?" && want != have {
            return "column types \(actual), the block says \(letters)"
        }
        return nil
    }

    private static func show(_ rows: [String]) -> String {
        rows.isEmpty ? "  (no rows)" : rows.map { "  " + $0.replacingOccurrences(of: "\t", with: " | ") }.joined(separator: "\n")
    }
}
