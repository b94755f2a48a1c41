import Foundation
@testable import HuiyanStorage

/// Rewrites the segment at `path` with `footer` as its footer, encoded in format `version`, with a
/// trailer sealing it and `version` in header and trailer: the blocks stay where they are.
func rewriteFooter(of path: String, with footer: SegmentFooter, version: UInt32 = SegmentFormat.version) throws {
    let image = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    let footerEnd = image.count - SegmentFormat.trailerSize
    let footerLength = image.withUnsafeBytes { Int($0.loadUnaligned(fromByteOffset: footerEnd, as: UInt64.self)) }
    let encoded = footer.encoded(version: version)
    var trailer = ByteWriter(capacity: SegmentFormat.trailerSize)
    trailer.u64(UInt64(encoded.count))
    trailer.u64(encoded.withUnsafeBytes { Checksum.xxh3($0) })
    trailer.u32(version)
    trailer.u32(0)
    var rewritten = Array(image[..<(footerEnd - footerLength)]) + encoded + trailer.bytes + SegmentFormat.trailerMagic
    rewritten.replaceSubrange(8..<12, with: withUnsafeBytes(of: version.littleEndian) { Array($0) })
    try Data(rewritten).write(to: URL(fileURLWithPath: path))
}
