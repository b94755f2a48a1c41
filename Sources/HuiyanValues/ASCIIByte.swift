/// Byte values of the ASCII characters the parsers look for (the value parsers here and the record readers of
/// ingest). Inlinable constants, so that a loop in another module compares with an immediate.
package enum ASCIIByte {
    @inlinable package static var tab: UInt8 { 0x09 }
    @inlinable package static var lf: UInt8 { 0x0A }
    @inlinable package static var cr: UInt8 { 0x0D }
    @inlinable package static var space: UInt8 { 0x20 }
    @inlinable package static var quote: UInt8 { 0x22 }
    @inlinable package static var dollar: UInt8 { 0x24 }
    @inlinable package static var apostrophe: UInt8 { 0x27 }
    @inlinable package static var plus: UInt8 { 0x2B }
    @inlinable package static var comma: UInt8 { 0x2C }
    @inlinable package static var minus: UInt8 { 0x2D }
    @inlinable package static var dot: UInt8 { 0x2E }
    @inlinable package static var slash: UInt8 { 0x2F }
    @inlinable package static var zero: UInt8 { 0x30 }
    @inlinable package static var nine: UInt8 { 0x39 }
    @inlinable package static var colon: UInt8 { 0x3A }
    @inlinable package static var backslash: UInt8 { 0x5C }
    @inlinable package static var underscore: UInt8 { 0x5F }
    @inlinable package static var leftBracket: UInt8 { 0x5B }
    @inlinable package static var leftBrace: UInt8 { 0x7B }
    @inlinable package static var rightBrace: UInt8 { 0x7D }

    /// True for `0`…`9`.
    @inlinable @inline(__always)
    package static func isDigit(_ c: UInt8) -> Bool { c &- zero < 10 }
}
