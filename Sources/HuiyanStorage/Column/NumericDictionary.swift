/// How a string dictionary is stored (the footer's `hasDictionary` byte, docs/FORMAT.md §7).
public enum DictionaryEncoding: UInt8, Sendable {
    /// Shared-prefix length, suffix length, suffix per entry (§7).
    case frontCoded = 1
    /// Every entry is one prefix followed by the same number of decimal digits (ids such as V00000001): the
    /// prefix once, then the numbers as an integer encoding (§7.1).
    case numeric = 2
}

extension StringDictionary {
    /// The most digits a numeric dictionary entry may have: 10^18 − 1 still fits an Int64.
    static let maxNumericDigits = 18

    /// The numeric form (§7.1) when every entry is the same prefix followed by the same number of decimal digits
    /// (at most 18; longer digit runs put their leading digits into the prefix); nil otherwise.
    public func numericCoded() -> [UInt8]? {
        guard count > 0 else { return nil }
        let width = starts[1] - starts[0]
        return bytes.withUnsafeBufferPointer { all -> [UInt8]? in
            var trailing = 0
            while trailing < width && all[starts[0] + width - 1 - trailing] &- 48 < 10 { trailing += 1 }
            let digits = Swift.min(trailing, Self.maxNumericDigits)
            guard digits > 0 else { return nil }
            let prefixLength = width - digits
            var numbers = [Int64](repeating: 0, count: count)
            for i in 0..<count {
                let start = starts[i]
                guard starts[i + 1] - start == width else { return nil }
                for k in 0..<prefixLength where all[start + k] != all[k] { return nil }
                var n: Int64 = 0
                for k in prefixLength..<width {
                    let d = all[start + k] &- 48
                    guard d < 10 else { return nil }
                    n = n * 10 + Int64(d)
                }
                numbers[i] = n
            }
            var out = ByteWriter(capacity: 16 + prefixLength + count / 2)
            out.varint(UInt64(count))
            out.u8(UInt8(digits))
            out.varint(UInt64(prefixLength))
            out.raw(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(all)[0..<prefixLength]))
            var encoded = out.bytes
            numbers.withUnsafeBufferPointer { IntegerBlockCodec.encode($0, into: &encoded, composite: false) }
            return encoded
        }
    }

    /// Rebuilds a dictionary from its numeric form; throws on malformed input: a count other than
    /// `expectedCount` or above `limit`, a digit count outside 1…18, numbers that are not strictly increasing
    /// or do not fit their digits.
    public static func decodeNumeric(_ raw: UnsafeRawBufferPointer, expectedCount: Int, limit: Int) throws -> StringDictionary {
        var reader = ByteReader(raw)
        let count = Int(clamping: try reader.varint())
        let digits = Int(try reader.u8())
        let prefixLength = Int(clamping: try reader.varint())
        guard count == expectedCount, count >= 1, count <= limit, digits >= 1, digits <= maxNumericDigits else {
            throw ByteReader.OutOfBounds()
        }
        let prefix = try reader.bytes(prefixLength)
        let nested = try reader.bytes(reader.remaining)
        var numbers = [Int64](repeating: 0, count: count)
        try numbers.withUnsafeMutableBufferPointer { out in
            _ = try IntegerBlockCodec.decode(nested, count: count, into: out.baseAddress!, level: 2) { $0 }
        }
        var top: Int64 = 1
        for _ in 0..<digits { top *= 10 }
        let width = prefixLength + digits
        var bytes = [UInt8](repeating: 0, count: count * width)
        try numbers.withUnsafeBufferPointer { numbers in
            guard numbers[0] >= 0, numbers[count - 1] < top else { throw ByteReader.OutOfBounds() }
            var previous: Int64 = -1
            for n in numbers {
                guard n > previous else { throw ByteReader.OutOfBounds() }
                previous = n
            }
            try bytes.withUnsafeMutableBufferPointer { out in
                guard let base = out.baseAddress else { throw ByteReader.OutOfBounds() }
                Self.digitPairs.withUnsafeBufferPointer { pairs in
                    for i in 0..<count {
                        let entry = base + i * width
                        if prefixLength > 0 { UnsafeMutableRawPointer(entry).copyMemory(from: prefix.baseAddress!, byteCount: prefixLength) }
                        // Digits from the right, two at a time.
                        var v = UInt64(numbers[i])
                        var p = entry + width
                        var left = digits
                        while left >= 2 {
                            let r = Int(v % 100)
                            v /= 100
                            p -= 2
                            p[0] = pairs[2 * r]
                            p[1] = pairs[2 * r + 1]
                            left -= 2
                        }
                        if left == 1 { p -= 1; p[0] = 48 + UInt8(v) }
                    }
                }
            }
        }
        var starts = [Int](repeating: 0, count: count + 1)
        for i in 0...count { starts[i] = i * width }
        return StringDictionary(bytes: bytes, starts: starts)
    }

    /// "00", "01", … "99" back to back.
    private static let digitPairs: [UInt8] = {
        var pairs: [UInt8] = []
        for n in 0..<100 {
            pairs.append(UInt8(48 + n / 10))
            pairs.append(UInt8(48 + n % 10))
        }
        return pairs
    }()
}
