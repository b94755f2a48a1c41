import ArgumentParser
import HuiyanStorage

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every checksum and decode every block; exit 4 if anything is damaged.",
        usage: "huiyan verify [<options>] [<table>]",
        discussion: "Names the file, column and block of each damage. Reads everything: takes about as long as reading the database once.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "One table (default: all).") var table: String?
    @Option(name: .long, help: "Output format: table or json.") var format: ListingFormat = .table

    struct Result: Encodable {
        var ok: Bool
        var tables: Int
        var segments: Int
        var blocks: Int
        var rows: Int
        var damages: [String]
    }

    func run() throws {
        let report = try global.open().verify(table: table)
        let result = Result(ok: report.isClean, tables: report.tables, segments: report.segments, blocks: report.blocks,
                            rows: report.rows, damages: report.damages.map(\.description))
        switch format {
        case .json: emit(Formatting.json(result))
        case .table:
            for damage in report.damages { emit("DAMAGED \(damage)") }
            emit("\(report.isClean ? "ok" : "damage found"): \(report.tables) table(s), \(report.segments) segment(s), "
                 + "\(Formatting.grouped(report.blocks)) blocks, \(Formatting.grouped(report.rows)) rows checked, \(report.damages.count) damaged")
        }
        if !report.isClean { throw ExitCode(ExitStatus.damaged) }
    }
}
