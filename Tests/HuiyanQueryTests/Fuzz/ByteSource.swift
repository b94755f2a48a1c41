/// The input bytes, read one at a time (zeros once they run out).
struct ByteSource {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }
    mutating func next() -> UInt8 {
        guard index < bytes.count else { return 0 }
        defer { index += 1 }
        return bytes[index]
    }
    mutating func pick<T>(_ options: [T]) -> T { options[Int(next()) % options.count] }
}
