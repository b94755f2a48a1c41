import XCTest
@testable import HuiyanIngest

/// The tokenizer on an in-memory buffer (as a parallel reader would use it).
final class CSVTokenizerTests: XCTestCase {
    private func tokenize(_ text: String, from: Int = 0, isFinal: Bool = true)
        -> (CSVTokenizer.Outcome, [String])
    {
        let bytes = Array(text.utf8)
        let table = ByteSpanTable(capacity: 1)
        return bytes.withUnsafeBufferPointer { buf in
            let outcome = CSVTokenizer.tokenizeRecord(buf.baseAddress!, from: from, end: buf.count,
                                                      isFinal: isFinal, into: table)
            let fields = (0..<table.count).map { String(decoding: table.bytes($0, base: buf.baseAddress!), as: UTF8.self) }
            return (outcome, fields)
        }
    }

    func testWalksRecordsOfABufferByOffset() {
        let text = "a,\"b\"\"c\",d\r\ne,f\n\"g\nh\""
        var from = 0
        var records: [[String]] = []
        var bounds: [CSVTokenizer.RecordBounds] = []
        while from < text.utf8.count {
            let (outcome, fields) = tokenize(text, from: from)
            guard case .record(let r) = outcome else { return XCTFail("expected a record") }
            records.append(fields)
            bounds.append(r)
            from = r.next
        }
        XCTAssertEqual(records, [["a", "b\"c", "d"], ["e", "f"], ["g\nh"]])
        XCTAssertEqual(bounds.map(\.contentEnd), [10, 15, 21])
        XCTAssertEqual(bounds.map(\.next), [12, 16, 21])
        XCTAssertEqual(bounds.map(\.innerLineBreaks), [0, 0, 1])
        XCTAssertEqual(bounds.map(\.terminated), [true, true, false])
    }

    func testNeedsMoreDataUntilTheRecordIsProvablyComplete() {
        XCTAssertEqual(tokenize("a,b", isFinal: false).0, .needMoreData)
        XCTAssertEqual(tokenize("a,\"b\n", isFinal: false).0, .needMoreData)
        XCTAssertEqual(tokenize("a,\"b\"", isFinal: false).0, .needMoreData, "could be a doubled quote")
        XCTAssertEqual(tokenize("a,b\r", isFinal: false).0, .needMoreData, "CR LF may be split")
        guard case .record(let r) = tokenize("a,b\n", isFinal: false).0 else { return XCTFail() }
        XCTAssertEqual(r.next, 4)
        guard case .record(let r2) = tokenize("a,b\rc", isFinal: false).0 else { return XCTFail() }
        XCTAssertEqual(r2.next, 4)
    }

    func testProblemsKeepTheFirstOne() {
        guard case .record(let r) = tokenize("a\"b,\"c\"d\n").0 else { return XCTFail() }
        XCTAssertEqual(r.problem, .quoteInUnquotedField(field: 1))
        guard case .record(let r2) = tokenize("x,\"c\"d,e\"f\n").0 else { return XCTFail() }
        XCTAssertEqual(r2.problem, .textAfterClosingQuote(field: 2))
    }
}
