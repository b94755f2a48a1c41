/// The codes of one dictionary a group saw, one bit each; a reference, so that setting bits goes through
/// no array's copy-on-write check.
final class CodeBitmap {
    let wordCount: Int
    private let storage: UnsafeMutablePointer<UInt64>

    init(codes: Int) {
        wordCount = (codes + 63) / 64
        storage = .allocate(capacity: max(1, wordCount))
        storage.initialize(repeating: 0, count: max(1, wordCount))
    }

    /// A bitmap holding `words` (bit `k` of word `w` is code `64w + k`).
    init(words: ArraySlice<UInt64>) {
        wordCount = words.count
        storage = .allocate(capacity: max(1, wordCount))
        storage.initialize(repeating: 0, count: max(1, wordCount))
        for (k, word) in words.enumerated() { storage[k] = word }
    }

    deinit { storage.deallocate() }

    @inline(__always)
    func insert(_ code: Int64) { storage[Int(code >> 6)] |= 1 << UInt64(code & 63) }

    /// Inserts `code` when `flag` is 1, without a branch (`flag` is 0 or 1).
    @inline(__always)
    func insert(_ code: Int64, if flag: UInt8) { storage[Int(code >> 6)] |= UInt64(flag) << UInt64(code & 63) }

    var isEmpty: Bool { !(0..<wordCount).contains { storage[$0] != 0 } }

    /// Calls `body` with every code in the set, in increasing order.
    @inline(__always)
    func forEach(_ body: (Int) -> Void) {
        for w in 0..<wordCount {
            var word = storage[w]
            while word != 0 {
                body(w << 6 | word.trailingZeroBitCount)
                word &= word &- 1
            }
        }
    }

    func formUnion(_ other: CodeBitmap) {
        for w in 0..<min(wordCount, other.wordCount) { storage[w] |= other.storage[w] }
    }

    /// The bitmap's words.
    var words: [UInt64] { Array(UnsafeBufferPointer(start: storage, count: wordCount)) }
}
