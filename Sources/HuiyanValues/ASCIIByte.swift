/// Byte values of the ASCII characters the parsers look for (the value parsers here and the record readers of
/// ingest). Inlinable constants, so that a loop in another module compares with an immediate: `public`, as
/// `@inlinable package` code is not inlined into other modules by this toolchain (decision 0024; as
/// `package`, NDJSON ingest spent 15 % of its time calling the getters of `backslash` and `quote`).
public enum ASCIIByte {
    @inlinable public static var tab: UInt8 { 0x09 }
    @inlinable public static var lf: UInt8 { 0x0A }
    @inlinable public static var cr: UInt8 { 0x0D }
    @inlinable public static var space: UInt8 { 0x20 }
    @inlinable public static var quote: UInt8 { 0x22 }
    @inlinable public static var dollar: UInt8 { 0x24 }
    @inlinable public static var apostrophe: UInt8 { 0x27 }
    @inlinable public static var plus: UInt8 { 0x2B }
    @inlinable public static var comma: UInt8 { 0x2C }
    @inlinable public static var minus: UInt8 { 0x2D }
    @inlinable public static var dot: UInt8 { 0x2E }
    @inlinable public static var slash: UInt8 { 0x2F }
    @inlinable public static var zero: UInt8 { 0x30 }
    @inlinable public static var nine: UInt8 { 0x39 }
    @inlinable public static var colon: UInt8 { 0x3A }
    @inlinable public static var backslash: UInt8 { 0x5C }
    @inlinable public static var underscore: UInt8 { 0x5F }
    @inlinable public static var leftBracket: UInt8 { 0x5B }
    @inlinable public static var leftBrace: UInt8 { 0x7B }
    @inlinable public static var rightBrace: UInt8 { 0x7D }

    /// True for `0`…`9`.
    @inlinable @inline(__always)
    package static func isDigit(_ c: UInt8) -> Bool { c &- zero < 10 }
}
