import Foundation
import XCTest
import HuiyanIngest
@testable import HuiyanQuery
import HuiyanStorage
import HuiyanTourism

/// Damage, issue 7: bit flips at random positions of segment files and of the manifest, truncation at random
/// lengths, zero-filled blocks. Every one must be found by verify (100 %), which names the file and — when the
/// damage lies in a block or a dictionary — the column and the block; a query over every column of the damaged
/// table either fails or returns exactly the undamaged answer (never a number computed from damaged bytes);
/// queries on the undamaged table keep working. `HUIYAN_DAMAGE_TRIALS` sets the number of trials (default 300).
final class ReliabilityDamageTests: XCTestCase {
    var directory: String!
    var pristine: String!

    /// Touches every column of visits: counts, distinct counts over the dictionaries, sums and extremes.
    static let visitsQuery = """
        SELECT count(*), count(ts), min(ts), max(ts), count(DISTINCT visitor_id), min(visitor_id), max(visitor_id),
               count(DISTINCT spot), count(route), count(DISTINCT route), count(DISTINCT origin), count(DISTINCT group_type),
               sum(spend), min(spend), max(spend), sum(CASE WHEN spend > 100 THEN 1 ELSE 0 END) FROM visits
        """
    static let groupedQuery = "SELECT spot, origin, count(*), sum(spend), count(DISTINCT visitor_id) FROM visits GROUP BY spot, origin ORDER BY spot, origin"
    static let ordersQuery = "SELECT count(*), sum(amount), count(DISTINCT product) FROM orders"

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "huiyan-damage-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        pristine = directory + "/pristine"
        let database = try Database.create(at: pristine, tables: FeedCatalog.all)
        var text = "ts,visitor_id,spot,route,origin,group_type,spend\n"
        for i in 0..<6000 {
            let route = i % 3 == 0 ? "" : "route\(i % 7)"
            text += "2025-\(String(format: "%02d", 1 + i % 12))-\(String(format: "%02d", 1 + i % 28))T08:\(10 + i % 50):\(String(format: "%02d", i % 60))+08:00,"
                + "V\(i % 2500),spot\(i % 23),\(route),origin\(i % 31),\(i % 2 == 0 ? "散客" : "团队"),\(i % 977).\(i % 100)\n"
        }
        let feed = directory + "/visits.csv"
        try text.write(toFile: feed, atomically: true, encoding: .utf8)
        var options = IngestOptions()
        options.segmentRows = 1500
        options.rejectsPath = directory + "/rejects.csv"
        options.replaceRejects = true  // one scratch rejects file for every ingest of the test
        _ = try Ingestor(database: database).ingest(table: "visits", files: [feed], options: options)
        let fixtures = QueryTestCase.fixtures
        _ = try Ingestor(database: database).ingest(table: "orders", files: [fixtures + "/feeds/orders.csv"], options: options)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func results(_ path: String, _ sql: String) throws -> [[Value]] {
        try QueryEngine(database: try Database.open(at: path)).execute(sql).last!.rows
    }

    /// Where a byte offset of a segment lies: (column, block) of a block or dictionary range, if any.
    func place(of offset: Int, in footer: SegmentFooter) -> (column: String, block: Int?)? {
        for column in footer.columns {
            if let d = column.dictionary, offset >= Int(d.offset), offset < Int(d.offset) + Int(d.storedLength) {
                return (column.definition.name, nil)
            }
            for (index, block) in column.blocks.enumerated()
            where offset >= Int(block.range.offset) && offset < Int(block.range.offset) + Int(block.range.storedLength) {
                return (column.definition.name, index)
            }
        }
        return nil
    }

