import Dispatch
import Foundation
import HuiyanIngest
import HuiyanStorage

/// Runs SQL statements against a database: the entry point of the query core.
public final class QueryEngine {
    /// The database the statements run against.
    public let database: Database
    /// The zone calendar functions and timestamp output use (default: the database's).
    public var utcOffsetSeconds: Int

    /// Whether SQL may read and write files (COPY): off under `--no-file-access` or the database's setting.
    public var fileAccess: Bool

    /// The rules `HUIYAN_DISABLE_RULES` switches off for every statement (or why it could not be read).
    private let environmentRules: Result<OptimizerSettings, Error>

    /// An engine over an open database, in its time zone, with file access as the database allows.
    public init(database: Database) {
        self.database = database
        utcOffsetSeconds = database.settings.utcOffsetSeconds
        fileAccess = database.settings.fileAccess ?? true
        environmentRules = Result { try OptimizerSettings.fromEnvironment() }
    }

    /// Parses a script into statements, each with its own text (for error carets).
    package func parse(_ sql: String) throws -> [Statement] {
        do {
            return try Parser.parse(sql)
        } catch {
            throw QueryError(error.message, at: error.range)
        }
    }

    /// Runs every statement of `sql` in order; returns their results.
    public func execute(_ sql: String, context: QueryContext = QueryContext()) throws -> [QueryResult] {
        try parse(sql).map { try execute($0, sql: sql, context: context) }
    }

    /// Runs one parsed statement; `sql` is the text its ranges refer to. Every error is a `QueryError` (one the
    /// storage or ingest met kept whole in its `underlying`).
    package func execute(_ statement: Statement, sql: String, context: QueryContext = QueryContext()) throws -> QueryResult {
        do { return try run(statement, sql: sql, context: context) } catch { throw QueryError(wrapping: error) }
    }

    private func run(_ statement: Statement, sql: String, context: QueryContext) throws -> QueryResult {
        let scope = StatementScope(context: context, databasePath: database.path)
        defer { scope.end() }
        switch statement {
        case .select(let select):
            let planned = try plan(select, sql: sql, context: context)
            let chunks = try planned.root.run(in: context)
            let width = planned.query.columnNames.count
            // The result's rows of values are the statement's memory too (a value takes 32 bytes and a string's
            // bytes more): a result larger than the limit stops here, before it is made.
            try context.checkMemory(chunks.reduce(0) { $0 + $1.count * (24 + width * 32) + $1.stringBytes(width: width) })
            return QueryResult(columnNames: planned.query.columnNames, columnTypes: planned.query.columnTypes,
                               rows: chunks.flatMap { $0.rows(width: width) })
        case .explain(let select, _):
            return try explain(try plan(select, sql: sql, context: context))
        case .explainAnalyze(let select, _):
            let planned = try plan(select, sql: sql, context: context)
            let started = DispatchTime.now().uptimeNanoseconds
            _ = try planned.root.run(in: context)
            let elapsed = DispatchTime.now().uptimeNanoseconds - started
            return try explain(planned, analyzed: context.statistics, elapsed: elapsed, peakBytes: context.peakHeldBytes)
        case .showTables:
            return try showTables(sql: sql, context: context)
        case .describe(let table, _):
            if try database.viewCatalog().view(named: table.name) != nil {
                return try describeView(table, sql: sql, context: context)
            }
            let schema: TableSchema
            do { schema = try database.manifest(of: table.name).schema } catch {
                throw QueryError(wrapping: error, at: table.range)
            }
            return Self.describing(schema.columns.map { ($0.name, SQLType($0.type), $0.nullable) })
        case .describeQuery(let select, _):
            return try describe(select, sql: sql, context: context)
        case .createTable(let create):
            return try createTable(create)
        case .copy(let copy):
            return try self.copy(copy, context: context)
        case .copyTo(let copy):
            return try copyTo(copy, sql: sql, context: context)
        case .dropTable(let drop):
            return try dropTable(drop)
        case .createTableAs(let create):
            return try createTableAs(create, sql: sql, context: context)
        case .insert(let insert):
            return try self.insert(insert, sql: sql, context: context)
        case .createView(let create):
            return try createView(create, sql: sql, context: context)
        case .dropView(let drop):
            return try dropView(drop)
        }
    }

