import XCTest
@testable import HuiyanBuffers

/// A growable buffer keeps every value across growth, and is reused without shrinking.
final class GrowableBufferTests: XCTestCase {
    func testAppendsGrowTheStorageAndKeepEveryValue() {
        let buffer = GrowableBuffer<Int>(capacity: 2)
        for i in 0..<1000 { buffer.append(i) }
        XCTAssertEqual(buffer.count, 1000)
        XCTAssertGreaterThanOrEqual(buffer.capacity, 1000)
        XCTAssertEqual(buffer[unchecked: 0], 0)
        XCTAssertEqual(buffer[unchecked: 999], 999)
        XCTAssertEqual(buffer.withValues { $0.reduce(0, +) }, 999 * 1000 / 2)
        buffer[unchecked: 3] = -1
        XCTAssertEqual(Array(buffer.buffer(unchecked: 2..<5)), [2, -1, 4])
    }

    func testRunsOfBytesAreAppendedWhole() {
        let buffer = GrowableBuffer<UInt8>(capacity: 4)
        let hello = Array("hello".utf8), world = Array(", world".utf8)
        hello.withUnsafeBufferPointer { buffer.append($0.baseAddress!, count: $0.count) }
        world.withUnsafeBufferPointer { buffer.append(contentsOf: $0) }
        buffer.append(UInt8(ascii: "!"))
        buffer.append(contentsOf: UnsafeBufferPointer(start: nil, count: 0))
        XCTAssertEqual(String(decoding: buffer.buffer(unchecked: 0..<buffer.count), as: UTF8.self), "hello, world!")
        XCTAssertEqual(String(decoding: buffer.buffer(unchecked: 7..<12), as: UTF8.self), "world")
    }

    func testRemoveAllKeepsTheStorage() {
        let buffer = GrowableBuffer<UInt8>(capacity: 1)
        buffer.reserveCapacity(64)
        let capacity = buffer.capacity
        XCTAssertGreaterThanOrEqual(capacity, 64)
        for _ in 0..<64 { buffer.append(1) }
        buffer.removeAll()
        XCTAssertEqual(buffer.count, 0)
        XCTAssertEqual(buffer.capacity, capacity)
        buffer.append(2)
        XCTAssertEqual(buffer[unchecked: 0], 2)
    }
}

extension GrowableBufferTests {
    func testRepeatedValuesAreAppendedAndCanBeOverwritten() {
        let buffer = GrowableBuffer<UInt8>(capacity: 2)
        buffer.append(UInt8(ascii: "a"))
        buffer.append(repeating: UInt8(ascii: "0"), count: 5)
        buffer[unchecked: 5] = UInt8(ascii: "7")
        buffer.append(repeating: 0, count: 0)
        XCTAssertEqual(buffer.count, 6)
        XCTAssertEqual(String(decoding: buffer.buffer(unchecked: 0..<6), as: UTF8.self), "a00007")
    }
}
