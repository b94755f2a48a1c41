import HuiyanIngest
import HuiyanStorage

/// Results written out as they are made: `COPY … TO` and the command line's CSV and JSON output.
extension QueryEngine {
    /// Runs a SELECT and writes its rows as `format` to `sink` as the operators hand them on: a scan with a
    /// projection (and filter) streams in table order in constant memory; a sort or an aggregate writes its
    /// rows once it has them. Returns how many rows were written.
    @discardableResult
    public func stream(_ select: SelectStatement, sql: String, context: QueryContext, format: TextFormat,
                       to sink: @escaping (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        try stream(select, sql: sql, context: context) { names, _ in
            let writer = RowTextWriter(format: format, columnNames: names, offsetSeconds: utcOffsetSeconds, sink: sink)
            try writer.writeHeader()
            return writer
        }
    }

    /// Runs a SELECT into the writer `makeWriter` gives for its columns' names and types.
    private func stream(_ select: SelectStatement, sql: String, context: QueryContext,
                        into makeWriter: ([String], [SQLType]) throws -> ChunkSink) throws -> Int {
        let scope = StatementScope(context: context, databasePath: database.path)
        defer { scope.end() }
        let planned = try plan(select, sql: sql, context: context)
        let width = planned.query.columnNames.count
        let writer = try makeWriter(planned.query.columnNames, planned.query.columnTypes)
        try planned.root.stream(in: context) { chunk in
            try context.check()
            try writer.write(chunk, width: width)
        }
        context.release(planned.root)
        try writer.finish()
        return writer.rows
    }

    /// `COPY (SELECT …) TO 'path'` / `COPY t TO 'path'`: the rows go to a new temporary file beside `path`
    /// (`O_EXCL | O_NOFOLLOW`), renamed into place when complete; never inside a database folder, over an
    /// existing file only with OVERWRITE, never under `--no-file-access`.
    func copyTo(_ copy: CopyToStatement, sql: String, context: QueryContext) throws -> QueryResult {
        guard fileAccess else {
            throw QueryError("file access is off (--no-file-access, or the database's setting): COPY cannot write '\(copy.path)'", at: copy.range)
        }
        var format = ExportFormat(fileName: copy.path)
        var replacing = false
        var rowGroupRows = 1 << 17
        for (name, value) in copy.options {
            switch name {
            case "format":
                guard let chosen = ExportFormat(rawValue: value.lowercased() == "json" ? "ndjson" : value.lowercased()) else {
                    throw QueryError("unknown FORMAT \(value) (csv, ndjson or parquet)", at: copy.range)
                }
                format = chosen
            case "overwrite": replacing = ["true", "1", "on", "yes"].contains(value.lowercased())
            case "row_group_size":
                guard let rows = Int(value), rows > 0 else { throw QueryError("ROW_GROUP_SIZE must be a positive number of rows", at: copy.range) }
                rowGroupRows = rows
            case "header": break
            default: throw QueryError("unknown COPY … TO option \(name) (FORMAT, OVERWRITE, ROW_GROUP_SIZE)", at: copy.range)
            }
        }
        guard let format else {
            throw QueryError("cannot tell the format from the file name '\(copy.path)' (.csv, .ndjson, .jsonl, .json, .parquet); give (FORMAT csv), (FORMAT ndjson) or (FORMAT parquet)", at: copy.range)
        }
        let select: SelectStatement
        switch copy.source {
        case .query(let query): select = query
        case .table(let table): select = SelectStatement(items: [.star(qualifier: nil, range: table.range)], from: TableReference(table: table), range: table.range)
        }
        let file: UserOutputFile
        do { file = try UserOutputFile(path: copy.path, replacing: replacing, what: "export file") } catch {
            throw QueryError("\(error)".replacingOccurrences(of: "--force with ingest, OVERWRITE in COPY", with: "OVERWRITE in COPY"), at: copy.range)
        }
        let rows: Int
        do {
            let sink: (UnsafeRawBufferPointer) throws -> Void = { try file.write($0) }
            switch format {
            case .csv, .ndjson:
                rows = try stream(select, sql: sql, context: context, format: format == .csv ? .csv : .ndjson, to: sink)
            case .parquet:
                rows = try stream(select, sql: sql, context: context) {
                    try ParquetChunkWriter(columnNames: $0, types: $1, rowGroupRows: rowGroupRows, context: context, sink: sink)
                }
            }
            try file.commit()
        } catch {
            file.discard()
            if var error = error as? QueryError {
                error.range = error.range ?? copy.range
                throw error
            }
            throw QueryError("\(error)", at: copy.range)
        }
        return QueryResult(columnNames: ["rows_written"], columnTypes: [.int64], rows: [[.int(Int64(rows))]],
                           message: "\(rows) row(s) written to \(copy.path) (\(format.rawValue))")
    }
}

/// What `COPY … TO` writes.
enum ExportFormat: String {
    case csv, ndjson, parquet

    /// The format a file name's extension implies: `.csv`; `.ndjson`, `.jsonl`, `.json`; `.parquet`.
    init?(fileName: String) {
        if fileName.lowercased().hasSuffix(".parquet") { self = .parquet; return }
        guard let format = InputFormat(fileName: fileName) else { return nil }
        self = format == .csv ? .csv : .ndjson
    }
}

/// Where a query's chunks are written as they come: a text file or stream, a Parquet file.
protocol ChunkSink: AnyObject {
    func write(_ chunk: DataChunk, width: Int) throws
    func finish() throws
    var rows: Int { get }
}

extension RowTextWriter: ChunkSink {}
