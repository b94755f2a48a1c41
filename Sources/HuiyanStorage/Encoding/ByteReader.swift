/// Reads little-endian values from a byte range, bounds-checked: a damaged file yields an error, never a crash.
package struct ByteReader {
    package let base: UnsafeRawBufferPointer
    package private(set) var position: Int

    /// Thrown when a read would pass the end of the range.
    package struct OutOfBounds: Error { package init() {} }

    package init(_ base: UnsafeRawBufferPointer, position: Int = 0) {
        self.base = base
        self.position = position
    }

    package var remaining: Int { base.count - position }

    package mutating func u8() throws -> UInt8 { try fixed(UInt8.self) }
    package mutating func u16() throws -> UInt16 { UInt16(littleEndian: try fixed(UInt16.self)) }
    package mutating func u32() throws -> UInt32 { UInt32(littleEndian: try fixed(UInt32.self)) }
    package mutating func u64() throws -> UInt64 { UInt64(littleEndian: try fixed(UInt64.self)) }
    package mutating func i64() throws -> Int64 { Int64(littleEndian: try fixed(Int64.self)) }

    /// The next `count` bytes as a sub-range (no copy).
    package mutating func bytes(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, count <= remaining else { throw OutOfBounds() }
        let slice = UnsafeRawBufferPointer(rebasing: base[position..<(position + count)])
        position += count
        return slice
    }

    package mutating func string() throws -> String {
        let length = Int(try u16())
        let raw = try bytes(length)
        return String(decoding: raw, as: UTF8.self)
    }

    package mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try u8()
            guard shift < 64 else { throw OutOfBounds() }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    private mutating func fixed<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw OutOfBounds() }
        let value = base.loadUnaligned(fromByteOffset: position, as: T.self)
        position += size
        return value
    }
}
