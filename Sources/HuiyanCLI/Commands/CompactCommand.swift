import ArgumentParser
import HuiyanStorage

struct CompactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Merge small segments into large ones and rewrite segments of an older format (atomic; every row kept exactly once).",
        usage: "huiyan compact [<options>] [<table>]")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "One table (default: all).") var table: String?
    @Option(name: .long, help: "Rows per merged segment.") var segmentRows = 1 << 20
    @Option(name: .long, help: "Output format: table or json.") var format: ListingFormat = .table

    struct Result: Encodable {
        var table: String
        var segmentsBefore: Int
        var segmentsAfter: Int
        var rows: Int
        var bytesBefore: Int
        var bytesAfter: Int
    }

    func run() throws {
        guard segmentRows > 0 else { throw ValidationError("--segment-rows must be at least 1") }
        let database = try global.open()
        let writer = try database.writer(command: "huiyan compact")
        defer { writer.close() }
        let names = try table.map { [try database.resolveTableName($0)] } ?? database.tableNames()
        let results = try names.map { name -> Result in
            let r = try writer.compact(table: name, targetRows: segmentRows)
            return Result(table: r.table, segmentsBefore: r.segmentsBefore, segmentsAfter: r.segmentsAfter, rows: r.rows,
                          bytesBefore: r.bytesBefore, bytesAfter: r.bytesAfter)
        }
        switch format {
        case .json: emit(Formatting.json(results))
        case .table:
            for r in results {
                emit("\(r.table): \(r.segmentsBefore) → \(r.segmentsAfter) segment(s), \(Formatting.grouped(r.rows)) rows, "
                     + "\(Formatting.bytes(r.bytesBefore)) → \(Formatting.bytes(r.bytesAfter))")
            }
        }
    }
}
