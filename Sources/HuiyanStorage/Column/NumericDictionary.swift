/// How a string dictionary is stored (the footer's `hasDictionary` byte, docs/FORMAT.md §7).
package enum DictionaryEncoding: UInt8, Sendable {
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
    package func numericCoded() -> [UInt8]? {
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
    package static func decodeNumeric(_ raw: UnsafeRawBufferPointer, expectedCount: Int, limit: Int) throws -> StringDictionary {
        var form = try NumericForm(raw, expectedCount: expectedCount, limit: limit, extraSlot: true)
        let count = form.numbers.count - 1
        let bytes = form.entries(count: count) { $0 }
        // The numbers' array then holds the starts (no second array of a million entries to allocate, fault in
        // and free for every dictionary).
        let width = form.width
        form.numbers.withUnsafeMutableBufferPointer { out in
            for i in 0...count { out[i] = i * width }
        }
        return StringDictionary(bytes: bytes, starts: form.numbers)
    }

    /// A numeric dictionary's parts (§7.1), checked: the prefix every entry starts with, the count of digits
    /// after it, and each entry's number.
    struct NumericForm: Sendable {
        let prefix: [UInt8]
        let digits: Int
        /// Entry `i`'s number (with `extraSlot`, one more slot at the end, 0).
        var numbers: [Int]

        var width: Int { prefix.count + digits }

        init(_ raw: UnsafeRawBufferPointer, expectedCount: Int, limit: Int, extraSlot: Bool = false) throws {
            let header = try Header(raw, expectedCount: expectedCount, limit: limit)
            prefix = header.prefix
            digits = header.digits
            let count = header.count
            let slots = count + (extraSlot ? 1 : 0)
            numbers = try [Int](unsafeUninitializedCapacity: slots) { out, initialized in
                _ = try IntegerBlockCodec.decode(header.nested, count: count, into: out.baseAddress!, level: 2)
                if extraSlot { out[count] = 0 }
                initialized = slots
            }
            try numbers.withUnsafeBufferPointer { try header.check(UnsafeBufferPointer(rebasing: $0[0..<count]), after: -1) }
        }

        /// A form of the given numbers (the entries a `SparseNumericDictionary` was asked for, in order).
        init(prefix: [UInt8], digits: Int, numbers: [Int]) {
            self.prefix = prefix
            self.digits = digits
            self.numbers = numbers
        }

        /// A numeric dictionary's header (§7.1), checked, and its numbers' integer encoding.
        struct Header {
            let count: Int
            let digits: Int
            let prefix: [UInt8]
            let nested: UnsafeRawBufferPointer

            /// Throws on a count other than `expectedCount` or above `limit`, a digit count outside 1…18.
            init(_ raw: UnsafeRawBufferPointer, expectedCount: Int, limit: Int) throws {
                var reader = ByteReader(raw)
                count = Int(clamping: try reader.varint())
                digits = Int(try reader.u8())
                let prefixLength = Int(clamping: try reader.varint())
                guard count == expectedCount, count >= 1, count <= limit, digits >= 1, digits <= maxNumericDigits else {
                    throw ByteReader.OutOfBounds()
                }
                prefix = Array(try reader.bytes(prefixLength))
                nested = try reader.bytes(reader.remaining)
            }

            /// 10^digits: every number is below.
            var top: Int {
                var top = 1
                for _ in 0..<digits { top *= 10 }
                return top
            }

            /// Checks that `numbers` increase strictly from past `previous` and fit the digits.
            func check(_ numbers: UnsafeBufferPointer<Int>, after previous: Int) throws {
                var previous = previous
                for n in numbers {
                    guard n > previous else { throw ByteReader.OutOfBounds() }
                    previous = n
                }
                guard previous < top else { throw ByteReader.OutOfBounds() }
            }
        }

        /// The text of `count` entries back to back, entry `k` being the one numbered `numbers[index(k)]`.
        func entries(count: Int, _ index: (Int) -> Int) -> [UInt8] {
            let prefixLength = prefix.count, digits = self.digits, width = self.width
            let total = count * width
            // 16 bytes of slack: entries are written with 8-byte stores that may run past their end (into the next
            // entry, which is written after, or the slack).
            return [UInt8](unsafeUninitializedCapacity: total + 16) { out, initialized in
                let base = out.baseAddress!
                numbers.withUnsafeBufferPointer { numbers in
                    if prefixLength <= 16 && digits <= 16 {
                        // Fast path, no loads from the output: the prefix as two words, the digits as one or two
                        // words of eight ASCII digits each, computed in registers.
                        var head: UInt64 = 0, tail: UInt64 = 0
                        for k in 0..<prefixLength {
                            if k < 8 { head |= UInt64(prefix[k]) << UInt64(8 * k) } else { tail |= UInt64(prefix[k]) << UInt64(8 * (k - 8)) }
                        }
                        for i in 0..<count {
                            let entry = UnsafeMutableRawPointer(base + i * width)
                            if prefixLength > 0 { entry.storeBytes(of: head.littleEndian, as: UInt64.self) }
                            if prefixLength > 8 { entry.storeBytes(of: tail.littleEndian, toByteOffset: 8, as: UInt64.self) }
                            let v = UInt64(numbers[index(i)])
                            if digits <= 8 {
                                let text = StringDictionary.eightDigits(v) >> UInt64(8 * (8 - digits))
                                entry.storeBytes(of: text.littleEndian, toByteOffset: prefixLength, as: UInt64.self)
                            } else {
                                let high = StringDictionary.eightDigits(v / 100_000_000) >> UInt64(8 * (16 - digits))
                                entry.storeBytes(of: high.littleEndian, toByteOffset: prefixLength, as: UInt64.self)
                                let low = StringDictionary.eightDigits(v % 100_000_000)
                                entry.storeBytes(of: low.littleEndian, toByteOffset: prefixLength + digits - 8, as: UInt64.self)
                            }
                        }
                    } else {
                        for i in 0..<count {
                            let entry = base + i * width
                            for k in 0..<prefixLength { entry[k] = prefix[k] }
                            var v = UInt64(numbers[index(i)])
                            for k in stride(from: width - 1, through: prefixLength, by: -1) {
                                entry[k] = 48 + UInt8(v % 10)
                                v /= 10
                            }
                        }
                    }
                }
                initialized = total
            }
        }
    }

    /// The eight decimal digits of `v` (< 10^8, with leading zeros) as ASCII, most significant digit in the
    /// lowest byte: the halves, quarters and digits are split in parallel lanes of one register.
    @inline(__always)
    static func eightDigits(_ v: UInt64) -> UInt64 {
        var x = (v / 10_000) | ((v % 10_000) << 32)          // 32-bit lanes: abcd, efgh
        let hundreds = ((x &* 10_486) >> 20) & 0x0000_007F_0000_007F
        x = hundreds | ((x &- hundreds &* 100) << 16)          // 16-bit lanes: ab, cd, ef, gh
        let tens = ((x &* 103) >> 10) & 0x000F_000F_000F_000F
        x = tens | ((x &- tens &* 10) << 8)                    // 8-bit lanes: a … h
        return x | 0x3030_3030_3030_3030
    }
}
