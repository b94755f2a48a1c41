import Foundation
import HuiyanStorage

/// Damage for the tests of what a damaged file does: one byte of a stored block changed in place, as a failing
/// disk would leave it.
package enum SegmentDamage {
    /// XORs byte `byte` of block `block` of column `column` of `segment`'s file with `mask`; returns the
    /// segment's path.
    @discardableResult
    package static func flip(_ segment: SegmentReader, column: String, block: Int = 0, byte: Int, mask: UInt8) throws -> String {
        guard let index = segment.columnIndex(column) else { throw Missing(column: column) }
        let offset = UInt64(segment.columns[index].blocks[block].range.offset) + UInt64(byte)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: segment.path))
        defer { try? handle.close() }
        try handle.seek(toOffset: offset)
        guard let old = try handle.read(upToCount: 1)?.first else { throw Missing(column: column) }
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: Data([old ^ mask]))
        return segment.path
    }

    /// The segment has no such column, or its block has no such byte.
    struct Missing: Error {
        let column: String
    }
}
