#if canImport(Glibc)
import Glibc
#endif
import HuiyanIngest
import HuiyanStorage

/// Results written out as they are made: `COPY … TO` and the command line's CSV and JSON output.
extension QueryEngine {
    /// Runs a SELECT and writes its rows as `format` to `sink` as the operators hand them on: a scan with a
    /// projection (and filter) streams in table order in constant memory; a sort or an aggregate writes its
    /// rows once it has them. Returns how many rows were written. Every error is a `QueryError`, as `execute`'s.
    @discardableResult
    package func stream(_ select: SelectStatement, sql: String, context: QueryContext, format: TextFormat,
                       to sink: @escaping (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        do {
            return try stream(select, sql: sql, context: context) { names, _ in
                let writer = RowTextWriter(format: format, columnNames: names, offsetSeconds: utcOffsetSeconds, sink: sink)
                try writer.writeHeader()
                return writer
            }
        } catch {
            throw QueryError(wrapping: error)
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
        do {
            try planned.root.stream(in: context) { chunk in
                try context.check()
                try writer.write(chunk, width: width)
            }
            context.release(planned.root)
            try writer.finish()
        } catch {
            writer.abandon()
            throw error
        }
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
        var partitionBy: [String] = []
        for (name, value) in copy.options {
            switch name {
            case "format":
                guard let chosen = ExportFormat(rawValue: value.lowercased() == "json" ? "ndjson" : value.lowercased()) else {
                    throw QueryError("unknown FORMAT \(value) (csv, ndjson or parquet)", at: copy.range)
                }
                format = chosen
            case "overwrite": replacing = ["true", "1", "on", "yes"].contains(value.lowercased())
            case "partition_by": partitionBy = value.split(separator: ",").map(String.init)
            case "row_group_size":
                guard let rows = Int(value), rows > 0 else { throw QueryError("ROW_GROUP_SIZE must be a positive number of rows", at: copy.range) }
                rowGroupRows = rows
            case "header": break
            default: throw QueryError("unknown COPY … TO option \(name) (FORMAT, OVERWRITE, ROW_GROUP_SIZE, PARTITION_BY)", at: copy.range)
            }
        }
        guard let format else {
            throw QueryError("cannot tell the format from the file name '\(copy.path)' (.csv, .ndjson, .jsonl, .json, .parquet); "
                + "give (FORMAT csv), (FORMAT ndjson) or (FORMAT parquet)", at: copy.range)
        }
        let select: SelectStatement
        switch copy.source {
        case .query(let query): select = query
        case .table(let table): select = SelectStatement(items: [.star(qualifier: nil, range: table.range)], from: TableReference(table: table), range: table.range)
        }
        // What writes the rows of one file, for the names and types of its columns.
        let offsetSeconds = utcOffsetSeconds
        let makeSink: ([String], [SQLType], @escaping (UnsafeRawBufferPointer) throws -> Void) throws -> ChunkSink = { names, types, sink in
            switch format {
            case .csv, .ndjson:
                let writer = RowTextWriter(format: format == .csv ? .csv : .ndjson, columnNames: names, offsetSeconds: offsetSeconds, sink: sink)
                try writer.writeHeader()
                return writer
            case .parquet:
                // A partitioned export's files are written side by side, each on the thread that streams.
                return try ParquetChunkWriter(columnNames: names, types: types, rowGroupRows: rowGroupRows,
                                              threads: partitionBy.isEmpty ? context.threads : 1, context: context, sink: sink)
            }
        }
        let rows: Int
        if !partitionBy.isEmpty {
            guard !replacing else { throw QueryError("OVERWRITE does not go with PARTITION_BY: a partitioned export writes a new folder", at: copy.range) }
            rows = try copyPartitioned(select, to: copy.path, by: partitionBy, format: format, sql: sql, context: context, range: copy.range,
                                       makeSink: makeSink)
        } else {
            let file: UserOutputFile
            do { file = try UserOutputFile(path: copy.path, replacing: replacing, what: "export file") } catch {
                var refused = QueryError(wrapping: error, at: copy.range)
                refused.message = refused.message.replacingOccurrences(of: "--force with ingest, OVERWRITE in COPY", with: "OVERWRITE in COPY")
                throw refused
            }
            do {
                rows = try stream(select, sql: sql, context: context) { try makeSink($0, $1) { try file.write($0) } }
                try file.commit()
            } catch {
                file.discard()
                throw Self.placed(error, at: copy.range)
            }
        }
        return QueryResult(columnNames: ["rows_written"], columnTypes: [.int64], rows: [[.int(Int64(rows))]],
                           message: "\(rows) row(s) written to \(copy.path) (\(format.rawValue))")
    }
}

extension QueryEngine {
    /// `COPY … TO 'folder' (PARTITION_BY (…))`: the partitions' files are written in a new temporary folder
    /// beside `folder`, renamed to it when complete (a folder that exists is refused: nothing is replaced).
    func copyPartitioned(_ select: SelectStatement, to folder: String, by partitionBy: [String], format: ExportFormat,
                         sql: String, context: QueryContext, range: SourceRange,
                         makeSink: @escaping ([String], [SQLType], @escaping (UnsafeRawBufferPointer) throws -> Void) throws -> ChunkSink) throws -> Int {
        let target = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        guard !FileIO.exists(target), !FileIO.isSymbolicLink(target) else {
            throw QueryError("the export folder \(target) exists already: name a new folder (a partitioned export replaces nothing)", at: range)
        }
        do { try UserOutputFile.check(target, replacing: false, what: "export folder") } catch { throw QueryError(wrapping: error, at: range) }
        let parent = FileIO.directoryOf(target)
        let name = target.split(separator: "/").last.map(String.init) ?? target
        let temporary = FileIO.join(parent, "." + name + UserOutputFile.partMarker + String(getpid()) + "-" + String(UInt32.random(in: 0...UInt32.max), radix: 36))
        do {
            try FileIO.makeDirectory(temporary)
            let rows = try stream(select, sql: sql, context: context) { names, types in
                try PartitionedSink(folder: temporary, partitionBy: partitionBy, names: names, types: types, offsetSeconds: self.utcOffsetSeconds,
                                    fileExtension: format.rawValue, makeSink: makeSink)
            }
            try FileIO.rename(temporary, to: target)
            try FileIO.syncDirectory(parent)
            return rows
        } catch {
            PartitionedSink.removeTree(temporary)
            throw Self.placed(error, at: range)
        }
    }

    /// An error of an export as a query error, at `range` when it has no place of its own.
    static func placed(_ error: Error, at range: SourceRange) -> QueryError {
        QueryError(wrapping: error, at: range)
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
    /// Stops after a failure: work still under way ends, nothing more is written.
    func abandon()
    var rows: Int { get }
}

extension ChunkSink {
    func abandon() {}
}

extension RowTextWriter: ChunkSink {}
