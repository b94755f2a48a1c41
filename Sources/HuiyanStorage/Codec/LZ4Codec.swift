import CLZ4

/// Block compression through the system liblz4 (fast mode; LZ4-HC is too slow for ingest).
package enum LZ4Codec {
    /// The largest input liblz4 compresses (LZ4_MAX_INPUT_SIZE).
    package static let maxInputSize = 0x7E00_0000

    /// The most bytes `compress` can produce for `count` input bytes.
    package static func maxCompressedSize(_ count: Int) -> Int {
        Int(LZ4_compressBound(Int32(count)))
    }

    /// Compresses `source` into `destination`; returns the compressed length, or nil when it does not fit.
    package static func compress(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) -> Int? {
        guard source.count > 0 else { return 0 }
        let written = LZ4_compress_default(
            source.baseAddress!.assumingMemoryBound(to: CChar.self),
            destination.baseAddress!.assumingMemoryBound(to: CChar.self),
            Int32(source.count), Int32(destination.count))
        return written > 0 ? Int(written) : nil
    }

    /// Decompresses exactly `destination.count` bytes; returns false when the input is malformed.
    /// Safe on damaged input: liblz4's `_safe` decoder never reads or writes out of bounds.
    package static func decompress(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) -> Bool {
        if destination.count == 0 { return source.count == 0 }
        // liblz4 takes Int32 lengths: a damaged length beyond them is malformed input, not a trap.
        guard source.count > 0, source.count <= Int(Int32.max), destination.count <= Int(Int32.max) else { return false }
        let produced = LZ4_decompress_safe(
            source.baseAddress!.assumingMemoryBound(to: CChar.self),
            destination.baseAddress!.assumingMemoryBound(to: CChar.self),
            Int32(source.count), Int32(destination.count))
        return Int(produced) == destination.count
    }
}
