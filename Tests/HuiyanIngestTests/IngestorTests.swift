import Foundation
import XCTest
@testable import HuiyanIngest
import HuiyanStorage
import HuiyanTourism

/// Ingest of the feeds of FEEDS.md from the files in Fixtures/, into real database directories.
final class IngestorTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures").path

    var directory: String!
    var database: Database!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "huiyan-ingest-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        database = try Database.create(at: directory + "/db", tables: FeedCatalog.all)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func fixture(_ name: String) -> String { Self.fixtures + "/" + name }

    func ingest(_ table: String, _ files: [String], _ configure: (inout IngestOptions) -> Void = { _ in }) throws -> IngestSummary {
        var options = IngestOptions()
        options.rejectsPath = directory + "/rejects.csv"
        options.replaceRejects = true  // one scratch rejects file for every ingest of the test
        configure(&options)
        return try Ingestor(database: database).ingest(table: table, files: files, options: options)
    }

    func rows(_ table: String) throws -> [[String?]] {
        try database.snapshot(of: table).materializeRows().map { $0.map { $0?.description } }
    }

    /// The rejects file as (line, column, reason) triples.
    func rejections() throws -> [(line: String, column: String, reason: String)] {
        let reader = try CSVRecordReader(path: directory + "/rejects.csv")
        var found: [(line: String, column: String, reason: String)] = []
        guard try reader.next() else { return [] }
        while try reader.next() {
            let fields = (0..<reader.fieldCount).map { String(decoding: reader.field($0), as: UTF8.self) }
            found.append((fields[1], fields[3], fields[5]))
        }
        return found
    }

    func testSampleFeedsLoadCompletely() throws {
        for table in ["visits", "tickets", "orders"] {
            let summary = try ingest(table, [fixture("feeds/\(table).csv")])
            XCTAssertEqual(summary.rejected, 0, table)
            XCTAssertTrue(summary.committed)
        }
        XCTAssertEqual(try database.snapshot(of: "visits").rowCount, 10)
        XCTAssertEqual(try database.snapshot(of: "tickets").rowCount, 7)
        XCTAssertEqual(try database.snapshot(of: "orders").rowCount, 8)
        let first = try rows("visits")[0]
        // 2025-10-01T08:05:12+08:00 = 2025-10-01T00:05:12Z = 1759277112 s.
        XCTAssertEqual(first, ["1759277112000000", "V000001", "南岳衡山", "大南岳衡山旅游经济圈", "湖南", "散客", "26800"])
        XCTAssertEqual(try rows("visits")[3][6], nil, "an empty money field in a nullable column is NULL")
        XCTAssertEqual(try rows("visits")[9][6], "-2000", "negative money is a refund")
        XCTAssertEqual(try rows("orders")[2][7], nil, "empty merchant is NULL")
    }

    func testEveryRejectionReasonIsRecordedAndGoodRowsAreKept() throws {
        let summary = try ingest("visits", [fixture("malformed/visits-bad-rows.csv")])
        XCTAssertEqual(summary.accepted, 3)
        XCTAssertEqual(summary.rejected, 10)
        XCTAssertEqual(try rows("visits").map { $0[1] }, ["V1", "V9", "V12"])
        let found = try rejections()
        let expected: [(String, String, String)] = [
            ("3", "visitor_id", "required value is empty"),
            ("4", "ts", "month 13"),
            ("5", "spend", "more than two decimals"),
            ("6", "spend", "thousands separator"),
            ("7", "spend", "currency sign"),
            ("8", "spend", "not"),
            ("9", "", "too many fields: expected 7, found 8"),
            ("10", "", "too few fields: expected 7, found 5"),
            ("12", "ts", "timestamp"),
            ("13", "spot", "required value is empty"),
        ]
        XCTAssertEqual(found.count, expected.count)
        for (got, want) in zip(found, expected) {
            XCTAssertEqual(got.line, want.0)
            XCTAssertEqual(got.column, want.1, "line \(want.0)")
            XCTAssertTrue(got.reason.contains(want.2), "line \(want.0): \(got.reason) should mention \(want.2)")
        }
        let text = try String(contentsOfFile: directory + "/rejects.csv", encoding: .utf8)
        XCTAssertTrue(text.contains("\"2025-10-01T08:00:02+08:00,V3,石鼓书院,,湖南,散客,12.345\""), "the original record is kept")
        XCTAssertTrue(summary.sampleRejections[2].hasSuffix("visits-bad-rows.csv:5:7: column \"spend\": value \"12.345\": more than two decimals"),
                      summary.sampleRejections[2])
    }

    func testStrictCommitsNothingWhenAnythingIsRejected() throws {
        XCTAssertThrowsError(try ingest("visits", [fixture("feeds/visits.csv"), fixture("malformed/visits-bad-rows.csv")]) { $0.strict = true }) { error in
            XCTAssertTrue("\(error)".contains("10 row(s) rejected, and strict (--strict, or STRICT in COPY) commits nothing then"), "\(error)")
        }
        XCTAssertEqual(try database.snapshot(of: "visits").rowCount, 0)
        XCTAssertEqual(try FileIO.list(database.tablePath("visits")), ["MANIFEST"], "no segment file is left behind")
    }

    func testQuantityBelowOneIsRejected() throws {
        let summary = try ingest("tickets", [fixture("malformed/tickets-bad-qty.csv")])
        XCTAssertEqual(summary.accepted, 2)
        XCTAssertEqual(try rejections().map(\.reason), ["must be at least 1", "must be at least 1", "not an integer"])
    }

    func testInvalidUTF8IsRejected() throws {
        let summary = try ingest("visits", [fixture("malformed/visits-invalid-utf8.csv")])
        XCTAssertEqual(summary.accepted, 1)
        let first = try rejections().first
        XCTAssertEqual(first?.column, "spot")
        XCTAssertTrue(first?.reason.contains("UTF-8") == true, first?.reason ?? "")
    }

    func testBOMCRLFAndQuotedFieldsInAnyColumnOrder() throws {
        let summary = try ingest("visits", [fixture("malformed/visits-bom-crlf-quotes.csv")])
        XCTAssertEqual(summary.accepted, 2)
        XCTAssertEqual(summary.rejected, 1, "\"1,5\" is a decimal comma: rejected, not guessed")
        let stored = try rows("visits")
        XCTAssertEqual(stored[0][2], "two\r\nlines")
        XCTAssertEqual(stored[0][3], "a,b")
        XCTAssertEqual(stored[0][0], "1759305601000000", "Z is UTC: 08:00:01Z")
        XCTAssertEqual(stored[1][0], "1759248000000000", "a date alone is local midnight (UTC+8)")
        XCTAssertEqual(stored[1][6], "410")
        XCTAssertEqual(try rejections().first?.line, "2")
    }

    func testUnterminatedQuoteRejectsTheRestOfTheFileOnly() throws {
        let summary = try ingest("visits", [fixture("malformed/visits-unterminated-quote.csv")])
        XCTAssertEqual(summary.accepted, 1)
        XCTAssertEqual(summary.rejected, 1)
        let first = try rejections()[0]
        XCTAssertTrue(first.reason.contains("quote"), first.reason)
        XCTAssertEqual(first.line, "3")
    }

    func testHeaderProblemsRejectTheFileBeforeAnyRow() throws {
        XCTAssertThrowsError(try ingest("visits", [fixture("feeds/visits.csv"), fixture("malformed/visits-missing-column.csv")])) { error in
            XCTAssertTrue("\(error)".hasSuffix("visits-missing-column.csv:1: the header lacks required column \"spot\" of table \"visits\""), "\(error)")
        }
        XCTAssertThrowsError(try ingest("visits", [fixture("malformed/visits-unknown-column.csv")])) { error in
            XCTAssertTrue("\(error)".contains("names column \"weather\", which table \"visits\" does not have"), "\(error)")
        }
        XCTAssertEqual(try database.snapshot(of: "visits").rowCount, 0)
        let summary = try ingest("visits", [fixture("malformed/visits-unknown-column.csv")]) { $0.ignoreUnknownColumns = true }
        XCTAssertEqual(summary.accepted, 1)
    }

    func testEmptyHeaderOnlyAndMissingFiles() throws {
        XCTAssertThrowsError(try ingest("visits", [fixture("malformed/empty.csv")])) { error in
            XCTAssertTrue("\(error)".contains("empty.csv:1: the file is empty"), "\(error)")
        }
        let summary = try ingest("visits", [fixture("malformed/visits-header-only.csv")])
        XCTAssertEqual(summary.accepted, 0)
        XCTAssertEqual(summary.rejected, 0)
        XCTAssertThrowsError(try ingest("visits", [directory + "/nope.csv"])) { error in
            XCTAssertEqual("\(error)", "\(directory!)/nope.csv: no such file")
        }
        XCTAssertThrowsError(try ingest("visits", [fixture("feeds/visits.csv")].map { $0 + ".txt" })) { _ in }
    }

    func testOptionalColumnMayBeAbsent() throws {
        let summary = try ingest("orders", [fixture("malformed/orders-without-merchant.csv")])
        XCTAssertEqual(summary.accepted, 2)
        XCTAssertEqual(try rows("orders").map { $0[7] }, [nil, nil])
    }

    func testNDJSON() throws {
        let good = try ingest("visits", [fixture("feeds/visits.ndjson")])
        XCTAssertEqual(good.accepted, 3)
        let stored = try rows("visits")
        XCTAssertEqual(stored[0][6], "15050", "a JSON number is read exactly as money")
        XCTAssertEqual(stored[1][6], "4200", "so is a string")
        XCTAssertEqual(stored[2][0], "1759550400000000", "no offset: local time")
        XCTAssertEqual(stored[2][3], nil, "a missing key of a nullable column is NULL")

        let bad = try ingest("visits", [fixture("malformed/visits-bad.ndjson")])
        XCTAssertEqual(bad.accepted, 2)
        XCTAssertEqual(bad.rejected, 5)
        let reasons = try rejections()
        XCTAssertEqual(reasons.map(\.line), ["2", "3", "4", "5", "6"])
        XCTAssertEqual(reasons.map(\.column), ["", "spot", "weather", "", "spend"], "a nested value names its key")
        XCTAssertTrue(reasons[4].reason.contains("more than two decimals"))
    }

    func testAnEmptyStringIsNullInANullableColumnAndRejectedInARequiredOne() throws {
        // CSV: `""` quoted is empty as an unquoted empty field is; a space is a value.
        let csv = try ingest("visits", [fixture("malformed/visits-empty-strings.csv")])
        XCTAssertEqual(csv.accepted, 3)
        XCTAssertEqual(try rejections().map { [$0.line, $0.column, $0.reason] }, [["4", "spot", "required value is empty"]])
        let stored = try rows("visits")
        XCTAssertEqual(stored.map { $0[1] != nil }, [true, true, true])
        XCTAssertEqual(stored.map { [$0[3], $0[4], $0[6]] }, [[nil, "湖南", "1000"], [nil, nil, nil], [" ", "湖南", "1000"]],
                       "route, origin and spend of E1, E2 and E4")
        // NDJSON: an empty string is empty too.
        let ndjson = try ingest("visits", [fixture("malformed/visits-empty-strings.ndjson")])
        XCTAssertEqual(ndjson.accepted, 1)
        XCTAssertEqual(ndjson.rejected, 1)
        XCTAssertEqual(try rows("visits").last.map { $0[3] }, .some(nil))
    }

    func testAFileInAnotherEncodingIsNamedAsSuch() throws {
        XCTAssertThrowsError(try ingest("visits", [fixture("malformed/visits-utf16.csv")])) { error in
            XCTAssertTrue("\(error)".hasSuffix("visits-utf16.csv:1: the file is UTF-16LE (it starts with that byte-order mark); "
                + "feeds are UTF-8: convert it first, e.g. iconv -f UTF-16LE -t UTF-8 FILE > FILE.utf8"), "\(error)")
        }
        XCTAssertThrowsError(try ingest("visits", [fixture("malformed/visits-gbk-header.csv")]) { $0.ignoreUnknownColumns = true }) { error in
            XCTAssertTrue("\(error)".contains("visits-gbk-header.csv:1: the header is not valid UTF-8"), "\(error)")
        }
        XCTAssertEqual(try database.snapshot(of: "visits").rowCount, 0)
    }

    func testTheSameFileIsNotIngestedTwiceUnlessForced() throws {
        _ = try ingest("visits", [fixture("feeds/visits.csv")])
        XCTAssertThrowsError(try ingest("visits", [fixture("feeds/visits.csv")])) { error in
            XCTAssertTrue("\(error)".contains("was already ingested"), "\(error)")
        }
        let copy = directory + "/renamed.csv"
        try FileManager.default.copyItem(atPath: fixture("feeds/visits.csv"), toPath: copy)
        XCTAssertThrowsError(try ingest("visits", [copy]), "identified by content, not by name")
        XCTAssertEqual(try database.snapshot(of: "visits").rowCount, 10)
        _ = try ingest("visits", [copy]) { $0.force = true }
        XCTAssertEqual(try database.snapshot(of: "visits").rowCount, 20)
        // The same content twice in one command; a day with no rows, again the next day.
        XCTAssertThrowsError(try ingest("visits", [fixture("feeds/visits.ndjson"), fixture("feeds/visits.ndjson")])) { error in
            XCTAssertTrue("\(error)".contains("given before it in this command"), "\(error)")
        }
        let day2 = directory + "/day2.csv"
        try FileManager.default.copyItem(atPath: fixture("malformed/visits-header-only.csv"), toPath: day2)
        XCTAssertEqual(try ingest("visits", [fixture("malformed/visits-header-only.csv")]).accepted, 0)
        XCTAssertEqual(try ingest("visits", [day2]).accepted, 0, "an empty day is not a repeat of the last one")
    }

    func testLargeInputIsWrittenInSeveralSegmentsAndCommittedOnce() throws {
        let path = directory + "/big.csv"
        var text = "ts,visitor_id,spot,route,origin,group_type,spend\n"
        for i in 0..<25_000 {
            text += "2025-10-01T08:00:00+08:00,V\(i % 997),spot\(i % 13),,湖南,散客,\(i % 500).5\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let summary = try ingest("visits", [path]) { $0.segmentRows = 10_000 }
        XCTAssertEqual(summary.accepted, 25_000)
        XCTAssertEqual(summary.segmentsWritten, 3)
        let snapshot = try database.snapshot(of: "visits")
        XCTAssertEqual(snapshot.manifest.generation, 2, "one commit for the whole command")
        XCTAssertEqual(snapshot.rowCount, 25_000)
        XCTAssertEqual(try rows("visits")[24_999][1], "V\(24_999 % 997)")
    }
}
