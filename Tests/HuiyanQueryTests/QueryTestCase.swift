import Foundation
import XCTest
import HuiyanIngest
@testable import HuiyanQuery
import HuiyanStorage
import HuiyanTourism

/// A real database directory with the sample feeds and an edge-case table, and helpers to run SQL on it.
class QueryTestCase: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures").path

    var directory: String!
    var engine: QueryEngine!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "huiyan-query-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let database = try Database.create(at: directory + "/db", tables: FeedCatalog.all)
        let ingestor = Ingestor(database: database)
        var options = IngestOptions()
        options.rejectsPath = directory + "/rejects.csv"
        options.replaceRejects = true  // one scratch rejects file for every ingest of the test
        for table in ["visits", "tickets", "orders"] {
            _ = try ingestor.ingest(table: table, files: [Self.fixtures + "/feeds/\(table).csv"], options: options)
        }
        _ = try ingestor.ingest(table: "visits", files: [Self.fixtures + "/feeds/visits.ndjson"], options: options)
        engine = QueryEngine(database: database)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs one statement; returns its rows as text (NULL as "NULL"). A SELECT runs twice, with every optimizer
    /// rule on and with every rule off, and must give the same rows (in any order: without ORDER BY the paths may
    /// return them in another).
    func rows(_ sql: String, file: StaticString = #filePath, line: UInt = #line) -> [[String]] {
        do {
            let result = try engine.execute(sql, context: QueryContext(optimizer: .allOn)).last!
            let text = Self.text(result)
            if let statements = try? engine.parse(sql), statements.count == 1, case .select = statements[0] {
                let general = Self.text(try engine.execute(sql, context: QueryContext(optimizer: .allOff)).last!)
                XCTAssertEqual(general.sorted { $0.lexicographicallyPrecedes($1) }, text.sorted { $0.lexicographicallyPrecedes($1) },
                               "with every optimizer rule off: \(sql)", file: file, line: line)
            }
            return text
        } catch {
            XCTFail("\(sql): \(error)", file: file, line: line)
            return []
        }
    }

    static func text(_ result: QueryResult) -> [[String]] {
        result.rows.map { $0.map { ValueFormatting.text($0, offsetSeconds: 28_800) ?? "NULL" } }
    }

    /// The single value of a one-row, one-column result.
    func value(_ sql: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        let r = rows(sql, file: file, line: line)
        XCTAssertEqual(r.count, 1, sql, file: file, line: line)
        return r.first?.first ?? "<none>"
    }

    /// The error a statement raises: message and the query text under its range.
    func error(_ sql: String, file: StaticString = #filePath, line: UInt = #line) -> (message: String, at: String) {
        do {
            _ = try engine.execute(sql)
            XCTFail("no error for \(sql)", file: file, line: line)
        } catch let e as QueryError {
            let bytes = Array(sql.utf8)
            let at = e.range.map { String(decoding: bytes[$0.start..<min($0.end, bytes.count)], as: UTF8.self) } ?? ""
            return (e.message, at)
        } catch {
            XCTFail("not a QueryError: \(error)", file: file, line: line)
        }
        return ("", "")
    }

    /// Creates a table and loads CSV text into it through COPY.
    func load(_ create: String, table: String, csv: String) throws {
        _ = try engine.execute(create)
        try append(csv, to: table)
    }

    /// Adds the rows of `csv` to `table` by COPY from a file (each call a segment of its own).
    func append(_ csv: String, to table: String) throws {
        let path = directory + "/\(table).csv"
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        _ = try engine.execute("COPY \(table) FROM '\(path)'")
    }
}
