import HuiyanBuffers

/// Snappy's raw block format (google/snappy, format_description.txt), the SNAPPY codec of Parquet pages
/// (parquet-format, Compression.md): a varint of the uncompressed length, then literals and back-references.
/// Every length and offset is checked against the input and the output: damaged input is an error.
enum SnappyDecoder {
    /// Decompresses `source` into exactly `destination.count` bytes.
    static func decompress(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws {
        let damaged = ParquetReadError.damaged("SNAPPY data does not decompress")
        var p = 0
        let n = source.count
        // The uncompressed length, a varint of at most 5 bytes.
        var length = 0, shift = 0
        while true {
            guard p < n, shift <= 28 else { throw damaged }
            let b = source[p]; p += 1
            length |= Int(b & 0x7F) << shift
            if b & 0x80 == 0 { break }
            shift += 7
        }
        guard length == destination.count else { throw damaged }
        guard length > 0 else { return }
        let out = UncheckedBuffer(destination.assumingMemoryBound(to: UInt8.self))
        let input = UncheckedBytes(source)
        var q = 0
        while p < n {
            let tag = source[p]; p += 1
            switch tag & 3 {
            case 0:
                var literal = Int(tag >> 2)
                if literal >= 60 {
                    let extra = literal - 59
                    guard p + extra <= n else { throw damaged }
                    literal = 0
                    for k in 0..<extra { literal |= Int(source[p + k]) << (8 * k) }
                    p += extra
                }
                literal += 1
                guard literal <= n - p, literal <= length - q else { throw damaged }
                out.update(uncheckedAt: q, from: input.slice(unchecked: p..<(p + literal)))
                p += literal
                q += literal
            case 1:
                guard p < n else { throw damaged }
                let count = 4 + Int((tag >> 2) & 7)
                let offset = Int(tag >> 5) << 8 | Int(source[p]); p += 1
                try copy(out, &q, offset: offset, count: count, length: length)
            case 2:
                guard p + 2 <= n else { throw damaged }
                let count = 1 + Int(tag >> 2)
                let offset = Int(source[p]) | Int(source[p + 1]) << 8; p += 2
                try copy(out, &q, offset: offset, count: count, length: length)
            default:
                guard p + 4 <= n else { throw damaged }
                let count = 1 + Int(tag >> 2)
                var offset = 0
                for k in 0..<4 { offset |= Int(source[p + k]) << (8 * k) }
                p += 4
                try copy(out, &q, offset: offset, count: count, length: length)
            }
        }
        guard q == length else { throw damaged }
    }

    /// A back-reference: `count` bytes from `offset` back (they may overlap what is being written).
    @inline(__always)
    private static func copy(_ out: UncheckedBuffer<UInt8>, _ q: inout Int, offset: Int, count: Int, length: Int) throws {
        guard offset > 0, offset <= q, count <= length - q else { throw ParquetReadError.damaged("SNAPPY data does not decompress") }
        if offset >= count {
            out.copy(unchecked: (q - offset)..<(q - offset + count), to: q)
        } else {
            for k in 0..<count { out[unchecked: q + k] = out[unchecked: q + k - offset] }
        }
        q += count
    }
}
