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
        CancellationPoll.enter(context)
        let area = SpillArea(databasePath: database.path)
        context.spillArea = area
        defer {
            area.removeAll()
            context.spillArea = nil
        }
        let planned = try plan(select, sql: sql, context: context)
        let width = planned.query.columnNames.count
        let writer = RowTextWriter(format: format, columnNames: planned.query.columnNames, offsetSeconds: utcOffsetSeconds, sink: sink)
        try writer.writeHeader()
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
        var format = TextFormat(fileName: copy.path)
        var replacing = false
        for (name, value) in copy.options {
            switch name {
            case "format":
                if value.lowercased() == "parquet" {
                    throw QueryError("FORMAT parquet is not supported yet (csv or ndjson)", at: copy.range)
                }
                guard let chosen = TextFormat(rawValue: value.lowercased() == "json" ? "ndjson" : value.lowercased()) else {
                    throw QueryError("unknown FORMAT \(value) (csv or ndjson)", at: copy.range)
                }
                format = chosen
            case "overwrite": replacing = ["true", "1", "on", "yes"].contains(value.lowercased())
            case "header": break
            default: throw QueryError("unknown COPY … TO option \(name) (FORMAT, OVERWRITE)", at: copy.range)
            }
        }
        guard let format else {
            throw QueryError("cannot tell the format from the file name '\(copy.path)' (.csv, .ndjson, .jsonl, .json); give (FORMAT csv) or (FORMAT ndjson)", at: copy.range)
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
            rows = try stream(select, sql: sql, context: context, format: format) { try file.write($0) }
            try file.commit()
        } catch {
            file.discard()
            if let error = error as? QueryError { throw error }
            throw QueryError("\(error)", at: copy.range)
        }
        return QueryResult(columnNames: ["rows_written"], columnTypes: [.int64], rows: [[.int(Int64(rows))]],
                           message: "\(rows) row(s) written to \(copy.path) (\(format.rawValue))")
    }
}

extension TextFormat {
    /// The format a file name's extension implies: `.csv`; `.ndjson`, `.jsonl`, `.json` (case-insensitive).
    init?(fileName: String) {
        guard let format = InputFormat(fileName: fileName) else { return nil }
        self = format == .csv ? .csv : .ndjson
    }
}
