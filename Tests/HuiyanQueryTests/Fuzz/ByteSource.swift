/// The input bytes, read one at a time; once they run out, a pseudo-random stream seeded by them, so that a
/// short input (libFuzzer starts with a few bytes) still chooses every part of a query, differently per input.
struct ByteSource {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var rest: SplitMix

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        rest = SplitMix(state: bytes.reduce(0x4855_4959_414E) { ($0 &* 31) &+ UInt64($1) })
    }

    mutating func next() -> UInt8 {
        guard index < bytes.count else { return UInt8(truncatingIfNeeded: rest.next()) }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func pick<T>(_ options: [T]) -> T { options[Int(next()) % options.count] }
}
