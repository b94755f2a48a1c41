import XCTest
@testable import HuiyanStorage
import HuiyanTourism

/// Format version 2: the integer encodings 5 (dictionary) and 6 (interleaved), and numeric string dictionaries.
final class CompositeEncodingTests: XCTestCase {
    // MARK: helpers

    @discardableResult
    private func roundTrip(_ values: [Int64], file: StaticString = #filePath, line: UInt = #line) -> (IntegerEncoding, [UInt8]) {
        let encoded = encodedBlock(values)
        var decoded = [Int64](repeating: -1, count: values.count)
        var codes = [UInt32](repeating: 0, count: values.count)
        let ok = encoded.withUnsafeBytes { raw in
            decoded.withUnsafeMutableBufferPointer { out in
                codes.withUnsafeMutableBufferPointer { narrow in
                    guard (try? IntegerBlockCodec.decode(raw, count: values.count, into: out.baseAddress!)) != nil else { return false }
                    // The same payload through a narrowing transform (what string codes take).
                    return (try? IntegerBlockCodec.decode(raw, count: values.count, into: narrow.baseAddress!)) != nil
                }
            }
        }
        XCTAssertTrue(ok, "decoding failed", file: file, line: line)
        XCTAssertEqual(decoded, values, file: file, line: line)
        XCTAssertEqual(codes, values.map { UInt32(truncatingIfNeeded: $0) }, file: file, line: line)
        if let lo = values.min(), let hi = values.max() {
            // The values' own range holds them; a range one short at either end does not.
            XCTAssertEqual(decodesWithin(encoded, count: values.count, lo...hi), true, "values are in their range", file: file, line: line)
            if lo < hi {
                XCTAssertEqual(decodesWithin(encoded, count: values.count, lo...(hi - 1)), false, "the largest is out", file: file, line: line)
                XCTAssertEqual(decodesWithin(encoded, count: values.count, (lo + 1)...hi), false, "the smallest is out", file: file, line: line)
            }
        }
        return (encoded.isEmpty ? .frameOfReference : IntegerEncoding(rawValue: encoded[0])!, encoded)
    }

    /// Whether the payload's values lie in `allowed`, as its decoder reports it (nil when it is refused).
    private func decodesWithin(_ payload: [UInt8], count: Int, _ allowed: ClosedRange<Int64>) -> Bool? {
        let out = UnsafeMutablePointer<Int64>.allocate(capacity: max(count, 1))
        defer { out.deallocate() }
        return payload.withUnsafeBytes { try? IntegerBlockCodec.decode($0, count: count, into: out, within: allowed) }
    }

    private func decodes(_ payload: [UInt8], count: Int) -> Bool {
        let out = UnsafeMutablePointer<Int64>.allocate(capacity: max(count, 1))
        defer { out.deallocate() }
        return payload.withUnsafeBytes { (try? IntegerBlockCodec.decode($0, count: count, into: out)) != nil }
    }

