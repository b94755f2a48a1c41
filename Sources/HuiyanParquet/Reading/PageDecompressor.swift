import CZlib
import HuiyanStorage
#if canImport(Glibc)
import Glibc
#endif

/// The codecs of Parquet pages (parquet-format, Compression.md; parquet.thrift `CompressionCodec`) this reader
/// takes: UNCOMPRESSED (0), SNAPPY (1, `SnappyDecoder`), GZIP (2, zlib), ZSTD (6, the system's libzstd.so.1
/// loaded when first needed: only its decompress call is used), LZ4_RAW (7, liblz4's block format). The others
/// (LZO, BROTLI, the Hadoop-framed LZ4) are refused by name.
enum PageDecompressor {
    static func name(of codec: Int32) -> String {
        switch codec {
        case 0: return "UNCOMPRESSED"
        case 1: return "SNAPPY"
        case 2: return "GZIP"
        case 3: return "LZO"
        case 4: return "BROTLI"
        case 5: return "LZ4 (Hadoop framing)"
        case 6: return "ZSTD"
        case 7: return "LZ4_RAW"
        default: return "codec \(codec)"
        }
    }

    /// Whether pages compressed with `codec` can be read here.
    static func supports(_ codec: Int32) -> Bool {
        switch codec {
        case 0, 1, 2, 7: return true
        case 6: return Zstd.decompress != nil
        default: return false
        }
    }

    /// Decompresses `source` into exactly `destination.count` bytes.
    static func decompress(_ codec: Int32, _ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws {
        let failed = ParquetReadError.damaged("a \(name(of: codec)) page does not decompress to its stated size")
        switch codec {
        case 0:
            guard source.count == destination.count else { throw failed }
            destination.copyMemory(from: source)
        case 1:
            try SnappyDecoder.decompress(source, into: destination)
        case 2:
            try gunzip(source, into: destination)
        case 6:
            guard let call = Zstd.decompress, let isError = Zstd.isError else { throw ParquetReadError("ZSTD pages need libzstd.so.1, which is not installed") }
            if destination.count == 0 && source.count == 0 { return }
            guard source.count > 0, destination.count > 0 else { throw failed }
            let produced = call(destination.baseAddress!, destination.count, source.baseAddress!, source.count)
            guard isError(produced) == 0, produced == destination.count else { throw failed }
        case 7:
            guard LZ4Codec.decompress(source, into: destination) else { throw failed }
        default:
            throw ParquetReadError("pages compressed with \(name(of: codec)) cannot be read here (SNAPPY, GZIP, ZSTD, LZ4_RAW and UNCOMPRESSED can)")
        }
    }

    /// A gzip or zlib stream (zlib detects which) into exactly `destination.count` bytes.
    private static func gunzip(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws {
        let failed = ParquetReadError.damaged("a GZIP page does not decompress to its stated size")
        guard source.count <= Int(UInt32.max), destination.count <= Int(UInt32.max) else { throw failed }
        var stream = z_stream()
        guard huiyan_inflate_init(&stream) == Z_OK else { throw ParquetReadError("zlib could not start inflating") }
        defer { inflateEnd(&stream) }
        stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress?.assumingMemoryBound(to: UInt8.self))
        stream.avail_in = UInt32(source.count)
        stream.next_out = destination.count > 0 ? destination.baseAddress!.assumingMemoryBound(to: UInt8.self) : nil
        stream.avail_out = UInt32(destination.count)
        let status = CZlib.inflate(&stream, Z_FINISH)
        guard status == Z_STREAM_END, stream.avail_out == 0 else { throw failed }
    }

    /// libzstd's `ZSTD_decompress` and `ZSTD_isError`, looked up in the shared library once.
    private enum Zstd {
        typealias Decompress = @convention(c) (UnsafeMutableRawPointer, Int, UnsafeRawPointer, Int) -> Int
        typealias IsError = @convention(c) (Int) -> UInt32
        static let decompress: Decompress? = symbol("ZSTD_decompress").map { unsafeBitCast($0, to: Decompress.self) }
        static let isError: IsError? = symbol("ZSTD_isError").map { unsafeBitCast($0, to: IsError.self) }

        /// A function of the library (opening it again gives the handle it already has).
        private static func symbol(_ name: String) -> UnsafeMutableRawPointer? {
            dlopen("libzstd.so.1", RTLD_NOW | RTLD_LOCAL).flatMap { dlsym($0, name) }
        }
    }
}
