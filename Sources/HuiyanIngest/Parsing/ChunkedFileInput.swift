#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HuiyanBuffers

/// A file read in chunks into one reusable, growable byte buffer.
///
/// The unconsumed bytes are `bytes[start..<end]`. `refill` moves them to the front of the
/// buffer and appends the next read, so a record that straddles a chunk boundary becomes
/// contiguous. The buffer grows only when a pending record plus the next read do not fit,
/// so memory stays near `chunkSize` plus the longest record the caller lets accumulate.
///
/// The path `-` is standard input. A decoded input (gzip, another encoding) is read through `ByteStream`
/// stages; its offsets are then offsets in the decoded text, and the file cannot be split.
final class ChunkedFileInput {
    let path: String
    let chunkSize: Int
    /// The file size when the file was opened (nil for non-regular files such as pipes).
    let fileSize: Int64?
    private let fd: Int32
    /// The file's bytes as stored, and what the reader reads (the same, or a decoder over them).
    let stored: FileDescriptorStream
    private let stream: ByteStream
    private let decoded: Bool
    private var storage: UncheckedBuffer<UInt8>
    /// Offset of the first unconsumed byte; callers advance it as they consume records.
    var start = 0
    /// Offset one past the last valid byte.
    private(set) var end = 0
    /// True once a read has returned 0: `bytes[start..<end]` is all that is left.
    private(set) var atEOF = false
    /// File offset of `bytes[0]`.
    private(set) var bufferFileOffset: Int64 = 0
    /// Asked before every read: a reason to stop (a cancellation, a timeout) ends reading with `.stopped`.
    var stop: (() -> String?)?

    /// Opens `path` for reading from byte `startOffset` on; throws `.cannotOpen` naming the path on failure.
    init(path: String, chunkSize: Int, startOffset: Int64 = 0, decoding: InputDecoding = .plain) throws(RecordReaderError) {
        precondition(chunkSize > 0, "chunkSize must be positive")
        precondition(startOffset == 0 || decoding.isPlain, "a decoded input cannot start inside the file")
        self.path = path
        self.chunkSize = chunkSize
        let standardInput = path == "-"
        let fd = standardInput ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        var info = stat()
        if fstat(fd, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR {
                close(fd)
                throw .cannotOpen(path: path, reason: String(cString: strerror(EISDIR)))
            }
            fileSize = (info.st_mode & S_IFMT) == S_IFREG ? Int64(info.st_size) : nil
        } else {
            fileSize = nil
        }
        if startOffset > 0 && lseek(fd, off_t(startOffset), SEEK_SET) < 0 {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .cannotOpen(path: path, reason: reason)
        }
        bufferFileOffset = startOffset
        self.fd = fd
        stored = FileDescriptorStream(fd: fd, path: path, waits: fileSize == nil, hashing: standardInput)
        var stream: ByteStream = stored
        do {
            if decoding.gzip { stream = try GzipStream(upstream: stream, path: path) }
            if decoding.encoding != .utf8 { stream = try IconvStream(upstream: stream, from: decoding.encoding, path: path) }
        } catch {
            close(fd)
            throw error
        }
        self.stream = stream
        decoded = !decoding.isPlain
        storage = .allocate(capacity: chunkSize + min(chunkSize, 1 << 20) + 16)
    }

    deinit {
        close(fd)
        storage.deallocate()
    }

    /// The bytes read so far and not compacted away (`0..<end`); valid until the next `refill`.
    @inline(__always)
    var bytes: UncheckedBytes { storage.bytes(unchecked: 0..<end) }

    /// Bytes of the file as stored that are behind the reader (for progress): up to the current position, or
    /// for a decoded input, all that was read.
    var storedBytesConsumed: Int64 { decoded ? stored.bytesRead : fileOffset(of: start) }

    /// Bytes of the file consumed up to buffer offset `offset`.
    @inline(__always)
    func fileOffset(of offset: Int) -> Int64 { bufferFileOffset + Int64(offset) }

    /// Compacts the unconsumed bytes to the front and reads up to `want` more bytes
    /// (one `read` call). Sets `atEOF` when the file is exhausted. Invalidates every
    /// pointer into the buffer handed out before.
    func refill(want asked: Int) throws(RecordReaderError) {
        // A decoder writes whole characters: it is never asked for fewer bytes than the longest one.
        let want = decoded ? max(asked, 16) : asked
        if let stop, let reason = stop() { throw .stopped(reason: reason) }
        if start > 0 {
            let pending = end - start
            if pending > 0 { storage.copy(unchecked: start..<end, to: 0) }
            bufferFileOffset += Int64(start)
            start = 0
            end = pending
        }
        if storage.capacity - end < want {
            storage = storage.reallocated(capacity: max(end + want, storage.capacity + storage.capacity / 2), keeping: end)
        }
        let n = try stream.read(into: storage.mutableBuffer(unchecked: end..<(end + want))) { [stop] in stop?() }
        if n > 0 { end += n } else { atEOF = true }
    }

    /// Skips a UTF-8 byte order mark (EF BB BF) at the very start of the file.
    /// Call once, before consuming anything.
    func skipByteOrderMark() throws(RecordReaderError) {
        while end - start < 3 && !atEOF { try refill(want: chunkSize) }
        let bytes = bytes
        if end - start >= 3 && bytes[unchecked: start] == 0xEF && bytes[unchecked: start + 1] == 0xBB && bytes[unchecked: start + 2] == 0xBF {
            start += 3
        }
    }
}
