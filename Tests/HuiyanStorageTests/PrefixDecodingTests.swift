import XCTest
@testable import HuiyanStorage
import HuiyanTourism

/// Blocks decoded in increasing prefixes (`IntegerPrefixDecoder`) and numeric dictionaries read a few entries at
/// a time (`SparseNumericDictionary`) give exactly what the whole decode gives.
final class PrefixDecodingTests: XCTestCase {
    /// Values each single-level encoding is chosen for, `n` of them.
    private func values(for encoding: IntegerEncoding, _ n: Int, seed: UInt64) -> [Int64] {
        var rng = SplitMix64(seed: seed)
        var running: Int64 = 1_000_000
        switch encoding {
        case .frameOfReference:
            // Dense: a few bits a value, in steps of 100 (a scale).
            return (0..<n).map { _ in 5_000 + Int64(rng.next() % 1000) * 100 }
        case .delta:
            // Ascending by steps of one width: spread ids.
            return (0..<n).map { _ in
                running += 1 + Int64(rng.next() % 2_000)
                return running
            }
        case .deltaMiniBlocks:
            // Small steps with a rare wide gap: only its mini-block is widened.
            return (0..<n).map { i in
                running += i % 700 == 350 ? 50_000_000 : 1 + Int64(rng.next() % 8)
                return running
            }
        case .plain:
            // Deltas that overflow: no encoding but the plain one holds them.
            return (0..<n).map { i in i % 2 == 0 ? Int64.min + Int64(rng.next() % 1000) : Int64.max - Int64(rng.next() % 1000) }
        case .dictionary, .interleaved:
            return []
        }
    }

    func testPrefixesMatchTheWholeDecodeForEveryEncoding() throws {
        for encoding in [IntegerEncoding.frameOfReference, .delta, .deltaMiniBlocks, .plain] {
            for n in [1, 2, 9, 1024, 1025, 1026, 2048, 2049, 2050, 5_000] {
                let values = values(for: encoding, n, seed: UInt64(n))
                var encoded: [UInt8] = []
                values.withUnsafeBufferPointer { IntegerBlockCodec.encode($0, into: &encoded, composite: false) }
                if n >= 1024 { XCTAssertEqual(encoded[0], encoding.rawValue, "\(encoding) \(n)") }
                try encoded.withUnsafeBytes { raw in
                    var decoder = try IntegerPrefixDecoder(raw, count: n)
                    var prefix: [Int64] = []
                    var checkpoints: [(IntegerPrefixDecoder, ArraySlice<Int64>)] = []
                    var chunk = [Int64](repeating: 0, count: IntegerPrefixDecoder.chunk)
                    while decoder.decoded < n {
                        let before = decoder
                        let got = try chunk.withUnsafeMutableBufferPointer { try decoder.decodeNext(into: $0.baseAddress!) }
                        XCTAssertGreaterThan(got, 0)
                        prefix += chunk[0..<got]
                        // Each call ends at a chunk's end: 1,024 values, and the first value of a delta encoding.
                        let first = encoded[0] == IntegerEncoding.frameOfReference.rawValue || encoded[0] == IntegerEncoding.plain.rawValue ? 1024 : 1025
                        XCTAssertEqual(decoder.decoded, min(n, first + 1024 * (checkpoints.count)), "\(encoding) \(n)")
                        XCTAssertEqual(prefix, Array(values[0..<decoder.decoded]), "\(encoding) \(n): first \(decoder.decoded)")
                        checkpoints.append((before, chunk[0..<got]))
                    }
                    let none = try chunk.withUnsafeMutableBufferPointer { try decoder.decodeNext(into: $0.baseAddress!) }
                    XCTAssertEqual(none, 0)
                    // Going past every other chunk without its values leaves the decoder where decoding would.
                    var skipping = try IntegerPrefixDecoder(raw, count: n)
                    var index = 0
                    while skipping.decoded < n {
                        let end = skipping.nextEnd
                        let skipped = index % 2 == 1 ? try skipping.skipNext() : nil
                        if let skipped {
                            XCTAssertTrue(encoding == .delta || encoding == .deltaMiniBlocks, "\(encoding) \(n)")
                            XCTAssertEqual(skipped, values[end - 1], "\(encoding) \(n): past \(end)")
                        } else {
                            let from = skipping.decoded
                            let got = try chunk.withUnsafeMutableBufferPointer { try skipping.decodeNext(into: $0.baseAddress!) }
                            XCTAssertEqual(Array(chunk[0..<got]), Array(values[from..<(from + got)]), "\(encoding) \(n): after a skip")
                        }
                        XCTAssertEqual(skipping.decoded, end)
                        if index % 2 == 1 && (encoding == .delta || encoding == .deltaMiniBlocks) {
                            XCTAssertNotNil(skipped, "\(encoding) \(n): steps are positive")
                        }
                        index += 1
                    }
                    // A copy of the decoder taken before a chunk decodes that chunk again.
                    for (start, expected) in checkpoints {
                        var again = start
                        let got = try chunk.withUnsafeMutableBufferPointer { try again.decodeNext(into: $0.baseAddress!) }
                        XCTAssertEqual(Array(chunk[0..<got]), Array(expected), "\(encoding) \(n): again from \(start.decoded)")
                    }
                }
            }
        }
    }

