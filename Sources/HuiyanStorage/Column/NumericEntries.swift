/// A numeric dictionary's entries (§7.1) as their numbers, not their text: every entry is `prefix` followed by
/// `digits` decimal digits, entry `k` being the number `numbers[k]`. For a reader that meets the entries of many
/// segments and writes out few of them (a GROUP BY of visitor ids merges numbers, then formats only its groups).
package struct NumericEntries: Sendable {
    package let prefix: [UInt8]
    package let digits: Int
    /// Each entry's number (a dictionary's: strictly increasing).
    package let numbers: [Int]

    package var count: Int { numbers.count }

    init(_ form: StringDictionary.NumericForm) {
        prefix = form.prefix
        digits = form.digits
        numbers = form.numbers
    }

    /// Entries of this form numbered `numbers` (strictly increasing or not, each below 10^digits).
    package func withNumbers(_ numbers: [Int]) -> NumericEntries {
        NumericEntries(prefix: prefix, digits: digits, numbers: numbers)
    }

    private init(prefix: [UInt8], digits: Int, numbers: [Int]) {
        self.prefix = prefix
        self.digits = digits
        self.numbers = numbers
    }

    /// Whether `other`'s entries are written as these are (the same prefix and digits): equal numbers are then
    /// equal strings, and number order is byte order.
    package func isWrittenAs(_ other: NumericEntries) -> Bool {
        digits == other.digits && prefix == other.prefix
    }

    /// The text of the entries numbered `numbers` (each below 10^digits), in that order, as a dictionary.
    package func dictionary(of numbers: [Int]) -> StringDictionary {
        let form = StringDictionary.NumericForm(prefix: prefix, digits: digits, numbers: numbers)
        let width = form.width
        let bytes = form.entries(count: numbers.count) { $0 }
        return StringDictionary(bytes: bytes, starts: [Int](unsafeUninitializedCapacity: numbers.count + 1) { starts, count in
            for i in 0...numbers.count { starts[i] = i * width }
            count = numbers.count + 1
        })
    }

    /// Every entry's text, as a dictionary.
    package var dictionary: StringDictionary { dictionary(of: numbers) }
}
