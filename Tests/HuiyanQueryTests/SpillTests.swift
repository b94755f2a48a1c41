import Foundation
import HuiyanStorage
import XCTest
@testable import HuiyanQuery

/// Aggregations whose state outgrows the memory limit spill their rows to the database's `tmp` folder by
/// partition and give the rows they give in memory; the folder is gone afterwards, and one left by a killed
/// process goes at the next open.
final class SpillTests: QueryTestCase {
    /// 60,000 rows over 20,000 random-looking ids (each comes back about three times), a second key, money,
    /// NULLs in every column but the id, and -0.0 beside 0.0.
    private func loadManyGroups() throws {
        var csv = "id,area,amount,score\n"
        var state: UInt64 = 42
        for i in 0..<60_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let id = "u\(String(state >> 40 % 20_000 &* 2_654_435_761 % 1_000_000_007, radix: 36))"
            let area = i % 17 == 0 ? "" : "区\(Int(state >> 33) % 9)"
            let amount = i % 23 == 0 ? "" : "\(Int(state >> 20) % 100_000 / 100).\(Int(state >> 13) % 100)"
            let score = i % 29 == 0 ? "-0.0" : (i % 31 == 0 ? "0.0" : "\(Double(Int(state >> 45) % 1000) / 8)")
            csv += "\(id),\(area),\(amount),\(score)\n"
        }
        try load("CREATE TABLE many (id VARCHAR NOT NULL, area VARCHAR, amount DECIMAL(18,2), score DOUBLE)", table: "many", csv: csv)
    }

    private func run(_ sql: String, memoryLimit: Int?, spillsAlways: Bool = false) throws -> (rows: [[String]], context: QueryContext) {
        let context = QueryContext(memoryLimit: memoryLimit, threads: 2)
        context.spillsAlways = spillsAlways
        return (Self.text(try engine.execute(sql, context: context).last!), context)
    }

    private var tmpFolder: String { directory + "/db/" + SpillArea.folderName }

    func testAnAggregationOverItsLimitSpillsAndGivesTheSameRows() throws {
        try loadManyGroups()
        let queries = [
            "SELECT id, count(*), sum(amount), min(area), max(score), avg(score) FROM many GROUP BY id ORDER BY id",
            "SELECT id, area, count(*), count(amount) FILTER (WHERE score > 10), count(DISTINCT score) FROM many GROUP BY id, area ORDER BY 1, 2",
            "SELECT score, count(*), sum(amount) FROM many GROUP BY score ORDER BY score",
            "SELECT area, count(DISTINCT id), approx_count_distinct(id) > 0 FROM many GROUP BY area ORDER BY area",
            "SELECT length(id) % 3 AS k, id < 'u5', count(*) FROM many WHERE amount > 10 GROUP BY 1, 2 ORDER BY 1, 2",
            // Aggregates that keep every value, and moments: their states spill as the rows do.
            "SELECT id, median(amount), quantile_disc(score, 0.9), round(stddev_pop(score), 9), sum(DISTINCT amount) FROM many GROUP BY id ORDER BY id",
        ]
        for sql in queries {
            let (expected, roomy) = try run(sql, memoryLimit: nil)
            XCTAssertEqual(roomy.statistics.spilledPartitions, 0, sql)
            let (forced, always) = try run(sql, memoryLimit: nil, spillsAlways: true)
            XCTAssertEqual(forced, expected, sql)
            XCTAssertGreaterThan(always.statistics.spilledBytes, 0, sql)
            XCTAssertFalse(FileManager.default.fileExists(atPath: tmpFolder), "the spill folder is removed after \(sql)")
        }
        // Over a third of what it held in memory the first query's groups do not fit: it spills, and gives the
        // same rows (the first 50: the result's values count against the limit too).
        for statistics in [queries[5] + " LIMIT 50"] {
            let (expected, roomy) = try run(statistics, memoryLimit: nil)
            let (tight, context) = try run(statistics, memoryLimit: roomy.peakHeldBytes / 3)
            XCTAssertEqual(tight, expected)
            XCTAssertGreaterThan(context.statistics.spilledPartitions, 0)
        }
        let sql = queries[0] + " LIMIT 50"
        let (expected, roomy) = try run(sql, memoryLimit: nil)
        let limit = roomy.peakHeldBytes / 3
        let (tight, context) = try run(sql, memoryLimit: limit)
        XCTAssertEqual(tight, expected)
        XCTAssertGreaterThan(context.statistics.spilledPartitions, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmpFolder))
        let plan = rows("EXPLAIN ANALYZE " + sql).map { $0[0] }
        XCTAssertFalse(plan.contains { $0.contains("spilled:") }, "no spill without a limit: \(plan)")
        let analyzed = Self.text(try engine.execute("EXPLAIN ANALYZE " + sql, context: QueryContext(memoryLimit: limit)).last!).map { $0[0] }
        XCTAssertTrue(analyzed.contains { $0.contains("spilled:") && $0.contains("partitions") }, "\(analyzed)")
    }

    /// Many groups (as estimated from the key column's dictionaries) are aggregated in partitions held in
    /// memory, each alone: the same rows as one table of every group, no files, in less of it;
    /// with the rule off, one table.
    func testManyGroupsArePartitionedInMemory() throws {
        try loadManyGroups()
        let queries = [
            "SELECT id, area, count(*), sum(amount), min(score) FROM many GROUP BY id, area ORDER BY 1, 2",
            "SELECT id, count(DISTINCT score), avg(score), max(area) FROM many GROUP BY id ORDER BY 1",
            "SELECT id, count(DISTINCT area) AS n FROM many GROUP BY id ORDER BY n DESC, id LIMIT 20",
        ]
        // (The dictionary merge, which would take the third query — few areas —, is off: it is not partitioned.)
        let noMerge = try OptimizerSettings.parse("dictionary_merge", source: "test")
        for sql in queries {
            let expected = try run(sql, memoryLimit: nil).rows
            let context = QueryContext(memoryLimit: nil, threads: 2, optimizer: noMerge)
            context.smallestPartitionedState = 1 << 10
            XCTAssertEqual(Self.text(try engine.execute(sql, context: context).last!), expected, sql)
            XCTAssertGreaterThan(context.statistics.partitionsInMemory, 0, sql)
            XCTAssertEqual(context.statistics.spilledPartitions, 0, sql)
            XCTAssertFalse(FileManager.default.fileExists(atPath: tmpFolder), sql)
            let off = QueryContext(memoryLimit: nil, threads: 2, optimizer: try OptimizerSettings.parse("partitioned_aggregation,dictionary_merge", source: "test"))
            off.smallestPartitionedState = 1 << 10
            XCTAssertEqual(Self.text(try engine.execute(sql, context: off).last!), expected, sql)
            XCTAssertEqual(off.statistics.partitionsInMemory, 0, sql)
        }
        // EXPLAIN ANALYZE names the rule with the rules used, once it has run.
        let explained = QueryContext(memoryLimit: nil, threads: 2)
        explained.smallestPartitionedState = 1 << 10
        let plan = Self.text(try engine.execute("EXPLAIN ANALYZE " + queries[0], context: explained).last!).map { $0[0] }
        XCTAssertTrue(plan.contains { $0.hasPrefix("optimizer rules used:") && $0.contains("partitioned_aggregation") }, "\(plan)")
        // Partitions in memory hold less than one table of the groups (the rows' bytes and one partition's
        // table a thread); under a limit between the two, which one table would pass, they still fit: the
        // same rows, nothing on disk.
        let sql = queries[1]
        let roomy = QueryContext(memoryLimit: nil, threads: 2)
        _ = try engine.execute(sql, context: roomy)
        let partitioned = QueryContext(memoryLimit: nil, threads: 2)
        partitioned.smallestPartitionedState = 1 << 10
        _ = try engine.execute(sql, context: partitioned)
        XCTAssertGreaterThan(partitioned.statistics.partitionsInMemory, 0)
        XCTAssertLessThan(partitioned.peakHeldBytes * 3 / 2, roomy.peakHeldBytes)
        let limit = (partitioned.peakHeldBytes + roomy.peakHeldBytes) / 2
        let tight = QueryContext(memoryLimit: limit, threads: 2)
        tight.smallestPartitionedState = 1 << 10
        XCTAssertEqual(Self.text(try engine.execute(sql, context: tight).last!), try run(sql, memoryLimit: nil).rows)
        XCTAssertGreaterThan(tight.statistics.partitionsInMemory, 0)
        XCTAssertEqual(tight.statistics.spilledPartitions, 0)
        XCTAssertLessThanOrEqual(tight.peakHeldBytes, limit)
    }

    /// A sort whose rows pass a quarter of the memory limit sorts them a part at a time, writes each part to
    /// disk as a run and merges the runs as it reads them back: the rows of the sort in memory, ties in
    /// input order, handed on a chunk at a time.
    func testASortOverItsShareOfTheLimitMergesRunsFromDisk() throws {
        try loadManyGroups()
        // Three segments: the scan hands the sort three chunks, each over the share, each a run.
        for _ in 0..<2 { _ = try engine.execute("COPY many FROM '\(directory!)/many.csv' (FORCE)") }
        for sql in ["SELECT id, area, amount, score FROM many ORDER BY area DESC NULLS FIRST, score, id",
                    "SELECT amount, id FROM many WHERE score > 3 ORDER BY amount NULLS FIRST"] {
            let expected = try run(sql, memoryLimit: nil).rows
            // One thread: two scan threads each hold a 60,000-row segment's projected rows (about 2.2 MB by the
            // budget's estimate) until it is handed on, and whether both do at once depends on timing; at 4 MiB
            // that alone can pass the limit. The sort's share of the limit is what this test is about.
            let context = QueryContext(memoryLimit: 4 << 20, threads: 1)
            context.spillArea = SpillArea(databasePath: directory + "/db")
            defer { context.spillArea?.removeAll() }
            guard case .select(let select) = try engine.parse(sql)[0] else { return XCTFail(sql) }
            let planned = try engine.plan(select, sql: sql, context: context)
            var rows: [[String]] = []
            var chunks = 0
            try planned.root.produce { chunk in
                chunks += 1
                rows += chunk.rows(width: planned.query.columnNames.count).map { $0.map { ValueFormatting.text($0, offsetSeconds: 28_800) ?? "NULL" } }
            }
            XCTAssertEqual(rows.count, expected.count, sql)
            XCTAssertEqual(rows, expected, sql)
            XCTAssertGreaterThan(context.statistics.sortRuns, 1, sql)
            XCTAssertGreaterThan(chunks, 1, sql)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmpFolder))
    }

    func testAWindowOverItsLimitSpillsByPartitionAndGivesTheSameRows() throws {
        try loadManyGroups()
        // Every function partitions alike: past a quarter of the limit the rows go to disk by the hash of the
        // PARTITION BY keys and each spill partition is evaluated alone (its rows in the input's order, so
        // ties keep their places). Output order is the partitions', so rows are compared sorted.
        for sql in ["SELECT id, area, amount, score, row_number() OVER (PARTITION BY id ORDER BY score, amount, area), "
                        + "sum(amount) OVER (PARTITION BY id ORDER BY score, amount, area ROWS BETWEEN 1 PRECEDING AND CURRENT ROW), "
                        + "lag(area, 1, 'none') OVER w, rank() OVER (PARTITION BY id ORDER BY score) FROM many WINDOW w AS (PARTITION BY id ORDER BY score, amount, area)",
                    "SELECT area, id, score, amount, count(*) OVER (PARTITION BY area), "
                        + "max(score) OVER (PARTITION BY area ORDER BY id, score, amount RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM many WHERE score > 3"] {
            let inMemory = QueryContext(threads: 1)
            let expected = Self.text(try engine.execute(sql, context: inMemory).last!).map { "\($0)" }.sorted()
            XCTAssertEqual(inMemory.statistics.spilledPartitions, 0, sql)
            let (forced, always) = try run(sql, memoryLimit: nil, spillsAlways: true)
            XCTAssertEqual(forced.map { "\($0)" }.sorted(), expected, sql)
            XCTAssertGreaterThan(always.statistics.spilledPartitions, 0, sql)
            // At half of what it held in memory: the rows handed on straight from the operator (a result
            // gathered whole would count against the limit itself).
            let context = QueryContext(memoryLimit: inMemory.peakHeldBytes / 2, threads: 1)
            context.spillArea = SpillArea(databasePath: directory + "/db")
            defer { context.spillArea?.removeAll() }
            guard case .select(let select) = try engine.parse(sql)[0] else { return XCTFail(sql) }
            let planned = try engine.plan(select, sql: sql, context: context)
            var rows: [String] = []
            try planned.root.produce { chunk in
                rows += chunk.rows(width: planned.query.columnNames.count).map { "\($0.map { ValueFormatting.text($0, offsetSeconds: 28_800) ?? "NULL" })" }
            }
            XCTAssertEqual(rows.sorted(), expected, sql)
            XCTAssertGreaterThan(context.statistics.spilledPartitions, 0, sql)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmpFolder))
    }

    func testAPartitionStillOverItsLimitIsSplitAgain() throws {
        try loadManyGroups()
        // 16 partitions first; at a 24th of what the groups held in memory, one partition's groups (a
        // sixteenth, with their distinct sets) do not fit and are split again by other hash bits. HAVING keeps
        // the result small: the limit is the states', not a large result's.
        let sql = "SELECT id, count(DISTINCT score), sum(amount) FROM many GROUP BY id HAVING count(*) >= 8"
        let expected = try run(sql, memoryLimit: nil).rows.map { "\($0)" }.sorted()
        XCTAssertFalse(expected.isEmpty)
        let inMemory = QueryContext(threads: 1)
        _ = try engine.execute(sql, context: inMemory)
        let context = QueryContext(memoryLimit: inMemory.peakHeldBytes / 24, threads: 1)
        context.spillsAlways = true
        XCTAssertEqual(Self.text(try engine.execute(sql, context: context).last!).map { "\($0)" }.sorted(), expected)
        XCTAssertGreaterThan(context.statistics.spilledPartitions, 16, "a partition was split again")
    }

    /// Partitioned in memory by the entries of the largest string key (its partitions' own pools, not its
    /// rows' bytes): NULL keys, a second key and string aggregates give the rows one table gives.
    func testPartitionsByTheLargestKeysEntriesKeepNullsAndEveryGroup() throws {
        var csv = "k,s,x\n"
        var state: UInt64 = 7
        for i in 0..<30_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let k = i % 19 == 0 ? "" : "访客\(String(state >> 44 % 9_000 &* 40_503 % 1_000_003, radix: 36))"
            csv += "\(k),\(i % 7 == 0 ? "" : "s\(Int(state >> 30) % 5)"),\(Int(state >> 50) % 1000)\n"
        }
        try load("CREATE TABLE keyed (k VARCHAR, s VARCHAR, x BIGINT)", table: "keyed", csv: csv)
        let queries = [
            "SELECT k, s, count(*), sum(x), min(s), max(k) FROM keyed GROUP BY k, s ORDER BY 1 NULLS FIRST, 2 NULLS FIRST",
            "SELECT s, k, count(DISTINCT x), count(DISTINCT s) FROM keyed GROUP BY s, k ORDER BY 2 NULLS FIRST, 1 NULLS FIRST",
            "SELECT k, count(DISTINCT x), min(s) FROM keyed GROUP BY k ORDER BY 2 DESC, 1 NULLS FIRST LIMIT 30",
        ]
        for sql in queries {
            let expected = try run(sql, memoryLimit: nil).rows
            let off = QueryContext(memoryLimit: nil, threads: 2, optimizer: try OptimizerSettings.parse("partitioned_aggregation,dictionary_merge", source: "test"))
            XCTAssertEqual(Self.text(try engine.execute(sql, context: off).last!), expected, sql)
            let context = QueryContext(memoryLimit: nil, threads: 2)
            context.smallestPartitionedState = 1 << 10
            XCTAssertEqual(Self.text(try engine.execute(sql, context: context).last!), expected, sql)
            XCTAssertGreaterThan(context.statistics.partitionsInMemory, 0, sql)
        }
    }

    func testCountDistinctOfTheWholeTableSpillsByPartitionsOfItsArgument() throws {
        try loadManyGroups()
        // No group keys: the rows are partitioned by the distinct argument, each partition's values counted
        // alone, and count, sum, min and max folded from the partitions' partial states.
        for sql in ["SELECT count(DISTINCT id || area) FROM many",
                    "SELECT count(DISTINCT id), count(*), count(amount), sum(amount), min(area), max(score), count(DISTINCT id) FROM many WHERE score > 1",
                    "SELECT count(DISTINCT area), sum(score) FROM many WHERE amount > 1000000"] {
            let (expected, roomy) = try run(sql, memoryLimit: nil)
            XCTAssertEqual(roomy.statistics.spilledPartitions, 0, sql)
            let (forced, always) = try run(sql, memoryLimit: nil, spillsAlways: true)
            XCTAssertEqual(forced, expected, sql)
            XCTAssertGreaterThan(always.statistics.spilledPartitions, 0, sql)
            // At a third of what the distinct set held in memory (the last query keeps no row: nothing to hold).
            guard roomy.peakHeldBytes > 64 << 10 else { continue }
            let (tight, context) = try run(sql, memoryLimit: roomy.peakHeldBytes / 3)
            XCTAssertEqual(tight, expected, sql)
            XCTAssertGreaterThan(context.statistics.spilledPartitions, 0, sql)
            XCTAssertFalse(FileManager.default.fileExists(atPath: tmpFolder))
        }
    }

    func testWhatCannotSpillStillStopsAtTheLimit() throws {
        try loadManyGroups()
        // Without group keys, two distinct sets of different arguments: nothing to partition both by.
        XCTAssertThrowsError(try run("SELECT count(DISTINCT id || area), count(DISTINCT score) FROM many", memoryLimit: 64 << 10)) { error in
            XCTAssertEqual((error as? QueryError)?.kind, .memoryLimitExceeded, "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmpFolder))
    }

    func testTheNextOpenRemovesTheSpillFilesOfADeadProcess() throws {
        let dead = tmpFolder + "/999999999-1"
        try FileManager.default.createDirectory(atPath: dead, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: dead + "/spill-0.tmp", contents: Data(repeating: 7, count: 1000))
        let live = tmpFolder + "/\(getpid())-77"
        try FileManager.default.createDirectory(atPath: live, withIntermediateDirectories: true)
        _ = try Database.open(at: directory + "/db")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dead), "a dead process's files go")
        XCTAssertTrue(FileManager.default.fileExists(atPath: live), "a running process's folder stays")
        try FileManager.default.removeItem(atPath: live)
    }
}
