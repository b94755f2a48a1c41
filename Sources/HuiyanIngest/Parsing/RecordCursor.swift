import HuiyanBuffers

/// Where a record reader stands in its file, shared by the CSV and NDJSON readers: the chunked input,
/// line numbers, and the bounds and text of the current record (with the truncated copy kept for an
/// over-long one).
final class RecordCursor {
    /// `recordText` of an over-long record is truncated to this many bytes.
    static let overlongRecordTextLimit = 4096

    let input: ChunkedFileInput
    let maxRecordBytes: Int
    /// Whether the start of the file (and its byte order mark) is behind us.
    private var started: Bool
    /// The line the next record starts on.
    var nextLine: Int
    /// 1-based line on which the current record starts.
    var lineNumber = 0
    /// File offset at which the current record starts (after the end of input: the end).
    private(set) var recordStartOffset: Int64 = 0
    private var recordStart = 0
    private var recordEnd = 0
    private let overlongText = GrowableBuffer<UInt8>(capacity: 256)
    private var textIsOverlongCopy = false

    init(path: String, chunkSize: Int, maxRecordBytes: Int, startOffset: Int64, firstLine: Int,
         decoding: InputDecoding) throws(RecordReaderError) {
        precondition(maxRecordBytes > 0, "maxRecordBytes must be positive")
        input = try ChunkedFileInput(path: path, chunkSize: chunkSize, startOffset: startOffset, decoding: decoding)
        self.maxRecordBytes = maxRecordBytes
        nextLine = firstLine
        started = startOffset > 0
    }

    /// The raw bytes of the current record without its line terminator (truncated for an over-long one).
    var recordText: UnsafeBufferPointer<UInt8> {
        if textIsOverlongCopy { return overlongText.buffer(unchecked: 0..<overlongText.count) }
        return input.bytes.buffer(unchecked: recordStart..<recordEnd)
    }

    /// Bytes of the file as stored consumed so far, through the end of the current record (of a decoded
    /// input: all that was read).
    var bytesConsumed: Int64 { input.storedBytesConsumed }

    /// Call at the start of every `next()`: skips a byte order mark at the start of the file.
    func beginNext() throws(RecordReaderError) {
        if !started {
            started = true
            try input.skipByteOrderMark()
        }
        textIsOverlongCopy = false
    }

    /// The end of input was reached: the current record is empty, at the end.
    func markEnd() {
        recordStart = input.start
        recordEnd = input.start
        recordStartOffset = input.fileOffset(of: input.start)
    }

    /// A record spans buffer offsets `start ..< contentEnd`; `lineBreaks` more lines follow it.
    /// An over-long one keeps only its first `overlongRecordTextLimit` bytes as text.
    func markRecord(start: Int, contentEnd: Int, lineBreaks: Int) {
        lineNumber = nextLine
        nextLine += lineBreaks
        recordStart = start
        recordEnd = contentEnd - start > maxRecordBytes ? start + min(contentEnd - start, Self.overlongRecordTextLimit) : contentEnd
        recordStartOffset = input.fileOffset(of: start)
    }

    /// An over-long record starts at the input's current position: its text is kept as a truncated copy.
    func beginOverlongRecord() {
        recordStartOffset = input.fileOffset(of: input.start)
        lineNumber = nextLine
        overlongText.removeAll()
        textIsOverlongCopy = true
    }

    /// Appends bytes of a skipped over-long record to its text, up to `overlongRecordTextLimit`.
    func keepOverlongText(_ bytes: UncheckedBytes) {
        let room = Self.overlongRecordTextLimit - overlongText.count
        if room > 0 { overlongText.append(bytes.slice(unchecked: 0..<min(room, bytes.count))) }
    }
}
