import XCTest
@testable import HuiyanBuffers

/// A view of bytes reads what is there: single bytes, unaligned words, slices; an empty view is fine.
final class UncheckedBytesTests: XCTestCase {
    func testBytesAndUnalignedWordsAreReadInMemoryOrder() {
        let data: [UInt8] = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A]
        data.withUnsafeBufferPointer { buffer in
            let bytes = UncheckedBytes(buffer)
            XCTAssertEqual(bytes.count, 10)
            XCTAssertEqual(bytes[unchecked: 0], 0x01)
            XCTAssertEqual(bytes[unchecked: 9], 0x0A)
            // Offset 1 is not 8-aligned: the load still reads the eight bytes 02…09, least significant first.
            XCTAssertEqual(UInt64(littleEndian: bytes.loadUnaligned(uncheckedAt: 1, as: UInt64.self)), 0x0908_0706_0504_0302)
            XCTAssertEqual(UInt16(littleEndian: bytes.loadUnaligned(uncheckedAt: 8, as: UInt16.self)), 0x0A09)
        }
    }

    func testSlicesAndBuffersCoverTheirRange() {
        let data = Array("hello, world".utf8)
        data.withUnsafeBytes { raw in
            let bytes = UncheckedBytes(raw)
            let world = bytes.slice(unchecked: 7..<12)
            XCTAssertEqual(world.count, 5)
            XCTAssertEqual(world[unchecked: 0], UInt8(ascii: "w"))
            XCTAssertEqual(String(decoding: world.buffer, as: UTF8.self), "world")
            XCTAssertEqual(String(decoding: bytes.buffer(unchecked: 0..<5), as: UTF8.self), "hello")
            XCTAssertEqual(bytes.rawBuffer.count, 12)
            XCTAssertTrue(bytes.slice(unchecked: 12..<12).isEmpty)
        }
    }

    func testAnEmptyViewHasNoBytes() {
        let empty = UncheckedBytes(UnsafeBufferPointer<UInt8>(start: nil, count: 0))
        XCTAssertTrue(empty.isEmpty)
        XCTAssertEqual(empty.buffer.count, 0)
        XCTAssertEqual(Array(empty.slice(unchecked: 0..<0).buffer), [])
    }
}
