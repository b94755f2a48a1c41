import ArgumentParser
import HuiyanStorage

struct TablesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tables", abstract: "List the tables with their rows, segments and size, then the views.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "Output format: table or json.") var format: ListingFormat = .table

    struct Row: Encodable {
        var name: String
        /// `table` or `view` (a view has no rows, segments or bytes of its own).
        var type = "table"
        var rows: Int?
        var segments: Int?
        var bytes: Int?
        var columns: Int?
    }

    func run() throws {
        let database = try global.open()
        // A table whose manifest is damaged is named on standard error; the others are still listed.
        var failure: (any Error)?
        var rows = try database.tableNames().compactMap { name -> Row? in
            do {
                let manifest = try database.manifest(of: name)
                return Row(name: name, rows: manifest.rowCount, segments: manifest.segments.count, bytes: manifest.byteCount,
                           columns: manifest.schema.columns.count)
            } catch {
                warn("Error: table \(name): \(error)")
                failure = failure ?? error
                return nil
            }
        }
        // The views after the tables (SHOW TABLES lists both, with their columns as a query reads them).
        do {
            rows += try database.viewCatalog().views.map { Row(name: $0.name, type: "view") }
        } catch {
            warn("Error: views: \(error)")
            failure = failure ?? error
        }
        switch format {
        case .json: emit(Formatting.json(rows))
        case .table:
            var table = TextTable(headers: ["table", "rows", "segments", "on disk", "columns"], alignments: [.left, .right, .right, .right, .right])
            for row in rows {
                guard let count = row.rows, let segments = row.segments, let bytes = row.bytes, let columns = row.columns else {
                    table.add([row.name, "view", "", "", ""])
                    continue
                }
                table.add([row.name, Formatting.grouped(count), String(segments), Formatting.bytes(bytes), String(columns)])
            }
            emit(table.render())
        }
        if let failure { throw ExitStatus.exit(for: failure) }
    }
}
