import XCTest
@testable import HuiyanIngest

/// Reads the same small files with chunk sizes 1…16 (so every byte offset is a chunk
/// boundary for some size) and checks every record matches the single-chunk reading.
final class CSVChunkBoundaryTests: XCTestCase {
    private var dir: ParsingTempDirectory!

    override func setUpWithError() throws { dir = try ParsingTempDirectory() }
    override func tearDown() { dir.remove() }

    /// A file exercising every tokenizer path: BOM, CRLF, lone CR, blank lines, quoted
    /// separators and newlines (LF, CRLF, CR), doubled quotes, multi-byte UTF-8, malformed
    /// quoting, and a last record without a terminator.
    static let sample: [UInt8] = [0xEF, 0xBB, 0xBF] + Array((
        "ts,spot,note,spend\r\n" +
        "2025-10-01T09:31:22+08:00,南岳衡山,\"a,b\",120.00\r\n" +
        "\r\n" +
        "2025-10-01T09:31:23+08:00,\"石鼓\r\n书院\",\"say \"\"hi\"\"\",35.5\n" +
        "\n\n" +
        "x,\"\"\"\",\"\",\r" +
        "\"ab\"c,d\"e,\"multi\nline\rend\",-12.30\r\n" +
        ",,,\n" +
        "\"\",\"\"\"\"\"\",东洲岛,0"
    ).utf8)

    /// Byte offsets (`bytesConsumed`) were computed independently with Python.
    static let expected: [CSVRecordSnapshot] = [
        .init(fields: ["ts", "spot", "note", "spend"], quoted: [false, false, false, false], line: 1,
              problem: nil, text: "ts,spot,note,spend", bytesConsumed: 23),
        .init(fields: ["2025-10-01T09:31:22+08:00", "南岳衡山", "a,b", "120.00"], quoted: [false, false, true, false],
              line: 2, problem: nil, text: "2025-10-01T09:31:22+08:00,南岳衡山,\"a,b\",120.00", bytesConsumed: 76),
        .init(fields: ["2025-10-01T09:31:23+08:00", "石鼓\r\n书院", "say \"hi\"", "35.5"],
              quoted: [false, true, true, false], line: 4, problem: nil,
              text: "2025-10-01T09:31:23+08:00,\"石鼓\r\n书院\",\"say \"\"hi\"\"\",35.5", bytesConsumed: 139),
        .init(fields: ["x", "\"", "", ""], quoted: [false, true, true, false], line: 8, problem: nil,
              text: "x,\"\"\"\",\"\",", bytesConsumed: 152),
        .init(fields: ["ab", "d\"e", "multi\nline\rend", "-12.30"], quoted: [true, false, true, false], line: 9,
              problem: .textAfterClosingQuote(field: 1),
              text: "\"ab\"c,d\"e,\"multi\nline\rend\",-12.30", bytesConsumed: 187),
        .init(fields: ["", "", "", ""], quoted: [false, false, false, false], line: 12, problem: nil,
              text: ",,,", bytesConsumed: 191),
        .init(fields: ["", "\"\"", "东洲岛", "0"], quoted: [true, true, false, false], line: 13, problem: nil,
              text: "\"\",\"\"\"\"\"\",东洲岛,0", bytesConsumed: 212),
    ]

    func testSampleReadsAsExpectedInOneChunk() throws {
        let path = try dir.write("sample.csv", bytes: Self.sample)
        XCTAssertEqual(Self.sample.count, 212)
        let records = try ParsingTestSupport.readCSV(path)
        XCTAssertEqual(records.count, Self.expected.count)
        for (got, want) in zip(records, Self.expected) { XCTAssertEqual(got, want) }
    }

    func testEveryChunkSizeFrom1To16GivesTheSameRecords() throws {
        let path = try dir.write("sample.csv", bytes: Self.sample)
        for chunkSize in 1...16 {
            let records = try ParsingTestSupport.readCSV(path, chunkSize: chunkSize)
            XCTAssertEqual(records, Self.expected, "chunk size \(chunkSize)")
        }
    }

    /// Every prefix of the sample is itself a file (so the file can end anywhere, e.g. between
    /// CR and LF or right after an opening quote); each must read the same in every chunking.
    func testEveryPrefixReadsTheSameInEveryChunking() throws {
        for length in 0...Self.sample.count {
            let path = try dir.write("prefix.csv", bytes: Array(Self.sample[0..<length]))
            let reference = try ParsingTestSupport.readCSV(path)
            for chunkSize in [1, 2, 3, 5, 8, 13] {
                XCTAssertEqual(try ParsingTestSupport.readCSV(path, chunkSize: chunkSize), reference,
                               "prefix \(length), chunk size \(chunkSize)")
            }
        }
    }

    /// With a small record limit, over-long records are skipped in streaming mode for small
    /// chunks and detected in the buffer for a large chunk: both must agree.
    func testOverlongSkippingAgreesAcrossChunkSizes() throws {
        let path = try dir.write("sample.csv", bytes: Self.sample)
        for limit in [5, 12, 20, 40] {
            let reference = try ParsingTestSupport.readCSV(path, maxRecordBytes: limit)
            XCTAssertEqual(reference.map(\.line), Self.expected.map(\.line))
            for chunkSize in 1...16 {
                XCTAssertEqual(try ParsingTestSupport.readCSV(path, chunkSize: chunkSize, maxRecordBytes: limit),
                               reference, "limit \(limit), chunk size \(chunkSize)")
            }
        }
    }

    func testUnterminatedQuoteAtEveryChunking() throws {
        let text = "h1,h2\r\nok,\"fine\"\r\nbad,\"never closed\r\nmore,stuff\r\n"
        let path = try dir.write("open.csv", text)
        for chunkSize in 1...16 {
            let records = try ParsingTestSupport.readCSV(path, chunkSize: chunkSize)
            XCTAssertEqual(records.map(\.problem), [nil, nil, .unterminatedQuote(field: 2)], "chunk \(chunkSize)")
            XCTAssertEqual(records.map(\.line), [1, 2, 3])
            XCTAssertEqual(records[2].fields, ["bad", "never closed\r\nmore,stuff\r\n"])
        }
    }
}
