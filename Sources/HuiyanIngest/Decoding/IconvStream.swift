#if canImport(Glibc)
import Glibc
#endif
import HuiyanBuffers

/// Text in another character encoding (GBK, GB18030) converted to UTF-8 by glibc's iconv as it is read.
///
/// A byte iconv cannot convert is passed through unchanged and conversion goes on after it: it is not valid
/// UTF-8 where it lands (a byte ≥ 0x80 before ASCII or a complete character), so the row holding it is
/// rejected with its file, line and field like any bad byte of a UTF-8 feed, and the rest are kept.
final class IconvStream: ByteStream {
    private let upstream: ByteStream
    private let converter: iconv_t
    private let input: UncheckedBuffer<UInt8>
    private static let inputSize = 256 << 10
    private var start = 0, end = 0
    private var upstreamEnded = false

    init(upstream: ByteStream, from encoding: FeedEncoding, path: String) throws(RecordReaderError) {
        self.upstream = upstream
        let handle = iconv_open("UTF-8", encoding.iconvName)
        guard let handle, handle != iconv_t(bitPattern: -1) else {
            throw .cannotOpen(path: path, reason: "iconv cannot convert from \(encoding.iconvName) on this system")
        }
        converter = handle
        input = .allocate(capacity: Self.inputSize)
    }

    deinit {
        iconv_close(converter)
        input.deallocate()
    }

    func read(into buffer: UnsafeMutableBufferPointer<UInt8>, stop: () -> String?) throws(RecordReaderError) -> Int {
        let count = buffer.count
        var wantMore = start == end
        while true {
            if wantMore && !upstreamEnded {
                if start > 0 {
                    if end > start { input.copy(unchecked: start..<end, to: 0) }
                    end -= start
                    start = 0
                }
                let n = try upstream.read(into: input.mutableBuffer(unchecked: end..<Self.inputSize), stop: stop)
                if n == 0 { upstreamEnded = true } else { end += n }
            }
            wantMore = false
            if start == end { return 0 }
            var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(input.pointer(uncheckedAt: start, count: end - start)).assumingMemoryBound(to: CChar.self)
            var inLeft = end - start
            var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var outLeft = count
            let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
            let code = errno
            start = end - inLeft
            var produced = count - outLeft
            if result == -1 {
                switch code {
                case E2BIG:
                    break
                case EINVAL where !upstreamEnded:
                    // A character cut by the end of the buffer: its other bytes come with the next read.
                    wantMore = true
                default:
                    // EILSEQ, or a cut character at the very end: the byte goes through as it is.
                    if outLeft > 0 {
                        buffer[produced] = input[unchecked: start]
                        produced += 1
                        start += 1
                    }
                }
            } else {
                wantMore = true
            }
            if produced > 0 { return produced }
        }
    }
}
