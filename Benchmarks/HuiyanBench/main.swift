// huiyan-bench: storage and ingest figures for docs/PERFORMANCE.md (run in a release build).
//
//   huiyan-bench ingest TABLE FILE [--runs N]   ingest FILE into a fresh database N times: rows/s, bytes/row
//   huiyan-bench decode TABLE FILE [--runs N]   ingest once, then decode every block of every column N times
//   huiyan-bench memory [--gib N] [--threads T]  a plain sum over N GiB of Int64: the memory-bandwidth bound
//   huiyan-bench query DB SQLFILE [--runs N] [--threads T]
//                                               each statement of SQLFILE on database DB, in-process: median ms
//                                               (T threads; default: every core)
import Foundation
import HuiyanCLI
import HuiyanIngest
import HuiyanQuery
import HuiyanStorage
import HuiyanTourism

func fail(_ message: String) -> Never {
    FileHandle.standardError.write((message + "\n").data(using: .utf8)!)
    exit(2)
}

func option(_ name: String, default value: Int) -> Int {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) else { return value }
    return v
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }

func temporaryDatabase() throws -> Database {
    let path = NSTemporaryDirectory() + "huiyan-bench-\(UUID().uuidString.prefix(8))"
    return try Database.create(at: path, tables: FeedCatalog.all)
}

func removeDatabase(_ database: Database) { try? FileManager.default.removeItem(atPath: database.path) }

func ingestOnce(table: String, file: String) throws -> (Database, IngestSummary) {
    let database = try temporaryDatabase()
    // Rejects go to the database's own rejects folder (a path named inside the database is refused).
    let summary = try Ingestor(database: database).ingest(table: table, files: [file], options: IngestOptions())
    return (database, summary)
}

func benchIngest(table: String, file: String, runs: Int) throws {
    var rates: [Double] = [], mbps: [Double] = []
    var last: (Database, IngestSummary)?
    for _ in 0..<runs {
        if let (db, _) = last { removeDatabase(db) }
        let result = try ingestOnce(table: table, file: file)
        rates.append(Double(result.1.accepted + result.1.rejected) / result.1.seconds)
        mbps.append(Double(result.1.bytes) / result.1.seconds / 1e6)
        last = result
    }
    let (database, summary) = last!
    let snapshot = try database.snapshot(of: table)
    print("ingest \(table) \(file)")
    print("  rows: \(summary.accepted) accepted, \(summary.rejected) rejected; input \(summary.bytes) bytes")
    print(String(format: "  rows/s: median %.0f (min %.0f, max %.0f) over %d runs; MB/s of input: median %.0f",
                 median(rates), rates.min()!, rates.max()!, runs, median(mbps)))
    print(String(format: "  on disk: %d bytes in %d segments = %.2f bytes/row", snapshot.manifest.byteCount,
                 snapshot.segments.count, Double(snapshot.manifest.byteCount) / Double(max(1, snapshot.rowCount))))
    for (index, column) in snapshot.schema.columns.enumerated() {
        let bytes = snapshot.segments.reduce(0) { total, segment in
            let info = segment.columns[index]
            return total + info.blocks.reduce(0) { $0 + Int($1.range.storedLength) } + Int(info.dictionary?.storedLength ?? 0)
        }
        print("    " + pad(column.name, 16) + String(format: "%8.2f bytes/row", Double(bytes) / Double(max(1, snapshot.rowCount))))
    }
    removeDatabase(database)
}

