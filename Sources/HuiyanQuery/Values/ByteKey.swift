/// A string as a dictionary key that is equal to another only when their UTF-8 bytes are: Swift's `String ==`
/// is canonical equivalence (é written as one scalar equals e + U+0301), SQL compares strings by bytes.
struct ByteKey: Hashable {
    let string: String

    init(_ string: String) { self.string = string }

    static func == (a: ByteKey, b: ByteKey) -> Bool { a.string.utf8.elementsEqual(b.string.utf8) }

    func hash(into hasher: inout Hasher) {
        var s = string
        s.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