    func testACompositeEncodingIsRefused() throws {
        let codes = (0..<4096).map { Int64($0 % 3) * 1_000_003 }
        let encoded = encodedBlock(codes)
        XCTAssertEqual(encoded[0], IntegerEncoding.dictionary.rawValue)
        XCTAssertThrowsError(try encoded.withUnsafeBytes { try IntegerPrefixDecoder($0, count: codes.count) })
    }

    /// The numeric form (§7.1) of ids `prefix` + `digits` digits of each number.
    private func numericDictionary(_ numbers: [Int], prefix: String, digits: Int) -> StringDictionary {
        let strings = numbers.map { n -> [UInt8] in
            let text = String(n)
            return Array((prefix + String(repeating: "0", count: digits - text.count) + text).utf8)
        }
        var bytes: [UInt8] = [], starts = [0]
        for s in strings { bytes += s; starts.append(bytes.count) }
        return StringDictionary(bytes: bytes, starts: starts)
    }

    /// Reads `requests` (each increasing) one after the other from the numeric form of `whole`.
    @discardableResult
    private func checkSparse(_ whole: StringDictionary, _ requests: [[Int]], _ what: String) throws -> IntegerEncoding? {
        let raw = try XCTUnwrap(whole.numericCoded())
        let encoding = try raw.withUnsafeBytes {
            try StringDictionary.NumericForm.Header($0, expectedCount: whole.count, limit: whole.count).nested.first.flatMap(IntegerEncoding.init)
        }
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: raw.count, alignment: 8)
        defer { bytes.deallocate() }
        raw.withUnsafeBytes { bytes.copyMemory(from: $0) }
        let owner = TestDirectory()
        let sparse = try SparseNumericDictionary(UnsafeRawBufferPointer(bytes), owner: owner, expectedCount: whole.count,
                                                 limit: whole.count) { ByteReader.OutOfBounds() }
        let entries = DictionaryEntries(numeric: sparse)
        var furthest = 0
        for codes in requests {
            let subset = try entries.subset(codes)
            XCTAssertEqual((0..<codes.count).map { subset.string(at: $0) }, codes.map { whole.string(at: $0) }, "\(what): \(codes)")
            furthest = max(furthest, (codes.last ?? -1) + 1)
            XCTAssertGreaterThanOrEqual(entries.decodedCount, furthest)
            XCTAssertLessThanOrEqual(entries.decodedCount, min(whole.count, furthest + 1025), "\(what): decoded as far as asked")
        }
        return encoding
    }

    func testSparseNumericDictionaryGivesTheWholeOnesEntries() throws {
        var rng = SplitMix64(seed: 7)
        let n = 5_000
        var spread = Set<Int>()
        while spread.count < n { spread.insert(Int(rng.next() % 1_000_000_000)) }
        var gapped: [Int] = []
        var running = 10
        for i in 0..<n {
            running += i == 2_500 ? 900_000_000 : 1 + Int(rng.next() % 5)
            gapped.append(running)
        }
        var steady: [Int] = []
        running = 0
        for _ in 0..<n {
            running += 1 + Int(rng.next() % 2_000)
            steady.append(running)
        }
        let cases: [(String, StringDictionary)] = [
            ("dense", numericDictionary((0..<n).map { $0 * 3 }, prefix: "V", digits: 8)),
            ("steady", numericDictionary(steady, prefix: "S", digits: 10)),
            ("spread", numericDictionary(spread.sorted(), prefix: "v", digits: 9)),
            ("gapped", numericDictionary(gapped, prefix: "id-", digits: 12)),
        ]
        // Every chunk boundary and its neighbours, forwards, then backwards, then a request crossing all.
        var boundaries: [Int] = []
        for b in [0, 1023, 1024, 1025, 2048, 2049, 3072, 3073, 4096, 4097, n - 1] { boundaries += [b] }
        let requests = boundaries.map { [$0] } + boundaries.reversed().map { [$0] }
            + [[0, 1, 1024, 1025, 4999], [7, 2_000, 2_001, 4_500], [], [4_999]]
        var encodings: [IntegerEncoding?] = []
        for (what, whole) in cases {
            encodings.append(try checkSparse(whole, requests, what))
            // Straight to the end first, then back.
            try checkSparse(whole, [[n - 1], [0, 500, 1500], [1025, 1026]], what + ", end first")
        }
        XCTAssertEqual(encodings, [.delta, .delta, .deltaMiniBlocks, .deltaMiniBlocks], "ids in steps of one width, spread ones, with a gap")
    }

    func testSparseNumericDictionaryOfASegmentGivesTheWholeOnesEntries() throws {
        let dir = TestDirectory()
        let builder = SegmentBuilder(schema: TableSchema(name: "ids", columns: [ColumnDefinition("id", .string)]))
        var rng = SplitMix64(seed: 3)
        for _ in 0..<(SegmentFormat.blockRows + 77) {
            builder.columns[0].appendString("u" + String(100_000_000 + Int(rng.next() % 800_000_000)))
        }
        _ = try SegmentWriter.write(builder, to: dir.file("s.hyseg"))
        let reader = try SegmentReader(path: dir.file("s.hyseg"))
        XCTAssertEqual(reader.columns[0].dictionaryEncoding, .numeric)
        let whole = try reader.dictionary(column: 0)
        let entries = try reader.dictionaryEntries(column: 0)
        XCTAssertTrue(entries.isSmall)
        XCTAssertEqual(entries.decodedCount, 0)
        let last = whole.count - 1
        for codes in [[5, 6, 4_000], [last], [1, 1_024, 1_025, 2_049], [last / 2, last]] {
            let subset = try entries.subset(codes)
            XCTAssertEqual((0..<codes.count).map { subset.string(at: $0) }, codes.map { whole.string(at: $0) })
        }
        XCTAssertLessThan(entries.approximateBytes, whole.count, "checkpoints, not eight bytes an entry")
    }

    func testDamagedNumbersAreFoundWhenDecoded() throws {
        /// A numeric dictionary's bytes (§7.1) holding `numbers` as they are, `digits` each after "k".
        func raw(_ numbers: [Int64], digits: Int) -> [UInt8] {
            var out = ByteWriter(capacity: 16)
            out.varint(UInt64(numbers.count))
            out.u8(UInt8(digits))
            out.varint(1)
            var bytes = out.bytes + [UInt8(ascii: "k")]
            numbers.withUnsafeBufferPointer { IntegerBlockCodec.encode($0, into: &bytes, composite: false) }
            return bytes
        }
        var repeated = (0..<3_000).map { Int64($0) * 2 + 1 }
        repeated[2_500] = repeated[2_499]
        var tooLong = (0..<3_000).map { Int64($0) * 2 + 1 }
        tooLong[2_999] = 1_000_000
        for (what, numbers) in [("a repeated number", repeated), ("a number past its digits", tooLong)] {
            let bytes = raw(numbers, digits: 6)
            try bytes.withUnsafeBytes { payload in
                struct Damage: Error {}
                let sparse = try SparseNumericDictionary(payload, owner: TestDirectory(), expectedCount: numbers.count,
                                                         limit: numbers.count) { Damage() }
                let entries = DictionaryEntries(numeric: sparse)
                let first = try entries.subset([0, 1_000])
                XCTAssertEqual(first.string(at: 1), "k002001", what)
                XCTAssertThrowsError(try entries.subset([2_999]), what) { XCTAssertTrue($0 is Damage, what) }
                XCTAssertThrowsError(try entries.subset([5]), "\(what): damage stays found") { XCTAssertTrue($0 is Damage, what) }
            }
        }
    }
}
