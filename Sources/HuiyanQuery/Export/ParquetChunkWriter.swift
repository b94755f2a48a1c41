import HuiyanParquet

/// A query's rows into a Parquet file: money as DECIMAL(18,2), timestamps as TIMESTAMP(MICROS) adjusted
/// to UTC, dates as DATE, strings dictionary-encoded (docs/SQL.md, COPY … TO).
final class ParquetChunkWriter: ChunkSink {
    let writer: ParquetWriter
    private let types: [SQLType]
    private let context: QueryContext

    init(columnNames: [String], types: [SQLType], rowGroupRows: Int, context: QueryContext,
         sink: @escaping (UnsafeRawBufferPointer) throws -> Void) throws {
        self.types = types
        self.context = context
        var seen = Set<String>()
        for name in columnNames where !seen.insert(name.lowercased()).inserted {
            throw QueryError("the column name \"\(name)\" appears twice: a Parquet file's columns need names of their own; name them with AS")
        }
        if let k = types.firstIndex(of: .interval) {
            throw QueryError("the column \"\(columnNames[k])\" is an INTERVAL, which Parquet files here do not hold: CAST it to VARCHAR")
        }
        writer = try ParquetWriter(columns: zip(columnNames, types).map { name, type in
            ParquetColumn(name: name, kind: Self.kind(of: type))
        }, rowGroupRows: rowGroupRows, sink: sink)
    }

    static func kind(of type: SQLType) -> ParquetColumn.Kind {
        switch type {
        case .boolean: return .boolean
        case .int64, .null: return .int64
        case .float64: return .double
        case .money: return .decimal(precision: 18, scale: 2)
        case .decimal(let scale): return .decimal(precision: 18, scale: scale)
        // Refused before (`init`): Parquet's INTERVAL is not written.
        case .interval: return .string
        case .string: return .string
        case .timestamp: return .timestampMicrosUTC
        case .date: return .date
        }
    }

    var rows: Int { writer.rows }

    /// For each string column, the Parquet code of each code of the pool last seen (-1: not yet interned),
    /// valid within one row group: a pool's string is interned once, not once a row.
    private var codeMaps: [(pool: StringPool?, group: Int, codes: [Int64])] = []
    private var scratch: [Int64] = []

    func write(_ chunk: DataChunk, width: Int) throws {
        if codeMaps.isEmpty { codeMaps = Array(repeating: (nil, -1, []), count: width) }
        var start = 0
        // A column at a time, in runs that end where a row group does.
        while start < chunk.count {
            let run = min(chunk.count - start, writer.rowsLeftInGroup)
            for (c, vector) in chunk.columns.prefix(width).enumerated() {
                try append(vector, column: c, rows: start..<(start + run))
            }
            try writer.endRows(run)
            start += run
        }
        // The row group being built is the statement's memory until it is written.
        try context.hold(writer.bufferedBytes, for: self)
    }

    private func append(_ vector: Vector, column c: Int, rows: Range<Int>) throws {
        if types[c] == .null || vector.type == .null {
            let nulls = [UInt8](repeating: 1, count: rows.count)
            let zeros = [Int64](repeating: 0, count: rows.count)
            return nulls.withUnsafeBufferPointer { n in zeros.withUnsafeBufferPointer { writer.appendInts(c, $0, nulls: n) } }
        }
        func withNulls(_ body: (UnsafeBufferPointer<UInt8>?) -> Void) {
            guard let nulls = vector.nulls else { return body(nil) }
            nulls.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[rows])) }
        }
        switch vector.type {
        case .float64:
            vector.doubles.withUnsafeBufferPointer { values in withNulls { writer.appendDoubles(c, UnsafeBufferPointer(rebasing: values[rows]), nulls: $0) } }
        case .string:
            let pool = vector.pool!
            var map = codeMaps[c]
            codeMaps[c] = (nil, -1, [])  // (not shared while it is changed)
            // (The pool is held with its map: another pool never reuses its address meanwhile.)
            if !pool.sharesDictionary(with: map.pool) || map.group != writer.rowGroupsWritten {
                map = (pool, writer.rowGroupsWritten, [Int64](repeating: -1, count: pool.count))
            }
            var out = scratch
            scratch = []
            out.removeAll(keepingCapacity: true)
            let nulls = vector.nulls
            pool.dictionary.bytes.withUnsafeBytes { bytes in
                vector.ints.withUnsafeBufferPointer { codes in
                    map.codes.withUnsafeMutableBufferPointer { parquetCodes in
                        for row in rows {
                            if let nulls, nulls[row] != 0 { out.append(0); continue }
                            let code = Int(codes[row])
                            if parquetCodes[code] < 0 {
                                let starts = pool.dictionary.starts
                                parquetCodes[code] = writer.internString(c, UnsafeRawBufferPointer(rebasing: bytes[starts[code]..<starts[code + 1]]))
                            }
                            out.append(parquetCodes[code])
                        }
                    }
                }
            }
            codeMaps[c] = map
            scratch = out
            scratch.withUnsafeBufferPointer { codes in withNulls { writer.appendStringCodes(c, codes, nulls: $0) } }
        default:
            vector.ints.withUnsafeBufferPointer { values in withNulls { writer.appendInts(c, UnsafeBufferPointer(rebasing: values[rows]), nulls: $0) } }
        }
    }

    func finish() throws {
        try writer.finish()
        context.release(self)
    }
}
