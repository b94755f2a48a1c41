import HuiyanStorage

/// The strings a string vector's codes point into: a segment's sorted dictionary or strings computed for one
/// batch. Predicates and functions on strings are computed once per pool entry, then gathered by code.
final class StringPool {
    let dictionary: StringDictionary
    /// Whether code order is byte order (segment dictionaries are sorted).
    let isSorted: Bool

    init(_ dictionary: StringDictionary, isSorted: Bool) {
        self.dictionary = dictionary
        self.isSorted = isSorted
    }

    /// A pool of the given strings, in that order (unsorted).
    convenience init(strings: [String]) {
        var bytes: [UInt8] = []
        var starts = [0]
        for s in strings {
            bytes.append(contentsOf: s.utf8)
            starts.append(bytes.count)
        }
        self.init(StringDictionary(bytes: bytes, starts: starts), isSorted: false)
    }

    var count: Int { dictionary.count }

    func string(_ code: Int) -> String { dictionary.string(at: code) }

    /// Strings decoded lazily, once (for functions that need `String`s).
    lazy var strings: [String] = (0..<count).map { dictionary.string(at: $0) }
}
