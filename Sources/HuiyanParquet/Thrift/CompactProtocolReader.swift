/// Reads Thrift's compact protocol (thrift/doc/specs/thrift-compact-protocol.md), the encoding of Parquet's
/// footer and page headers (parquet-format, "Metadata"). Every read is bounds-checked: damaged bytes give
/// `ParquetReadError`, never a read past the buffer; nesting is limited so that hostile input cannot
/// exhaust the stack.
///
/// A struct is read as `while let (id, type) = try fieldHeader(&last) { … }`, each field read by its id or
/// skipped (`skip`), so that fields a later parquet.thrift adds are passed over.
struct CompactProtocolReader {
    /// Compact-protocol type nibbles.
    enum FieldType {
        static let booleanTrue: UInt8 = 1, booleanFalse: UInt8 = 2, byte: UInt8 = 3, i16: UInt8 = 4, i32: UInt8 = 5
        static let i64: UInt8 = 6, double: UInt8 = 7, binary: UInt8 = 8, list: UInt8 = 9, set: UInt8 = 10
        static let map: UInt8 = 11, structure: UInt8 = 12
    }

    static let maxDepth = 32

    let bytes: UnsafeRawBufferPointer
    private(set) var position = 0
    private var depth = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var remaining: Int { bytes.count - position }

    mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw ParquetReadError.damaged("Thrift metadata ends early") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw ParquetReadError.damaged("a Thrift varint is too long") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func zigzag() throws -> Int64 {
        let v = try varint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    /// The next field's id and type, or nil at the struct's stop byte. `last` is the previous field's id.
    mutating func fieldHeader(_ last: inout Int16) throws -> (id: Int16, type: UInt8)? {
        let header = try byte()
        if header == 0 { return nil }
        let type = header & 0x0F
        let delta = Int16(header >> 4)
        if delta != 0 {
            last = last &+ delta
        } else {
            let id = try zigzag()
            guard let small = Int16(exactly: id) else { throw ParquetReadError.damaged("a Thrift field id is out of range") }
            last = small
        }
        return (last, type)
    }

    mutating func i32(_ type: UInt8) throws -> Int32 {
        guard type == FieldType.i32 || type == FieldType.i16 || type == FieldType.byte else { throw mismatch() }
        if type == FieldType.byte { return Int32(Int8(bitPattern: try byte())) }
        guard let v = Int32(exactly: try zigzag()) else { throw ParquetReadError.damaged("a Thrift i32 is out of range") }
        return v
    }

    mutating func i64(_ type: UInt8) throws -> Int64 {
        guard type == FieldType.i64 || type == FieldType.i32 else { throw mismatch() }
        return try zigzag()
    }

    mutating func bool(_ type: UInt8) throws -> Bool {
        guard type == FieldType.booleanTrue || type == FieldType.booleanFalse else { throw mismatch() }
        return type == FieldType.booleanTrue
    }

    mutating func binary(_ type: UInt8) throws -> UnsafeRawBufferPointer {
        guard type == FieldType.binary else { throw mismatch() }
        return try rawBinary()
    }

    mutating func string(_ type: UInt8) throws -> String {
        String(decoding: try binary(type), as: UTF8.self)
    }

    private mutating func rawBinary() throws -> UnsafeRawBufferPointer {
        let length = try varint()
        guard length <= UInt64(remaining) else { throw ParquetReadError.damaged("a Thrift string runs past the metadata") }
        let start = position
        position += Int(length)
        return UnsafeRawBufferPointer(rebasing: bytes[start..<position])
    }

    /// A list's size and element type (`type` is the field's, which must be a list).
    mutating func listHeader(_ type: UInt8) throws -> (count: Int, elementType: UInt8) {
        guard type == FieldType.list || type == FieldType.set else { throw mismatch() }
        let header = try byte()
        var count = UInt64(header >> 4)
        if count == 15 { count = try varint() }
        // Every element takes at least one byte (booleans in a list are a byte each).
        guard count <= UInt64(remaining) else { throw ParquetReadError.damaged("a Thrift list is longer than the metadata") }
        return (Int(count), header & 0x0F)
    }

    /// Enters a nested struct (a field or list element of struct type): counts the depth.
    mutating func enterStruct(_ type: UInt8) throws {
        guard type == FieldType.structure else { throw mismatch() }
        depth += 1
        guard depth <= Self.maxDepth else { throw ParquetReadError.damaged("Thrift structs are nested too deeply") }
    }

    mutating func leaveStruct() { depth -= 1 }

    /// Passes over a value of `type`.
    mutating func skip(_ type: UInt8) throws {
        switch type {
        case FieldType.booleanTrue, FieldType.booleanFalse: return
        case FieldType.byte: _ = try byte()
        case FieldType.i16, FieldType.i32, FieldType.i64: _ = try varint()
        case FieldType.double:
            guard remaining >= 8 else { throw ParquetReadError.damaged("Thrift metadata ends early") }
            position += 8
        case FieldType.binary: _ = try rawBinary()
        case FieldType.list, FieldType.set:
            let (count, element) = try listHeader(type)
            for _ in 0..<count { try skipElement(element) }
        case FieldType.map:
            let count = try varint()
            guard count <= UInt64(remaining) else { throw ParquetReadError.damaged("a Thrift map is longer than the metadata") }
            if count > 0 {
                let kinds = try byte()
                for _ in 0..<count {
                    try skipElement(kinds >> 4)
                    try skipElement(kinds & 0x0F)
                }
            }
        case FieldType.structure:
            try enterStruct(type)
            var last: Int16 = 0
            while let (_, t) = try fieldHeader(&last) { try skip(t) }
            leaveStruct()
        default:
            throw ParquetReadError.damaged("unknown Thrift type \(type)")
        }
    }

    /// A list element: booleans are a whole byte there.
    private mutating func skipElement(_ type: UInt8) throws {
        if type == FieldType.booleanTrue || type == FieldType.booleanFalse { _ = try byte(); return }
        try skip(type)
    }

    private func mismatch() -> ParquetReadError { .damaged("a Thrift field has an unexpected type") }
}