func benchDecode(table: String, file: String, runs: Int) throws {
    let (database, _) = try ingestOnce(table: table, file: file)
    defer { removeDatabase(database) }
    let snapshot = try database.snapshot(of: table)
    let scratch = BlockScratch()
    let ints = UnsafeMutablePointer<Int64>.allocate(capacity: SegmentFormat.blockRows)
    let codes = UnsafeMutablePointer<UInt32>.allocate(capacity: SegmentFormat.blockRows)
    let doubles = UnsafeMutablePointer<Double>.allocate(capacity: SegmentFormat.blockRows)
    let validity = UnsafeMutablePointer<UInt64>.allocate(capacity: SegmentFormat.blockRows / 64)
    defer { ints.deallocate(); codes.deallocate(); doubles.deallocate(); validity.deallocate() }
    print("decode \(table): one thread, every block decompressed, checksummed and decoded; \(runs) runs, median")
    for (index, column) in snapshot.schema.columns.enumerated() {
        var seconds: [Double] = []
        var values = 0
        for _ in 0..<runs {
            values = 0
            let start = DispatchTime.now().uptimeNanoseconds
            for segment in snapshot.segments {
                for block in segment.columns[index].blocks.indices {
                    switch column.type.lane {
                    case .int64: try segment.decodeIntegers(column: index, block: block, into: ints, validity: validity, scratch: scratch)
                    case .string: try segment.decodeCodes(column: index, block: block, into: codes, validity: validity, scratch: scratch)
                    case .float64: try segment.decodeDoubles(column: index, block: block, into: doubles, validity: validity, scratch: scratch)
                    }
                    values += segment.columns[index].blocks[block].rowCount
                }
            }
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let width = column.type.lane == .string ? 4 : 8
        let t = median(seconds)
        print("  " + pad(column.name, 16) + pad(column.type.displayName, 10) + String(format: "%7.0f M values/s  %6.2f GB/s of decoded values (%d-byte values)",
                     Double(values) / t / 1e6, Double(values * width) / t / 1e9, width))
    }
}

func benchMemory(gib: Int, threads: Int) {
    let count = gib << 27
    let buffer = UnsafeMutablePointer<Int64>.allocate(capacity: count)
    defer { buffer.deallocate() }
    for i in 0..<count { buffer[i] = Int64(i & 1023) }
    var best = Double.infinity
    var sink: Int64 = 0
    for _ in 0..<5 {
        let start = DispatchTime.now().uptimeNanoseconds
        // Each thread sums its own contiguous part.
        let totals = ConcurrentLoop.map(threads) { t in
            var total: Int64 = 0
            for i in (t * count / threads)..<((t + 1) * count / threads) { total &+= buffer[i] }
            return total
        }
        sink = totals.reduce(sink, &+)
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    print(String(format: "memory: sum over %d GiB of Int64 on %d thread(s), best of 5: %.2f GB/s (checksum %lld)",
                 gib, threads, Double(count * 8) / best / 1e9, sink))
}

func benchQueries(database path: String, file: String, runs: Int, threads: Int) throws {
    let context = QueryContext(threads: threads)
    let engine = QueryEngine(database: try Database.open(at: path))
    let text = try String(contentsOfFile: file, encoding: .utf8)
    for statement in try engine.parse(text) {
        var times: [Double] = []
        var rows = 0
        for _ in 0..<(runs + 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            rows = try engine.execute(statement, sql: text, context: context).rows.count
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.removeFirst()  // warm-up
        let sql: String
        if case .select(let s) = statement {
            let bytes = Array(text.utf8)
            sql = String(decoding: bytes[s.range.start..<min(s.range.end, bytes.count)], as: UTF8.self)
        } else {
            sql = "\(statement)"
        }
        print(String(format: "%9.2f ms  (min %.2f, max %.2f)  %6d rows  ", median(times), times.min()!, times.max()!, rows) + sql)
    }
}

AllocatorSettings.apply()
let args = CommandLine.arguments
guard args.count >= 2 else { fail("usage: huiyan-bench ingest|decode TABLE FILE [--runs N] | memory [--gib N]") }
do {
    switch args[1] {
    case "ingest":
        guard args.count >= 4 else { fail("usage: huiyan-bench ingest TABLE FILE [--runs N]") }
        try benchIngest(table: args[2], file: args[3], runs: option("--runs", default: 3))
    case "decode":
        guard args.count >= 4 else { fail("usage: huiyan-bench decode TABLE FILE [--runs N]") }
        try benchDecode(table: args[2], file: args[3], runs: option("--runs", default: 5))
    case "query":
        guard args.count >= 4 else { fail("usage: huiyan-bench query DB SQLFILE [--runs N] [--threads T]") }
        try benchQueries(database: args[2], file: args[3], runs: option("--runs", default: 5),
                         threads: option("--threads", default: ProcessInfo.processInfo.activeProcessorCount))
    case "memory":
        benchMemory(gib: option("--gib", default: 1), threads: option("--threads", default: 1))
    default:
        fail("unknown benchmark \(args[1])")
    }
} catch {
    fail("error: \(error)")
}