    func testEveryBitFlipTruncationAndZeroedBlockIsDetectedAndNeverAnswered() throws {
        let trials = Int(ProcessInfo.processInfo.environment["HUIYAN_DAMAGE_TRIALS"] ?? "") ?? 300
        var generator = SystemRandomNumberGenerator()
        let baseline = try results(pristine, Self.visitsQuery)
        let groupedBaseline = try results(pristine, Self.groupedQuery)
        let ordersBaseline = try results(pristine, Self.ordersQuery)
        let table = pristine + "/tables/visits"
        let segments = try FileIO.list(table).filter { $0.hasSuffix(".hyseg") }
        XCTAssertEqual(segments.count, 4)
        var footers: [String: SegmentFooter] = [:]
        for segment in segments { footers[segment] = try SegmentReader(path: table + "/" + segment).footer }

        var detected = 0, applied = 0, refused = 0, answeredExactly = 0, inBlocks = 0
        var byKind: [String: Int] = [:]
        let trial = directory + "/trial"
        for round in 0..<trials {
            try? FileManager.default.removeItem(atPath: trial)
            try FileManager.default.copyItem(atPath: pristine, toPath: trial)
            let kinds = ["segment bit flip", "segment bit flip", "manifest bit flip", "segment truncation", "manifest truncation", "zeroed block"]
            let kind = kinds[Int.random(in: 0..<kinds.count, using: &generator)]
            let segment = segments.randomElement(using: &generator)!
            let file = kind.hasPrefix("manifest") ? "MANIFEST" : segment
            let path = trial + "/tables/visits/" + file
            var bytes = try FileIO.readFile(path)
            let original = bytes
            var damagedAt: Int? = nil
            var lastChanged: Int? = nil
            switch kind {
            case "segment bit flip", "manifest bit flip":
                let offset = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[offset] ^= 1 << UInt8.random(in: 0..<8, using: &generator)
                damagedAt = offset
            case "segment truncation", "manifest truncation":
                bytes.removeLast(Int.random(in: 1...bytes.count, using: &generator))
            default:  // a 512-byte block of zeros at a random 512-aligned place
                let start = Int.random(in: 0..<((bytes.count + 511) / 512), using: &generator) * 512
                for i in start..<min(start + 512, bytes.count) { bytes[i] = 0 }
                damagedAt = bytes.indices.first { bytes[$0] != original[$0] }
                lastChanged = bytes.indices.last { bytes[$0] != original[$0] }
            }
            guard bytes != original else { continue }  // zeros over zeros: nothing was damaged
            applied += 1
            byKind[kind, default: 0] += 1
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let label = "trial \(round): \(kind) of \(file)\(damagedAt.map { " at byte \($0)" } ?? " to \(bytes.count) bytes")"

            // verify finds it and names the file (and column and block, when the damage is in one).
            let report = try Database.open(at: trial).verify()
            if report.damages.contains(where: { $0.file == path }) { detected += 1 } else { XCTFail("\(label): not detected: \(report.damages)") }
            if file != "MANIFEST", kind != "segment truncation", let offset = damagedAt, let place = place(of: offset, in: footers[segment]!),
               lastChanged.map({ self.place(of: $0, in: footers[segment]!) ?? ("", -1) == place }) ?? true {
                inBlocks += 1
                XCTAssertTrue(report.damages.contains { $0.file == path && $0.column == place.column && $0.block == place.block },
                              "\(label): expected column \(place.column), block \(place.block.map(String.init) ?? "dictionary"): \(report.damages)")
            }
            // Queries: the damaged table answers exactly as before or refuses; the undamaged one keeps working.
            for (sql, expected) in [(Self.visitsQuery, baseline), (Self.groupedQuery, groupedBaseline)] {
                do {
                    let answer = try results(trial, sql)
                    XCTAssertEqual(answer, expected, "\(label): a query answered from damaged bytes")
                    answeredExactly += 1
                } catch {
                    refused += 1
                    XCTAssertTrue("\(error)".contains("damaged") || "\(error)".contains("MANIFEST"), "\(label): unclear error: \(error)")
                }
            }
            XCTAssertEqual(try results(trial, Self.ordersQuery), ordersBaseline, "\(label): the undamaged table stopped working")
            if (testRun?.totalFailureCount ?? 0) > 0 { break }
        }
        XCTAssertEqual(detected, applied)
        print("damage: \(applied) damages applied (\(byKind.sorted { $0.key < $1.key })), \(detected) detected by verify (\(inBlocks) named down to column "
              + "and block); queries on the damaged table: \(refused) refused, \(answeredExactly) answered exactly as undamaged (damage outside what they read)")
    }
}
