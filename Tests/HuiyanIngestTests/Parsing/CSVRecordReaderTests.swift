import XCTest
@testable import HuiyanIngest

final class CSVRecordReaderTests: XCTestCase {
    private var dir: ParsingTempDirectory!

    override func setUpWithError() throws { dir = try ParsingTempDirectory() }
    override func tearDown() { dir.remove() }

    private func read(_ text: String, chunkSize: Int = CSVRecordReader.defaultChunkSize,
                      maxRecordBytes: Int = CSVRecordReader.defaultMaxRecordBytes, comment: UInt8? = nil) throws -> [CSVRecordSnapshot] {
        let path = try dir.write("t.csv", text)
        return try ParsingTestSupport.readCSV(path, chunkSize: chunkSize, maxRecordBytes: maxRecordBytes, comment: comment)
    }

    func testCommentLinesAreSkippedOnlyWhenAsked() throws {
        // A comment may hold quotes and commas, end in CRLF, LF or CR, or the file; `#` inside a record is data.
        let text = "\u{FEFF}# made by hand, \"v2\"\r\na,b\n# one\n\n1,#2\r# two\n\"#3\",4\n#last"
        for chunkSize in [1, 2, 3, 5, 64] {
            let records = try read(text, chunkSize: chunkSize, comment: UInt8(ascii: "#"))
            XCTAssertEqual(records.map(\.fields), [["a", "b"], ["1", "#2"], ["#3", "4"]], "chunk \(chunkSize)")
            XCTAssertEqual(records.map(\.line), [2, 5, 7], "chunk \(chunkSize)")
            XCTAssertEqual(records.last?.bytesConsumed, Int64(text.utf8.count) - 5, "chunk \(chunkSize)")
        }
        let plain = try read(text)
        XCTAssertEqual(plain.first?.fields, ["# made by hand", " \"v2\""])
        XCTAssertEqual(plain.count, 7)
    }

    func testSimpleRowsWithHeader() throws {
        let header = "ts,visitor_id,spot,route,origin,group_type,spend\n"
        let row = "2025-10-01T09:31:22+08:00,V00012345,南岳衡山,红色旅游经典线,湖南,散客,120.00\n"
        let records = try read(header + row)
        XCTAssertEqual(records.count, 2)
        XCTAssertEqual(records[0].fields, ["ts", "visitor_id", "spot", "route", "origin", "group_type", "spend"])
        XCTAssertEqual(records[0].line, 1)
        XCTAssertEqual(records[0].bytesConsumed, Int64(header.utf8.count))
        XCTAssertEqual(records[1].fields,
                       ["2025-10-01T09:31:22+08:00", "V00012345", "南岳衡山", "红色旅游经典线", "湖南", "散客", "120.00"])
        XCTAssertEqual(records[1].quoted, Array(repeating: false, count: 7))
        XCTAssertEqual(records[1].line, 2)
        XCTAssertNil(records[1].problem)
        XCTAssertEqual(records[1].text, String(row.dropLast()))
        XCTAssertEqual(records[1].bytesConsumed, Int64((header + row).utf8.count))
    }

    func testQuotedCommasQuotesAndNewlines() throws {
        let text = "a,b,c\n\"x,y\",\"he said \"\"hi\"\"\",\"line1\nline2\"\nnext,\"\",end\n"
        let records = try read(text)
        XCTAssertEqual(records.count, 3)
        XCTAssertEqual(records[1].fields, ["x,y", "he said \"hi\"", "line1\nline2"])
        XCTAssertEqual(records[1].quoted, [true, true, true])
        XCTAssertEqual(records[1].line, 2)
        XCTAssertEqual(records[1].text, "\"x,y\",\"he said \"\"hi\"\"\",\"line1\nline2\"")
        XCTAssertNil(records[1].problem)
        XCTAssertEqual(records[2].fields, ["next", "", "end"])
        XCTAssertEqual(records[2].quoted, [false, true, false])
        XCTAssertEqual(records[2].line, 4, "the quoted newline makes record 2 span lines 2–3")
    }

    func testQuotedFieldOfOnlyEscapedQuotes() throws {
        let records = try read("\"\"\"\"\"\",\"a\"\"\"\n")
        XCTAssertEqual(records.map(\.fields), [["\"\"", "a\""]])
    }

    func testMultipleQuotedNewlinesCountLines() throws {
        let text = "\"1\n2\n3\",x\r\n\"a\r\nb\",y\r\n\"c\rd\",z\nlast,w\n"
        let records = try read(text)
        XCTAssertEqual(records.map(\.line), [1, 4, 6, 8])
        XCTAssertEqual(records[0].fields, ["1\n2\n3", "x"])
        XCTAssertEqual(records[1].fields, ["a\r\nb", "y"])
        XCTAssertEqual(records[2].fields, ["c\rd", "z"])
    }

