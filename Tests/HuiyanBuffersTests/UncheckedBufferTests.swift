import XCTest
@testable import HuiyanBuffers

/// A handle to allocated slots: writes and reads by index, copies in, keeps values when reallocated.
final class UncheckedBufferTests: XCTestCase {
    func testSlotsHoldWhatIsWritten() {
        let buffer = UncheckedBuffer<Int>.allocate(capacity: 4)
        defer { buffer.deallocate() }
        for i in 0..<4 { buffer[unchecked: i] = i * 10 }
        XCTAssertEqual((0..<4).map { buffer[unchecked: $0] }, [0, 10, 20, 30])
        XCTAssertEqual(Array(buffer.buffer(unchecked: 1..<3)), [10, 20])
        buffer.mutableBuffer(unchecked: 2..<4)[0] = 7
        XCTAssertEqual(buffer[unchecked: 2], 7)
    }

    func testCopiesLandAtTheirOffset() {
        let buffer = UncheckedBuffer<UInt8>.allocate(capacity: 6)
        defer { buffer.deallocate() }
        for i in 0..<6 { buffer[unchecked: i] = 0 }
        let source: [UInt8] = [1, 2, 3]
        source.withUnsafeBufferPointer { buffer.update(uncheckedAt: 2, from: $0.baseAddress!, count: 3) }
        XCTAssertEqual(Array(buffer.buffer(unchecked: 0..<6)), [0, 0, 1, 2, 3, 0])
    }

    func testReallocationKeepsTheCountedValues() {
        var buffer = UncheckedBuffer<UInt32>.allocate(capacity: 2)
        buffer[unchecked: 0] = 5
        buffer[unchecked: 1] = 6
        buffer = buffer.reallocated(capacity: 8, keeping: 2)
        defer { buffer.deallocate() }
        XCTAssertEqual(buffer.capacity, 8)
        XCTAssertEqual(Array(buffer.buffer(unchecked: 0..<2)), [5, 6])
    }

    func testAZeroCapacityBufferCanBeAllocatedAndFreed() {
        let buffer = UncheckedBuffer<Double>.allocate(capacity: 0)
        XCTAssertEqual(buffer.capacity, 0)
        XCTAssertEqual(buffer.buffer(unchecked: 0..<0).count, 0)
        buffer.deallocate()
    }
}

extension UncheckedBufferTests {
    func testOverlappingCopiesMoveValuesToTheFront() {
        let buffer = UncheckedBuffer<UInt8>.allocate(capacity: 8)
        defer { buffer.deallocate() }
        for i in 0..<8 { buffer[unchecked: i] = UInt8(i) }
        buffer.copy(unchecked: 2..<8, to: 0)
        XCTAssertEqual(Array(buffer.buffer(unchecked: 0..<6)), [2, 3, 4, 5, 6, 7])
        buffer.copy(unchecked: 0..<4, to: 3)
        XCTAssertEqual(Array(buffer.buffer(unchecked: 0..<8)), [2, 3, 4, 2, 3, 4, 5, 7])
        XCTAssertEqual(Array(buffer.bytes(unchecked: 3..<6).buffer), [2, 3, 4])
    }
}

extension UncheckedBufferTests {
    func testAHandleOverCallerMemoryWritesThere() {
        var target = [UInt8](repeating: 0, count: 5)
        target.withUnsafeMutableBufferPointer { memory in
            let handle = UncheckedBuffer(memory)
            XCTAssertEqual(handle.capacity, 5)
            Array("abc".utf8).withUnsafeBufferPointer { handle.update(uncheckedAt: 1, from: UncheckedBytes($0)) }
            handle[unchecked: 4] = UInt8(ascii: "!")
            XCTAssertEqual(handle.pointer(uncheckedAt: 1, count: 3).pointee, UInt8(ascii: "a"))
        }
        XCTAssertEqual(String(decoding: target, as: UTF8.self), "\0abc!")
        let empty = UncheckedBuffer(UnsafeMutableBufferPointer<Int>(start: nil, count: 0))
        XCTAssertEqual(empty.capacity, 0)
    }
}

extension UncheckedBufferTests {
    func testASliceAddressesItsRangeFromZero() {
        let buffer = UncheckedBuffer<Int64>.allocate(capacity: 6, filledWith: 1)
        defer { buffer.deallocate() }
        let middle = buffer.slice(unchecked: 2..<5)
        XCTAssertEqual(middle.capacity, 3)
        middle.fill(with: 9)
        middle[unchecked: 0] = 4
        XCTAssertEqual(Array(buffer.buffer(unchecked: 0..<6)), [1, 1, 4, 9, 9, 1])
        XCTAssertEqual(buffer.slice(unchecked: 6..<6).capacity, 0)
    }

    func testStoredBytesCoverSeveralSlotsAtAnyOffset() {
        let buffer = UncheckedBuffer<Int32>.allocate(capacity: 10, filledWith: -1)
        defer { buffer.deallocate() }
        buffer.storeBytes(of: SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7), uncheckedAt: 1)
        XCTAssertEqual(Array(buffer.buffer(unchecked: 0..<10)), [-1, 0, 1, 2, 3, 4, 5, 6, 7, -1])
        buffer.storeBytes(of: UInt64(0), uncheckedAt: 8)
        XCTAssertEqual(Array(buffer.buffer(unchecked: 7..<10)), [6, 0, 0])
        XCTAssertEqual(buffer.loadUnaligned(uncheckedAt: 2, as: SIMD4<Int32>.self), SIMD4<Int32>(1, 2, 3, 4))
    }
}
