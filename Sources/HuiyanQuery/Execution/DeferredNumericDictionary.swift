import Foundation
import HuiyanStorage

/// The entries of a string pool that are numbers of one numeric form (`NumericEntries`: a prefix, then a fixed
/// count of digits), written out one at a time as they are read, and all together only for a reader of the
/// whole dictionary. Threads may share one: the numbers never change, and the whole dictionary is made once,
/// under a lock.
final class DeferredNumericDictionary: @unchecked Sendable {
    // Sendable: `entries` is immutable, and `made` is read and written only under `lock`.
    let entries: NumericEntries
    /// Bytes per entry: the prefix and the digits.
    let width: Int
    private let lock = NSLock()
    private var made: StringDictionary?

    init(_ entries: NumericEntries) {
        self.entries = entries
        width = entries.prefix.count + entries.digits
    }

    /// Whether every entry's text has been written out (`dictionary`).
    var isWrittenOut: Bool { lock.withLock { made != nil } }

    /// Every entry's text, written out on first use.
    var dictionary: StringDictionary {
        lock.withLock {
            if let made { return made }
            let dictionary = entries.dictionary
            made = dictionary
            return dictionary
        }
    }

    /// Calls `body` with the text of entry `code`, written into a buffer of its own.
    func withBytes<R>(at code: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let prefix = entries.prefix, width = self.width
        var number = entries.numbers[code]
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: width) { text in
            for k in 0..<prefix.count { text[k] = prefix[k] }
            for k in stride(from: width - 1, through: prefix.count, by: -1) {
                text[k] = 48 + UInt8(truncatingIfNeeded: number % 10)
                number /= 10
            }
            return try body(UnsafeRawBufferPointer(text))
        }
    }
}
