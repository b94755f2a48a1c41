import Foundation
import HuiyanStorage

/// Shared counters of one ingest command, for the progress bar; updated by every worker.
final class IngestTracker {
    /// The totals so far, and the progress callback: it is called with the lock held, so from one worker
    /// at a time.
    private struct Totals {
        let report: ((IngestProgress) -> Void)?
        var rows = 0, rejected = 0
        var bytes: Int64 = 0
        var file = "", fileIndex = 0
    }
    private let totals: LockedValue<Totals>
    private let started = Date()
    private let totalBytes: Int64
    private let fileCount: Int

    init(totalBytes: Int64, fileCount: Int, report: ((IngestProgress) -> Void)?) {
        self.totalBytes = totalBytes
        self.fileCount = fileCount
        totals = LockedValue(Totals(report: report))
    }

    func startFile(_ path: String, index: Int) {
        totals.withLock { totals in
            totals.file = path
            totals.fileIndex = index
        }
    }

    /// Adds a worker's progress since its last call and reports the totals.
    func add(rows newRows: Int, rejected newRejected: Int, bytes newBytes: Int64) {
        totals.withLock { totals in
            totals.rows += newRows
            totals.rejected += newRejected
            totals.bytes += newBytes
            totals.report?(IngestProgress(file: totals.file, fileIndex: totals.fileIndex, fileCount: fileCount, bytesRead: totals.bytes,
                                          bytesTotal: totalBytes, rowsAccepted: totals.rows, rowsRejected: totals.rejected,
                                          seconds: Date().timeIntervalSince(started)))
        }
    }
}

/// Parses one chunk of one input file on one thread: records → rows in its own segment builder, full
/// segments written as it goes, bad rows to its own rejects part.
final class ChunkWorker {
    let path: String
    let source: RecordSource
    let schema: TableSchema
    let converter: RowConverter
    let rejects: RejectsWriter
    /// Records starting at or after this offset belong to the next chunk.
    let stopOffset: Int64
    var builder: SegmentBuilder
    private(set) var accepted = 0
    private(set) var rejected = 0
    /// Where this chunk's first record started, and where the record after its last one starts (or the end of input).
    private(set) var firstRecordOffset: Int64 = -1
    private(set) var stoppedAtOffset: Int64 = -1

    init(path: String, source: RecordSource, schema: TableSchema, localOffsetSeconds: Int, rejects: RejectsWriter,
         stopOffset: Int64, builder: SegmentBuilder) {
        self.path = path
        self.source = source
        self.schema = schema
        converter = RowConverter(schema: schema, localOffsetSeconds: localOffsetSeconds)
        self.rejects = rejects
        self.stopOffset = stopOffset
        self.builder = builder
    }

    /// What stopped `runCatching`, if anything.
    private(set) var failure: Error?

    /// Records an error that stopped work on this chunk after `run`.
    func fail(_ error: Error) { failure = error }

    /// Runs the chunk, keeping a thrown error in `failure` (for running on a worker thread).
    func runCatching(segmentRows: Int, tracker: IngestTracker, flush: (SegmentBuilder, Int) throws -> Void) {
        do { try run(segmentRows: segmentRows, tracker: tracker, flush: flush) } catch { failure = error }
    }

    /// Runs the chunk; `flush` writes a full builder as a segment (with its position `sequence` in this chunk).
    func run(segmentRows: Int, tracker: IngestTracker, flush: (SegmentBuilder, Int) throws -> Void) throws {
        let slots = UnsafeMutableBufferPointer<FieldSlot>.allocate(capacity: schema.columns.count)
        slots.initialize(repeating: FieldSlot())
        defer { slots.deallocate() }
        var sequence = 1
        // Rows in `builder`, counting those the converter has staged but not yet handed over.
        var rowsInBuilder = builder.rowCount
        // Whatever stops the loop, the staged rows go to the builder (the caller writes or carries it).
        defer { converter.flush(into: builder) }
        var reportedRows = 0, reportedRejected = 0
        var reportedBytes = source.bytesConsumed
        while try source.next() {
            let offset = source.recordStartOffset
            if offset >= stopOffset { stoppedAtOffset = offset; break }
            if firstRecordOffset < 0 { firstRecordOffset = offset }
            if let failure = source.bind(into: slots) {
                try rejects.write(Rejection(file: path, line: source.lineNumber, field: failure.position == 0 ? nil : failure.position,
                                            column: failure.columnName, value: nil, reason: failure.reason), record: source.recordText)
                rejected += 1
            } else if let failure = converter.convert(slots, into: builder) {
                let slot = slots[failure.column]
                let value = slot.state == .text || slot.state == .quotedText ? Ingestor.printable(slot.bytes) : nil
                try rejects.write(Rejection(file: path, line: source.lineNumber, field: slot.position == 0 ? nil : slot.position,
                                            column: schema.columns[failure.column].name, value: value, reason: failure.reason),
                                  record: source.recordText)
                rejected += 1
            } else {
                accepted += 1
                rowsInBuilder += 1
                if converter.batchIsFull { converter.flush(into: builder) }
                if rowsInBuilder >= segmentRows || (rowsInBuilder & 4095 == 0 && builder.approximateBytes > Self.segmentByteLimit) {
                    converter.flush(into: builder)
                    let next = builder.successor(capacity: segmentRows)
                    try flush(builder, sequence)
                    sequence += 1
                    builder = next
                    rowsInBuilder = 0
                }
            }
            // A chunk of the file takes a while to parse (long in a debug build): a stop is also looked for
            // every 1,024 records, not only at each read.
            if (accepted + rejected) & 1_023 == 0, let stop = source.input.stop, let reason = stop() {
                throw RecordReaderError.stopped(reason: reason)
            }
            if (accepted + rejected) & 65_535 == 0 {
                let bytes = source.bytesConsumed
                tracker.add(rows: accepted - reportedRows, rejected: rejected - reportedRejected, bytes: bytes - reportedBytes)
                reportedRows = accepted; reportedRejected = rejected; reportedBytes = bytes
            }
        }
        if stoppedAtOffset < 0 { stoppedAtOffset = source.recordStartOffset }
        if firstRecordOffset < 0 { firstRecordOffset = stoppedAtOffset }
        tracker.add(rows: accepted - reportedRows, rejected: rejected - reportedRejected,
                    bytes: min(source.bytesConsumed, stopOffset) - reportedBytes)
    }

    /// A segment is flushed early when its strings alone approach this many bytes (huge values).
    static let segmentByteLimit = 1 << 30
}
