import Foundation
import XCTest
@testable import HuiyanStorage

final class SegmentRoundTripTests: XCTestCase {
    static let schema = TableSchema(name: "mixed", columns: [
        ColumnDefinition("ts", .timestamp),
        ColumnDefinition("name", .string, nullable: true),
        ColumnDefinition("amount", .money, nullable: true),
        ColumnDefinition("ratio", .float64, nullable: true),
        ColumnDefinition("flag", .bool),
        ColumnDefinition("qty", .int64, minimum: 1),
    ])

    /// Builds `rows` rows with NULLs in every nullable column; returns the builder and the expected values.
    static func makeRows(_ rows: Int) -> (SegmentBuilder, [[String?]]) {
        let builder = SegmentBuilder(schema: schema)
        let names = ["南岳衡山", "石鼓书院", "东洲岛", "廻雁峰", "", "蔡伦故里"]
        var expected: [[String?]] = []
        for i in 0..<rows {
            var row: [String?] = []
            let ts = Int64(1_735_660_800_000_000) + Int64(i) * 1_000_000
            builder.columns[0].appendInt64(ts); row.append(String(ts))
            if i % 7 == 3 { builder.columns[1].appendNull(); row.append(nil) } else {
                let name = names[i % names.count] + (i % 5 == 0 ? "\(i)" : "")
                builder.columns[1].appendString(name); row.append(name)
            }
            if i % 11 == 0 { builder.columns[2].appendNull(); row.append(nil) } else {
                let fen = Int64((i * 7919) % 100_000) - 500
                builder.columns[2].appendInt64(fen); row.append(String(fen))
            }
            if i % 13 == 0 { builder.columns[3].appendNull(); row.append(nil) } else {
                let v = Double(i) / 3.0
                builder.columns[3].appendDouble(v); row.append(String(v))
            }
            builder.columns[4].appendInt64(Int64(i & 1)); row.append(String(i & 1))
            builder.columns[5].appendInt64(Int64(1 + i % 9)); row.append(String(1 + i % 9))
            expected.append(row)
        }
        return (builder, expected)
    }

    /// A segment of `rows` rows of `makeRows` written to `path`, opened, with the expected values.
    static func written(_ rows: Int, to path: String) throws -> (SegmentReader, [[String?]]) {
        let (builder, expected) = makeRows(rows)
        _ = try SegmentWriter.write(builder, to: path)
        return (try SegmentReader(path: path), expected)
    }

    static func readRows(_ reader: SegmentReader) throws -> [[String?]] {
        try reader.materializeRows().map { $0.map { $0?.description } }
    }