    private func u32(_ v: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(v).littleEndian) { Array($0) } }
    private func i64(_ v: Int64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

    /// Money in fen as the feeds have it: a few hundred typical amounts per spot, most in whole yuan, some refunds.
    private func moneyBlock(_ n: Int, seed: UInt64 = 7) -> [Int64] {
        var rng = SplitMix64(seed: seed)
        let typical: [Int64] = [0, 3_000, 8_000, 12_000, 25_000, 60_000]
        return (0..<n).map { _ in
            var v = typical[Int(rng.next() % 6)] * Int64(350 + rng.next() % 700) / 1000
            if rng.next() % 10 < 7 { v = v / 100 * 100 }
            if rng.next() % 500 == 0 { v = -(v / 10) }
            return v
        }
    }

    /// Dictionary codes of ids: two thirds new (ascending codes), a third returning (random earlier codes).
    private func idCodes(_ n: Int, seed: UInt64 = 11) -> [Int64] {
        var rng = SplitMix64(seed: seed)
        var next: Int64 = 400_000
        return (0..<n).map { _ in
            if rng.next() % 100 < 65 { next += 1 + Int64(rng.next() % 50 == 0 ? 1 : 0); return next }
            return Int64(rng.next() % 400_000)
        }
    }

    // MARK: encoding 5, dictionary

    func testMoneyWithFewDistinctAmountsUsesTheDictionary() {
        let values = moneyBlock(65_536)
        let (encoding, bytes) = roundTrip(values)
        XCTAssertEqual(encoding, .dictionary)
        let distinct = Set(values).count
        XCTAssertLessThan(bytes.count, 65_536 * BitPacking.width(of: UInt64(distinct - 1)) / 8 + distinct * 8 + 64)
        var plain: [UInt8] = []
        values.withUnsafeBufferPointer { IntegerBlockCodec.encode($0, into: &plain, composite: false) }
        XCTAssertLessThan(bytes.count, plain.count * 3 / 4, "the dictionary must pay")
    }

    func testDictionaryEdgeCases() {
        // Negative money only, outliers at the ends of Int64 (the nested values fall back to plain), odd counts.
        let negatives = moneyBlock(10_000, seed: 3).map { -$0 - 1 }
        XCTAssertEqual(roundTrip(negatives).0, .dictionary)
        var outliers = moneyBlock(65_536, seed: 5)
        outliers[17] = Int64.min; outliers[4_000] = Int64.max; outliers[4_001] = Int64.min
        XCTAssertEqual(roundTrip(outliers).0, .dictionary)
        for n in [64, 65, 127, 1_000, 65_535] { roundTrip((0..<n).map { Int64($0 % 9) * 1_000_003 - 77 }) }
        // One value, empty, a constant block: no dictionary needed.
        XCTAssertEqual(roundTrip([]).1.count, 18)
        XCTAssertEqual(roundTrip([-123]).0, .plain, "9 bytes, against 18 for frame of reference")
        XCTAssertEqual(roundTrip([Int64](repeating: 99_900, count: 65_536)).0, .frameOfReference)
        // Too many distinct values: not a dictionary.
        XCTAssertNotEqual(roundTrip((0..<65_536).map { Int64($0) * 7919 % 65_536 * 1_000_003 }).0, .dictionary)
    }

    func testHandMadeDictionaryPayloads() {
        // One distinct value, width 0: every row is it.
        let nestedOne: [UInt8] = [1] + i64(-5) + i64(1) + [0]
        let one: [UInt8] = [5] + u32(1) + u32(nestedOne.count) + nestedOne + [0]
        let out = UnsafeMutablePointer<Int64>.allocate(capacity: 100)
        defer { out.deallocate() }
        XCTAssertNoThrow(try one.withUnsafeBytes { _ = try IntegerBlockCodec.decode($0, count: 100, into: out) })
        XCTAssertEqual(Array(UnsafeBufferPointer(start: out, count: 100)), [Int64](repeating: -5, count: 100))
        // Two values (3, 10) and codes 0 1 1 0 at width 1; then the same with a code past the dictionary.
        let nestedTwo: [UInt8] = [1] + i64(3) + i64(7) + [1, 0b10]
        let two: [UInt8] = [5] + u32(2) + u32(nestedTwo.count) + nestedTwo + [1, 0b0110]
        XCTAssertNoThrow(try two.withUnsafeBytes { _ = try IntegerBlockCodec.decode($0, count: 4, into: out) })
        XCTAssertEqual(Array(UnsafeBufferPointer(start: out, count: 4)), [3, 10, 10, 3])
        let three: [UInt8] = [5] + u32(3) + u32(nestedTwo.count) + nestedTwo + [2, 0b1100_0100]
        XCTAssertFalse(decodes(three, count: 4), "3 distinct values announced: the third code (3) is past them")
        let nestedThree: [UInt8] = [1] + i64(3) + i64(1) + [2, 0b10_01_00]
        let codeTooLarge: [UInt8] = [5] + u32(3) + u32(nestedThree.count) + nestedThree + [2, 0b1100_0100]
        XCTAssertFalse(decodes(codeTooLarge, count: 4), "code 3 of a 3-entry dictionary")
        // Widths that do not match the count (0 for two values, 64), more distinct values than rows, none.
        XCTAssertFalse(decodes([5] + u32(2) + u32(nestedTwo.count) + nestedTwo + [0], count: 4))
        XCTAssertFalse(decodes([5] + u32(2) + u32(nestedTwo.count) + nestedTwo + [64] + [UInt8](repeating: 0, count: 40), count: 4))
        XCTAssertFalse(decodes([5] + u32(2) + u32(nestedTwo.count) + nestedTwo + [1, 0], count: 1))
        XCTAssertFalse(decodes([5] + u32(0) + u32(0) + [0], count: 4))
        // Nesting: a dictionary inside a dictionary is damage.
        let inner: [UInt8] = two
        XCTAssertFalse(decodes([5] + u32(2) + u32(inner.count) + inner + [1, 0b01], count: 2))
    }

    // MARK: encoding 6, interleaved

    func testIdCodesSplitIntoAnAscendingRunAndTheRest() {
        let values = idCodes(65_536)
        let (encoding, bytes) = roundTrip(values)
        XCTAssertEqual(encoding, .interleaved)
        // Selector bit, ~0–1 bit a step of the run, 19 bits for a third of the rows; versus 20 bits a row.
        XCTAssertLessThan(bytes.count, 65_536 * 10 / 8)
        var simple: [UInt8] = []
        values.withUnsafeBufferPointer { IntegerBlockCodec.encode($0, into: &simple, composite: false) }
        XCTAssertLessThan(bytes.count * 2, simple.count)
    }

    func testInterleavedEdgeCases() {
        // The block starts with a returning value; the run starts late, ends early; counts off 64; duplicates.
        var values = idCodes(10_001, seed: 2)
        values[0] = 5
        for i in 9_000..<10_001 { values[i] = Int64(i % 13) * 30_000 }
        XCTAssertEqual(roundTrip(values).0, .interleaved)
        for n in [64, 65, 200, 1_023, 4_097, 65_535, 65_536] { roundTrip(idCodes(n, seed: UInt64(n))) }
        // Negative values and steps near the ends of Int64 must not overflow the run test.
        var extremes: [Int64] = []
        for i in 0..<5_000 {
            let k = Int64(i)
            switch i % 3 {
            case 0: extremes.append(Int64.min + k)
            case 1: extremes.append(Int64.max - k)
            default: extremes.append(-k)
            }
        }
        roundTrip(extremes)
        // A run that is all of the block is just a delta block.
        XCTAssertNotEqual(roundTrip((0..<65_536).map { Int64($0) + 17 }).0, .interleaved)
    }

    func testHandMadeInterleavedPayloads() {
        // Rows 0 2 3 from the run (10, 11, 12), row 1 from the rest (7).
        let run: [UInt8] = [1] + i64(10) + i64(1) + [2, 0b10_01_00]
        let rest: [UInt8] = [1] + i64(7) + i64(1) + [0]
        let selector = i64(0b1101)
        let good: [UInt8] = [6] + selector + u32(run.count) + run + rest
        XCTAssertTrue(decodes(good, count: 4))
        // A selector bit past the last row, a run length past the payload, a shortened rest.
        XCTAssertFalse(decodes([6] + i64(0b11101) + u32(run.count) + run + rest, count: 4))
        XCTAssertFalse(decodes([6] + selector + u32(run.count + 100) + run + rest, count: 4))
        XCTAssertFalse(decodes([6] + selector + u32(run.count) + run + rest.dropLast(9), count: 4))
        // Interleaved inside interleaved is damage (no unbounded nesting); a dictionary inside is allowed.
        let nested: [UInt8] = [6] + i64(0b1) + u32(run.count) + run + rest
        XCTAssertFalse(decodes([6] + i64(0b10) + u32(nested.count) + nested + rest, count: 2))
        for cut in 0..<good.count { XCTAssertFalse(decodes(Array(good[0..<cut]), count: 4), "cut at \(cut)") }
    }

    // MARK: numeric string dictionaries

    private func dictionary(_ strings: [String]) -> StringDictionary {
        let sorted = strings.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
        var bytes: [UInt8] = [], starts = [0]
        for s in sorted { bytes += s; starts.append(bytes.count) }
        return StringDictionary(bytes: bytes, starts: starts)
    }

    private func numericRoundTrip(_ strings: [String], file: StaticString = #filePath, line: UInt = #line) -> Int? {
        let d = dictionary(strings)
        guard let raw = d.numericCoded() else { return nil }
        let back = try? raw.withUnsafeBytes { try StringDictionary.decodeNumeric($0, expectedCount: d.count, limit: d.count) }
        XCTAssertEqual(back?.bytes, d.bytes, file: file, line: line)
        XCTAssertEqual(back?.starts, d.starts, file: file, line: line)
        return raw.count
    }

    func testIdDictionariesAreStoredAsNumbers() {
        var rng = SplitMix64(seed: 1)
        var ids = Set<Int>()
        for i in 1...50_000 { ids.insert(i + 3_000_000) }
        while ids.count < 80_000 { ids.insert(Int(rng.next() % 3_000_000) + 1) }
        let strings = ids.map { "V" + String(repeating: "0", count: 8 - String($0).count) + String($0) }
        let size = numericRoundTrip(strings)
        XCTAssertNotNil(size)
        XCTAssertLessThan(size ?? .max, 80_000 * 2, "under two bytes an id (front coding takes four or five)")
        let d = try! dictionary(strings).numericCoded()!.withUnsafeBytes { try StringDictionary.decodeNumeric($0, expectedCount: 80_000, limit: 80_000) }
        XCTAssertEqual(d.code(of: "V03000001").map { d.string(at: $0) }, "V03000001")
        XCTAssertNil(d.code(of: "V3000001"))
        XCTAssertNil(d.code(of: "V99999999"))
    }

    func testNumericDictionaryEdgeCases() {
        XCTAssertNotNil(numericRoundTrip(["7"]), "one entry")
        XCTAssertNotNil(numericRoundTrip(["000", "001", "999"]), "digits only, no prefix")
        XCTAssertNotNil(numericRoundTrip(["订单-0042", "订单-0043", "订单-9000"]), "a UTF-8 prefix")
        XCTAssertNotNil(numericRoundTrip(["12345678901234567890", "12345678901234567891"]), "20 digits: 2 go to the prefix")
        XCTAssertNotNil(numericRoundTrip(["X999999999999999999", "X000000000000000000"]), "18 digits at the limit")
        XCTAssertNil(numericRoundTrip([]), "empty")
        XCTAssertNil(numericRoundTrip(["V00000001", "V00000002", "guest"]), "a non-id string mixed in")
        XCTAssertNil(numericRoundTrip(["V00000001", "W00000002"]), "two prefixes")
        XCTAssertNil(numericRoundTrip(["V0001", "V00002"]), "two widths")
        XCTAssertNil(numericRoundTrip(["V0001", "V00a2"]), "a letter among the digits")
        XCTAssertNil(numericRoundTrip(["", "1"]), "the empty string")
        XCTAssertNil(numericRoundTrip(["abc", "abd"]), "no digits")
    }

    func testDamagedNumericDictionariesAreRefused() {
        func decode(_ raw: [UInt8], count: Int, limit: Int = 100) -> Bool {
            (try? raw.withUnsafeBytes { try StringDictionary.decodeNumeric($0, expectedCount: count, limit: limit) }) != nil
        }
        func numbers(_ v: [Int64]) -> [UInt8] {
            var out: [UInt8] = []
            v.withUnsafeBufferPointer { IntegerBlockCodec.encode($0, into: &out, composite: false) }
            return out
        }
        let header: [UInt8] = [3, 2, 1, 0x56]   // 3 entries, 2 digits, prefix "V"
        XCTAssertTrue(decode(header + numbers([1, 5, 99]), count: 3))
        XCTAssertFalse(decode(header + numbers([1, 5, 99]), count: 4), "count differs from the footer")
        XCTAssertFalse(decode(header + numbers([1, 5, 99]), count: 3, limit: 2), "more entries than rows")
        XCTAssertFalse(decode(header + numbers([1, 5, 5]), count: 3), "not strictly increasing")
        XCTAssertFalse(decode(header + numbers([7, 5, 9]), count: 3), "not increasing")
        XCTAssertFalse(decode(header + numbers([1, 5, 100]), count: 3), "100 has three digits")
        XCTAssertFalse(decode(header + numbers([-1, 5, 10]), count: 3), "negative")
        XCTAssertFalse(decode([3, 0, 1, 0x56] + numbers([1, 5, 9]), count: 3), "no digits")
        XCTAssertFalse(decode([3, 19, 1, 0x56] + numbers([1, 5, 9]), count: 3), "19 digits")
        XCTAssertFalse(decode([3, 2, 9, 0x56] + numbers([1, 5, 9]), count: 3), "prefix past the end")
        XCTAssertFalse(decode(header + numbers([1, 5]), count: 3), "numbers missing")
        let good = header + numbers([1, 5, 99])
        for cut in 0..<good.count { XCTAssertFalse(decode(Array(good[0..<cut]), count: 3), "cut at \(cut)") }
    }

    // MARK: whole segments

    static let schema = TableSchema(name: "visits", columns: [
        ColumnDefinition("visitor_id", .string, nullable: true),
        ColumnDefinition("spend", .money, nullable: true),
        ColumnDefinition("nothing", .money, nullable: true),
        ColumnDefinition("ids_all_null", .string, nullable: true),
    ])

    private func writeVisits(_ rows: Int, to path: String) throws -> [[String?]] {
        let builder = SegmentBuilder(schema: Self.schema)
        let codes = idCodes(rows, seed: 99)
        let money = moneyBlock(rows, seed: 13)
        var expected: [[String?]] = []
        for i in 0..<rows {
            let id = "V" + String(format: "%08d", Int(codes[i]) * 3 + 1)
            let nullId = i % 97 == 5
            if nullId { builder.columns[0].appendNull() } else { builder.columns[0].appendString(id) }
            let nullSpend = i % 14 == 1
            if nullSpend { builder.columns[1].appendNull() } else { builder.columns[1].appendInt64(money[i]) }
            builder.columns[2].appendNull()
            builder.columns[3].appendNull()
            expected.append([nullId ? nil : id, nullSpend ? nil : String(money[i]), nil, nil])
        }
        _ = try SegmentWriter.write(builder, to: path)
        return expected
    }

    func testASegmentOfIdsAndMoneyRoundTrips() throws {
        let dir = TestDirectory()
        let rows = SegmentFormat.blockRows * 2 + 999
        let expected = try writeVisits(rows, to: dir.file("v.hyseg"))
        let reader = try SegmentReader(path: dir.file("v.hyseg"))
        XCTAssertEqual(reader.columns[0].dictionaryEncoding, .numeric)
        XCTAssertEqual(reader.columns[3].dictionaryEncoding, .frontCoded, "an empty dictionary stays front coded")
        let actual = try reader.materializeRows().map { $0.map { $0?.description } }
        for i in 0..<rows where actual[i] != expected[i] { XCTFail("row \(i): \(actual[i]) != \(expected[i])"); break }
        let dictionary = try reader.dictionary(column: 0)
        let some = expected[12][0]!
        XCTAssertEqual(dictionary.code(of: some).map { dictionary.string(at: $0) }, some)
        // The blocks took the new encodings (the payload's encoding byte follows flags and validity).
        let scratch = BlockScratch()
        for (column, wanted) in [(0, IntegerEncoding.interleaved), (1, .dictionary)] {
            let info = reader.columns[column].blocks[0]
            let payload = try reader.payload(info.range, scratch: scratch, what: "test", column: column)
            let at = 1 + (payload[0] & 1 != 0 ? (info.rowCount + 63) / 64 * 8 : 0)
            XCTAssertEqual(payload[at], wanted.rawValue, "column \(column)")
        }
        // A file of the current version (2 or later: these encodings need it).
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir.file("v.hyseg")))
        XCTAssertEqual(bytes[8], UInt8(SegmentFormat.version))
        XCTAssertEqual(bytes[bytes.count - 16], UInt8(SegmentFormat.version))
    }

    /// Flips bytes inside a numeric dictionary and inside interleaved and dictionary blocks, each time with the
    /// checksum left stale (caught by the checksum) and recomputed (caught by the decoder): damage, never a trap.
    func testDamageInTheNewEncodingsIsReported() throws {
        let dir = TestDirectory()
        _ = try writeVisits(70_000, to: dir.file("v.hyseg"))
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir.file("v.hyseg"))))
        let reader = try SegmentReader(path: dir.file("v.hyseg"))
        let targets: [(String, StoredRange, Int?)] = [
            ("dictionary", reader.columns[0].dictionary!, nil),
            ("interleaved block", reader.columns[0].blocks[0].range, 0),
            ("dictionary block", reader.columns[1].blocks[1].range, 1),
        ]
        var decoderCaught = 0
        for (what, range, column) in targets {
            for step in 0..<24 {
                let offset = Int(range.offset) + (Int(range.storedLength) - 1) * step / 23
                var damaged = original
                damaged[offset] ^= 0x5A
                let path = dir.file("d.hyseg")
                for reseal in [false, true] {
                    var image = damaged
                    if reseal {
                        let stored = image[Int(range.offset)..<Int(range.offset) + Int(range.storedLength)]
                        let checksum = stored.withUnsafeBytes { Checksum.xxh3($0) }
                        image = resealed(image, range: range, checksum: checksum)
                    }
                    try Data(image).write(to: URL(fileURLWithPath: path))
                    let damagedReader = try SegmentReader(path: path)
                    let values = UnsafeMutablePointer<Int64>.allocate(capacity: SegmentFormat.blockRows)
                    defer { values.deallocate() }
                    do {
                        if let column {
                            let block = column == 0 ? 0 : 1
                            if column == 0 {
                                try damagedReader.decodeCodes(column: 0, block: block, into: values, validity: nil, scratch: BlockScratch())
                            } else {
                                try damagedReader.decodeIntegers(column: 1, block: block, into: values, validity: nil, scratch: BlockScratch())
                            }
                        } else {
                            _ = try damagedReader.dictionary(column: 0)
                        }
                        XCTAssertTrue(reseal, "\(what), byte \(offset): a stale checksum must be caught")
                    } catch StorageError.corrupt(_, let detail, _, _) {
                        if reseal { decoderCaught += 1 } else { XCTAssertTrue(detail.contains("checksum"), detail) }
                    }
                }
            }
        }
        XCTAssertGreaterThan(decoderCaught, 0, "behind a valid checksum, the decoders still catch damage")
    }

    /// The image with `range`'s checksum in the footer replaced, and the footer's checksum recomputed.
    private func resealed(_ image: [UInt8], range: StoredRange, checksum: UInt64) -> [UInt8] {
        var out = image
        let size = image.count
        let footerEnd = size - SegmentFormat.trailerSize
        let footerLength = image.withUnsafeBytes { Int($0.loadUnaligned(fromByteOffset: footerEnd, as: UInt64.self)) }
        let footerStart = footerEnd - footerLength
        let old = withUnsafeBytes(of: range.checksum.littleEndian) { Array($0) }
        let new = withUnsafeBytes(of: checksum.littleEndian) { Array($0) }
        var at = footerStart
        while at + 8 <= footerEnd {
            if Array(out[at..<at + 8]) == old { out.replaceSubrange(at..<at + 8, with: new); break }
            at += 1
        }
        let footerChecksum = out[footerStart..<footerEnd].withUnsafeBytes { Checksum.xxh3($0) }
        out.replaceSubrange(footerEnd + 8..<footerEnd + 16, with: withUnsafeBytes(of: footerChecksum.littleEndian) { Array($0) })
        return out
    }
}
