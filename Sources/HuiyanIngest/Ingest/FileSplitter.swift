import HuiyanBuffers
import HuiyanStorage
#if canImport(Glibc)
import Glibc
#endif

/// A byte range of an input file that starts at a record boundary, with the line number it starts on.
struct FileChunk: Equatable, Sendable {
    var start: Int64
    var end: Int64
    var firstLine: Int
}

/// Splits an input file into ranges starting at record boundaries, so that several threads can parse it.
///
/// A boundary is the byte after a line feed outside any quoted field: in CSV, quote parity counted from the
/// start of the file tells whether a line feed is inside quotes (RFC 4180's `""` keeps the parity). Malformed
/// quoting can mislead the count; `Ingestor` then notices that the chunks do not meet and parses the file on
/// one thread. Line numbers count LF, CRLF and a lone CR as one line break each, as the record readers do.
enum FileSplitter {
    static func split(path: String, parts: Int, quoteAware: Bool) throws -> [FileChunk] {
        let file = try MappedFile(path: path, followingSymlinks: true)
        let bytes = file.bytes
        let size = bytes.count
        guard parts > 1, size > 0 else { return [FileChunk(start: 0, end: Int64(size), firstLine: 1)] }
        let base = UncheckedBytes(bytes)
        var chunks: [FileChunk] = []
        var chunkStart = 0, chunkLine = 1
        var position = 0, line = 1
        var insideQuotes = false
        // The pages scanned are dropped from the mapping as the scan goes (they stay in the page cache): else
        // the process's resident size grows by the whole first part of the file (3.6 GB at the city scale).
        var released = 0
        func release(upTo offset: Int) {
            #if canImport(Glibc)
            let end = offset & ~(Self.releaseStep - 1)
            if end > released { _ = madvise(UnsafeMutableRawPointer(mutating: base.slice(unchecked: released..<end).rawBuffer.baseAddress), end - released, MADV_DONTNEED) }
            released = end
            #endif
        }
        defer { release(upTo: size) }
        func countByte(at index: Int) {
            let byte = base[unchecked: index]
            if byte == 0x22 {
                if quoteAware { insideQuotes.toggle() }
            } else if byte == 0x0A {
                line += 1
            } else if byte == 0x0D && (index + 1 == size || base[unchecked: index + 1] != 0x0A) {
                line += 1
            }
        }
        for part in 1..<parts {
            let target = max(size / parts * part, position)
            // Up to the target: count quotes and line feeds eight bytes at a time; a word holding a CR is
            // counted byte by byte (a lone CR is a line break of its own). Line feeds are summed as one 0x01
            // per matching byte into a word of eight byte counters, folded every 255 words (no popcount per
            // word); quotes, rare in most feeds, only flip the parity.
            while position + 8 <= target {
                var counters: UInt64 = 0
                var words = 0
                while words < 255 && position + 8 <= target {
                    let word = base.loadUnaligned(uncheckedAt: position, as: UInt64.self)
                    let lineFeeds = Self.matches(word, 0x0A), quotes = Self.matches(word, 0x22), returns = Self.matches(word, 0x0D)
                    if returns != 0 {
                        for k in 0..<8 { countByte(at: position + k) }
                    } else {
                        if quoteAware && quotes.nonzeroBitCount & 1 == 1 { insideQuotes.toggle() }
                        counters &+= lineFeeds >> 7
                    }
                    position += 8
                    words += 1
                }
                // Eight byte counters of up to 255 each: summed pairwise into 16-bit lanes first (the total may exceed 255).
                let pairs = (counters & 0x00FF_00FF_00FF_00FF) &+ ((counters >> 8) & 0x00FF_00FF_00FF_00FF)
                line += Int(truncatingIfNeeded: (pairs &* 0x0001_0001_0001_0001) >> 48)
                if position - released >= Self.releaseStep { release(upTo: position) }
            }
            // From the target on, byte by byte, to the first line feed outside quotes.
            var boundary = -1
            while position < size {
                let byte = base[unchecked: position]
                countByte(at: position)
                position += 1
                if byte == 0x0A && position > target && !insideQuotes { boundary = position; break }
            }
            guard boundary > 0, boundary < size else { break }
            chunks.append(FileChunk(start: Int64(chunkStart), end: Int64(boundary), firstLine: chunkLine))
            chunkStart = boundary
            chunkLine = line
            _ = part
        }
        chunks.append(FileChunk(start: Int64(chunkStart), end: Int64(size), firstLine: chunkLine))
        return chunks
    }

    /// How far the scan goes between two releases of the pages behind it (a multiple of the page size).
    static let releaseStep = 64 << 20

    /// The high bit of each byte of `word` that equals `byte`, the other bits clear (exact, no false positives).
    @inline(__always)
    static func matches(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let x = word ^ (0x0101_0101_0101_0101 &* UInt64(byte))
        let low7 = (x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F
        return ~(low7 | x | 0x7F7F_7F7F_7F7F_7F7F)
    }

    /// How many of the eight bytes of `word` equal `byte` (exact, no false positives).
    @inline(__always)
    static func countBytes(_ word: UInt64, equalTo byte: UInt8) -> Int {
        let x = word ^ (0x0101_0101_0101_0101 &* UInt64(byte))
        let low7 = (x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F
        return (~(low7 | x | 0x7F7F_7F7F_7F7F_7F7F)).nonzeroBitCount
    }
}
