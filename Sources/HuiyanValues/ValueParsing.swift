/// Parsers for single field values, working directly on the raw UTF-8 bytes of a field.
///
/// Every parser takes an `UnsafeBufferPointer<UInt8>` (as handed out by the record readers) and reads it through
/// `UncheckedBytes` (offsets asserted in debug builds),
/// returns a `ParsedValue`, and never allocates on the success path. The rules are strict:
/// a value that is not exactly in the documented form is an error, never a guess, and no
/// parser trims whitespace (surrounding whitespace is reported as its own error).
///
/// The individual parsers live in `ValueParsing+*.swift`.
package enum ValueParsing {
    /// True when the first or last byte is a space or a tab.
    @inline(__always)
    static func hasSurroundingWhitespace(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first, let last = bytes.last else { return false }
        return first == ASCIIByte.space || first == ASCIIByte.tab
            || last == ASCIIByte.space || last == ASCIIByte.tab
    }

    /// True when a `,`, `'`, `_` or space stands between two digits (`1,200`, `1'200`, `1_200`,
    /// `1 200`): the forms of a thousands separator. (A decimal comma such as `12,5` is caught
    /// too; it is not accepted either.) Error path only.
    static func hasDigitGroupSeparator(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 3 else { return false }
        for i in 1..<(bytes.count - 1) {
            let c = bytes[i]
            guard c == ASCIIByte.comma || c == ASCIIByte.apostrophe || c == ASCIIByte.underscore
                || c == ASCIIByte.space else { continue }
            if ASCIIByte.isDigit(bytes[i - 1]) && ASCIIByte.isDigit(bytes[i + 1]) { return true }
        }
        return false
    }
}
