/// A string column's dictionary for readers that need a few of its entries: a numeric dictionary (§7.1) decodes
/// its numbers only as far as the codes asked for so far, and keeps checkpoints rather than the numbers
/// (`SparseNumericDictionary`), so that the ten visitor ids of a top-10 do not make a segment decode and hold
/// its million ids; other dictionaries are decoded whole. Threads may share one.
package struct DictionaryEntries: Sendable {
    private enum Form: Sendable {
        case numeric(SparseNumericDictionary)
        case whole(StringDictionary)
    }

    private let form: Form

    /// How many entries the dictionary has.
    package let count: Int

    init(numeric: SparseNumericDictionary) {
        form = .numeric(numeric)
        count = numeric.count
    }

    init(whole: StringDictionary) {
        form = .whole(whole)
        count = whole.count
    }

    /// The bytes this form holds.
    package var approximateBytes: Int {
        switch form {
        case .numeric(let n): return n.approximateBytes
        case .whole(let d): return d.bytes.count + d.starts.count * 8
        }
    }

    /// Whether the form is small whatever the dictionary's size (a numeric one's checkpoints), and may be kept
    /// for every segment a query reads.
    package var isSmall: Bool {
        if case .numeric = form { return true }
        return false
    }

    /// How many of the first entries were decoded (all but in a numeric dictionary).
    package var decodedCount: Int {
        switch form {
        case .numeric(let n): return n.decodedCount
        case .whole: return count
        }
    }

    /// The entries `codes` (each below `count`, increasing) as a dictionary of their own: its code `k` is
    /// entry `codes[k]`, so it is sorted as the whole one is. Throws when numbers decoded for them are damaged.
    package func subset(_ codes: [Int]) throws -> StringDictionary {
        switch form {
        case .numeric(let n):
            let form = try n.entries(codes), width = form.width
            return StringDictionary(bytes: form.entries(count: codes.count) { $0 }, starts: (0...codes.count).map { $0 * width })
        case .whole(let d):
            var bytes: [UInt8] = []
            var starts = [0]
            starts.reserveCapacity(codes.count + 1)
            for code in codes {
                bytes.append(contentsOf: d.bytes[d.starts[code]..<d.starts[code + 1]])
                starts.append(bytes.count)
            }
            return StringDictionary(bytes: bytes, starts: starts)
        }
    }
}
