import ArgumentParser
import Foundation
import HuiyanQuery
import HuiyanStorage

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Rows, segments, bytes on disk and compression, per table and per column.",
        usage: "huiyan stats [<options>] [<table>]",
        discussion: "The compression ratio compares the column as plain values (8 bytes per number, the UTF-8 bytes of each string) with its bytes in the segment files.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "One table (default: all).") var table: String?
    @Option(name: .long, help: "Output format: table or json.") var format: ListingFormat = .table

    struct ColumnStats: Encodable {
        var name: String
        var type: String
        var storedBytes: Int
        var plainBytes: Int
        var nulls: Int
        var dictionaryEntries: Int?
        var ratio: Double
        var bytesPerRow: Double
    }

    struct TableStats: Encodable {
        var table: String
        var rows: Int
        var segments: Int
        var blocks: Int
        var bytesOnDisk: Int
        var bytesPerRow: Double
        var compressionRatio: Double
        var columns: [ColumnStats]
    }

    func run() throws {
        let database = try global.open()
        let names = try table.map { [try database.resolveTableName($0)] } ?? database.tableNames()
        // A table whose manifest is damaged is named on standard error; the others are still shown.
        var failure: (any Error)?
        let stats = names.compactMap { name -> TableStats? in
            do { return Self.collect(try database.snapshot(of: name)) } catch {
                warn("Error: table \(name): \(error)")
                failure = failure ?? error
                return nil
            }
        }
        switch format {
        case .json: emit(Formatting.json(stats))
        case .table:
            for (i, t) in stats.enumerated() {
                if i > 0 { emit("") }
                emit("\(t.table): \(Formatting.grouped(t.rows)) rows in \(t.segments) segment(s), \(t.blocks) blocks, "
                     + "\(Formatting.bytes(t.bytesOnDisk)) on disk, \(Formatting.decimal(t.bytesPerRow)) bytes/row, "
                     + "compression \(Formatting.decimal(t.compressionRatio, digits: 1))×")
                var out = TextTable(headers: ["column", "type", "on disk", "plain", "ratio", "bytes/row", "nulls", "dictionary"],
                                    alignments: [.left, .left, .right, .right, .right, .right, .right, .right])
                for c in t.columns {
                    out.add([c.name, c.type, Formatting.bytes(c.storedBytes), Formatting.bytes(c.plainBytes),
                             Formatting.decimal(c.ratio, digits: 1) + "×", Formatting.decimal(c.bytesPerRow),
                             Formatting.grouped(c.nulls), c.dictionaryEntries.map(Formatting.grouped) ?? ""])
                }
                emit(out.render())
            }
        }
        if let failure { throw ExitStatus.exit(for: failure) }
    }

    static func collect(_ snapshot: TableSnapshot) -> TableStats {
        var columns = snapshot.schema.columns.map {
            ColumnStats(name: $0.name, type: SQLType($0.type).rawValue, storedBytes: 0, plainBytes: 0, nulls: 0,
                        dictionaryEntries: $0.type == .string ? 0 : nil, ratio: 0, bytesPerRow: 0)
        }
        var blocks = 0
        for segment in snapshot.segments {
            for info in segment.columns {
                guard let i = snapshot.schema.index(of: info.definition.name) else { continue }
                columns[i].storedBytes += info.blocks.reduce(0) { $0 + Int($1.range.storedLength) } + Int(info.dictionary?.storedLength ?? 0)
                columns[i].plainBytes += info.plainBytes
                columns[i].nulls += info.nullCount
                if columns[i].dictionaryEntries != nil { columns[i].dictionaryEntries! += info.dictionaryCount }
                blocks += info.blocks.count
            }
        }
        let rows = snapshot.rowCount
        for i in columns.indices {
            columns[i].ratio = columns[i].storedBytes > 0 ? Double(columns[i].plainBytes) / Double(columns[i].storedBytes) : 0
            columns[i].bytesPerRow = rows > 0 ? Double(columns[i].storedBytes) / Double(rows) : 0
        }
        let disk = snapshot.manifest.byteCount
        let plain = columns.reduce(0) { $0 + $1.plainBytes }
        return TableStats(table: snapshot.schema.name, rows: rows, segments: snapshot.segments.count, blocks: blocks,
                          bytesOnDisk: disk, bytesPerRow: rows > 0 ? Double(disk) / Double(rows) : 0,
                          compressionRatio: disk > 0 ? Double(plain) / Double(disk) : 0, columns: columns)
    }
}
