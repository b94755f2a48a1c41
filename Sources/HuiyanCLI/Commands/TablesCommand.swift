import ArgumentParser
import HuiyanStorage

struct TablesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tables", abstract: "List the tables with their rows, segments and size.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "Output format: table or json.") var format: ListingFormat = .table

    struct Row: Encodable {
        var name: String
        var rows: Int
        var segments: Int
        var bytes: Int
        var columns: Int
    }

    func run() throws {
        let database = try global.open()
        // A table whose manifest is damaged is named on standard error; the others are still listed.
        var damaged = false
        let rows = try database.tableNames().compactMap { name -> Row? in
            do {
                let manifest = try database.manifest(of: name)
                return Row(name: name, rows: manifest.rowCount, segments: manifest.segments.count, bytes: manifest.byteCount,
                           columns: manifest.schema.columns.count)
            } catch {
                warn("Error: table \(name): \(error)")
                damaged = true
                return nil
            }
        }
        switch format {
        case .json: emit(Formatting.json(rows))
        case .table:
            var table = TextTable(headers: ["table", "rows", "segments", "on disk", "columns"], alignments: [.left, .right, .right, .right, .right])
            for row in rows {
                table.add([row.name, Formatting.grouped(row.rows), String(row.segments), Formatting.bytes(row.bytes), String(row.columns)])
            }
            emit(table.render())
        }
        if damaged { throw ExitCode.failure }
    }
}
