import ArgumentParser
import HuiyanIngest
import HuiyanStorage

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a database with the three feed tables (visits, tickets, orders).")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let database = try Database.create(at: global.databasePath, tables: FeedCatalog.all)
        emit("created database \(database.path) (time zone \(database.settings.timeZone)) with tables: \(try database.tableNames().joined(separator: ", "))")
    }
}
