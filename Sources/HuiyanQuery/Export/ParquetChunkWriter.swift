import Foundation
import HuiyanParquet

/// A query's rows into a Parquet file: money as DECIMAL(18,2), timestamps as TIMESTAMP(MICROS) adjusted
/// to UTC, dates as DATE, strings dictionary-encoded (docs/SQL.md, COPY … TO).
///
/// The rows are cut into row groups of `rowGroupRows` as they come; each row group is filled and encoded
/// on one of the query's threads (`OrderedWork`), and written to the file in order: the file is the same
/// bytes whatever the thread count. At most two row groups a thread are in hand at once, held in the
/// statement's memory budget.
final class ParquetChunkWriter: ChunkSink {
    private let writer: ParquetWriter
    private let columns: [ParquetColumn]
    private let types: [SQLType]
    private let rowGroupRows: Int
    private let context: QueryContext
    private var work: OrderedWork<RowGroupJob>!
    /// The rows of the next row group, as slices of the chunks handed on.
    private var pending: [(chunk: DataChunk, rows: Range<Int>)] = []
    private var pendingRows = 0
    private var pendingBytes = 0
    /// Fillers not in use (one per thread at most is made).
    private var idleFillers: [RowGroupFiller] = []
    private let fillersLock = NSLock()

    /// A row group in hand: its rows until it is encoded, then its bytes until they are written; the
    /// account under which it is held.
    private final class RowGroupJob {
        var pieces: [(chunk: DataChunk, rows: Range<Int>)]
        var encoded: EncodedRowGroup?
        init(_ pieces: [(chunk: DataChunk, rows: Range<Int>)]) { self.pieces = pieces }
    }

    /// `threads`: how many row groups are encoded at once.
    init(columnNames: [String], types: [SQLType], rowGroupRows: Int, threads: Int, context: QueryContext,
         sink: @escaping (UnsafeRawBufferPointer) throws -> Void) throws {
        self.types = types
        self.context = context
        self.rowGroupRows = rowGroupRows
        var seen = Set<String>()
        for name in columnNames where !seen.insert(name.lowercased()).inserted {
            throw QueryError("the column name \"\(name)\" appears twice: a Parquet file's columns need names of their own; name them with AS")
        }
        if let k = types.firstIndex(of: .interval) {
            throw QueryError("the column \"\(columnNames[k])\" is an INTERVAL, which Parquet files here do not hold: CAST it to VARCHAR")
        }
        columns = zip(columnNames, types).map { name, type in ParquetColumn(name: name, kind: Self.kind(of: type)) }
        writer = try ParquetWriter(columns: columns, sink: sink)
        work = OrderedWork(threads: threads, limit: 2 * threads, context: context) { [writer, context] job in
            try writer.write(job.encoded!)
            context.release(job)
        }
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

    func write(_ chunk: DataChunk, width: Int) throws {
        var start = 0
        while start < chunk.count {
            let run = min(chunk.count - start, rowGroupRows - pendingRows)
            pending.append((chunk, start..<(start + run)))
            pendingRows += run
            pendingBytes += chunk.approximateBytes * run / chunk.count
            start += run
            if pendingRows == rowGroupRows { try submit() }
        }
        // The rows of the row group being gathered are the statement's memory until they are encoded.
        try context.hold(pendingBytes, for: self)
    }

    /// Hands the gathered rows to a thread as a row group.
    private func submit() throws {
        let job = RowGroupJob(pending)
        try context.hold(pendingBytes, for: job)
        pending = []
        pendingRows = 0
        pendingBytes = 0
        try work.submit { [self] in
            try context.check()
            let filler = takeFiller()
            defer { giveBack(filler) }
            filler.fill(job.pieces)
            job.pieces = []
            // A filler's buffers keep their size from one row group to the next.
            try context.hold(filler.builder.bufferedBytes, for: filler)
            let encoded = filler.builder.encode()
            job.encoded = encoded
            try context.hold(encoded.byteCount, for: job)
            return job
        }
    }

    private func takeFiller() -> RowGroupFiller {
        fillersLock.lock()
        defer { fillersLock.unlock() }
        return idleFillers.popLast() ?? RowGroupFiller(columns: columns, types: types)
    }

    private func giveBack(_ filler: RowGroupFiller) {
        fillersLock.lock()
        idleFillers.append(filler)
        fillersLock.unlock()
    }

    func finish() throws {
        if pendingRows > 0 { try submit() }
        try work.finish()
        try writer.finish()
        releaseFillers()
        context.release(self)
    }

    func abandon() {
        work.abandon()
        pending = []
        releaseFillers()
        context.release(self)
    }

    private func releaseFillers() {
        for filler in idleFillers { context.release(filler) }
        idleFillers = []
    }
}
