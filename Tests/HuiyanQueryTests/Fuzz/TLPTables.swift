import Foundation
import HuiyanIngest
import HuiyanStorage

/// The tables the logic fuzzer queries: t0 … t4 with the same columns and different data — none, a few rows,
/// several small segments, mostly distinct strings, many NULLs — generated from fixed seeds.
enum TLPTables {
    static let count = 5

    static func name(_ index: UInt8) -> String { "t\(index)" }

    /// Creates a database at `path` holding the tables (replacing what is there).
    static func create(at path: String) throws -> Database {
        try? FileManager.default.removeItem(atPath: path)
        let columns = [ColumnDefinition("i", .int64, nullable: true), ColumnDefinition("j", .int64, nullable: true),
                       ColumnDefinition("d", .float64, nullable: true), ColumnDefinition("m", .money, nullable: true),
                       ColumnDefinition("s", .string, nullable: true), ColumnDefinition("b", .bool, nullable: true),
                       ColumnDefinition("ts", .timestamp, nullable: true)]
        let database = try Database.create(at: path, tables: (0..<count).map { TableSchema(name: name(UInt8($0)), columns: columns) })
        // (rows, rows per segment, share of NULLs in percent, distinct strings)
        let shapes = [(0, 10, 0, 4), (7, 10, 30, 4), (3_000, 700, 10, 12), (20_000, 8_192, 5, 15_000), (500, 64, 60, 3)]
        for (index, shape) in shapes.enumerated() {
            var random = SplitMix(state: UInt64(index + 1))
            var csv = "i,j,d,m,s,b,ts\n"
            let words = ["a", "b", "A", "南岳衡山", "东洲岛", "a%b", "_x", "zz", "v1", "v10", "ab", "石鼓书院"]
            for row in 0..<shape.0 {
                func maybe(_ text: String) -> String { Int(random.next() % 100) < shape.2 ? "" : text }
                let string = shape.3 > words.count ? "v\(random.next() % UInt64(shape.3))" : words[Int(random.next() % UInt64(shape.3))]
                let seconds = 1_735_660_800 + Int(random.next() % 31_536_000)
                let fields = [maybe(String(Int(random.next() % 201) - 100)), maybe(String(row % 17 - 8)),
                              maybe(String(Double(Int(random.next() % 2001) - 1000) / 8)),
                              maybe(String(format: "%.2f", Double(Int(random.next() % 20001) - 10000) / 100)),
                              maybe(string), maybe(random.next() % 2 == 0 ? "true" : "false"),
                              maybe(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(seconds))))]
                csv += fields.map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: ",") + "\n"
            }
            let file = path + "-t\(index).csv"
            try csv.write(toFile: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: file) }
            var options = IngestOptions()
            options.segmentRows = shape.1
            options.threads = 1
            options.rejectsPath = path + "-rejects.csv"
            let summary = try Ingestor(database: database).ingest(table: name(UInt8(index)), files: [file], options: options)
            precondition(summary.rejected == 0, "TLP table t\(index): \(summary.sampleRejections)")
        }
        return database
    }
}
