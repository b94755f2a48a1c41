/// A string column's dictionary for a reader that needs a few of its entries: a numeric dictionary (§7.1)
/// keeps its numbers alone (8 bytes an entry) and writes out only the entries asked for, so that the ten
/// visitor ids of a top-10 do not make a segment decode its million ids; other dictionaries are decoded whole.
package struct DictionaryEntries: Sendable {
    private enum Form: Sendable {
        case numeric(StringDictionary.NumericForm)
        case whole(StringDictionary)
    }

    private let form: Form

    /// How many entries the dictionary has.
    package let count: Int

    init(numeric: StringDictionary.NumericForm) {
        form = .numeric(numeric)
        count = numeric.numbers.count
    }

    init(whole: StringDictionary) {
        form = .whole(whole)
        count = whole.count
    }

    /// The bytes this form holds.
    package var approximateBytes: Int {
        switch form {
        case .numeric(let n): return n.numbers.count * 8 + n.prefix.count
        case .whole(let d): return d.bytes.count + d.starts.count * 8
        }
    }

    /// The entries `codes` (each below `count`, increasing) as a dictionary of their own: its code `k` is
    /// entry `codes[k]`, so it is sorted as the whole one is.
    package func subset(_ codes: [Int]) -> StringDictionary {
        switch form {
        case .numeric(let n):
            let width = n.width
            return StringDictionary(bytes: n.entries(count: codes.count) { codes[$0] }, starts: (0...codes.count).map { $0 * width })
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