    func testCRLFAndLoneCRTerminators() throws {
        let records = try read("a,b\r\nc,d\re,f\r\n")
        XCTAssertEqual(records.map(\.fields), [["a", "b"], ["c", "d"], ["e", "f"]])
        XCTAssertEqual(records.map(\.line), [1, 2, 3])
        XCTAssertEqual(records.map(\.text), ["a,b", "c,d", "e,f"])
        XCTAssertEqual(records.map(\.bytesConsumed), [5, 9, 14])
    }

    func testByteOrderMarkIsSkipped() throws {
        let path = try dir.write("bom.csv", bytes: [0xEF, 0xBB, 0xBF] + Array("id,name\n1,衡阳\n".utf8))
        let records = try ParsingTestSupport.readCSV(path)
        XCTAssertEqual(records.map(\.fields), [["id", "name"], ["1", "衡阳"]])
        XCTAssertEqual(records[0].text, "id,name")
        XCTAssertEqual(records[0].bytesConsumed, 3 + 8)
        XCTAssertEqual(records.map(\.line), [1, 2])
    }

    func testBOMOnlyInTheMiddleIsData() throws {
        let path = try dir.write("bom2.csv", bytes: Array("a\n".utf8) + [0xEF, 0xBB, 0xBF] + Array("b\n".utf8))
        let records = try ParsingTestSupport.readCSV(path)
        XCTAssertEqual(records.map(\.fields), [["a"], ["\u{FEFF}b"]])
    }

    func testNoFinalNewline() throws {
        let records = try read("a,b\nc,d")
        XCTAssertEqual(records.map(\.fields), [["a", "b"], ["c", "d"]])
        XCTAssertEqual(records[1].line, 2)
        XCTAssertEqual(records[1].bytesConsumed, 7)
        XCTAssertEqual(try read("a,\"b\"").map(\.fields), [["a", "b"]])
        XCTAssertEqual(try read("a,b\r").map(\.fields), [["a", "b"]])
    }

    func testEmptyAndBlankOnlyFiles() throws {
        XCTAssertEqual(try read(""), [])
        XCTAssertEqual(try read("\n\r\n\r\n\n"), [])
        let bomOnly = try dir.write("bomonly.csv", bytes: [0xEF, 0xBB, 0xBF])
        XCTAssertEqual(try ParsingTestSupport.readCSV(bomOnly), [])
    }

    func testHeaderOnly() throws {
        let records = try read("ts,spot,spend\n")
        XCTAssertEqual(records.map(\.fields), [["ts", "spot", "spend"]])
        XCTAssertEqual(records[0].bytesConsumed, 14)
    }

    func testBlankLinesAreSkippedButCounted() throws {
        let records = try read("a\n\n\r\nb\n   \n\n")
        XCTAssertEqual(records.map(\.fields), [["a"], ["b"], ["   "]])
        XCTAssertEqual(records.map(\.line), [1, 4, 5])
    }

    func testEmptyFieldsAndQuotedEmptyLine() throws {
        let records = try read("a,\n,\n\"\"\n,,\n")
        XCTAssertEqual(records.map(\.fields), [["a", ""], ["", ""], [""], ["", "", ""]])
        XCTAssertEqual(records[2].quoted, [true])
        XCTAssertEqual(records[1].quoted, [false, false])
    }

    func testUnterminatedQuoteRunsToEndOfFileAndIsReportedOnce() throws {
        let text = "a,b\n1,\"open\n2,3\n4,5\n"
        let records = try read(text)
        XCTAssertEqual(records.count, 2)
        XCTAssertNil(records[0].problem)
        XCTAssertEqual(records[1].line, 2)
        XCTAssertEqual(records[1].problem, .unterminatedQuote(field: 2))
        XCTAssertEqual(records[1].text, "1,\"open\n2,3\n4,5\n")
        XCTAssertEqual(records[1].bytesConsumed, Int64(text.utf8.count))
        XCTAssertEqual(CSVRecordProblem.unterminatedQuote(field: 2).description,
                       "unterminated quote in field 2 (the record runs to the end of the file)")
    }

    func testTextAfterClosingQuote() throws {
        let records = try read("\"ab\"c,d\nx,\"y\"z\nok,1\n")
        XCTAssertEqual(records.count, 3)
        XCTAssertEqual(records[0].problem, .textAfterClosingQuote(field: 1))
        XCTAssertEqual(records[0].fields, ["ab", "d"])
        XCTAssertEqual(records[1].problem, .textAfterClosingQuote(field: 2))
        XCTAssertEqual(records[1].line, 2)
        XCTAssertNil(records[2].problem)
        XCTAssertEqual(records[2].fields, ["ok", "1"])
        XCTAssertEqual(records[2].line, 3)
    }

    func testQuoteInsideUnquotedField() throws {
        let records = try read("ab\"c,d\nx, \"y\"\nok\n")
        XCTAssertEqual(records[0].problem, .quoteInUnquotedField(field: 1))
        XCTAssertEqual(records[0].fields, ["ab\"c", "d"])
        XCTAssertEqual(records[1].problem, .quoteInUnquotedField(field: 2))
        XCTAssertEqual(records[1].fields, ["x", " \"y\""])
        XCTAssertNil(records[2].problem)
        XCTAssertEqual(records.map(\.line), [1, 2, 3])
    }

