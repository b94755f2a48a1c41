import XCTest
@testable import HuiyanStorage

final class DatabaseTests: XCTestCase {
    let schema = SegmentRoundTripTests.schema

    private func makeDatabase(_ dir: TestDirectory) throws -> Database {
        try Database.create(at: dir.file("db"), tables: [schema])
    }

    private func appendSegments(_ db: Database, rowsEach: [Int]) throws {
        let writer = try db.writer(command: "test append")
        defer { writer.close() }
        let append = try writer.beginAppend(to: "mixed")
        for rows in rowsEach { try append.write(SegmentRoundTripTests.makeRows(rows).0) }
        try append.commit()
    }

    private func allRows(_ db: Database) throws -> [[String?]] {
        try db.snapshot(of: "mixed").segments.flatMap { try SegmentRoundTripTests.readRows($0) }
    }

    func testCreateOpenAndListTables() throws {
        let dir = TestDirectory()
        _ = try makeDatabase(dir)
        let db = try Database.open(at: dir.file("db"))
        XCTAssertEqual(try db.tableNames(), ["mixed"])
        XCTAssertEqual(try db.manifest(of: "MIXED").schema, schema)
        XCTAssertEqual(db.settings.utcOffsetSeconds, 28_800)
        XCTAssertThrowsError(try db.snapshot(of: "visits")) { error in
            XCTAssertEqual("\(error)", "table \"visits\" does not exist (tables: mixed)")
        }
        XCTAssertThrowsError(try Database.open(at: dir.file("nothing"))) { error in
            XCTAssertTrue("\(error)".contains("no Huiyan database at"))
        }
    }

    func testAppendIsVisibleOnlyAfterCommitAndAbortLeavesNothing() throws {
        let dir = TestDirectory()
        let db = try makeDatabase(dir)
        let writer = try db.writer(command: "test")
        let append = try writer.beginAppend(to: "mixed")
        try append.write(SegmentRoundTripTests.makeRows(1000).0)
        XCTAssertEqual(try db.snapshot(of: "mixed").rowCount, 0, "a pending segment is invisible")
        append.abort()
        XCTAssertEqual(try FileIO.list(db.tablePath("mixed")), ["MANIFEST"])
        let second = try writer.beginAppend(to: "mixed")
        try second.write(SegmentRoundTripTests.makeRows(1000).0)
        try second.write(SegmentRoundTripTests.makeRows(500).0)
        try second.commit()
        writer.close()
        let snapshot = try db.snapshot(of: "mixed")
        XCTAssertEqual(snapshot.rowCount, 1500)
        XCTAssertEqual(snapshot.segments.count, 2)
        XCTAssertEqual(snapshot.manifest.generation, 2)
    }

    func testSecondWriterIsToldWhoHoldsTheLock() throws {
        let dir = TestDirectory()
        let db = try makeDatabase(dir)
        let first = try db.writer(command: "huiyan ingest visits a.csv")
        XCTAssertThrowsError(try db.writer(command: "second")) { error in
            guard case StorageError.locked(_, let holder) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(holder.contains("pid \(getpid())"), holder)
            XCTAssertTrue(holder.contains("huiyan ingest visits a.csv"), holder)
        }
        first.close()
        XCTAssertNoThrow(try db.writer(command: "third").close())
    }

