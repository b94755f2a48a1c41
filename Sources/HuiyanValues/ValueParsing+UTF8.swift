import HuiyanBuffers

extension ValueParsing {
    /// True when `bytes` is well-formed UTF-8 (Unicode Table 3-7): no overlong forms,
    /// no surrogates (U+D800–U+DFFF), nothing above U+10FFFF, no truncated sequences.
    @inlinable @inline(__always)
    package static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        firstInvalidUTF8Offset(bytes) == nil
    }

    /// The byte offset of the first ill-formed UTF-8 sequence, or nil when all is valid.
    /// Pure-ASCII runs are checked 8 bytes at a time.
    @usableFromInline static func firstInvalidUTF8Offset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = bytes.count
        guard n > 0 else { return nil }
        let b = UncheckedBytes(bytes)
        var i = 0
        while i < n {
            // ASCII fast path: 8 bytes per step while no byte has its high bit set.
            while i + 8 <= n {
                if b.loadUnaligned(uncheckedAt: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { break }
                i += 8
            }
            if i >= n { break }
            let c = b[unchecked: i]
            if c < 0x80 { i += 1; continue }
            if c < 0xC2 { return i }  // continuation byte, or overlong 2-byte lead C0/C1
            if c < 0xE0 {
                guard i + 1 < n, b[unchecked: i + 1] & 0xC0 == 0x80 else { return i }
                i += 2
            } else if c < 0xF0 {
                guard i + 2 < n else { return i }
                let c1 = b[unchecked: i + 1]
                let lo: UInt8 = c == 0xE0 ? 0xA0 : 0x80   // E0 80–9F would be overlong
                let hi: UInt8 = c == 0xED ? 0x9F : 0xBF   // ED A0–BF would be a surrogate
                guard c1 >= lo, c1 <= hi, b[unchecked: i + 2] & 0xC0 == 0x80 else { return i }
                i += 3
            } else if c < 0xF5 {
                guard i + 3 < n else { return i }
                let c1 = b[unchecked: i + 1]
                let lo: UInt8 = c == 0xF0 ? 0x90 : 0x80   // F0 80–8F would be overlong
                let hi: UInt8 = c == 0xF4 ? 0x8F : 0xBF   // F4 90+ would be above U+10FFFF
                guard c1 >= lo, c1 <= hi, b[unchecked: i + 2] & 0xC0 == 0x80, b[unchecked: i + 3] & 0xC0 == 0x80 else { return i }
                i += 4
            } else {
                return i  // F5–FF never appear in UTF-8
            }
        }
        return nil
    }
}
