import XCTest
@testable import HuiyanIngest

final class NDJSONRecordReaderTests: XCTestCase {
    private var dir: ParsingTempDirectory!

    override func setUpWithError() throws { dir = try ParsingTempDirectory() }
    override func tearDown() { dir.remove() }

    private func read(_ text: String, chunkSize: Int = NDJSONRecordReader.defaultChunkSize,
                      maxRecordBytes: Int = NDJSONRecordReader.defaultMaxRecordBytes) throws -> [NDJSONRecordSnapshot] {
        let path = try dir.write("t.ndjson", text)
        return try ParsingTestSupport.readNDJSON(path, chunkSize: chunkSize, maxRecordBytes: maxRecordBytes)
    }

    /// The problem reported for a single line.
    private func problem(_ line: String) throws -> NDJSONRecordProblem? {
        let records = try read(line + "\n")
        XCTAssertEqual(records.count, 1, line)
        return records.first?.problem
    }

    func testFlatObjectWithEveryValueKind() throws {
        let line = #"{"ts":"2025-10-01T09:31:22+08:00","spot":"南岳衡山","qty":3,"amount":120.50,"ok":true,"no":false,"merchant":null}"#
        let records = try read(line + "\n")
        XCTAssertEqual(records.count, 1)
        let r = records[0]
        XCTAssertNil(r.problem)
        XCTAssertEqual(r.keys, ["ts", "spot", "qty", "amount", "ok", "no", "merchant"])
        XCTAssertEqual(r.kinds, [.string, .string, .number, .number, .bool, .bool, .null])
        XCTAssertEqual(r.values, ["2025-10-01T09:31:22+08:00", "南岳衡山", "3", "120.50", "true", "false", "null"])
        XCTAssertEqual(r.line, 1)
        XCTAssertEqual(r.text, line)
        XCTAssertEqual(r.bytesConsumed, Int64(line.utf8.count + 1))
    }

    func testStringEscapesAreDecoded() throws {
        let line = #"{"a":"x\"y\\z\/w","b":"\n\t\r\b\f","c":"\u4e2d\u6587","d":"\ud83d\ude00!","e":"\u0041\u00e9\u00E9","k\u0065y":"v","n":"\u0000"}"#
        let records = try read(line)
        XCTAssertNil(records[0].problem)
        XCTAssertEqual(records[0].keys, ["a", "b", "c", "d", "e", "key", "n"])
        XCTAssertEqual(records[0].values, ["x\"y\\z/w", "\n\t\r\u{08}\u{0C}", "中文", "😀!", "Aéé", "v", "\u{0}"])
    }

