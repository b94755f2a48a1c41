import Foundation
import XCTest
@testable import HuiyanIngest
import HuiyanStorage
import HuiyanTourism

/// Feeds in GBK or GB18030, gzipped feeds, and ingests that reject every row (Fixtures/encodings holds the
/// sample feeds of Fixtures/feeds converted with iconv and compressed with gzip).
extension IngestorTests {
    /// The rows `file` gives when ingested alone into a fresh database.
    func rowsOf(_ file: String, table: String = "visits", encoding: FeedEncoding = .utf8) throws -> [[String?]] {
        let fresh = try Database.create(at: directory + "/db-\(UUID().uuidString.prefix(6))", tables: FeedCatalog.all)
        var options = IngestOptions()
        options.encoding = encoding
        options.rejectsPath = directory + "/rejects-\(UUID().uuidString.prefix(6)).csv"
        let summary = try Ingestor(database: fresh).ingest(table: table, files: [file], options: options)
        XCTAssertEqual(summary.rejected, 0, "\(file): \(summary.sampleRejections)")
        return try fresh.snapshot(of: table).materializeRows().map { $0.map { $0?.description } }
    }

    func testGBKAndGzippedFeedsGiveTheRowsOfTheirUTF8Original() throws {
        let csv = try rowsOf(fixture("feeds/visits.csv"))
        XCTAssertEqual(csv.count, 10)
        XCTAssertEqual(try rowsOf(fixture("encodings/visits-gbk.csv"), encoding: .gbk), csv)
        XCTAssertEqual(try rowsOf(fixture("encodings/visits-gbk.csv"), encoding: .gb18030), csv, "GB18030 is a superset of GBK")
        XCTAssertEqual(try rowsOf(fixture("encodings/visits.csv.gz")), csv)
        XCTAssertEqual(try rowsOf(fixture("encodings/visits-gbk.csv.gz"), encoding: .gbk), csv)
        XCTAssertEqual(try rowsOf(fixture("encodings/visits-gb18030.ndjson"), encoding: .gb18030), try rowsOf(fixture("feeds/visits.ndjson")))
    }

    func testAGBKFeedReadInSmallPiecesKeepsItsCharacters() throws {
        // Reads of 16 bytes cut two-byte characters in half: the converter carries the half to the next read.
        let reader = try CSVRecordReader(path: fixture("encodings/visits-gbk.csv"), chunkSize: 5, decoding: InputDecoding(encoding: .gbk))
        var spots: [String] = []
        while try reader.next() { spots.append(String(decoding: reader.field(2), as: UTF8.self)) }
        XCTAssertEqual(spots.count, 11)
        XCTAssertEqual(spots[1], "南岳衡山")
    }

    func testBadBytesInAGBKFeedAreRejectedWithTheirPlace() throws {
        // Line 3's spot holds 0xFF, which no GBK character has: that row alone is rejected, with its line and field.
        var bytes = Array("ts,visitor_id,spot,route,origin,group_type,spend\n2025-10-01T08:00:00,V1,".utf8) + [0xC4, 0xCF, 0xD4, 0xC0]
        bytes += Array(",,,,1.00\n2025-10-01T09:00:00,V2,".utf8) + [0xC4, 0xCF, 0xFF, 0xD4, 0xC0] + Array(",,,,2.00\n".utf8)
        let path = directory + "/bad-gbk.csv"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        let summary = try ingest("visits", [path]) { $0.encoding = .gbk }
        XCTAssertEqual(summary.accepted, 1)
        XCTAssertEqual(summary.rejected, 1)
        XCTAssertTrue(summary.sampleRejections[0].hasPrefix(path + ":3:3: column \"spot\""), summary.sampleRejections[0])
        XCTAssertEqual(try rows("visits").map { $0[2] }, ["南岳"])
    }

    func testAnIngestThatRejectsEveryRowFailsAndHintsAtTheEncoding() throws {
        XCTAssertThrowsError(try ingest("visits", [fixture("encodings/visits-gbk.csv")])) { error in
            guard case IngestError.nothingAccepted(let rejected, _, _, let hint) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(rejected, 10)
            XCTAssertTrue(hint?.contains("--encoding gbk") == true, "\(error)")
            XCTAssertTrue("\(error)".contains("every row was rejected (10), so nothing was committed"), "\(error)")
        }
        XCTAssertEqual(try database.snapshot(of: "visits").rowCount, 0)
        XCTAssertEqual(try rejections().count, 10, "the reasons are kept")
        // Nothing was recorded as ingested: the same file, read rightly, needs no --force.
        XCTAssertEqual(try ingest("visits", [fixture("encodings/visits-gbk.csv")]) { $0.encoding = .gbk }.accepted, 10)
    }

    func testACutGzipFileIsAnErrorAndCommitsNothing() throws {
        let whole = try Data(contentsOf: URL(fileURLWithPath: fixture("encodings/visits.csv.gz")))
        let path = directory + "/cut.csv.gz"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: whole.prefix(whole.count - 12)))
        XCTAssertThrowsError(try ingest("visits", [path])) { error in
            XCTAssertTrue("\(error)".contains("the gzip data ends too early"), "\(error)")
        }
        XCTAssertEqual(try database.snapshot(of: "visits").rowCount, 0)
    }
}
