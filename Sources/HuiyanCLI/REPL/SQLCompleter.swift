import HuiyanQuery
import HuiyanStorage

/// Candidates for Tab: meta-commands at the start of a line and their arguments after them; table names after
/// FROM, JOIN, TABLE and DESCRIBE; table names, column names, SQL keywords and functions elsewhere.
struct SQLCompleter {
    /// The database whose tables and columns complete.
    var database: () -> Database

    static let functions = ["count", "sum", "avg", "min", "max", "approx_count_distinct", "date_trunc", "date_part",
                            "extract", "strftime", "coalesce", "nullif", "lower", "upper", "length", "abs", "round"]

    /// The characters of a word completion replaces.
    static func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "." }

    /// Completions of the word that ends `line` (the text before the cursor), sorted, without repeats.
    func candidates(before line: String) -> [String] {
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
            case ".timer": pool = ["on", "off"]
            case ".units": pool = NumberUnits.allCases.map(\.rawValue)
            case ".chart": pool = ChartRenderer.Kind.allCases.map(\.rawValue) + columnNames()
            case ".schema": pool = tableNames()
            default: pool = []
            }
        } else if let previous = head.split(whereSeparator: { !Self.isWordCharacter($0) }).last,
                  ["from", "join", "table", "describe"].contains(previous.lowercased()), head.last?.isWhitespace == true {
            pool = tableNames()
        } else {
            let lower = word.first.map { $0.isLowercase } ?? false
            let keywords = Keyword.allCases.map { lower ? $0.rawValue.lowercased() : $0.rawValue }
            pool = tableNames() + columnNames() + keywords + Self.functions
        }
        let prefix = word.lowercased()
        return Array(Set(pool.filter { $0.lowercased().hasPrefix(prefix) && $0.count > word.count })).sorted()
    }

    private func tableNames() -> [String] { (try? database().tableNames()) ?? [] }

    private func columnNames() -> [String] {
        let db = database()
        return tableNames().flatMap { (try? db.manifest(of: $0).schema.columns.map(\.name)) ?? [] }
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