    func testRecordOverTheLimitIsABadRecordInEveryChunking() throws {
        let text = "short\n0123456789ABCDEF,x\r\nok,1\n\"aaaaaaaaaa\nbbbbbbbbbb\",c\nend\n"
        for chunkSize in [3, 4, 7, 64, 1 << 20] {
            let records = try read(text, chunkSize: chunkSize, maxRecordBytes: 10)
            XCTAssertEqual(records.map(\.line), [1, 2, 3, 4, 6], "chunk \(chunkSize)")
            XCTAssertEqual(records.map(\.problem),
                           [nil, .recordTooLong(limit: 10), nil, .recordTooLong(limit: 10), nil], "chunk \(chunkSize)")
            XCTAssertEqual(records[1].fields, [])
            XCTAssertEqual(records[1].text, "0123456789ABCDEF,x")
            XCTAssertEqual(records[1].bytesConsumed, 26)
            XCTAssertEqual(records[2].fields, ["ok", "1"])
            XCTAssertEqual(records[4].fields, ["end"])
        }
        XCTAssertEqual(CSVRecordProblem.recordTooLong(limit: 10).description, "record longer than 10 bytes")
    }

    func testRecordExactlyAtTheLimitIsFine() throws {
        for chunkSize in [1, 3, 11, 1 << 20] {
            let records = try read("0123456789\nabcdefghijk\n", chunkSize: chunkSize, maxRecordBytes: 10)
            XCTAssertEqual(records.map(\.problem), [nil, .recordTooLong(limit: 10)], "chunk \(chunkSize)")
        }
    }

    func testOverlongRecordTextIsTruncated() throws {
        let long = String(repeating: "x", count: 10_000)
        for chunkSize in [100, 1 << 20] {
            let records = try read("\(long),y\nok\n", chunkSize: chunkSize, maxRecordBytes: 1000)
            XCTAssertEqual(records.count, 2)
            XCTAssertEqual(records[0].problem, .recordTooLong(limit: 1000))
            XCTAssertEqual(records[0].text.utf8.count, CSVRecordReader.overlongRecordTextLimit)
            XCTAssertEqual(records[1].fields, ["ok"])
            XCTAssertEqual(records[1].line, 2)
        }
    }

    func testUnterminatedQuoteLongerThanTheLimit() throws {
        let text = "a\nb,\"" + String(repeating: "z\n", count: 50)
        for chunkSize in [4, 1 << 20] {
            let records = try read(text, chunkSize: chunkSize, maxRecordBytes: 10)
            XCTAssertEqual(records.map(\.problem), [nil, .unterminatedQuote(field: 2)], "chunk \(chunkSize)")
            XCTAssertEqual(records[1].line, 2)
            XCTAssertEqual(records[1].bytesConsumed, Int64(text.utf8.count))
        }
    }

    func testLongRecordsWithinTheLimitSpanManyChunks() throws {
        let big = String(repeating: "南岳衡山", count: 5000)  // 60 000 bytes
        let text = "\(big),\"\(big)\"\"\(big)\"\nx\n"
        let records = try read(text, chunkSize: 7)
        XCTAssertEqual(records.count, 2)
        XCTAssertEqual(records[0].fields, [big, big + "\"" + big])
        XCTAssertEqual(records[1].fields, ["x"])
        XCTAssertEqual(records[1].line, 2)
    }

    func testMissingFileThrowsNamingThePath() {
        let path = dir.path + "/no-such-file.csv"
        XCTAssertThrowsError(try CSVRecordReader(path: path)) { error in
            guard case RecordReaderError.cannotOpen(let p, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(p, path)
            XCTAssertTrue("\(error)".contains(path))
            XCTAssertTrue("\(error)".contains("No such file"), "\(error)")
        }
        XCTAssertThrowsError(try CSVRecordReader(path: dir.path)) { error in
            guard case RecordReaderError.cannotOpen(let p, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(p, dir.path)
        }
    }

    func testBytesConsumedGrowsToTheFileSize() throws {
        var text = ""
        for i in 0..<500 { text += "\(i),\"row \(i)\"\n" }
        let path = try dir.write("p.csv", text)
        let reader = try CSVRecordReader(path: path, chunkSize: 64)
        XCTAssertEqual(reader.fileSize, Int64(text.utf8.count))
        var last: Int64 = 0
        var count = 0
        while try reader.next() {
            XCTAssertGreaterThan(reader.bytesConsumed, last)
            last = reader.bytesConsumed
            count += 1
        }
        XCTAssertEqual(count, 500)
        XCTAssertEqual(reader.bytesConsumed, Int64(text.utf8.count))
    }

    func testManyFieldsGrowTheTable() throws {
        let fields = (0..<1000).map { "f\($0)" }
        let records = try read(fields.joined(separator: ",") + "\n" + fields.reversed().joined(separator: ","))
        XCTAssertEqual(records[0].fields, fields)
        XCTAssertEqual(records[1].fields, fields.reversed())
    }
}