    private func createTable(_ create: CreateTableStatement) throws -> QueryResult {
        if create.ifNotExists, (try? database.resolveTableName(create.table.name)) != nil {
            return QueryResult(columnNames: [], columnTypes: [], rows: [], message: "table \(create.table.name) exists already")
        }
        var columns: [ColumnDefinition] = []
        for c in create.columns {
            guard let type = SQLType(typeName: c.type.name), let columnType = type.columnType else {
                throw QueryError("unsupported column type \(c.type.name) (BOOLEAN, BIGINT, DOUBLE, DECIMAL(18,2), VARCHAR, TIMESTAMP, DATE)", at: c.type.range)
            }
            columns.append(ColumnDefinition(c.name.name, columnType, nullable: !c.notNull))
        }
        let schema = TableSchema(name: create.table.name, columns: columns)
        do {
            try schema.validate()
            let writer = try database.writer(command: "CREATE TABLE \(create.table.name)")
            defer { writer.close() }
            try writer.createTable(schema)
        } catch let error as StorageError {
            throw QueryError(.storage(error), at: create.table.range)
        }
        return QueryResult(columnNames: [], columnTypes: [], rows: [], message: "created table \(schema.name) with \(columns.count) column(s)")
    }

    private func copy(_ copy: CopyStatement, context: QueryContext) throws -> QueryResult {
        guard fileAccess else {
            throw QueryError("file access is off (--no-file-access, or the database's setting): COPY cannot read '\(copy.path)'; "
                + "load files with `huiyan ingest` instead", at: copy.range)
        }
        guard copy.path != Ingestor.standardInput else {
            throw QueryError("COPY reads files; standard input is read by `huiyan ingest TABLE -`", at: copy.range)
        }
        var options = IngestOptions()
        // Ctrl-C and --timeout reach the reading and parsing (checked before every read of the file).
        options.cancellation = { try context.check() }
        options.command = "COPY \(copy.table.name) FROM '\(copy.path)'"
        for (name, value) in copy.options {
            let flag = ["true", "1", "on", "yes"].contains(value.lowercased())
            switch name {
            case "format":
                guard let format = InputFormat(rawValue: value.lowercased()) else {
                    throw QueryError("unknown FORMAT \(value) (csv or ndjson)", at: copy.range)
                }
                options.format = format
            case "encoding":
                guard let encoding = FeedEncoding(name: value) else {
                    throw QueryError("unknown ENCODING \(value) (utf-8, gbk or gb18030)", at: copy.range)
                }
                options.encoding = encoding
            case "strict": options.strict = flag
            case "force": options.force = flag
            case "ignore_unknown_columns": options.ignoreUnknownColumns = flag
            case "rejects": options.rejectsPath = value
            case "overwrite": options.replaceRejects = flag
            case "header": break
            default: throw QueryError("unknown COPY option \(name) (FORMAT, ENCODING, STRICT, FORCE, IGNORE_UNKNOWN_COLUMNS, REJECTS, OVERWRITE)", at: copy.range)
            }
        }
        let summary: IngestSummary
        do {
            summary = try Ingestor(database: database).ingest(table: copy.table.name, files: [copy.path], options: options)
        } catch let error as QueryError {
            throw error
        } catch {
            throw QueryError(wrapping: error, at: copy.range)
        }
        var message = "\(summary.accepted) row(s) loaded into \(summary.table), \(summary.rejected) rejected"
        if let path = summary.rejectsPath { message += " (reasons in \(path))" }
        return QueryResult(columnNames: ["rows_loaded", "rows_rejected"], columnTypes: [.int64, .int64],
                           rows: [[.int(Int64(summary.accepted)), .int(Int64(summary.rejected))]], message: message)
    }

    /// A SELECT bound, optimized and turned into physical operators.
    struct PlannedQuery {
        let query: BoundQuery
        let root: PhysicalOperator
        /// The rules that changed the plan or chose its operators.
        let rules: [OptimizerRule]
    }

    /// `views`: the views the query sees (nil: the database's; CREATE VIEW checks its query with the new one).
    func plan(_ select: SelectStatement, sql: String, context: QueryContext, views: ViewCatalog? = nil) throws -> PlannedQuery {
        let settings = try environmentRules.get().merged(with: context.optimizer)
        var binder = Binder(database: database, offsetSeconds: utcOffsetSeconds, sql: sql, optimizer: settings)
        binder.subqueryRunner = { query in try self.rows(of: query, settings: settings, context: context) }
        binder.fileAccess = fileAccess
        binder.views = try views ?? database.viewCatalog()
        var query = try binder.bind(select)
        var optimizer = Optimizer(settings: settings, offsetSeconds: utcOffsetSeconds)
        if binder.joinOrderSwapped { optimizer.note(.joinOrder) }
        query.plan = optimizer.optimize(query.plan)
        var planner = PhysicalPlanner(environment: ExecutionEnvironment(context: context, offsetSeconds: utcOffsetSeconds, optimizer: settings), settings: settings)
        let root = try planner.physicalOperator(for: query.plan)
        var rules = optimizer.applied
        for rule in planner.used where !rules.contains(rule) { rules.append(rule) }
        return PlannedQuery(query: query, root: root, rules: rules)
    }

