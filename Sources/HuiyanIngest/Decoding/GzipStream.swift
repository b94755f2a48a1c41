import HuiyanBuffers
import CZlib

/// The bytes of a gzip-compressed stream (RFC 1952), inflated by zlib as they are read; several members
/// one after the other (what `cat a.gz b.gz` gives) are read as one stream, as gzip itself does.
final class GzipStream: ByteStream {
    private let upstream: ByteStream
    private let path: String
    private var stream = z_stream()
    private let input: UncheckedBuffer<UInt8>
    private static let inputSize = 256 << 10
    private var upstreamEnded = false
    /// Whether a member has begun and not yet ended (its end not seen: the file is cut short).
    private var insideMember = false

    init(upstream: ByteStream, path: String) throws(RecordReaderError) {
        self.upstream = upstream
        self.path = path
        input = .allocate(capacity: Self.inputSize)
        guard huiyan_inflate_init(&stream) == Z_OK else {
            input.deallocate()
            throw .cannotOpen(path: path, reason: "zlib could not start inflating")
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    func read(into buffer: UnsafeMutableBufferPointer<UInt8>, stop: () -> String?) throws(RecordReaderError) -> Int {
        let count = buffer.count
        while true {
            if stream.avail_in == 0 && !upstreamEnded {
                let n = try upstream.read(into: input.mutableBuffer(unchecked: 0..<Self.inputSize), stop: stop)
                if n == 0 { upstreamEnded = true } else {
                    stream.next_in = input.pointer(uncheckedAt: 0, count: n)
                    stream.avail_in = UInt32(n)
                }
            }
            if stream.avail_in == 0 && upstreamEnded {
                if insideMember { throw .readFailed(path: path, reason: "the gzip data ends too early (a truncated file?)") }
                return 0
            }
            insideMember = true
            stream.next_out = buffer.baseAddress
            stream.avail_out = UInt32(min(count, Int(UInt32.max)))
            let status = inflate(&stream, Z_NO_FLUSH)
            let produced = min(count, Int(UInt32.max)) - Int(stream.avail_out)
            switch status {
            case Z_STREAM_END:
                insideMember = false
                inflateReset(&stream)
            case Z_OK, Z_BUF_ERROR:
                break
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "code \(status)"
                throw .readFailed(path: path, reason: "not valid gzip data (\(message))")
            }
            if produced > 0 { return produced }
        }
    }
}
