import HuiyanBuffers

import HuiyanValues

/// Streams the records of an NDJSON file (one flat JSON object per line), reading it in chunks.
///
/// Usage mirrors `CSVRecordReader`: call `next()` until it returns false; after each true,
/// check `problem`, then read `fieldCount`, `key(_:)`, `valueKind(_:)` and `value(_:)`. The
/// returned bytes point into internal buffers, valid until the next call to `next()`.
/// Nothing is allocated per record or field on the success path.
///
/// Rules: a UTF-8 BOM at the start is skipped; LF, CRLF and a lone CR end a line; empty
/// lines and lines of only spaces/tabs are skipped; the last line may lack a terminator.
/// Values must be scalars (string, number, `true`/`false`, `null`); a nested object or array,
/// a duplicate key, text after the object or a lone surrogate escape makes a bad record.
/// A line longer than `maxRecordBytes` is reported as `.recordTooLong` and skipped in
/// constant memory.
final class NDJSONRecordReader {
    static let defaultChunkSize = CSVRecordReader.defaultChunkSize
    static let defaultMaxRecordBytes = CSVRecordReader.defaultMaxRecordBytes
    /// `recordText` of an over-long line is truncated to this many bytes.
    static let overlongRecordTextLimit = RecordCursor.overlongRecordTextLimit

    private let cursor: RecordCursor
    var input: ChunkedFileInput { cursor.input }
    private let keys = ByteSpanTable()
    private let values = ByteSpanTable()

    /// The file being read.
    var path: String { input.path }
    /// The file size at open time (nil for pipes), for progress reporting.
    var fileSize: Int64? { input.fileSize }
    var maxRecordBytes: Int { cursor.maxRecordBytes }
    /// 1-based line number of the current record.
    var lineNumber: Int { cursor.lineNumber }
    /// File offset at which the current record starts (after `next()` returned false: the end of the input).
    var recordStartOffset: Int64 { cursor.recordStartOffset }
    /// The raw bytes of the current line without its terminator (for a rejects file).
    /// Truncated to `overlongRecordTextLimit` bytes for an over-long line.
    var recordText: UnsafeBufferPointer<UInt8> { cursor.recordText }
    /// Bytes of the file consumed so far, through the end of the current record.
    var bytesConsumed: Int64 { cursor.bytesConsumed }

    /// What is wrong with the current record, or nil when it is well-formed.
    /// A record with a problem has no fields.
    private(set) var problem: NDJSONRecordProblem?

    /// Opens `path`. Throws `RecordReaderError.cannotOpen` (naming the path) if it cannot.
    /// `startOffset` and `firstLine` start the reading at a line boundary inside the file (a byte order mark
    /// is looked for only at offset 0), for several readers splitting one file.
    init(path: String, chunkSize: Int = defaultChunkSize, maxRecordBytes: Int = defaultMaxRecordBytes,
         startOffset: Int64 = 0, firstLine: Int = 1, decoding: InputDecoding = .plain)
        throws(RecordReaderError)
    {
        cursor = try RecordCursor(path: path, chunkSize: chunkSize, maxRecordBytes: maxRecordBytes,
                                  startOffset: startOffset, firstLine: firstLine, decoding: decoding)
    }

    /// Number of key/value pairs in the current record, in the order they appear.
    var fieldCount: Int { keys.count }

    /// The unescaped UTF-8 bytes of key `i`.
    @inline(__always)
    func key(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        precondition(i >= 0 && i < keys.count, "field index out of range")
        return keys.bytes(unchecked: i, in: input.bytes)
    }

    /// The kind of value `i`.
    @inline(__always)
    func valueKind(_ i: Int) -> JSONValueKind {
        precondition(i >= 0 && i < values.count, "field index out of range")
        return NDJSONLineParser.kind(ofTag: values.tag(unchecked: i))
    }

    /// Value `i`: unescaped UTF-8 for a string; the literal text for a number (`120.50`),
    /// a boolean (`true`/`false`) or null (`null`).
    @inline(__always)
    func value(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        precondition(i >= 0 && i < values.count, "field index out of range")
        return values.bytes(unchecked: i, in: input.bytes)
    }

    /// Advances to the next record. Returns false at the end of the file.
    /// Throws only on I/O errors; malformed lines are reported through `problem`.
    func next() throws(RecordReaderError) -> Bool {
        try cursor.beginNext()
        problem = nil
        while true {
            guard try input.skipEmptyLines(countingInto: &cursor.nextLine) else {
                keys.removeAll()
                values.removeAll()
                cursor.markEnd()
                return false
            }
            let s = input.start
            switch NDJSONLineParser.parseLine(input.bytes, from: s, end: input.end, isFinal: input.atEOF,
                                              keys: keys, values: values) {
            case .needMoreData:
                let pending = input.end - s
                if pending > maxRecordBytes + 1 {
                    try skipOverlongLine()
                    return true
                }
                try input.refill(want: input.readSize(forPending: pending, limit: maxRecordBytes))
            case .blankLine(let next, let terminated):
                input.start = next
                if terminated { cursor.nextLine += 1 }
            case .record(let r):
                cursor.markRecord(start: s, contentEnd: r.contentEnd, lineBreaks: r.terminated ? 1 : 0)
                problem = r.problem
                input.start = r.next
                if r.contentEnd - s > maxRecordBytes {
                    problem = .recordTooLong(limit: maxRecordBytes)
                    keys.removeAll()
                    values.removeAll()
                }
                return true
            }
        }
    }

    /// Skips the over-long line starting at `input.start`, chunk by chunk, keeping only a
    /// prefix of its text.
    private func skipOverlongLine() throws(RecordReaderError) {
        cursor.beginOverlongRecord()
        keys.removeAll()
        values.removeAll()
        problem = .recordTooLong(limit: maxRecordBytes)
        var p = input.start
        while true {
            let base = input.bytes, end = input.end
            let segmentStart = p
            while p < end && base[unchecked: p] != ASCIIByte.lf && base[unchecked: p] != ASCIIByte.cr { p += 1 }
            cursor.keepOverlongText(base.slice(unchecked: segmentStart..<p))
            if p < end {
                cursor.nextLine += 1
                try input.consumeTerminator(at: p)
                return
            }
            input.start = end
            if input.atEOF { return }
            try input.refill(want: input.chunkSize)
            p = input.start
        }
    }
}
