#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HuiyanStorage

/// The bytes of an open file, a pipe or standard input, as stored. A pipe or terminal is waited on with
/// `poll` in short steps, asking `stop` between them, so that Ctrl-C or a timeout ends a read that would
/// otherwise block (a signal may be delivered to another thread and never interrupt the read).
final class FileDescriptorStream: ByteStream {
    let fd: Int32
    let path: String
    /// Whether reads may block (not a regular file).
    private let waits: Bool
    /// Hashes what is read, for an input that cannot be hashed before (standard input).
    let hasher: ContentHasher?
    /// Bytes read so far.
    private(set) var bytesRead: Int64 = 0

    init(fd: Int32, path: String, waits: Bool, hashing: Bool) {
        self.fd = fd
        self.path = path
        self.waits = waits
        hasher = hashing ? ContentHasher() : nil
    }

    func read(into buffer: UnsafeMutableBufferPointer<UInt8>, stop: () -> String?) throws(RecordReaderError) -> Int {
        while true {
            if waits {
                var request = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&request, 1, 100)
                if ready <= 0 {
                    if ready < 0 && errno != EINTR { throw .readFailed(path: path, reason: String(cString: strerror(errno))) }
                    if let reason = stop() { throw .stopped(reason: reason) }
                    continue
                }
            }
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 {
                bytesRead += Int64(n)
                hasher?.update(UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[0..<n])))
                return n
            }
            if errno != EINTR { throw .readFailed(path: path, reason: String(cString: strerror(errno))) }
            if let reason = stop() { throw .stopped(reason: reason) }
        }
    }
}
