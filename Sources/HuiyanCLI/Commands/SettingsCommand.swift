import ArgumentParser
import HuiyanStorage

struct SettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "Show the database's settings, or change whether SQL may touch files.",
        discussion: """
        --file-access off refuses COPY (the only SQL that reads or writes files) in every later session on \
        this database, whatever its command line: for a database others reach through SQL. huiyan ingest \
        still loads files. --file-access on allows COPY again.

        Examples:
          huiyan settings
          huiyan settings --file-access off
        """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Whether SQL may read and write files (COPY): on or off.", valueName: "on|off"))
    var fileAccess: Switch?

    enum Switch: String, ExpressibleByArgument, CaseIterable { case on, off }

    func run() throws {
        let database = try global.open()
        var settings = database.settings
        if let fileAccess {
            settings.fileAccess = fileAccess == .on
            let writer = try database.writer(command: "huiyan settings --file-access \(fileAccess.rawValue)")
            defer { writer.close() }
            try writer.updateSettings(settings)
        }
        emit("time zone: \(settings.timeZone) (UTC\(DatabaseSettings.offsetText(settings.utcOffsetSeconds)))")
        emit("file access from SQL: \(settings.fileAccess ?? true ? "on" : "off")")
    }
}
