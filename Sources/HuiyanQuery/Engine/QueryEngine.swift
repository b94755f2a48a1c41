import Foundation
import HuiyanIngest
import HuiyanStorage

/// Runs SQL statements against a database: the entry point of the query core.
public final class QueryEngine {
    public let database: Database
    /// The zone calendar functions and timestamp output use (default: the database's).
    public var utcOffsetSeconds: Int

    public init(database: Database) {
        self.database = database
        utcOffsetSeconds = database.settings.utcOffsetSeconds
    }

    /// Parses a script into statements, each with its own text (for error carets).
    public func parse(_ sql: String) throws -> [Statement] {
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

    /// Runs one parsed statement; `sql` is the text its ranges refer to.
    public func execute(_ statement: Statement, sql: String, context: QueryContext = QueryContext()) throws -> QueryResult {
        switch statement {
        case .select(let select):
            var binder = Binder(database: database, offsetSeconds: utcOffsetSeconds, sql: sql)
            let plan = try binder.bind(select)
            return try SelectExecutor(plan: plan, context: context, offsetSeconds: utcOffsetSeconds).run()
        case .explain(let select, _):
            var binder = Binder(database: database, offsetSeconds: utcOffsetSeconds, sql: sql)
            let plan = try binder.bind(select)
            return try explain(plan)
        case .showTables:
            let rows = try database.tableNames().map { name -> [Value] in
                let manifest = try database.manifest(of: name)
                return [.string(name), .int(Int64(manifest.rowCount)), .int(Int64(manifest.schema.columns.count))]
            }
            return QueryResult(columnNames: ["name", "rows", "columns"], columnTypes: [.string, .int64, .int64], rows: rows)
        case .describe(let table, _):
            let schema: TableSchema
            do { schema = try database.manifest(of: table.name).schema } catch {
                throw QueryError("\(error)", at: table.range)
            }
            let rows = schema.columns.map { c -> [Value] in
                [.string(c.name), .string(SQLType(c.type).rawValue), .string(c.nullable ? "YES" : "NO")]
            }
            return QueryResult(columnNames: ["column_name", "column_type", "null"], columnTypes: [.string, .string, .string], rows: rows)
        case .createTable(let create):
            return try createTable(create)
        case .copy(let copy):
            return try self.copy(copy)
        }
    }

    private func createTable(_ create: CreateTableStatement) throws -> QueryResult {
        if create.ifNotExists, (try? database.resolveTableName(create.table.name)) != nil {
            return QueryResult(columnNames: [], columnTypes: [], rows: [], message: "table \(create.table.name) exists already")
        }
        var columns: [ColumnDefinition] = []
        for c in create.columns {
            guard let type = SQLType(typeName: c.type.name), let columnType = type.columnType else {
                var message = "unsupported column type \(c.type.name) (BOOLEAN, BIGINT, DOUBLE, DECIMAL(18,2), VARCHAR, TIMESTAMP)"
                if SQLType(typeName: c.type.name) == .date {
                    message += "; declare a day as TIMESTAMP (a date alone in a feed is local midnight) and CAST it AS DATE in queries"
                }
                throw QueryError(message, at: c.type.range)
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
            throw QueryError("\(error)", at: create.table.range)
        }
        return QueryResult(columnNames: [], columnTypes: [], rows: [], message: "created table \(schema.name) with \(columns.count) column(s)")
    }

    private func copy(_ copy: CopyStatement) throws -> QueryResult {
        var options = IngestOptions()
        options.command = "COPY \(copy.table.name) FROM '\(copy.path)'"
        for (name, value) in copy.options {
            let flag = ["true", "1", "on", "yes"].contains(value.lowercased())
            switch name {
            case "format":
                guard let format = InputFormat(rawValue: value.lowercased()) else {
                    throw QueryError("unknown FORMAT \(value) (csv or ndjson)", at: copy.range)
                }
                options.format = format
            case "strict": options.strict = flag
            case "force": options.force = flag
            case "ignore_unknown_columns": options.ignoreUnknownColumns = flag
            case "rejects": options.rejectsPath = value
            case "header": break
            default: throw QueryError("unknown COPY option \(name) (FORMAT, STRICT, FORCE, IGNORE_UNKNOWN_COLUMNS, REJECTS)", at: copy.range)
            }
        }
        let summary: IngestSummary
        do {
            summary = try Ingestor(database: database).ingest(table: copy.table.name, files: [copy.path], options: options)
        } catch {
            throw QueryError("\(error)", at: copy.range)
        }
        var message = "\(summary.accepted) row(s) loaded into \(summary.table), \(summary.rejected) rejected"
        if let path = summary.rejectsPath { message += " (reasons in \(path))" }
        return QueryResult(columnNames: ["rows_loaded", "rows_rejected"], columnTypes: [.int64, .int64],
                           rows: [[.int(Int64(summary.accepted)), .int(Int64(summary.rejected))]], message: message)
    }

    private func explain(_ plan: SelectPlan) throws -> QueryResult {
        var lines: [String] = []
        // Timestamps in conditions and keys are shown in the zone the query runs in, as it read them.
        let offset = utcOffsetSeconds
        func text(_ e: BoundExpression) -> String { e.text(offsetSeconds: offset) }
        if let snapshot = plan.snapshot {
            let scanner = TableScanner(snapshot: snapshot, columns: plan.scanColumns, filter: plan.filter)
            var segments = 0, blocks = 0, totalBlocks = 0
            for segment in snapshot.segments {
                let kept = try scanner.blocks(of: segment)
                if !kept.isEmpty { segments += 1 }
                blocks += kept.count
                totalBlocks += segment.columns.first?.blocks.count ?? 0
            }
            let names = plan.scanColumns.map { snapshot.schema.columns[$0].name }
            lines.append("SCAN \(plan.tableName!) columns [\(names.joined(separator: ", "))]")
            lines.append("  segments: \(segments) of \(snapshot.segments.count) scanned, \(snapshot.segments.count - segments) pruned by zone maps")
            lines.append("  blocks: \(blocks) of \(totalBlocks) scanned, \(totalBlocks - blocks) pruned by zone maps")
            if let filter = plan.filter { lines.append("  filter: \(text(filter))") }
            if let below = AggregationBelowJoin(plan: plan) { lines.append(below.explanation) }
            for join in plan.joins {
                let keys = zip(join.probeKeys, join.buildKeys).map { "\($0) = \($1)" }.joined(separator: " AND ")
                let names = join.buildColumns.map { join.snapshot.schema.columns[$0].name }
                lines.append("HASH JOIN \(join.kind.rawValue) \(join.tableName) ON \(keys)")
                lines.append("  build: \(join.tableName) columns [\(names.joined(separator: ", "))], \(join.snapshot.rowCount) rows")
                if let filter = join.buildFilter { lines.append("  build filter: \(text(filter))") }
                if let filter = join.probeFilter { lines.append("  match only when: \(text(filter))") }
            }
            if let filter = plan.postJoinFilter { lines.append("FILTER \(text(filter))") }
        } else {
            lines.append("VALUES (one row)")
        }
        if plan.isAggregate {
            lines.append("AGGREGATE groups [\(plan.groupKeys.map(text).joined(separator: ", "))] aggregates [\(plan.aggregates.map(\.text).joined(separator: ", "))]")
            if let having = plan.having { lines.append("  having: \(text(having))") }
        }
        lines.append("PROJECT [\(plan.outputNames.joined(separator: ", "))]")
        if plan.distinct { lines.append("DISTINCT") }
        if !plan.orderBy.isEmpty {
            lines.append("ORDER BY [\(plan.orderBy.map { "\(text($0.expression))\($0.descending ? " DESC" : "")" }.joined(separator: ", "))]")
        }
        if let limit = plan.limit { lines.append("LIMIT \(limit)" + (plan.offset > 0 ? " OFFSET \(plan.offset)" : "")) }
        return QueryResult(columnNames: ["plan"], columnTypes: [.string], rows: lines.map { [.string($0)] })
    }
}
