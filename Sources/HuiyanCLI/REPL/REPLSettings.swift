/// What the meta-commands set: how results look and what is reported with them.
struct REPLSettings {
    var mode: OutputFormat = .table
    var timer = false
    /// Tables with more rows show the first and last (0: all rows).
    var maxRows = 40
    var nullValue = "NULL"
    var units: NumberUnits = .plain
}