    func testEveryTypeWithNullsRoundTripsAcrossBlocks() throws {
        let dir = TestDirectory()
        let rows = SegmentFormat.blockRows * 2 + 1234
        let (builder, expected) = Self.makeRows(rows)
        let written = try SegmentWriter.write(builder, to: dir.file("a.hyseg"))
        XCTAssertEqual(written.rowCount, rows)
        let reader = try SegmentReader(path: dir.file("a.hyseg"))
        XCTAssertEqual(reader.rowCount, rows)
        XCTAssertEqual(reader.columns.map(\.definition), Self.schema.columns)
        XCTAssertEqual(reader.columns[0].blocks.count, 3)
        let actual = try Self.readRows(reader)
        XCTAssertEqual(actual.count, expected.count)
        for i in 0..<rows where actual[i] != expected[i] {
            XCTFail("row \(i): \(actual[i]) != \(expected[i])"); break
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("a.hyseg.tmp")))
    }

    func testDictionaryIsSortedAndZoneMapsHoldMinAndMax() throws {
        let dir = TestDirectory()
        let (builder, _) = Self.makeRows(100_000)
        _ = try SegmentWriter.write(builder, to: dir.file("z.hyseg"))
        let reader = try SegmentReader(path: dir.file("z.hyseg"))
        let dictionary = try reader.dictionary(column: 1)
        let strings = (0..<dictionary.count).map { dictionary.string(at: $0) }
        XCTAssertEqual(strings.map { Array($0.utf8) }, strings.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
        XCTAssertEqual(dictionary.code(of: "南岳衡山").map { dictionary.string(at: $0) }, "南岳衡山")
        XCTAssertNil(dictionary.code(of: "不存在"))
        let ts = reader.columns[0].blocks[1]
        XCTAssertEqual(ts.min, 1_735_660_800_000_000 + Int64(SegmentFormat.blockRows) * 1_000_000)
        XCTAssertEqual(ts.max, 1_735_660_800_000_000 + Int64(100_000 - 1) * 1_000_000)
        XCTAssertEqual(reader.columns[2].blocks[0].nullCount, (0..<SegmentFormat.blockRows).filter { $0 % 11 == 0 }.count)
        let amounts = (0..<SegmentFormat.blockRows).filter { $0 % 11 != 0 }.map { Int64(($0 * 7919) % 100_000) - 500 }
        XCTAssertEqual(reader.columns[2].blocks[0].min, amounts.min())
        XCTAssertEqual(reader.columns[2].blocks[0].max, amounts.max())
    }

    func testBlockSumsOfIntegerAndMoneyColumnsAreInTheFooter() throws {
        // Format 3: each block of an integer or money column records the sum of its non-NULL values; other
        // types, and a block whose sum leaves Int64, record none.
        let dir = TestDirectory()
        let rows = SegmentFormat.blockRows + 5000
        let (reader, expected) = try Self.written(rows, to: dir.file("s.hyseg"))
        for (b, range) in [0..<SegmentFormat.blockRows, SegmentFormat.blockRows..<rows].enumerated() {
            for column in [2, 5] {
                let sum = range.compactMap { expected[$0][column].map { Int64($0)! } }.reduce(0, +)
                XCTAssertEqual(reader.columns[column].blocks[b].sum, sum, "column \(column), block \(b)")
            }
            for column in [0, 1, 3, 4] { XCTAssertNil(reader.columns[column].blocks[b].sum, "column \(column)") }
        }
        let schema = TableSchema(name: "big", columns: [ColumnDefinition("v", .int64)])
        let big = SegmentBuilder(schema: schema)
        for v in [Int64.max, 1, -5, .min, .min] { big.columns[0].appendInt64(v) }
        _ = try SegmentWriter.write(big, to: dir.file("big.hyseg"))
        XCTAssertNil(try SegmentReader(path: dir.file("big.hyseg")).columns[0].blocks[0].sum)
    }

    func testCodeSummariesHoldEachBlocksTotalsPerCode() throws {
        // Format 3: a string column with a small dictionary keeps, per block, each code's rows (NULL rows as
        // one more entry) and, per integer or money column, its non-NULL count and sum.
        let dir = TestDirectory()
        let rows = SegmentFormat.blockRows + 5000
        let (reader, _) = try Self.written(rows, to: dir.file("c.hyseg"))
        XCTAssertNil(reader.columns[1].summary, "names has too many distinct strings")
        let schema = TableSchema(name: "k", columns: [ColumnDefinition("spot", .string, nullable: true),
                                                      ColumnDefinition("spend", .money, nullable: true), ColumnDefinition("n", .int64)])
        let small = SegmentBuilder(schema: schema)
        let spots = ["南岳衡山", "石鼓书院", "东洲岛"]
        var totals: [[String?: (rows: Int64, spends: Int64, spend: Int64, n: Int64)]] = [[:], [:]]
        for i in 0..<rows {
            let spot = i % 17 == 0 ? nil : spots[(i * 7) % 3]
            if let spot { small.columns[0].appendString(spot) } else { small.columns[0].appendNull() }
            let spend = i % 5 == 0 ? nil : Int64(i % 1000) - 100
            if let spend { small.columns[1].appendInt64(spend) } else { small.columns[1].appendNull() }
            small.columns[2].appendInt64(Int64(i))
            var t = totals[i / SegmentFormat.blockRows][spot] ?? (0, 0, 0, 0)
            t.rows += 1; t.spends += spend == nil ? 0 : 1; t.spend += spend ?? 0; t.n += Int64(i)
            totals[i / SegmentFormat.blockRows][spot] = t
        }
        _ = try SegmentWriter.write(small, to: dir.file("k.hyseg"))
        let segment = try SegmentReader(path: dir.file("k.hyseg"))
        let summary = try XCTUnwrap(try segment.codeSummary(column: 0))
        XCTAssertEqual(summary.measures, [1, 2])
        let dictionary = try segment.dictionary(column: 0)
        for (b, block) in summary.blocks.enumerated() {
            var found: [String?: (rows: Int64, spends: Int64, spend: Int64, n: Int64)] = [:]
            for k in block.codes.indices {
                let spot = block.codes[k] == CodeSummary.nullCode ? nil : dictionary.string(at: Int(block.codes[k]))
                found[spot] = (block.rows[k], block.counts[0][k], block.sums[0][k], block.sums[1][k])
            }
            XCTAssertEqual(found.count, totals[b].count)
            for (spot, t) in totals[b] {
                XCTAssertTrue(found[spot].map { $0 == t } ?? false, "block \(b), \(spot ?? "NULL")")
                XCTAssertEqual(block.counts[1][block.codes.firstIndex { spot == nil ? $0 == CodeSummary.nullCode : dictionary.string(at: Int($0)) == spot }!], t.rows)
            }
        }
    }

    func testPairsOfCodesCountWithNullsOnEitherSide() throws {
        // count(*) by two string columns in storage: a NULL on either side (or both) counts in its column's
        // NULL slot; a column that is NULL throughout has no dictionary. A block whose rows are not a
        // multiple of eight, NULL runs longer than a word, and both orders of the columns.
        let dir = TestDirectory()
        let schema = TableSchema(name: "p", columns: [ColumnDefinition("route", .string, nullable: true),
                                                      ColumnDefinition("origin", .string, nullable: true),
                                                      ColumnDefinition("none", .string, nullable: true)])
        let builder = SegmentBuilder(schema: schema)
        let routes = ["南岳线", "古城线", "湘江线"], origins = ["长沙", "广州", "衡阳", "武汉", "深圳"]
        var rows: [[String?]] = []
        for i in 0..<(SegmentFormat.blockRows + 5003) {
            let route = i % 4 == 1 || (i / 100) % 9 == 0 ? nil : routes[(i * 7) % 3]
            let origin = i % 11 == 0 || (i / 130) % 13 == 0 ? nil : origins[(i * 3 + i / 5) % 5]
            if let route { builder.columns[0].appendString(route) } else { builder.columns[0].appendNull() }
            if let origin { builder.columns[1].appendString(origin) } else { builder.columns[1].appendNull() }
            builder.columns[2].appendNull()
            rows.append([route, origin, nil])
        }
        _ = try SegmentWriter.write(builder, to: dir.file("p.hyseg"))
        let segment = try SegmentReader(path: dir.file("p.hyseg"))
        XCTAssertEqual(segment.columns[2].dictionaryCount, 0)
        let scratch = BlockScratch()
        for (first, second) in [(0, 1), (1, 0), (0, 2), (2, 1), (2, 2)] {
            let dictionaries = try [first, second].map { try segment.dictionary(column: $0) }
            let counts = [segment.columns[first].dictionaryCount + 1, segment.columns[second].dictionaryCount + 1]
            for block in 0..<segment.columns[0].blocks.count {
                var found = [Int64](repeating: 0, count: counts[0] * counts[1])
                try found.withUnsafeMutableBufferPointer {
                    try segment.countCodePairs(first: first, second: second, block: block, into: $0, scratch: scratch)
                }
                var expected: [[String?]: Int64] = [:]
                for row in rows[(block * SegmentFormat.blockRows)...].prefix(SegmentFormat.blockRows) {
                    expected[[row[first], row[second]], default: 0] += 1
                }
                var pairs: [[String?]: Int64] = [:]
                for (slot, n) in found.enumerated() where n != 0 {
                    let codes = [slot / counts[1], slot % counts[1]]
                    let key = (0..<2).map { codes[$0] == counts[$0] - 1 ? nil : dictionaries[$0].string(at: codes[$0]) }
                    pairs[key] = n
                }
                XCTAssertEqual(pairs, expected, "columns \(first), \(second), block \(block)")
            }
        }
    }

    func testAVersion2SegmentReadsWithoutBlockSums() throws {
        // The same segment with a version 2 footer (no block sums) and version 2 in header and trailer.
        let dir = TestDirectory()
        let (builder, expected) = Self.makeRows(70_000)
        _ = try SegmentWriter.write(builder, to: dir.file("v3.hyseg"))
        let current = try SegmentReader(path: dir.file("v3.hyseg"))
        try FileManager.default.copyItem(atPath: dir.file("v3.hyseg"), toPath: dir.file("v2.hyseg"))
        try rewriteFooter(of: dir.file("v2.hyseg"), with: current.footer, version: 2)
        let old = try SegmentReader(path: dir.file("v2.hyseg"))
        XCTAssertEqual(try Self.readRows(old), expected)
        XCTAssertNotNil(current.columns[2].blocks[0].sum)
        XCTAssertTrue(old.columns.allSatisfy { $0.blocks.allSatisfy { $0.sum == nil } })
        XCTAssertEqual(old.columns[2].blocks.map(\.max), current.columns[2].blocks.map(\.max))
    }

    func testAllNullAndEmptyColumns() throws {
        let dir = TestDirectory()
        let schema = TableSchema(name: "n", columns: [ColumnDefinition("s", .string, nullable: true), ColumnDefinition("x", .float64, nullable: true)])
        let builder = SegmentBuilder(schema: schema)
        for _ in 0..<100 { builder.columns[0].appendNull(); builder.columns[1].appendNull() }
        _ = try SegmentWriter.write(builder, to: dir.file("n.hyseg"))
        let reader = try SegmentReader(path: dir.file("n.hyseg"))
        XCTAssertEqual(reader.columns[0].nullCount, 100)
        XCTAssertEqual(reader.columns[0].dictionaryCount, 0)
        XCTAssertEqual(try Self.readRows(reader), [[String?]](repeating: [nil, nil], count: 100))
    }

    func testEveryFlippedByteIsDetectedOrHarmless() throws {
        let dir = TestDirectory()
        let (builder, expected) = Self.makeRows(5000)
        _ = try SegmentWriter.write(builder, to: dir.file("good.hyseg"))
        let original = try Data(contentsOf: URL(fileURLWithPath: dir.file("good.hyseg")))
        var detected = 0
        // Every byte of a segment is covered by a checksum or the magic numbers: flipping any must be detected.
        // A sample of positions, plus every byte of header and trailer.
        let edges = Array(0..<SegmentFormat.headerSize) + Array((original.count - SegmentFormat.trailerSize)..<original.count)
        for position in Array(stride(from: 0, to: original.count, by: max(1, original.count / 400))) + edges {
            var damaged = original
            damaged[position] ^= 0x40
            let path = dir.file("bad.hyseg")
            try damaged.write(to: URL(fileURLWithPath: path))
            do {
                let reader = try SegmentReader(path: path)
                let rows = try Self.readRows(reader)
                for column in reader.columns.indices { _ = try reader.codeSummary(column: column) }
                XCTFail("flip at byte \(position) went unnoticed (rows \(rows == expected ? "unchanged" : "changed"))")
            } catch let error as StorageError {
                guard case .corrupt = error else { XCTFail("unexpected \(error)"); continue }
                detected += 1
            }
        }
        XCTAssertGreaterThan(detected, 0)
    }

    func testColumnsThatDisagreeOnTheirBlocksAreReported() throws {
        // Readers index every column's blocks by the same block number: a footer (behind a valid checksum)
        // whose columns split the same rows into other blocks, or into more of them, is damage.
        let dir = TestDirectory()
        let (builder, _) = Self.makeRows(70_000)
        _ = try SegmentWriter.write(builder, to: dir.file("b.hyseg"))
        let footer = try SegmentReader(path: dir.file("b.hyseg")).footer
        XCTAssertEqual(footer.columns[1].blocks.map(\.rowCount), [SegmentFormat.blockRows, 70_000 - SegmentFormat.blockRows])
        var shifted = footer
        shifted.columns[1].blocks[0].rowCount -= 1
        shifted.columns[1].blocks[1].rowCount += 1
        var split = footer
        split.columns[1].blocks[1].rowCount -= 464
        split.columns[1].blocks.append(BlockInfo(range: footer.columns[1].blocks[1].range, rowCount: 464, nullCount: 0, min: 0, max: 0))
        for (name, damaged) in [("shifted", shifted), ("split", split)] {
            try FileManager.default.copyItem(atPath: dir.file("b.hyseg"), toPath: dir.file("\(name).hyseg"))
            try rewriteFooter(of: dir.file("\(name).hyseg"), with: damaged)
            XCTAssertThrowsError(try SegmentReader(path: dir.file("\(name).hyseg")), name) { error in
                guard case StorageError.corrupt(_, let detail, _, _) = error else { return XCTFail("\(error)") }
                XCTAssertTrue(detail.contains("\"name\"") && detail.contains("blocks"), detail)
            }
        }
    }

    func testLZ4IsKeptOnlyWhenItSavesAQuarter() {
        // Random bytes after a run of zeros: LZ4 saves about the run's share.
        var rng = SystemRandomNumberGenerator()
        func bytes(zeros: Int, random: Int) -> [UInt8] { [UInt8](repeating: 0, count: zeros) + (0..<random).map { _ in rng.next() } }
        for (raw, compressed) in [(bytes(zeros: 0, random: 40_000), false),
                                  (bytes(zeros: 6_000, random: 34_000), false),    // saves 15 %: stored raw
                                  (bytes(zeros: 14_000, random: 26_000), true)] {  // saves 35 %
            var body: [UInt8] = [1, 2, 3]
            let range = SegmentWriter.store(raw, into: &body)
            XCTAssertEqual(range.codec, compressed ? .lz4 : BlockCodec.none)
            XCTAssertEqual(range.offset, 3)
            XCTAssertEqual(Int(range.rawLength), raw.count)
            XCTAssertEqual(body.count, 3 + Int(range.storedLength))
            if compressed {
                XCTAssertLessThanOrEqual(Int(range.storedLength), raw.count - raw.count / 4)
                var out = [UInt8](repeating: 0, count: raw.count)
                let ok = body[3...].withUnsafeBytes { stored in out.withUnsafeMutableBytes { LZ4Codec.decompress(stored, into: $0) } }
                XCTAssertTrue(ok)
                XCTAssertEqual(out, raw)
            } else {
                XCTAssertEqual(Array(body[3...]), raw)
            }
        }
    }

    func testTruncatedSegmentIsReportedNotCrashed() throws {
        let dir = TestDirectory()
        let (builder, _) = Self.makeRows(3000)
        _ = try SegmentWriter.write(builder, to: dir.file("t.hyseg"))
        let original = try Data(contentsOf: URL(fileURLWithPath: dir.file("t.hyseg")))
        for length in [0, 5, 16, 47, original.count / 2, original.count - 1] {
            try original.prefix(length).write(to: URL(fileURLWithPath: dir.file("cut.hyseg")))
            XCTAssertThrowsError(try SegmentReader(path: dir.file("cut.hyseg"))) { error in
                guard case StorageError.corrupt(let path, _, _, _) = error else { return XCTFail("\(error)") }
                XCTAssertTrue(path.hasSuffix("cut.hyseg"))
            }
        }
    }
}

