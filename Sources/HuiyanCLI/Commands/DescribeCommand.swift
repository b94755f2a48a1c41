import ArgumentParser
import HuiyanQuery
import HuiyanStorage

struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe", abstract: "Show a table's columns and their SQL types (as SQL DESCRIBE names them).",
        usage: "huiyan describe [<options>] <table>")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The table.") var table: String
    @Option(name: .long, help: "Output format: table or json.") var format: ListingFormat = .table

    func run() throws {
        let schema = try global.open().manifest(of: table).schema
        switch format {
        case .json: emit(Formatting.json(schema))
        case .table:
            var out = TextTable(headers: ["column", "type", "null", "notes"])
            for column in schema.columns {
                var notes: [String] = []
                if column.optional { notes.append("may be absent from input files") }
                if let minimum = column.minimum { notes.append("at least \(minimum)") }
                if column.type == .money { notes.append("exact, in fen; shown as yuan") }
                if column.type == .timestamp { notes.append("UTC microseconds; shown in the database's zone") }
                out.add([column.name, SQLType(column.type).rawValue, column.nullable ? "YES" : "NO", notes.joined(separator: "; ")])
            }
            emit(out.render())
        }
    }
}
