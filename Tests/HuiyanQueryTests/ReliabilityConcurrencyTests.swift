import Foundation
import XCTest
import HuiyanIngest
@testable import HuiyanQuery
import HuiyanStorage
import HuiyanTourism

/// Concurrency, issue 7: queries running while ingests (each several segments, published in one manifest swap)
/// and compactions (old segments replaced by merged ones, then deleted) go on must always see one committed
/// state — totals equal to the table after some whole number of ingests, never a half, never a row twice —
/// and never fail because a compaction removed a file under them.
final class ReliabilityConcurrencyTests: XCTestCase {
    var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "huiyan-concurrency-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    static let totals = "SELECT count(*), sum(spend), count(DISTINCT visitor_id), max(ts) FROM visits"

    /// What the reader threads saw: each answer and how often, the errors, and whether to stop.
    struct Observations {
        var seen: [String: Int] = [:]
        var errors: [String] = []
        var queries = 0
        var stopped = false
    }

    func testQueriesDuringIngestsAndCompactionsSeeOnlyCommittedStates() throws {
        let path = directory + "/db"
        let database = try Database.create(at: path, tables: FeedCatalog.all)
        let ingests = 24
        var files: [String] = []
        for f in 0..<ingests {
            var text = "ts,visitor_id,spot,route,origin,group_type,spend\n"
            for i in 0..<(1000 + 37 * f) {
                text += "2025-\(String(format: "%02d", 1 + f % 12))-\(String(format: "%02d", 1 + i % 28))T09:00:00+08:00,F\(f)-\(i),spot\(i % 11),,湖南,散客,\(f + 1).\(String(format: "%02d", i % 100))\n"
            }
            let file = directory + "/f\(f).csv"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            files.append(file)
        }
        @Sendable func totals() throws -> String {
            let row = try QueryEngine(database: try Database.open(at: path)).execute(Self.totals).last!.rows.first!
            return row.map { "\($0)" }.joined(separator: "|")
        }

        var committed: Set<String> = [try totals()]
        let shared = LockedValue(Observations())
        let readers = 2
        let group = DispatchGroup()
        for _ in 0..<readers {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                while !shared.current.stopped {
                    let answer = Result { try totals() }
                    shared.withLock { seen in
                        switch answer {
                        case .success(let text): seen.seen[text, default: 0] += 1
                        case .failure(let error): seen.errors.append("\(error)")
                        }
                        seen.queries += 1
                    }
                }
            }
        }
        // The writer: ingests of several segments each, a compaction after every fourth.
        var options = IngestOptions()
        options.segmentRows = 200
        options.rejectsPath = directory + "/rejects.csv"
        options.replaceRejects = true  // one scratch rejects file for every ingest of the test
        options.threads = 1
        var compactions = 0
        for (f, file) in files.enumerated() {
            _ = try Ingestor(database: database).ingest(table: "visits", files: [file], options: options)
            committed.insert(try totals())
            if f % 4 == 3 {
                let writer = try database.writer(command: "compact")
                _ = try writer.compact(table: "visits", targetRows: 3000)
                writer.close()
                compactions += 1
                XCTAssertTrue(committed.contains(try totals()), "a compaction changed the totals")
            }
        }
        shared.withLock { $0.stopped = true }
        group.wait()

        let observations = shared.current
        XCTAssertEqual(observations.errors, [], "queries failed while the table was written")
        for (state, count) in observations.seen where !committed.contains(state) {
            XCTFail("\(count) queries saw \(state), which is no committed state")
        }
        for state in observations.seen.keys {
            let parts = state.split(separator: "|")
            XCTAssertEqual(parts[0], parts[2], "a row appears twice: \(state)")
        }
        XCTAssertGreaterThan(observations.queries, 0)
        print("concurrency: \(observations.queries) queries during \(ingests) ingests and \(compactions) compactions saw "
              + "\(observations.seen.count) distinct states, all committed; \(observations.errors.count) errors")
    }
}
