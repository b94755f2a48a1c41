/// Appends little-endian integers and raw bytes to a growable buffer (footers, block headers).
package struct ByteWriter {
    package private(set) var bytes: [UInt8] = []

    package init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    package var count: Int { bytes.count }

    package mutating func u8(_ value: UInt8) { bytes.append(value) }

    package mutating func u16(_ value: UInt16) { append(value.littleEndian) }
    package mutating func u32(_ value: UInt32) { append(value.littleEndian) }
    package mutating func u64(_ value: UInt64) { append(value.littleEndian) }
    package mutating func i64(_ value: Int64) { append(value.littleEndian) }

    package mutating func raw(_ data: UnsafeRawBufferPointer) { bytes.append(contentsOf: data) }
    package mutating func raw(_ data: [UInt8]) { bytes.append(contentsOf: data) }

    /// A UTF-8 string prefixed by its UInt16 length.
    package mutating func string(_ text: String) {
        let utf8 = Array(text.utf8)
        u16(UInt16(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// An unsigned LEB128 varint.
    package mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    private mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
    }
}
