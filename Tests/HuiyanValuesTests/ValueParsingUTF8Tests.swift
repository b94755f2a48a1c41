import XCTest
@testable import HuiyanValues

final class ValueParsingUTF8Tests: XCTestCase {
    private func offset(_ bytes: [UInt8]) -> Int? { bytes.withUnsafeBufferPointer(ValueParsing.firstInvalidUTF8Offset) }
    private func valid(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBufferPointer(ValueParsing.isValidUTF8) }

    func testValidText() {
        for s in ["", "hello", "南岳衡山,红色旅游经典线", "😀", String(repeating: "abcdefgh", count: 10) + "衡阳" + "12345678901",
                  "\u{0}\u{7F}\u{80}\u{7FF}\u{800}\u{D7FF}\u{E000}\u{FFFF}\u{10000}\u{10FFFF}"] {
            XCTAssertTrue(valid(Array(s.utf8)), s)
        }
    }

    func testIllFormedSequences() {
        let cases: [[UInt8]] = [
            [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF],                 // stray continuation, overlong 2-byte
            [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF],                     // overlong 3-byte
            [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],                     // surrogates
            [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF],         // overlong 4-byte
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], // above U+10FFFF, invalid leads
            [0xE4, 0xB8], [0xC2], [0xF0, 0x9F, 0x98],                   // truncated
            [0xE4, 0x41, 0x80], [0xC2, 0xC2, 0x80],                     // bad continuation
        ]
        for c in cases { XCTAssertEqual(offset(c), 0, "\(c)") }
        XCTAssertEqual(ValueError.invalidUTF8.description, "not a valid UTF-8 text (a file in GBK or another encoding? give it: --encoding gbk, or ENCODING gbk in COPY)")
    }

    func testOffsetOfFirstErrorAfterASCIIRuns() {
        XCTAssertEqual(offset(Array("0123456789abcdef".utf8) + [0x80]), 16)
        XCTAssertEqual(offset(Array("01234".utf8) + [0x80] + Array("0123456789".utf8)), 5)
        XCTAssertEqual(offset(Array("0123456789".utf8) + Array("衡".utf8) + [0xED, 0xA0, 0x80]), 13)
        XCTAssertNil(offset(Array("0123456789".utf8) + Array("衡".utf8) + Array("0123456789".utf8)))
    }

    /// Cross-checks every 1- and 2-byte input and a large slice of 3- and 4-byte inputs
    /// against the standard library's validator.
    func testAgreesWithTheStandardLibrary() {
        func reference(_ b: [UInt8]) -> Bool { String(validating: b, as: UTF8.self) != nil }
        for a in 0...255 {
            XCTAssertEqual(valid([UInt8(a)]), reference([UInt8(a)]))
            for b in 0...255 {
                let s = [UInt8(a), UInt8(b)]
                XCTAssertEqual(valid(s), reference(s), "\(s)")
            }
        }
        for a in 0xE0...0xF7 {
            for b in stride(from: 0x70, through: 0xC4, by: 1) {
                for c in [0x41, 0x7F, 0x80, 0x9F, 0xA0, 0xBF, 0xC0] {
                    let s3 = [UInt8(a), UInt8(b), UInt8(c)]
                    XCTAssertEqual(valid(s3), reference(s3), "\(s3)")
                    let s4 = s3 + [0x80]
                    XCTAssertEqual(valid(s4), reference(s4), "\(s4)")
                }
            }
        }
    }
}