    func testOrphansOfACrashAreRemovedWhenTheNextWriterOpens() throws {
        let dir = TestDirectory()
        let db = try makeDatabase(dir)
        try appendSegments(db, rowsEach: [100])
        let table = db.tablePath("mixed")
        // What a crashed writer leaves: an unpublished segment, a temporary segment, a temporary manifest.
        _ = try SegmentWriter.write(SegmentRoundTripTests.makeRows(10).0, to: table + "/" + Manifest.segmentFileName(99))
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: table + "/seg-00000100.hyseg.tmp"))
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: table + "/MANIFEST.tmp"))
        XCTAssertEqual(try db.snapshot(of: "mixed").rowCount, 100, "readers never see orphans")
        try db.writer(command: "cleanup").close()
        XCTAssertEqual(try FileIO.list(table), ["MANIFEST", Manifest.segmentFileName(1)])
    }

    func testCompactionKeepsEveryRowOnceAndInOrder() throws {
        let dir = TestDirectory()
        let db = try makeDatabase(dir)
        for rows in [700, 1, 3000, 70_000, 20] { try appendSegments(db, rowsEach: [rows]) }
        let before = try allRows(db)
        let writer = try db.writer(command: "compact")
        let report = try writer.compact(table: "mixed", targetRows: 4000)
        writer.close()
        XCTAssertEqual(report.segmentsBefore, 5)
        XCTAssertEqual(report.segmentsAfter, 3, "700+1+3000 merge; 70000 stays; 20 stays alone")
        XCTAssertEqual(try allRows(db), before)
        XCTAssertEqual(try FileIO.list(db.tablePath("mixed")).count, 1 + 3, "merged files are deleted")
        XCTAssertTrue(try db.verify().isClean)
    }

    func testCompactionRewritesSegmentsOfAnOlderFormat() throws {
        // A large segment of format 2 (no block sums, no totals per code) is rewritten in the current
        // format however large it is; one of the current format that large stays.
        let dir = TestDirectory()
        let db = try makeDatabase(dir)
        try appendSegments(db, rowsEach: [70_000, 70_000])
        let before = try allRows(db)
        let old = try db.snapshot(of: "mixed").segments[0]
        try rewriteFooter(of: old.path, with: old.footer, version: 2)
        let reopened = try Database.open(at: dir.file("db"))
        XCTAssertEqual(try reopened.snapshot(of: "mixed").segments.map(\.version), [2, SegmentFormat.version])
        let writer = try reopened.writer(command: "compact")
        let report = try writer.compact(table: "mixed", targetRows: 4000)
        writer.close()
        XCTAssertEqual(report.segmentsAfter, 2)
        let after = try Database.open(at: dir.file("db"))
        let segments = try after.snapshot(of: "mixed").segments
        XCTAssertEqual(segments.map(\.version), [SegmentFormat.version, SegmentFormat.version])
        XCTAssertNotNil(segments[0].columns[2].blocks[0].sum)
        XCTAssertEqual(try segments.flatMap { try SegmentRoundTripTests.readRows($0) }, before)
        XCTAssertTrue(try after.verify().isClean)
    }

    func testVerifyNamesFileColumnAndBlockOfDamage() throws {
        let dir = TestDirectory()
        let db = try makeDatabase(dir)
        try appendSegments(db, rowsEach: [SegmentFormat.blockRows + 10])
        XCTAssertTrue(try db.verify().isClean)
        let segment = try db.snapshot(of: "mixed").segments[0]
        let block = segment.columns[2].blocks[1]
        let path = segment.path
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[Int(block.range.offset) + 3] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: path))
        let report = try db.verify()
        XCTAssertEqual(report.damages.count, 1)
        XCTAssertEqual(report.damages.first?.file, path)
        XCTAssertEqual(report.damages.first?.column, "amount")
        XCTAssertEqual(report.damages.first?.block, 1)
        XCTAssertTrue(report.damages.first!.description.contains("checksum mismatch"))
        // Reading the damaged block fails clearly; undamaged blocks still read.
        let reader = try SegmentReader(path: path)
        let values = UnsafeMutablePointer<Int64>.allocate(capacity: SegmentFormat.blockRows)
        defer { values.deallocate() }
        XCTAssertNoThrow(try reader.decodeIntegers(column: 2, block: 0, into: values, validity: nil, scratch: BlockScratch()))
        XCTAssertThrowsError(try reader.decodeIntegers(column: 2, block: 1, into: values, validity: nil, scratch: BlockScratch()))
    }

    func testVerifyFindsABlockSumThatDisagreesWithTheValues() throws {
        // A footer whose recorded block sum is off by one fen (its checksum resealed): verify names the block.
        let dir = TestDirectory()
        let db = try makeDatabase(dir)
        try appendSegments(db, rowsEach: [SegmentFormat.blockRows + 10])
        let segment = try db.snapshot(of: "mixed").segments[0]
        var footer = segment.footer
        footer.columns[2].blocks[1].sum! += 1
        try rewriteFooter(of: segment.path, with: footer)
        let report = try Database.open(at: dir.file("db")).verify()
        XCTAssertEqual(report.damages.map(\.column), ["amount"])
        XCTAssertEqual(report.damages.first?.block, 1)
        XCTAssertTrue(report.damages.first!.description.contains("block sum"), report.damages.first!.description)
    }

    func testVerifyFindsDamagedTotalsPerCode() throws {
        // Two string columns with small dictionaries keep totals per code. A flipped byte in one's stored
        // totals, or the footer pointing each column at the other's (checksums resealed): verify names the
        // column, and reading them fails clearly.
        let dir = TestDirectory()
        let schema = TableSchema(name: "k", columns: [ColumnDefinition("spot", .string), ColumnDefinition("channel", .string),
                                                      ColumnDefinition("amount", .money)])
        let db = try Database.create(at: dir.file("db"), tables: [schema])
        let writer = try db.writer(command: "test append")
        let append = try writer.beginAppend(to: "k")
        let builder = SegmentBuilder(schema: schema)
        for i in 0..<70_000 {
            builder.columns[0].appendString(["南岳衡山", "石鼓书院", "东洲岛", "蔡伦竹海"][i % 4])
            builder.columns[1].appendString(["OTA", "景区窗口"][i % 7 % 2])
            builder.columns[2].appendInt64(Int64(i % 300) * 100)
        }
        try append.write(builder)
        try append.commit()
        writer.close()
        XCTAssertTrue(try Database.open(at: dir.file("db")).verify().isClean)
        let segment = try db.snapshot(of: "k").segments[0]
        let original = try Data(contentsOf: URL(fileURLWithPath: segment.path))
        let spot = try XCTUnwrap(segment.columns[0].summary)
        var flipped = original
        flipped[Int(spot.offset) + Int(spot.storedLength) / 2] ^= 0x20
        try flipped.write(to: URL(fileURLWithPath: segment.path))
        var report = try Database.open(at: dir.file("db")).verify()
        XCTAssertEqual(report.damages.map(\.column), ["spot"])
        XCTAssertTrue(report.damages[0].description.contains("code summary"), report.damages[0].description)
        XCTAssertThrowsError(try SegmentReader(path: segment.path).codeSummary(column: 0))

        try original.write(to: URL(fileURLWithPath: segment.path))
        var footer = segment.footer
        footer.columns[0].summary = segment.columns[1].summary
        footer.columns[1].summary = spot
        try rewriteFooter(of: segment.path, with: footer)
        report = try Database.open(at: dir.file("db")).verify()
        XCTAssertEqual(Set(report.damages.map(\.column)), ["spot", "channel"])
    }

    func testDamagedManifestIsDetected() throws {
        let dir = TestDirectory()
        let db = try makeDatabase(dir)
        try appendSegments(db, rowsEach: [10])
        let path = db.tablePath("mixed") + "/MANIFEST"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"rows\" : 10", with: "\"rows\" : 19")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try db.snapshot(of: "mixed")) { error in
            XCTAssertTrue("\(error)".contains("checksum mismatch"), "\(error)")
        }
        XCTAssertEqual(try db.verify().damages.map(\.file), [path])
    }

    func testAHalfBuiltDatabaseIsReplacedAndAnEmptyFolderIsUsed() throws {
        let dir = TestDirectory()
        // What a crashed `init` leaves: the temporary folder, without DATABASE.
        try FileManager.default.createDirectory(atPath: dir.file("db.creating/tables/visits"), withIntermediateDirectories: true)
        try Data([1]).write(to: URL(fileURLWithPath: dir.file("db.creating/tables/visits/MANIFEST")))
        try FileManager.default.createDirectory(atPath: dir.file("db"), withIntermediateDirectories: true)
        let db = try makeDatabase(dir)
        XCTAssertEqual(try db.tableNames(), ["mixed"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.file("db.creating")))
    }

    func testADamagedManifestDoesNotBlockWritesToOtherTables() throws {
        let dir = TestDirectory()
        let other = TableSchema(name: "other", columns: [ColumnDefinition("x", .int64)])
        let db = try Database.create(at: dir.file("db"), tables: [schema, other])
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: db.tablePath("mixed") + "/MANIFEST"))
        let writer = try db.writer(command: "test")
        defer { writer.close() }
        let append = try writer.beginAppend(to: "other")
        let builder = SegmentBuilder(schema: other)
        builder.columns[0].appendInt64(7)
        try append.write(builder)
        try append.commit()
        XCTAssertEqual(try db.snapshot(of: "other").rowCount, 1)
        XCTAssertEqual(try db.verify().damages.count, 1)
    }
}
