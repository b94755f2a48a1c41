import HuiyanBuffers

/// Streams the records of an RFC 4180 CSV file, reading it in chunks.
///
/// Usage: call `next()` until it returns false; after each true, inspect `problem` (nil for
/// a well-formed record) and read the fields. Field bytes point into internal buffers and
/// are valid until the next call to `next()`. Nothing is allocated per record or field.
///
/// Rules: a UTF-8 BOM at the start is skipped; LF, CRLF and a lone CR end a record (also
/// a CR LF pair split across chunks); fully empty lines are skipped and are not records
/// (a line of spaces *is* a record); the last record may lack a terminator. The header is
/// not special: it is the first record. With a `comment` byte, lines starting with it (at a record's start) are
/// skipped like empty lines (not for ingest: catalog files and the like). A record longer than `maxRecordBytes` (without its
/// terminator) is reported with `.recordTooLong` and skipped in constant memory.
final class CSVRecordReader {
    static let defaultChunkSize = 4 << 20
    static let defaultMaxRecordBytes = 64 << 20
    /// `recordText` of an over-long record is truncated to this many bytes.
    static let overlongRecordTextLimit = RecordCursor.overlongRecordTextLimit

    private let cursor: RecordCursor
    var input: ChunkedFileInput { cursor.input }
    private let fields = ByteSpanTable()

    /// The file being read.
    var path: String { input.path }
    /// The file size at open time (nil for pipes), for progress reporting.
    var fileSize: Int64? { input.fileSize }
    var maxRecordBytes: Int { cursor.maxRecordBytes }
    /// 1-based physical line on which the current record starts.
    var lineNumber: Int { cursor.lineNumber }
    /// File offset at which the current record starts (after `next()` returned false: the end of the input).
    var recordStartOffset: Int64 { cursor.recordStartOffset }
    /// The raw bytes of the current record without its line terminator (for a rejects file).
    /// Truncated to `overlongRecordTextLimit` bytes for an over-long record.
    var recordText: UnsafeBufferPointer<UInt8> { cursor.recordText }
    /// Bytes of the file consumed so far, through the end of the current record.
    var bytesConsumed: Int64 { cursor.bytesConsumed }

    /// What is wrong with the current record, or nil when it is well-formed. Only the first
    /// problem is reported. A malformed record still has its fields as recovered (quotes inside
    /// unquoted fields kept literally, text after a closing quote dropped); an over-long one has none.
    private(set) var problem: CSVRecordProblem?
    /// Lines starting with this byte are not records (nil: none are skipped).
    private let comment: UInt8?

    /// Opens `path`. Throws `RecordReaderError.cannotOpen` (naming the path) if it cannot.
    /// `startOffset` and `firstLine` start the reading at a record boundary inside the file (a byte order mark
    /// is looked for only at offset 0), for several readers splitting one file.
    init(path: String, chunkSize: Int = defaultChunkSize, maxRecordBytes: Int = defaultMaxRecordBytes,
         startOffset: Int64 = 0, firstLine: Int = 1, decoding: InputDecoding = .plain, comment: UInt8? = nil)
        throws(RecordReaderError)
    {
        self.comment = comment
        cursor = try RecordCursor(path: path, chunkSize: chunkSize, maxRecordBytes: maxRecordBytes,
                                  startOffset: startOffset, firstLine: firstLine, decoding: decoding)
    }

    /// Number of fields in the current record (0 for an over-long record).
    var fieldCount: Int { fields.count }

    /// The unescaped bytes of field `i` (0-based): quotes removed, `""` turned into `"`.
    @inline(__always)
    func field(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        precondition(i >= 0 && i < fields.count, "field index out of range")
        return fields.bytes(unchecked: i, in: input.bytes)
    }

    /// True when field `i` was enclosed in double quotes (so `""` is an empty string, not missing).
    @inline(__always)
    func fieldWasQuoted(_ i: Int) -> Bool {
        precondition(i >= 0 && i < fields.count, "field index out of range")
        return fields.tag(unchecked: i) & ByteSpanTable.quoted != 0
    }

    /// Advances to the next record. Returns false at the end of the file.
    /// Throws only on I/O errors; malformed records are reported through `problem`.
    func next() throws(RecordReaderError) -> Bool {
        try cursor.beginNext()
        problem = nil
        while true {
            guard try input.skipEmptyLines(countingInto: &cursor.nextLine, comment: comment) else {
                fields.removeAll()
                cursor.markEnd()
                return false
            }
            let s = input.start
            switch CSVTokenizer.tokenizeRecord(input.bytes, from: s, end: input.end, isFinal: input.atEOF, into: fields) {
            case .needMoreData:
                let pending = input.end - s
                if pending > maxRecordBytes + 1 {
                    try skipOverlongRecord()
                    return true
                }
                try input.refill(want: input.readSize(forPending: pending, limit: maxRecordBytes))
            case .record(let r):
                cursor.markRecord(start: s, contentEnd: r.contentEnd, lineBreaks: r.innerLineBreaks + (r.terminated ? 1 : 0))
                problem = r.problem
                input.start = r.next
                if r.contentEnd - s > maxRecordBytes {
                    if case .unterminatedQuote = r.problem {} else { problem = .recordTooLong(limit: maxRecordBytes) }
                    fields.removeAll()
                }
                return true
            }
        }
    }

    /// Skips the over-long record starting at `input.start`, chunk by chunk, keeping only
    /// a prefix of its text. An open quote running to the end of the file is reported as
    /// `.unterminatedQuote`, anything else as `.recordTooLong`.
    private func skipOverlongRecord() throws(RecordReaderError) {
        cursor.beginOverlongRecord()
        fields.removeAll()
        var scanner = CSVSkipScanner()
        var p = input.start
        while true {
            let terminator = scanner.scan(input.bytes, from: p, end: input.end)
            cursor.keepOverlongText(input.bytes.slice(unchecked: p..<(terminator ?? input.end)))
            if let terminator {
                cursor.nextLine += scanner.innerLineBreaks + 1
                try input.consumeTerminator(at: terminator)
                problem = .recordTooLong(limit: maxRecordBytes)
                return
            }
            input.start = input.end
            if input.atEOF {
                cursor.nextLine += scanner.innerLineBreaks
                problem = scanner.isInsideQuotes
                    ? .unterminatedQuote(field: scanner.quotedField) : .recordTooLong(limit: maxRecordBytes)
                return
            }
            try input.refill(want: input.chunkSize)
            p = input.start
        }
    }
}
