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
    static let overlongRecordTextLimit = CSVRecordReader.overlongRecordTextLimit

    /// The file being read.
    var path: String { input.path }
    /// The file size at open time (nil for pipes), for progress reporting.
    var fileSize: Int64? { input.fileSize }
    let maxRecordBytes: Int

    private let input: ChunkedFileInput
    private let keys = ByteSpanTable()
    private let values = ByteSpanTable()
    private let overlongText = ScratchBuffer()
    private var started = false
    private var nextLine = 1
    private var recordStart = 0
    private var recordEnd = 0
    private var textIsOverlongCopy = false

    /// 1-based line number of the current record.
    private(set) var lineNumber = 0
    /// What is wrong with the current record, or nil when it is well-formed.
    /// A record with a problem has no fields.
    private(set) var problem: NDJSONRecordProblem?

    /// Opens `path`. Throws `RecordReaderError.cannotOpen` (naming the path) if it cannot.
    /// `startOffset` and `firstLine` start the reading at a record boundary inside the file (a byte order mark
    /// is looked for only at offset 0), for several readers splitting one file.
    init(path: String, chunkSize: Int = defaultChunkSize, maxRecordBytes: Int = defaultMaxRecordBytes,
         startOffset: Int64 = 0, firstLine: Int = 1)
        throws(RecordReaderError)
    {
        precondition(maxRecordBytes > 0, "maxRecordBytes must be positive")
        input = try ChunkedFileInput(path: path, chunkSize: chunkSize, startOffset: startOffset)
        self.maxRecordBytes = maxRecordBytes
        nextLine = firstLine
        started = startOffset > 0
    }

    /// File offset at which the current record starts (after `next()` returned false: the end of the input).
    private(set) var recordStartOffset: Int64 = 0

    /// Number of key/value pairs in the current record, in the order they appear.
    var fieldCount: Int { keys.count }

    /// The unescaped UTF-8 bytes of key `i`.
    @inline(__always)
    func key(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        precondition(i >= 0 && i < keys.count, "field index out of range")
        return keys.bytes(i, base: input.base)
    }

    /// The kind of value `i`.
    @inline(__always)
    func valueKind(_ i: Int) -> JSONValueKind {
        precondition(i >= 0 && i < values.count, "field index out of range")
        return NDJSONLineParser.kind(ofTag: values.tags[i])
    }

    /// Value `i`: unescaped UTF-8 for a string; the literal text for a number (`120.50`),
    /// a boolean (`true`/`false`) or null (`null`).
    @inline(__always)
    func value(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        precondition(i >= 0 && i < values.count, "field index out of range")
        return values.bytes(i, base: input.base)
    }

    /// The raw bytes of the current line without its terminator (for a rejects file).
    /// Truncated to `overlongRecordTextLimit` bytes for an over-long line.
    var recordText: UnsafeBufferPointer<UInt8> {
        if textIsOverlongCopy { return overlongText.bytes(0, overlongText.count) }
        return UnsafeBufferPointer(start: input.base + recordStart, count: recordEnd - recordStart)
    }

    /// Bytes of the file consumed so far, through the end of the current record.
    var bytesConsumed: Int64 { input.fileOffset(of: input.start) }

    /// Advances to the next record. Returns false at the end of the file.
    /// Throws only on I/O errors; malformed lines are reported through `problem`.
    func next() throws(RecordReaderError) -> Bool {
        if !started {
            started = true
            try input.skipByteOrderMark()
        }
        problem = nil
        textIsOverlongCopy = false
        while true {
            guard try input.skipEmptyLines(countingInto: &nextLine) else {
                keys.removeAll()
                values.removeAll()
                recordStart = input.start
                recordEnd = input.start
                recordStartOffset = input.fileOffset(of: input.start)
                return false
            }
            let s = input.start
            switch NDJSONLineParser.parseLine(input.base, from: s, end: input.end, isFinal: input.atEOF,
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
                if terminated { nextLine += 1 }
            case .record(let r):
                lineNumber = nextLine
                if r.terminated { nextLine += 1 }
                recordStart = s
                recordStartOffset = input.fileOffset(of: s)
                recordEnd = r.contentEnd
                problem = r.problem
                input.start = r.next
                if r.contentEnd - s > maxRecordBytes {
                    problem = .recordTooLong(limit: maxRecordBytes)
                    keys.removeAll()
                    values.removeAll()
                    recordEnd = s + min(r.contentEnd - s, Self.overlongRecordTextLimit)
                }
                return true
            }
        }
    }

    /// Skips the over-long line starting at `input.start`, chunk by chunk, keeping only a
    /// prefix of its text.
    private func skipOverlongLine() throws(RecordReaderError) {
        let s = input.start
        recordStartOffset = input.fileOffset(of: s)
        lineNumber = nextLine
        keys.removeAll()
        values.removeAll()
        overlongText.removeAll()
        textIsOverlongCopy = true
        problem = .recordTooLong(limit: maxRecordBytes)
        var p = s
        while true {
            let base = input.base, end = input.end
            let segmentStart = p
            while p < end && base[p] != ASCIIByte.lf && base[p] != ASCIIByte.cr { p += 1 }
            keepOverlongText(base + segmentStart, count: p - segmentStart)
            if p < end {
                nextLine += 1
                try input.consumeTerminator(at: p)
                return
            }
            input.start = end
            if input.atEOF { return }
            try input.refill(want: input.chunkSize)
            p = input.start
        }
    }

    /// Appends bytes of a skipped line to `overlongText`, up to `overlongRecordTextLimit`.
    private func keepOverlongText(_ bytes: UnsafePointer<UInt8>, count: Int) {
        let room = Self.overlongRecordTextLimit - overlongText.count
        if room > 0 { overlongText.append(bytes, count: min(room, count)) }
    }
}