    /// A subquery of an expression run on its own, before the query it is in: its rows as values (held in
    /// the budget as a result's are).
    private func rows(of query: BoundQuery, settings: OptimizerSettings, context: QueryContext) throws -> [[Value]] {
        var optimizer = Optimizer(settings: settings, offsetSeconds: utcOffsetSeconds)
        let environment = ExecutionEnvironment(context: context, offsetSeconds: utcOffsetSeconds, optimizer: settings)
        var planner = PhysicalPlanner(environment: environment, settings: settings)
        let root = try planner.physicalOperator(for: optimizer.optimize(query.plan))
        let chunks = try root.run(in: context)
        let width = query.columnNames.count
        try context.checkMemory(chunks.reduce(0) { $0 + $1.count * (24 + width * 32) + $1.stringBytes(width: width) })
        context.release(root)
        return chunks.flatMap { $0.rows(width: width) }
    }

    /// EXPLAIN: the operators in the order rows flow through them (the scan first), each with its details,
    /// a hash join's build side before it, indented; then the optimizer rules used.
    /// EXPLAIN ANALYZE adds each operator's output rows and time (its inputs' included), the blocks the
    /// scan read, and the whole statement's time.
    private func explain(_ planned: PlannedQuery, analyzed: QueryStatistics? = nil, elapsed: UInt64 = 0, peakBytes: Int = 0) throws -> QueryResult {
        var lines: [String] = []
        func milliseconds(_ ns: UInt64) -> String { String(format: "%.1f ms", Double(ns) / 1e6) }
        // The blocks read are counted for the statement: with several scans, each line says so.
        func pipelines(_ op: PhysicalOperator) -> Int { (op is ScanPipelineOperator ? 1 : 0) + op.inputs.reduce(0) { $0 + pipelines($1) } }
        let blocksRead = pipelines(planned.root) > 1 ? "block(s) read by all the scans" : "block(s) read"
        // An operator after its first input's operators; a join's build side before it, indented.
        func explain(_ op: PhysicalOperator, indent: String) throws {
            if let first = op.inputs.first { try explain(first, indent: indent) }
            for other in op.inputs.dropFirst() {
                lines.append(indent + (op is HashJoinOperator ? "build side:" : "and:"))
                try explain(other, indent: indent + "  ")
            }
            var text = try op.explanation(offsetSeconds: utcOffsetSeconds)
            if let analyzed, let profile = analyzed.profile(of: op) {
                if op is ScanPipelineOperator {
                    var line = "  pipeline: \(profile.rows) row(s) out in \(milliseconds(profile.nanoseconds)), \(analyzed.blocksScanned) \(blocksRead)"
                    if analyzed.blocksSkippedByTopN > 0 { line += ", \(analyzed.blocksSkippedByTopN) skipped by the top-N heap" }
                    text.append(line)
                    if analyzed.spilledPartitions > 0 {
                        text.append("  spilled: \(Formatting.bytes(analyzed.spilledBytes)) in \(analyzed.spilledPartitions) partitions (state over the memory limit)")
                    }
                    if analyzed.partitionsInMemory > 0 {
                        text.append("  partitioned in memory: \(analyzed.partitionsInMemory) partitions by key hash, each aggregated alone (partitioned_aggregation)")
                    }
                } else {
                    text[0] += "  [rows: \(profile.rows), time: \(milliseconds(profile.nanoseconds))]"
                    if op is TableFunctionOperator, analyzed.rowGroupsRead + analyzed.rowGroupsSkipped + analyzed.filesSkipped > 0 {
                        // Counted for the statement: with several files in FROM, for all of them.
                        var line = "  Parquet row groups: \(analyzed.rowGroupsRead) read, \(analyzed.rowGroupsSkipped) skipped by their statistics"
                        if analyzed.filesSkipped > 0 { line += "; \(analyzed.filesSkipped) file(s) skipped by their partition values" }
                        text.append(line)
                    }
                    if op is SortOperator, analyzed.sortRuns > 0 {
                        text.append("  sorted in \(analyzed.sortRuns) runs on disk, merged (runs of a quarter of what the limit leaves the sort)")
                    }
                }
            }
            lines += text.map { indent + $0 }
        }
        try explain(planned.root, indent: "")
        // Partitioning in memory is chosen as the scan runs (by the dictionaries' sizes): known once run.
        var rules = planned.rules
        if let analyzed, analyzed.partitionsInMemory > 0, !rules.contains(.partitionedAggregation) { rules.append(.partitionedAggregation) }
        lines.append("optimizer rules used: " + (rules.isEmpty ? "none" : rules.map(\.rawValue).joined(separator: ", ")))
        if analyzed != nil {
            lines.append("total time: \(milliseconds(elapsed)); the operators' states held at most \(Formatting.bytes(peakBytes))")
        }
        return QueryResult(columnNames: ["plan"], columnTypes: [.string], rows: lines.map { [.string($0)] })
    }
}
