/// The sorted distinct strings of one column of one segment: code `i` is the `i`-th string in byte order.
package struct StringDictionary: Sendable {
    /// All strings back to back.
    package let bytes: [UInt8]
    /// `starts[i] ..< starts[i + 1]` is string `i` in `bytes`; `count + 1` entries.
    package let starts: [Int]

    package init(bytes: [UInt8], starts: [Int]) {
        self.bytes = bytes
        self.starts = starts
    }

    package static let empty = StringDictionary(bytes: [], starts: [0])

    package var count: Int { starts.count - 1 }

    /// String `code` as text.
    package func string(at code: Int) -> String {
        let start = starts[code], end = starts[code + 1]
        precondition(start <= end && end <= bytes.count, "dictionary entry out of range")
        // From contiguous bytes: String's fast path (an ArraySlice goes through the generic one).
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self) }
    }

    /// Calls `body` with the bytes of string `code`, without copying.
    package func withBytes<R>(at code: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { all in
            try body(UnsafeRawBufferPointer(rebasing: all[starts[code]..<starts[code + 1]]))
        }
    }

    /// Calls `body` with the bytes of every string in code order, taking the storage once (not once per string).
    package func forEachEntry(_ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        try bytes.withUnsafeBytes { all in
            try starts.withUnsafeBufferPointer { starts in
                for code in 0..<count { try body(UnsafeRawBufferPointer(rebasing: all[starts[code]..<starts[code + 1]])) }
            }
        }
    }

    /// The code of `text`, if present (binary search).
    package func code(of text: String) -> Int? {
        let target = Array(text.utf8)
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            let c = compare(mid, target)
            if c == 0 { return mid }
            if c < 0 { lo = mid + 1 } else { hi = mid }
        }
        return nil
    }

    private func compare(_ code: Int, _ target: [UInt8]) -> Int {
        let a = bytes[starts[code]..<starts[code + 1]]
        for (x, y) in zip(a, target) where x != y { return x < y ? -1 : 1 }
        return a.count == target.count ? 0 : (a.count < target.count ? -1 : 1)
    }

    /// Front coding (`shared prefix length, suffix length, suffix` per entry, varints): what segments store, before LZ4.
    package func frontCoded() -> [UInt8] {
        var out = ByteWriter(capacity: bytes.count / 2 + count * 2 + 8)
        out.varint(UInt64(count))
        bytes.withUnsafeBytes { all in
            var previous = 0..<0
            for i in 0..<count {
                let current = starts[i]..<starts[i + 1]
                var shared = 0
                let limit = Swift.min(previous.count, current.count)
                while shared < limit && all[previous.lowerBound + shared] == all[current.lowerBound + shared] { shared += 1 }
                out.varint(UInt64(shared))
                out.varint(UInt64(current.count - shared))
                out.raw(UnsafeRawBufferPointer(rebasing: all[(current.lowerBound + shared)..<current.upperBound]))
                previous = current
            }
        }
        return out.bytes
    }

    /// Rebuilds a dictionary from its front coding; throws on malformed input.
    package static func decodeFrontCoded(_ raw: UnsafeRawBufferPointer, expectedCount: Int) throws -> StringDictionary {
        var reader = ByteReader(raw)
        let count = Int(clamping: try reader.varint())
        guard count == expectedCount, count <= raw.count else { throw ByteReader.OutOfBounds() }
        // 16 bytes of slack past `capacity`: short copies move 16 bytes at once (a load, then a store).
        var capacity = max(64, raw.count * 2)
        var buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity + 16)
        buffer.initialize(repeating: 0, count: capacity + 16)
        defer { buffer.deallocate() }
        var length = 0
        var starts = [Int](repeating: 0, count: count + 1)
        var previousStart = 0
        for i in 0..<count {
            let shared = Int(clamping: try reader.varint())
            let suffixLength = Int(clamping: try reader.varint())
            guard shared <= length - previousStart else { throw ByteReader.OutOfBounds() }
            let suffix = try reader.bytes(suffixLength)
            if length + shared + suffixLength > capacity {
                capacity = max(capacity * 2, length + shared + suffixLength)
                let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity + 16)
                grown.initialize(repeating: 0, count: capacity + 16)
                grown.update(from: buffer, count: length)
                buffer.deallocate()
                buffer = grown
            }
            let start = length
            // The shared prefix comes from the previous entry, already in the buffer. Ids and names share
            // and add a few bytes each: copies of up to 16 bytes are one 16-byte load and store, not a call.
            if shared > 0 {
                if shared <= 16 { copy16(from: UnsafeRawPointer(buffer + previousStart), to: buffer + length) }
                else { (buffer + length).update(from: buffer + previousStart, count: shared) }
            }
            length += shared
            if suffixLength > 0 {
                let source = UnsafeRawPointer(suffix.baseAddress!)
                if suffixLength <= 16 && source + 16 <= raw.baseAddress! + raw.count { copy16(from: source, to: buffer + length) }
                else { (buffer + length).update(from: source.assumingMemoryBound(to: UInt8.self), count: suffixLength) }
            }
            length += suffixLength
            starts[i + 1] = length
            previousStart = start
        }
        return StringDictionary(bytes: Array(UnsafeBufferPointer(start: buffer, count: length)), starts: starts)
    }

    /// Copies 16 bytes, loading all before storing any (so the ranges may overlap).
    @inline(__always)
    private static func copy16(from source: UnsafeRawPointer, to destination: UnsafeMutablePointer<UInt8>) {
        let value = source.loadUnaligned(as: SIMD16<UInt8>.self)
        UnsafeMutableRawPointer(destination).storeBytes(of: value, as: SIMD16<UInt8>.self)
    }
}
