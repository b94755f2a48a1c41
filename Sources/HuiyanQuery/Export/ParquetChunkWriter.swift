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
        case .string: return .string
        case .timestamp: return .timestampMicrosUTC
        case .date: return .date
        }
    }

    var rows: Int { writer.rows }

    func write(_ chunk: DataChunk, width: Int) throws {
        let columns = Array(chunk.columns.prefix(width))
        for row in 0..<chunk.count {
            for (c, vector) in columns.enumerated() {
                if types[c] == .null || vector.type == .null || vector.isNull(row) {
                    writer.appendNull(c)
                    continue
                }
                switch vector.type {
                case .float64: writer.append(c, double: vector.doubles[row])
                case .string: vector.pool!.dictionary.withBytes(at: Int(vector.ints[row])) { writer.append(c, bytes: $0) }
                default: writer.append(c, int: vector.ints[row])
                }
            }
            try writer.endRow()
        }
        // The row group being built is the statement's memory until it is written.
        try context.hold(writer.bufferedBytes, for: self)
    }

    func finish() throws {
        try writer.finish()
        context.release(self)
    }
}
