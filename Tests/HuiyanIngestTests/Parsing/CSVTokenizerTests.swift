import XCTest
@testable import HuiyanIngest
import HuiyanBuffers

/// The tokenizer on an in-memory buffer (as a parallel reader would use it).
final class CSVTokenizerTests: XCTestCase {
    private func tokenize(_ text: String, from: Int = 0, isFinal: Bool = true)
        -> (CSVTokenizer.Outcome, [String])
    {
        let bytes = Array(text.utf8)
        let table = ByteSpanTable(capacity: 1)
        return bytes.withUnsafeBufferPointer { buf in
            let outcome = CSVTokenizer.tokenizeRecord(UncheckedBytes(buf), from: from, end: buf.count,
                                                      isFinal: isFinal, into: table)
            let fields = (0..<table.count).map { String(decoding: table.bytes(unchecked: $0, in: UncheckedBytes(buf)), as: UTF8.self) }
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

    /// Unquoted fields are scanned eight bytes at a time: every field length and alignment, with each
    /// terminator and with the record cut at every byte, must give the fields a byte-by-byte scan gives.
    func testWordAtATimeScanAtEveryLengthAndAlignment() {
        for lead in 0..<8 {
            for length in 0..<20 {
                for terminator in ["\n", "\r\n", "\r", ""] {
                    let field = String(repeating: "南x", count: length / 2) + (length % 2 == 1 ? "+" : "")
                    let text = String(repeating: "a", count: lead) + "," + field + "," + field + "9" + terminator
                    let (outcome, fields) = tokenize(text)
                    guard case .record(let r) = outcome else { return XCTFail("expected a record") }
                    XCTAssertEqual(fields, [String(repeating: "a", count: lead), field, field + "9"], "lead \(lead), length \(length)")
                    XCTAssertEqual(r.next, text.utf8.count)
                    // Cut short, the record is incomplete (or complete only when the cut is after its terminator).
                    for cut in 0..<text.utf8.count {
                        let bytes = Array(text.utf8.prefix(cut))
                        let table = ByteSpanTable(capacity: 1)
                        let partial = bytes.withUnsafeBufferPointer { buf -> CSVTokenizer.Outcome in
                            guard !buf.isEmpty else { return .needMoreData }
                            return CSVTokenizer.tokenizeRecord(UncheckedBytes(buf), from: 0, end: cut, isFinal: false, into: table)
                        }
                        XCTAssertEqual(partial, .needMoreData, "cut at \(cut) of \(text.debugDescription)")
                    }
                }
            }
        }
        // A quote inside an unquoted field is found by the word scan too, and reported.
        guard case .record(let r) = tokenize("abcdefghij\"klmnopq,r\n").0 else { return XCTFail() }
        XCTAssertEqual(r.problem, .quoteInUnquotedField(field: 1))
    }

    func testSpecialByteWordsAreExact() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let bytes = (0..<8).map { _ in [0x2C, 0x0A, 0x0D, 0x22, 0x2B, 0x2D, 0xAC, 0x8A, 0x00, UInt8.random(in: 0...255, using: &rng)].randomElement(using: &rng)! } as [UInt8]
            let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            let expected = bytes.enumerated().reduce(UInt64(0)) { bits, item in
                [0x2C, 0x0A, 0x0D, 0x22].contains(item.element) ? bits | (UInt64(0x80) << UInt64(8 * item.offset)) : bits
            }
            XCTAssertEqual(CSVTokenizer.specialBytes(word), expected)
            // The first byte below 0x2D is found exactly.
            let firstBelow = bytes.firstIndex { $0 < 0x2D }
            let below = CSVTokenizer.bytesBelowComma(word)
            XCTAssertEqual(below == 0 ? nil : below.trailingZeroBitCount >> 3, firstBelow)
        }
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
