import HuiyanQuery
import HuiyanStorage

/// Candidates for Tab: meta-commands at the start of a line and their arguments after them; table names after
/// FROM, JOIN, TABLE and DESCRIBE; table names, column names, SQL keywords and functions elsewhere — the
/// columns of the tables the statement names, or of every table while it names none.
struct SQLCompleter {
    /// The database whose tables and columns complete.
    var database: () -> Database
    /// The statement's text on earlier lines (a statement over several lines).
    var pending: () -> String = { "" }

    static let functions = ["count", "sum", "avg", "min", "max", "approx_count_distinct", "date_trunc", "date_part",
                            "extract", "strftime", "coalesce", "nullif", "lower", "upper", "length", "abs", "round"]

    /// The characters of a word completion replaces.
    static func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "." }

    /// What Tab adds after a completed word: nothing after a function (its `(` follows), a space elsewhere.
    static func suffix(after candidate: String) -> String {
        functions.contains(candidate.lowercased()) ? "" : " "
    }

    /// Completions of the word that ends `line` (the text before the cursor), sorted, without repeats; `statement`
    /// is the whole statement typed so far (earlier lines and all of this one), whose tables limit the columns.
    func candidates(before line: String, statement: String? = nil) -> [String] {
        let word = String(line.reversed().prefix(while: Self.isWordCharacter).reversed())
        let head = line.dropLast(word.count)
        let trimmedHead = head.drop(while: \.isWhitespace)
        let pool: [String]
        if trimmedHead.isEmpty && word.hasPrefix(".") {
            pool = MetaCommand.names
        } else if trimmedHead.hasPrefix(".") {
            let command = trimmedHead.prefix { !$0.isWhitespace }.lowercased()
            switch command {
            case ".mode": pool = OutputFormat.allCases.map(\.rawValue)
            case ".timer", ".separators": pool = ["on", "off"]
            case ".units": pool = NumberUnits.allCases.map(\.rawValue)
            case ".chart": pool = ChartRenderer.Kind.allCases.map(\.rawValue) + columnNames()
            case ".schema": pool = tableNames()
            default: pool = []
            }
        } else if let previous = head.split(whereSeparator: { !Self.isWordCharacter($0) }).last,
                  ["from", "join", "table", "describe", "into"].contains(previous.lowercased()), head.last?.isWhitespace == true {
            pool = tableNames()
        } else {
            let lower = word.first.map { $0.isLowercase } ?? false
            // (INSERT INTO … VALUES, DROP and COPY … TO are words the parser reads without making them keywords.)
            let keywords = (Keyword.allCases.map(\.rawValue) + ["INSERT", "INTO", "VALUES", "DROP", "TO"]).map { lower ? $0.lowercased() : $0 }
            pool = tableNames() + columnNames(of: tablesNamed(in: pending() + "\n" + (statement ?? line))) + keywords + Self.functions
        }
        let prefix = word.lowercased()
        return Array(Set(pool.filter { $0.lowercased().hasPrefix(prefix) && $0.count > word.count })).sorted()
    }

    /// The tables' and the views' names.
    private func tableNames() -> [String] {
        let db = database()
        return ((try? db.tableNames()) ?? []) + ((try? db.viewCatalog().views.map(\.name)) ?? [])
    }

    /// The columns of `tables` (nil: of every table).
    private func columnNames(of tables: [String]? = nil) -> [String] {
        let db = database()
        return (tables ?? tableNames()).flatMap { (try? db.manifest(of: $0).schema.columns.map(\.name)) ?? [] }
    }

    /// The tables whose names are words of `statement` (nil when it names none).
    private func tablesNamed(in statement: String) -> [String]? {
        let words = Set(statement.split { !Self.isWordCharacter($0) }.map { $0.lowercased() })
        let named = tableNames().filter { words.contains($0.lowercased()) }
        return named.isEmpty ? nil : named
    }

    /// The longest start all candidates share.
    static func commonPrefix(_ candidates: [String]) -> String {
        guard var prefix = candidates.first else { return "" }
        for candidate in candidates.dropFirst() {
            while !candidate.lowercased().hasPrefix(prefix.lowercased()) { prefix.removeLast() }
        }
        return prefix
    }
}
