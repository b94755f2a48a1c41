/// Byte values of the ASCII characters the parsers look for.
enum ASCIIByte {
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22
    static let dollar: UInt8 = 0x24
    static let apostrophe: UInt8 = 0x27
    static let plus: UInt8 = 0x2B
    static let comma: UInt8 = 0x2C
    static let minus: UInt8 = 0x2D
    static let dot: UInt8 = 0x2E
    static let slash: UInt8 = 0x2F
    static let zero: UInt8 = 0x30
    static let nine: UInt8 = 0x39
    static let colon: UInt8 = 0x3A
    static let backslash: UInt8 = 0x5C
    static let underscore: UInt8 = 0x5F
    static let leftBracket: UInt8 = 0x5B
    static let leftBrace: UInt8 = 0x7B
    static let rightBrace: UInt8 = 0x7D

    /// True for `0`…`9`.
    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool { c &- zero < 10 }
}
