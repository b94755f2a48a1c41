import ArgumentParser
import Foundation
import HuiyanStorage
import HuiyanTourism

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a database with the three feed tables (visits, tickets, orders).")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp(
        "The database's time zone: calendar functions, output and zone-less timestamps in feeds (default: Asia/Shanghai).",
        discussion: "A name without daylight saving (Asia/Shanghai, Asia/Kolkata, UTC) or an offset (+08:00, -05:30).",
        valueName: "zone"))
    var timeZone: String?

    func run() throws {
        var settings = DatabaseSettings(createdAt: ISO8601DateFormatter().string(from: Date()))
        if let timeZone {
            settings.utcOffsetSeconds = try DatabaseSettings.fixedOffset(ofZone: timeZone)
            settings.timeZone = timeZone
        }
        if global.noFileAccess { settings.fileAccess = false }
        let database = try Database.create(at: global.databasePath, tables: FeedCatalog.all, settings: settings)
        let zone = database.settings.timeZone, offset = DatabaseSettings.offsetText(database.settings.utcOffsetSeconds)
        emit("created database \(database.path) (time zone \(zone), UTC\(offset)\(global.noFileAccess ? ", no file access from SQL" : "")) "
             + "with tables: \(try database.tableNames().joined(separator: ", "))")
    }
}
