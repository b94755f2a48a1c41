/// What the meta-commands set: how results look and what is reported with them. A start-up file
/// (`~/.huiyanrc`) sets them at the start of every session; `.show` lists them.
struct REPLSettings {
    var mode: OutputFormat = .table
    var timer = false
    /// Tables with more rows show the first and last (0: all rows).
    var maxRows = 40
    /// The most columns a table may take (0: the terminal's width).
    var maxWidth = 0
    var nullValue = "NULL"
    var units: NumberUnits = .plain
    /// Thousands separators in numbers (table, markdown and line modes).
    var separators = false

    /// `on` or `off`, as the commands take it.
    static func onOff(_ flag: Bool) -> String { flag ? "on" : "off" }

    /// Every setting with its value as the command that sets it takes it, in the order `.show` lists them;
    /// `terminalWidth` is what `.maxwidth 0` stands for now.
    func listed(terminalWidth: Int?) -> [(name: String, value: String)] {
        [("mode", mode.rawValue),
         ("timer", Self.onOff(timer)),
         ("maxrows", String(maxRows) + (maxRows == 0 ? " (all rows)" : "")),
         ("maxwidth", String(maxWidth) + (maxWidth > 0 ? "" : terminalWidth.map { " (the terminal's \($0) columns)" } ?? " (no limit off a terminal)")),
         ("nullvalue", "\"\(nullValue)\""),
         ("units", units.rawValue),
         ("separators", Self.onOff(separators))]
    }
}
