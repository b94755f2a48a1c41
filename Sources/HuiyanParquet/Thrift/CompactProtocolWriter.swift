/// Thrift's compact protocol, the encoding of Parquet's page headers and footer (parquet-format,
/// "Metadata": the structures of `parquet.thrift`, serialized with TCompactProtocol; the protocol is
/// specified in thrift/doc/specs/thrift-compact-protocol.md).
///
/// A struct is its fields in increasing id order, each a header byte — the id's delta from the previous
/// field's (1…15) in the high nibble, the type in the low one — and the value, then a stop byte (0).
/// Integers are zigzag varints; a boolean field's value is its type nibble (1 true, 2 false); a binary
/// is a varint length and the bytes; a list is a header (size ≤ 14 in the high nibble, else 15 and a
/// varint) and the elements.
struct CompactProtocolWriter {
    enum FieldType: UInt8 {
        case booleanTrue = 1, booleanFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6, double = 7, binary = 8
        case list = 9, set = 10, map = 11, structure = 12
    }

    private(set) var bytes: [UInt8] = []
    /// The last field id written in each open struct.
    private var lastField: [Int16] = [0]

    mutating func fieldHeader(_ id: Int16, _ type: FieldType) {
        let delta = id - lastField[lastField.count - 1]
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            varint(UInt64(zigzag(Int64(id))))
        }
        lastField[lastField.count - 1] = id
    }

    mutating func varint(_ value: UInt64) { Varint.append(value, to: &bytes) }

    func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }

    mutating func i32(_ id: Int16, _ value: Int32) {
        fieldHeader(id, .i32)
        varint(zigzag(Int64(value)))
    }

    mutating func i64(_ id: Int16, _ value: Int64) {
        fieldHeader(id, .i64)
        varint(zigzag(value))
    }

    mutating func bool(_ id: Int16, _ value: Bool) {
        fieldHeader(id, value ? .booleanTrue : .booleanFalse)
    }

    mutating func binary(_ id: Int16, _ value: [UInt8]) {
        fieldHeader(id, .binary)
        varint(UInt64(value.count))
        bytes += value
    }

    mutating func string(_ id: Int16, _ value: String) { binary(id, Array(value.utf8)) }

    /// A struct field: `body` writes its fields.
    mutating func structure(_ id: Int16, _ body: (inout CompactProtocolWriter) -> Void) {
        fieldHeader(id, .structure)
        beginStruct()
        body(&self)
        endStruct()
    }

    /// A list field of `count` elements of `type`; `element` writes element `i` (a struct's fields, with
    /// its begin and end done here, or a bare value).
    mutating func list(_ id: Int16, _ type: FieldType, count: Int, _ element: (inout CompactProtocolWriter, Int) -> Void) {
        fieldHeader(id, .list)
        if count < 15 {
            bytes.append(UInt8(count) << 4 | type.rawValue)
        } else {
            bytes.append(0xF0 | type.rawValue)
            varint(UInt64(count))
        }
        for i in 0..<count {
            if type == .structure { beginStruct() }
            element(&self, i)
            if type == .structure { endStruct() }
        }
    }

    /// A bare i32 element of a list (an enum value).
    mutating func listI32(_ value: Int32) { varint(zigzag(Int64(value))) }

    /// A bare binary element of a list.
    mutating func listBinary(_ value: [UInt8]) {
        varint(UInt64(value.count))
        bytes += value
    }

    mutating func beginStruct() { lastField.append(0) }

    mutating func endStruct() {
        bytes.append(0)
        lastField.removeLast()
    }
}