final class ColumnBuilderTests: XCTestCase {
    func testLeadingNullsDoNotWidenATimestampBlock() throws {
        let dir = TestDirectory()
        let schema = TableSchema(name: "t", columns: [ColumnDefinition("ts", .timestamp, nullable: true)])
        let builder = SegmentBuilder(schema: schema)
        builder.columns[0].appendNull()
        builder.columns[0].appendNull()
        for i in 0..<60_000 { builder.columns[0].appendInt64(1_759_276_800_000_000 + Int64(i) * 1_000_000) }
        _ = try SegmentWriter.write(builder, to: dir.file("t.hyseg"))
        let reader = try SegmentReader(path: dir.file("t.hyseg"))
        XCTAssertLessThan(Int(reader.columns[0].blocks[0].range.storedLength), 60_000 / 8 * 2 + 200, "about one bit a row, not 51")
        let rows = try reader.materializeRows()
        XCTAssertEqual(rows[0][0], nil)
        XCTAssertEqual(rows[1][0], nil)
        XCTAssertEqual(rows[2][0], .int(1_759_276_800_000_000))
        XCTAssertEqual(reader.columns[0].blocks[0].min, 1_759_276_800_000_000)
    }

    func testMostlyDistinctStringsAreAppendedThenMergedAtFinish() throws {
        let dir = TestDirectory()
        let schema = TableSchema(name: "t", columns: [ColumnDefinition("id", .string, nullable: true)])
        let builder = SegmentBuilder(schema: schema)
        var expected: [StoredValue?] = []
        for i in 0..<70_000 {
            if i % 1000 == 7 { builder.columns[0].appendNull(); expected.append(nil); continue }
            let text = "V\(String(format: "%08d", (i * 7) % 30_011))"
            builder.columns[0].appendString(text)
            expected.append(.string(text))
        }
        XCTAssertTrue(builder.columns[0].dictionary!.appendsWithoutLookup, "ids switch to appending")
        _ = try SegmentWriter.write(builder, to: dir.file("ids.hyseg"))
        let reader = try SegmentReader(path: dir.file("ids.hyseg"))
        let dictionary = try reader.dictionary(column: 0)
        XCTAssertEqual(dictionary.count, Set(expected.compactMap { $0 }.map(\.description)).count, "equal values merged")
        XCTAssertEqual(try reader.materializeRows().map { $0[0] }, expected)
    }

    func testMinimumIsOnlyForIntegerColumns() {
        let bad = TableSchema(name: "t", columns: [ColumnDefinition("x", .float64, minimum: 1)])
        XCTAssertThrowsError(try bad.validate()) { XCTAssertTrue("\($0)".contains("INT64 and MONEY")) }
        XCTAssertNoThrow(try TableSchema(name: "t", columns: [ColumnDefinition("q", .int64, minimum: 1)]).validate())
    }
}
