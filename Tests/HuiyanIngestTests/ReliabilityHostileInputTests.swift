import Foundation
import XCTest
@testable import HuiyanIngest
import HuiyanStorage
import HuiyanTourism

/// Hostile feeds made by hand, issue 7: a 100 MB line, a million columns, a million keys. Each is a clear
/// rejection or error, never a crash or a hang, and the good rows around it are kept.
final class ReliabilityHostileInputTests: XCTestCase {
    var directory: String!
    var database: Database!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "huiyan-hostile-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        database = try Database.create(at: directory + "/db", tables: FeedCatalog.all)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func ingest(_ file: String, _ configure: (inout IngestOptions) -> Void = { _ in }) throws -> IngestSummary {
        var options = IngestOptions()
        options.rejectsPath = directory + "/rejects.csv"
        options.replaceRejects = true  // one scratch rejects file for every ingest of the test
        configure(&options)
        return try Ingestor(database: database).ingest(table: "visits", files: [file], options: options)
    }

    /// Writes `head`, then `count` copies of `byte`, then `tail`, in bounded memory.
    func writeFile(_ name: String, head: String, repeating byte: UInt8, count: Int, tail: String) throws -> String {
        let path = directory + "/" + name
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        handle.write(Data(head.utf8))
        let chunk = Data(repeating: byte, count: 1 << 20)
        var left = count
        while left > 0 {
            let n = min(left, chunk.count)
            handle.write(n == chunk.count ? chunk : chunk.prefix(n))
            left -= n
        }
        handle.write(Data(tail.utf8))
        return path
    }

    static let header = "ts,visitor_id,spot,route,origin,group_type,spend\n"
    static func row(_ id: String) -> String { "2025-10-01T08:00:00+08:00,\(id),spot,,湖南,散客,1.50\n" }
    static func object(_ id: String) -> String {
        #"{"ts":"2025-10-01T08:00:00+08:00","visitor_id":"\#(id)","spot":"spot","origin":"湖南","group_type":"散客","spend":1.5}"# + "\n"
    }

    func visitorIDs() throws -> [String?] { try database.snapshot(of: "visits").materializeRows().map { $0[1]?.description } }

    /// The rejects file stays small: the over-long record is kept only as a prefix.
    func assertSmallRejectsFile(file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertLessThan(try FileIO.fileSize(directory + "/rejects.csv"), 1 << 20, file: file, line: line)
    }

    func testA100MBCSVLineIsRejectedAndTheRowsAroundItKept() throws {
        let file = try writeFile("long.csv", head: Self.header + Self.row("V1") + "2025-10-01T08:00:00+08:00,",
                                 repeating: UInt8(ascii: "V"), count: 100 << 20, tail: ",spot,,湖南,散客,1.50\n" + Self.row("V2"))
        let summary = try ingest(file)
        XCTAssertEqual(summary.accepted, 2)
        XCTAssertEqual(summary.rejected, 1)
        XCTAssertTrue(summary.sampleRejections.first?.contains("long.csv:3: record longer than") == true, "\(summary.sampleRejections)")
        XCTAssertEqual(try visitorIDs(), ["V1", "V2"])
        try assertSmallRejectsFile()
    }

    func testA100MBNDJSONLineIsRejectedAndTheRowsAroundItKept() throws {
        let file = try writeFile("long.ndjson", head: Self.object("V1") + #"{"ts":"2025-10-01T08:00:00+08:00","visitor_id":""#,
                                 repeating: UInt8(ascii: "V"), count: 100 << 20, tail: "\"}\n" + Self.object("V2"))
        let summary = try ingest(file)
        XCTAssertEqual(summary.accepted, 2)
        XCTAssertEqual(summary.rejected, 1)
        XCTAssertTrue(summary.sampleRejections.first?.contains("long.ndjson:2: line longer than") == true, "\(summary.sampleRejections)")
        XCTAssertEqual(try visitorIDs(), ["V1", "V2"])
        try assertSmallRejectsFile()
    }

    func testAMillionColumns() throws {
        let extra = (0..<1_000_000).map { "c\($0)" }.joined(separator: ",")
        let values = String(repeating: ",x", count: 1_000_000)
        // A header of a million unknown columns: the file is refused, the error names the first and is short.
        let wide = directory + "/wide.csv"
        try (Self.header.dropLast() + "," + extra + "\n" + Self.row("V1").dropLast() + values + "\n").write(toFile: wide, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ingest(wide)) { error in
            XCTAssertTrue("\(error)".contains("header field 8 names column \"c0\""), "\(error)")
            XCTAssertLessThan("\(error)".utf8.count, 1000, "a clear error, not a list of a million names")
        }
        XCTAssertEqual(try visitorIDs(), [])
        // … and taken, when unknown columns are to be skipped.
        let skipped = try ingest(wide) { $0.ignoreUnknownColumns = true }
        XCTAssertEqual(skipped.accepted, 1)
        // A row of a million fields under a normal header: that row is rejected, the next one kept.
        let row = directory + "/widerow.csv"
        try (Self.header + Self.row("V2").dropLast() + values + "\n" + Self.row("V3")).write(toFile: row, atomically: true, encoding: .utf8)
        let summary = try ingest(row)
        XCTAssertEqual(summary.accepted, 1)
        XCTAssertTrue(summary.sampleRejections.first?.contains("too many fields: expected 7, found 1000007") == true, "\(summary.sampleRejections)")
        XCTAssertEqual(try visitorIDs(), ["V1", "V3"])
    }

    func testAMillionKeysInOneNDJSONObject() throws {
        let keys = (0..<1_000_000).map { #","k\#($0)":1"# }.joined()
        let file = directory + "/keys.ndjson"
        try (Self.object("V1").dropLast(2) + keys + "}\n" + Self.object("V2")).write(toFile: file, atomically: true, encoding: .utf8)
        // Unknown keys: the line is refused with a reason naming the first, the next line is kept …
        let summary = try ingest(file)
        XCTAssertEqual(summary.accepted + summary.rejected, 2)
        XCTAssertEqual(try visitorIDs().last, "V2")
        for rejection in summary.sampleRejections { XCTAssertLessThan(rejection.utf8.count, 1000, rejection) }
        // … or both are taken when unknown keys are to be skipped.
        let skipped = try ingest(file) { $0.ignoreUnknownColumns = true; $0.force = true }
        XCTAssertEqual(skipped.accepted, 2)
    }

    /// A line of a million keys made the duplicate-key check quadratic (a hang); past 32 keys it now hashes.
    /// Duplicates are still found there, escaped or not, and a line without one is still taken.
    func testDuplicateKeysAreFoundOnLinesOfManyKeys() throws {
        for count in [31, 32, 33, 200, 5000] {
            var line = ""
            for j in 0..<count { line += "\"a\(j)\":1," }
            let results = try ["a7", #"\u0061\u0037"#, "a\(count - 1)", "zz"].map { duplicate -> String? in
                let text = "{" + line + "\"\(duplicate)\":2}\n"
                let path = try ParsingTempDirectory()
                defer { path.remove() }
                let reader = try NDJSONRecordReader(path: try path.write("k.ndjson", text))
                XCTAssertTrue(try reader.next())
                return reader.problem.map { "\($0)" }
            }
            XCTAssertTrue(results[0]?.contains("duplicate") == true, "\(count) keys: \(results)")
            XCTAssertTrue(results[1]?.contains("duplicate") == true, "\(count) keys, escaped: \(results)")
            XCTAssertTrue(results[2]?.contains("duplicate") == true, "\(count) keys, last: \(results)")
            XCTAssertNil(results[3], "\(count) keys, no duplicate")
        }
    }
}