    func testNumbersKeepTheirLiteralText() throws {
        let records = try read(#"{"a":-0,"b":1e5,"c":1.5E-3,"d":-12.30,"e":0.5,"f":123456789012345678901234567890}"#)
        XCTAssertNil(records[0].problem)
        XCTAssertEqual(records[0].values, ["-0", "1e5", "1.5E-3", "-12.30", "0.5", "123456789012345678901234567890"])
        XCTAssertEqual(records[0].kinds, Array(repeating: .number, count: 6))
    }

    func testWhitespaceAroundTokensAndEmptyObject() throws {
        let records = try read("  { \"a\" :\t1 , \"b\" :\"x\" }  \n{}\n\t{ }\t\n")
        XCTAssertEqual(records.count, 3)
        XCTAssertEqual(records[0].keys, ["a", "b"])
        XCTAssertEqual(records[0].values, ["1", "x"])
        XCTAssertEqual(records[0].text, "  { \"a\" :\t1 , \"b\" :\"x\" }  ")
        XCTAssertEqual(records[1].keys, [])
        XCTAssertNil(records[1].problem)
        XCTAssertEqual(records[2].keys, [])
        XCTAssertNil(records[2].problem)
    }

    func testNestedValuesAreNamed() throws {
        XCTAssertEqual(try problem(#"{"a":1,"b":{"c":2}}"#), .nestedValue(key: "b", isArray: false))
        XCTAssertEqual(try problem(#"{"tags":[1,2]}"#), .nestedValue(key: "tags", isArray: true))
        XCTAssertEqual(NDJSONRecordProblem.nestedValue(key: "tags", isArray: true).description,
                       "the value of \"tags\" is a nested array; only scalar values are allowed")
    }

    func testDuplicateKeys() throws {
        XCTAssertEqual(try problem(#"{"a":1,"b":2,"a":3}"#), .duplicateKey(key: "a"))
        XCTAssertEqual(try problem(#"{"spot":"x","sp\u006ft":"y"}"#), .duplicateKey(key: "spot"))
        XCTAssertNil(try problem(#"{"a":1,"ab":2,"b":3}"#))
        XCTAssertEqual(NDJSONRecordProblem.duplicateKey(key: "a").description, "duplicate key \"a\"")
    }

    func testNotAnObject() throws {
        for line in ["[1,2]", "\"x\"", "42", "null", "true", "-1"] {
            XCTAssertEqual(try problem(line), .notAnObject, line)
        }
    }

    func testMalformedJSONReportsTheColumn() throws {
        let cases: [(String, NDJSONRecordProblem)] = [
            (#"{"a":1,}"#, .malformed(column: 8, reason: "expected a key string")),
            (#"{"a" 1}"#, .malformed(column: 6, reason: "expected ':' after the key")),
            (#"{"a":}"#, .malformed(column: 6, reason: "expected a value")),
            (#"{"a":01}"#, .malformed(column: 7, reason: "leading zero in a number")),
            (#"{"a":1.}"#, .malformed(column: 8, reason: "expected a digit after '.'")),
            (#"{"a":-}"#, .malformed(column: 7, reason: "invalid number")),
            (#"{"a":1e}"#, .malformed(column: 8, reason: "expected an exponent digit")),
            (#"{"a":tru}"#, .malformed(column: 6, reason: "invalid literal (expected true)")),
            (#"{"a":"x"#, .malformed(column: 8, reason: "unterminated string")),
            (#"{"a":1"#, .malformed(column: 7, reason: "unexpected end of line, expected ',' or '}'")),
            (#"{"a":1 "b":2}"#, .malformed(column: 8, reason: "expected ',' or '}'")),
            (#"{"a":"\q"}"#, .malformed(column: 8, reason: "invalid escape sequence")),
            (#"{"a":"\u12G4"}"#, .malformed(column: 9, reason: #"invalid \u escape"#)),
            ("{\"a\":\"tab\there\"}", .malformed(column: 10, reason: "unescaped control character in a string")),
            (#"{a:1}"#, .malformed(column: 2, reason: "expected a key string")),
            ("hello", .malformed(column: 1, reason: "expected '{'")),
            ("{", .malformed(column: 2, reason: "unexpected end of line, expected a key or '}'")),
        ]
        for (line, expected) in cases {
            XCTAssertEqual(try problem(line), expected, line)
        }
        XCTAssertEqual(NDJSONRecordProblem.malformed(column: 8, reason: "expected a key string").description,
                       "malformed JSON at byte 8: expected a key string")
    }

    func testMalformedAtEndOfFileWithoutNewline() throws {
        let records = try read(#"{"a":"x"#)
        XCTAssertEqual(records.map(\.problem), [.malformed(column: 8, reason: "unterminated string")])
        let records2 = try read(#"{"a":1"#)
        XCTAssertEqual(records2.map(\.problem), [.malformed(column: 7, reason: "unexpected end of input, expected ',' or '}'")])
    }

    func testTrailingGarbage() throws {
        XCTAssertEqual(try problem(#"{"a":1} x"#), .trailingGarbage(column: 9))
        XCTAssertEqual(try problem(#"{"a":1}{"b":2}"#), .trailingGarbage(column: 8))
        XCTAssertNil(try problem("{\"a\":1} \t "))
    }

    func testLoneSurrogates() throws {
        XCTAssertEqual(try problem(#"{"a":"\ud800"}"#), .loneSurrogate(column: 7))
        XCTAssertEqual(try problem(#"{"a":"x\udc00"}"#), .loneSurrogate(column: 8))
        XCTAssertEqual(try problem(#"{"a":"\ud800\u0041"}"#), .loneSurrogate(column: 7))
        XCTAssertEqual(try problem(#"{"a":"\ud800\ud800"}"#), .loneSurrogate(column: 7))
        XCTAssertEqual(try read(#"{"a":"\ud800"#).map(\.problem), [.loneSurrogate(column: 7)])
    }

    func testMalformedLinesAreFollowedByGoodOnes() throws {
        let text = """
        {"id":1,"spot":"南岳衡山"}
        {"id":2,"spot":
        [1,2,3]
        {"id":3,"spot":{"x":1}}

        {"id":4,"spot":"石鼓书院"} trailing
        {"id":5,"spot":"东洲岛"}
        """
        let records = try read(text)
        XCTAssertEqual(records.map(\.line), [1, 2, 3, 4, 6, 7])
        XCTAssertEqual(records.map(\.problem), [
            nil,
            .malformed(column: 16, reason: "unexpected end of line, expected a value"),
            .notAnObject,
            .nestedValue(key: "spot", isArray: false),
            .trailingGarbage(column: 32),
            nil,
        ])
        XCTAssertEqual(records[1].text, #"{"id":2,"spot":"#)
        XCTAssertEqual(records[1].keys, [], "a bad record has no fields")
        XCTAssertEqual(records[5].values, ["5", "东洲岛"])
        XCTAssertEqual(records[5].bytesConsumed, Int64(text.utf8.count))
    }

    func testBlankLinesCRLFBOMAndNoFinalNewline() throws {
        let text = "\r\n{\"a\":1}\r\n   \r\n\n{\"a\":2}\r{\"a\":3}"
        let path = try dir.write("b.ndjson", bytes: [0xEF, 0xBB, 0xBF] + Array(text.utf8))
        let records = try ParsingTestSupport.readNDJSON(path)
        XCTAssertEqual(records.map(\.values), [["1"], ["2"], ["3"]])
        XCTAssertEqual(records.map(\.line), [2, 5, 6])
        XCTAssertEqual(records.map(\.text), ["{\"a\":1}", "{\"a\":2}", "{\"a\":3}"])
        XCTAssertEqual(records.last?.bytesConsumed, Int64(3 + text.utf8.count))
    }

    func testEmptyFiles() throws {
        XCTAssertEqual(try read(""), [])
        XCTAssertEqual(try read("\n  \n\t\r\n"), [])
    }

    func testLineOverTheLimit() throws {
        let text = "{\"a\":1}\n{\"a\":\"0123456789012345678901234567890\"}\r\n{\"a\":2}\n"
        for chunkSize in [1, 3, 8, 1 << 20] {
            let records = try read(text, chunkSize: chunkSize, maxRecordBytes: 20)
            XCTAssertEqual(records.map(\.problem), [nil, .recordTooLong(limit: 20), nil], "chunk \(chunkSize)")
            XCTAssertEqual(records.map(\.line), [1, 2, 3])
            XCTAssertEqual(records[1].text, "{\"a\":\"0123456789012345678901234567890\"}")
            XCTAssertEqual(records[2].values, ["2"])
        }
    }

    /// A line exactly at the limit is judged on its content in every chunking, even when the
    /// parser would like to look past a chunk boundary (literals, `\u` escapes).
    func testLineAtTheLimitIsNotTooLongInAnyChunking() throws {
        let lines = [#"{"a":tx}"#, #"{"a":"\u12"}"#, #"{"a":"\ud83d\"}"#, #"{"a":nul}"#, #"{"abc":1}"#]
        for line in lines {
            let text = line + "\n{}\n"
            let limit = line.utf8.count
            let reference = try read(text, maxRecordBytes: limit)
            XCTAssertNotEqual(reference.first?.problem, .recordTooLong(limit: limit), line)
            for chunkSize in 1...16 {
                XCTAssertEqual(try read(text, chunkSize: chunkSize, maxRecordBytes: limit), reference,
                               "\(line) chunk \(chunkSize)")
            }
        }
    }

    func testMissingFileThrowsNamingThePath() {
        let path = dir.path + "/missing.ndjson"
        XCTAssertThrowsError(try NDJSONRecordReader(path: path)) { error in
            XCTAssertEqual((error as? RecordReaderError).map { "\($0)" }?.hasPrefix("cannot open \(path): "), true)
        }
    }

    // MARK: - Chunk boundaries

    static let sample: [UInt8] = [0xEF, 0xBB, 0xBF] + Array((
        "{\"ts\":\"2025-10-01T09:31:22+08:00\",\"spot\":\"南岳衡山\",\"qty\":2,\"amount\":120.50}\r\n" +
        "\n" +
        "  {\"k\\u0065y\":\"a\\\"b\\\\c\\u4e2d\\ud83d\\ude00\",\"n\":null,\"t\":true,\"f\":false}\n" +
        "{\"bad\":[1]}\r" +
        "{\"x\":-1.5e+3,\"y\":\"\\ud800\"}\n" +
        "   \n" +
        "{\"a\":1,\"a\":2}\r\n" +
        "{\"s\":\"东洲岛\"} junk\n" +
        "{\"last\":\"\\/\"}"
    ).utf8)

    func testEveryChunkSizeFrom1To16GivesTheSameRecords() throws {
        let path = try dir.write("sample.ndjson", bytes: Self.sample)
        let reference = try ParsingTestSupport.readNDJSON(path)
        XCTAssertEqual(reference.map(\.line), [1, 3, 4, 5, 7, 8, 9])
        XCTAssertEqual(reference.map(\.problem), [
            nil, nil, .nestedValue(key: "bad", isArray: true), .loneSurrogate(column: 19), .duplicateKey(key: "a"),
            .trailingGarbage(column: 19), nil,  // byte columns: 东洲岛 is 9 bytes
        ])
        XCTAssertEqual(reference[1].keys, ["key", "n", "t", "f"])
        XCTAssertEqual(reference[1].values, ["a\"b\\c中😀", "null", "true", "false"])
        XCTAssertEqual(reference[6].values, ["/"])
        XCTAssertEqual(reference.last?.bytesConsumed, Int64(Self.sample.count))
        for chunkSize in 1...16 {
            XCTAssertEqual(try ParsingTestSupport.readNDJSON(path, chunkSize: chunkSize), reference, "chunk \(chunkSize)")
        }
    }

    func testEveryPrefixReadsTheSameInEveryChunking() throws {
        for length in 0...Self.sample.count {
            let path = try dir.write("prefix.ndjson", bytes: Array(Self.sample[0..<length]))
            let reference = try ParsingTestSupport.readNDJSON(path)
            for chunkSize in [1, 2, 3, 5, 8, 13] {
                XCTAssertEqual(try ParsingTestSupport.readNDJSON(path, chunkSize: chunkSize), reference,
                               "prefix \(length), chunk size \(chunkSize)")
            }
        }
    }

    func testOverlongSkippingAgreesAcrossChunkSizes() throws {
        let path = try dir.write("sample.ndjson", bytes: Self.sample)
        for limit in [10, 30, 60] {
            let reference = try ParsingTestSupport.readNDJSON(path, maxRecordBytes: limit)
            XCTAssertEqual(reference.map(\.line), [1, 3, 4, 5, 7, 8, 9])
            for chunkSize in 1...16 {
                XCTAssertEqual(try ParsingTestSupport.readNDJSON(path, chunkSize: chunkSize, maxRecordBytes: limit),
                               reference, "limit \(limit), chunk size \(chunkSize)")
            }
        }
    }
}
