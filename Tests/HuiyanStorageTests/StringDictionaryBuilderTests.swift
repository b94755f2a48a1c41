import HuiyanBuffers
import XCTest
@testable import HuiyanStorage
import HuiyanTourism

/// `StringDictionaryBuilder.finish()` sorts by a radix sort on 16-byte prefixes: its result must be exactly what
/// a plain byte-wise comparison sort gives, whatever the lengths, shared prefixes, zero bytes and duplicates.
final class StringDictionaryBuilderTests: XCTestCase {
    /// The dictionary and remap `finish()` must produce, by a comparison sort of the distinct values.
    private func reference(_ values: [[UInt8]]) -> (sorted: [[UInt8]], codes: [Int64]) {
        let distinct = Array(Set(values)).sorted { a, b in a.lexicographicallyPrecedes(b) }
        var index: [[UInt8]: Int64] = [:]
        for (i, v) in distinct.enumerated() { index[v] = Int64(i) }
        return (distinct, values.map { index[$0]! })
    }

    private func check(_ values: [[UInt8]], file: StaticString = #filePath, line: UInt = #line) {
        let builder = StringDictionaryBuilder()
        let codes = values.map { v in v.withUnsafeBytes { builder.intern($0) } }
        let (dictionary, remap) = builder.finish()
        let (sorted, expectedCodes) = reference(values)
        XCTAssertEqual(dictionary.count, sorted.count, "distinct count", file: file, line: line)
        for (i, v) in sorted.enumerated() where i < dictionary.count {
            let got = Array(dictionary.bytes[dictionary.starts[i]..<dictionary.starts[i + 1]])
            if got != v { XCTFail("entry \(i): \(got) != \(v)", file: file, line: line); return }
        }
        XCTAssertEqual(codes.map { remap[Int($0)] }, expectedCodes, "codes", file: file, line: line)
    }

    func testVisitorIdsInRandomOrderWithDuplicates() {
        var generator = SystemRandomNumberGenerator()
        let values = (0..<60_000).map { _ in Array("V\(String(format: "%08d", Int.random(in: 0..<80_000, using: &generator)))".utf8) }
        check(values)
    }

    func testSequentialIdsAreAlreadySorted() {
        check((0..<40_000).map { Array("O\(String(format: "%010d", $0))".utf8) })
    }

    func testLengthsAroundTheKeyBoundariesSharedPrefixesAndZeroBytes() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0, 1, 0x41, 0x42, 0xE5, 0xFF]
        var values: [[UInt8]] = [[], [0], [0, 0], [0xFF]]
        for _ in 0..<30_000 {
            let length = [0, 1, 7, 8, 9, 15, 16, 17, 23, 24, 40].randomElement(using: &generator)!
            // A shared prefix makes many keys equal in their first 16 bytes, so that the tail decides.
            var v: [UInt8] = Bool.random(using: &generator) ? Array(repeating: 0x41, count: min(length, 16)) : []
            while v.count < length { v.append(alphabet.randomElement(using: &generator)!) }
            values.append(v)
        }
        check(values)
    }

    func testLongRunsOfEqualPrefixesFallBackToAComparisonSort() {
        let prefix = Array("https://example.com/spots/".utf8)
        check((0..<5_000).map { i in prefix + Array(String((i * 7919) % 5_000).utf8) })
    }

    func testChineseNamesAndEmptyStrings() {
        let names = ["南岳衡山", "石鼓书院", "东洲岛", "", "夏明翰故居", "南岳", "南岳衡山景区", "回雁峰"]
        check((0..<20_000).map { Array(names[($0 * 31) % names.count].utf8) })
    }

    /// Short strings are hashed inline (two overlapping loads): strings differing in any one byte, of every
    /// length up to 16 and just past it, must stay apart, and repeats must find their first code.
    func testShortStringsDifferingInOneByteStayDistinct() {
        var distinct: [[UInt8]] = []
        for length in 0...18 {
            distinct.append(Array(repeating: 0x61, count: length))
            for position in 0..<length {
                for byte: UInt8 in [0, 1, 0x41, 0xFF] {
                    var v = Array(repeating: UInt8(0x61), count: length)
                    v[position] = byte
                    distinct.append(v)
                }
            }
        }
        var generator = SystemRandomNumberGenerator()
        let values = (0..<30).flatMap { _ in distinct.shuffled(using: &generator) }
        let builder = StringDictionaryBuilder()
        for v in values.prefix(20_000) { v.withUnsafeBytes { _ = builder.intern($0) } }
        XCTAssertFalse(builder.appendsWithoutLookup, "repeats keep the table")
        XCTAssertEqual(builder.count, Set(values.prefix(20_000)).count, "one entry per distinct string")
        check(values)
    }

    func testMostlyDistinctModeGivesTheSameDictionary() {
        var generator = SplitMix64(seed: 21)
        var values = (0..<50_000).map { _ in Array("V\(String(format: "%08d", Int.random(in: 0..<1_000_000, using: &generator)))".utf8) }
        // The value at the decision point repeats an earlier one: the mode is decided there all the same.
        values[StringDictionaryBuilder.modeDecisionPoint - 1] = values[0]
        let builder = StringDictionaryBuilder()
        for v in values { v.withUnsafeBytes { _ = builder.intern($0) } }
        XCTAssertTrue(builder.appendsWithoutLookup)
        check(values)
    }
}

