import Foundation
import XCTest
@testable import HuiyanIngest
import HuiyanStorage
import HuiyanTourism

/// A file split across threads gives exactly what one thread gives: the same rows in the same order, the
/// same rejects with the same line numbers — also when quoted fields hold line breaks near the split, and
/// when malformed quoting misleads the split.
final class ParallelIngestTests: XCTestCase {
    var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "huiyan-parallel-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    /// Ingests `file` with `threads` threads into a new database; returns rows and the rejects file's lines.
    func ingest(_ file: String, threads: Int, name: String) throws -> (rows: [[StoredValue?]], rejects: [String], summary: IngestSummary) {
        let database = try Database.create(at: directory + "/" + name, tables: FeedCatalog.all)
        var options = IngestOptions()
        options.threads = threads
        options.parallelThreshold = threads > 1 ? 0 : Int.max
        options.segmentRows = 700
        options.rejectsPath = directory + "/\(name)-rejects.csv"
        options.replaceRejects = true  // one scratch rejects file for every ingest of the test
        let table = "visits"
        let summary = try Ingestor(database: database).ingest(table: table, files: [file], options: options)
        let rejects = (try? String(contentsOfFile: options.rejectsPath!, encoding: .utf8))?.components(separatedBy: "\n") ?? []
        return (try database.snapshot(of: table).materializeRows(), rejects, summary)
    }

    func write(_ text: String, _ name: String) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func makeCSV(rows: Int, strayQuoteAt: Int? = nil) -> String {
        var text = "ts,visitor_id,spot,route,origin,group_type,spend\r\n"
        for i in 0..<rows {
            let spot = i % 5 == 0 ? "\"多行\n景点 \(i % 7)\"" : "spot\(i % 11)"
            let spend = i % 97 == 0 ? "1.234" : "\(i % 300).5"
            let route = i == strayQuoteAt ? "ab\"c" : (i % 3 == 0 ? "" : "\"r,\(i % 4)\"")
            text += "2025-10-01T08:00:00+08:00,V\(i % 313),\(spot),\(route),湖南,散客,\(spend)\r\n"
        }
        return text
    }

    func testSplitCSVEqualsOneThread() throws {
        let file = try write(makeCSV(rows: 5000), "a.csv")
        for threads in [2, 3, 7] {
            let one = try ingest(file, threads: 1, name: "one\(threads)")
            let many = try ingest(file, threads: threads, name: "many\(threads)")
            XCTAssertEqual(many.summary.accepted, one.summary.accepted)
            XCTAssertEqual(many.summary.rejected, one.summary.rejected)
            XCTAssertGreaterThan(one.summary.rejected, 0)
            XCTAssertEqual(many.rows, one.rows, "\(threads) threads")
            XCTAssertEqual(many.rejects, one.rejects, "same rejects, same line numbers")
        }
    }

    func testMisleadingQuoteFallsBackToOneThread() throws {
        // A stray quote inside an unquoted field flips the quote parity the splitter counts.
        let file = try write(makeCSV(rows: 3000, strayQuoteAt: 10), "stray.csv")
        let one = try ingest(file, threads: 1, name: "one")
        let many = try ingest(file, threads: 2, name: "many")
        XCTAssertEqual(many.rows, one.rows)
        XCTAssertEqual(many.rejects, one.rejects)
    }

    func testSplitNDJSONEqualsOneThread() throws {
        var text = ""
        for i in 0..<4000 {
            text += i % 101 == 0 ? "{broken\n" : "{\"ts\":\"2025-10-01T08:00:00+08:00\",\"visitor_id\":\"V\(i)\",\"spot\":\"南岳衡山\",\"spend\":\(i % 50).25}\n"
            if i % 17 == 0 { text += "\n" }
        }
        let file = try write(text, "a.ndjson")
        let one = try ingest(file, threads: 1, name: "one")
        let many = try ingest(file, threads: 2, name: "many")
        XCTAssertEqual(many.rows, one.rows)
        XCTAssertEqual(many.rejects, one.rejects)
        XCTAssertEqual(one.summary.rejected, 40)
    }

    func testSplitterBoundariesFollowRecords() throws {
        let file = try write("h\n\"a\nb\"\nc\r\nd\re\nf\n", "s.csv")
        let chunks = try FileSplitter.split(path: file, parts: 3, quoteAware: true)
        XCTAssertEqual(chunks.first?.start, 0)
        XCTAssertEqual(chunks.last?.end, Int64(try FileIO.fileSize(file)))
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        for chunk in chunks.dropFirst() {
            XCTAssertEqual(bytes[Int(chunk.start) - 1], 0x0A, "a chunk starts after a line feed")
            // The first line of a chunk counts every line break before it.
            let breaks = bytes[..<Int(chunk.start)].enumerated().filter { i, b in b == 0x0A || (b == 0x0D && (i + 1 >= bytes.count || bytes[i + 1] != 0x0A)) }.count
            XCTAssertEqual(chunk.firstLine, breaks + 1)
        }
    }

    /// The splitter counts line feeds in byte counters folded every 255 words: dense line breaks (every byte a
    /// line feed), CRs, CR LF pairs and quoted line breaks over many folds must still give exact line numbers.
    func testSplitterLineNumbersOnDenseAndLongInput() throws {
        var rng = SystemRandomNumberGenerator()
        for (name, pieces) in [("dense", ["\n"]), ("mixed", ["\n", "a", "\r\n", "\r", "\"x\ny\"", "ab,cd", "\"\"", "南"])] {
            var text = ""
            while text.utf8.count < 40_000 { text += pieces.randomElement(using: &rng)! }
            let file = try write(text, name + ".csv")
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
            for parts in [2, 3, 5] {
                let chunks = try FileSplitter.split(path: file, parts: parts, quoteAware: true)
                XCTAssertEqual(chunks.last?.end, Int64(bytes.count))
                for chunk in chunks.dropFirst() {
                    XCTAssertEqual(bytes[Int(chunk.start) - 1], 0x0A, "a chunk starts after a line feed")
                    let before = bytes[..<Int(chunk.start)]
                    let breaks = before.enumerated().filter { i, b in b == 0x0A || (b == 0x0D && (i + 1 >= bytes.count || bytes[i + 1] != 0x0A)) }.count
                    XCTAssertEqual(chunk.firstLine, breaks + 1, "\(name), \(parts) parts")
                    XCTAssertEqual(before.filter { $0 == 0x22 }.count % 2, 0, "outside quotes")
                }
            }
        }
    }

    func testWordByteCountIsExact() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let bytes = (0..<8).map { _ in [0x0A, 0x22, 0x0D, 0x00, 0xFF, 0x0B, 0x09, UInt8.random(in: 0...255, using: &rng)].randomElement(using: &rng)! } as [UInt8]
            let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            for target: UInt8 in [0x0A, 0x22, 0x0D] {
                XCTAssertEqual(FileSplitter.countBytes(word, equalTo: target), bytes.filter { $0 == target }.count)
                XCTAssertEqual(FileSplitter.matches(word, target).nonzeroBitCount, bytes.filter { $0 == target }.count)
            }
        }
    }
}