/// `ColumnBuilder.appendBatch` must leave a column exactly as the same rows appended one at a time: values,
/// NULLs repeating the previous integer, leading NULLs back-filled, the validity bitmap and the NULL count.
final class ColumnBuilderBatchTests: XCTestCase {
    private func compare(_ type: ColumnType, rows: [Int64?], batch: Int, file: StaticString = #filePath, line: UInt = #line) {
        let definition = ColumnDefinition("c", type, nullable: true)
        let single = ColumnBuilder(definition, capacity: 16)
        let batched = ColumnBuilder(definition, capacity: 16)
        for row in rows {
            guard let row else { single.appendNull(); continue }
            if type.lane == .float64 { single.appendDouble(Double(row) / 4) } else { single.appendInt64(row) }
        }
        var start = 0
        while start < rows.count {
            let part = rows[start..<min(start + batch, rows.count)]
            var ints = part.map { $0 ?? 99 }
            var doubles = part.map { Double($0 ?? 99) / 4 }
            var nulls = part.map { $0 == nil }
            let nullCount = nulls.filter { $0 }.count
            ints.withUnsafeMutableBufferPointer { i in
                doubles.withUnsafeMutableBufferPointer { d in
                    nulls.withUnsafeMutableBufferPointer { n in
                        batched.appendBatch(ints: UncheckedBuffer(i), doubles: UncheckedBuffer(d), nulls: UncheckedBuffer(n),
                                            nullsInBatch: nullCount, count: part.count)
                    }
                }
            }
            start += batch
        }
        XCTAssertEqual(batched.ints, single.ints, "ints", file: file, line: line)
        XCTAssertEqual(batched.doubles, single.doubles, "doubles", file: file, line: line)
        XCTAssertEqual(batched.validity, single.validity, "validity", file: file, line: line)
        XCTAssertEqual(batched.nullCount, single.nullCount, "null count", file: file, line: line)
        for row in rows.indices { XCTAssertEqual(batched.isValid(row), single.isValid(row), file: file, line: line) }
    }

    func testBatchesMatchRowByRowAppends() {
        var generator = SystemRandomNumberGenerator()
        for type in [ColumnType.int64, .money, .timestamp, .string, .float64] {
            for nullShare in [0.0, 0.02, 0.3, 1.0] {
                for leading in [0, 1, 5, 1500] {
                    let rows: [Int64?] = Array(repeating: nil, count: leading) + (0..<3000).map { _ in
                        Double.random(in: 0..<1, using: &generator) < nullShare ? nil : Int64.random(in: -1000...1000, using: &generator)
                    }
                    for batch in [1, 7, 64, 1024] { compare(type, rows: rows, batch: batch) }
                }
            }
        }
    }
}
