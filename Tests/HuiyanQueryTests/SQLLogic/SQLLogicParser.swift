import Foundation

/// Reads the text of a sqllogictest file into records; a malformed block is an error naming its line.
enum SQLLogicParser {
    struct ParseError: Error, CustomStringConvertible {
        let line: Int
        let message: String
        var description: String { "line \(line): \(message)" }
    }

    static func parse(_ text: String) throws -> [SQLLogicRecord] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
        var records: [SQLLogicRecord] = []
        var comments: [String] = []
        var i = 0

        /// Lines from `i` up to a blank line (or `stop`), which is consumed.
        func block(until stop: String? = nil) -> (lines: [String], stopped: Bool) {
            var taken: [String] = []
            while i < lines.count {
                let line = lines[i]
                i += 1
                if line.trimmingCharacters(in: .whitespaces).isEmpty { return (taken, false) }
                if let stop, line == stop { return (taken, true) }
                taken.append(line)
            }
            return (taken, false)
        }

        while i < lines.count {
            let line = lines[i].trimmingCharacters(in: .whitespaces)
            let number = i + 1
            i += 1
            if line.isEmpty { comments = []; continue }
            if line.hasPrefix("#") { comments.append(String(line.dropFirst()).trimmingCharacters(in: .whitespaces)); continue }
            let known = comments.first { $0.hasPrefix("known:") }.map { String($0.dropFirst(6)).trimmingCharacters(in: .whitespaces) }
            comments = []
            let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            switch words[0] {
            case "load":
                if words.count == 2, words[1] == "feeds" {
                    records.append(SQLLogicRecord(kind: .loadFeeds, sql: "", line: number, known: known))
                } else if words.count == 5, words[1] == "generated", ["visits", "tickets", "orders"].contains(words[2]),
                          let rows = Int(words[3]), rows > 0, let seed = UInt64(words[4]) {
                    records.append(SQLLogicRecord(kind: .loadGenerated(feed: words[2], rows: rows, seed: seed), sql: "", line: number, known: known))
                } else {
                    throw ParseError(line: number, message: "unknown `\(line)` (load feeds, or load generated visits|tickets|orders <rows> <seed>)")
                }
            case "zone":
                guard words.count == 2 else { throw ParseError(line: number, message: "expected `zone <ZONE>` (UTC, Asia/Kolkata, +05:30)") }
                records.append(SQLLogicRecord(kind: .zone(words[1]), sql: "", line: number, known: known))
            case "statement":
                let sql = block().lines.joined(separator: "\n")
                guard !sql.isEmpty else { throw ParseError(line: number, message: "statement without SQL") }
                if words.count == 2, words[1] == "ok" {
                    records.append(SQLLogicRecord(kind: .statementOK, sql: sql, line: number, known: known))
                } else if words.count >= 3, words[1] == "error" {
                    let expected = line.dropFirst("statement error".count).trimmingCharacters(in: .whitespaces)
                    records.append(SQLLogicRecord(kind: .statementError(expected), sql: sql, line: number, known: known))
                } else {
                    throw ParseError(line: number, message: "expected `statement ok` or `statement error <message>`")
                }
            case "query":
                guard words.count == 2 || words.count == 3 else { throw ParseError(line: number, message: "expected `query <types> [nosort|rowsort]`") }
                let types = words[1]
                guard types.allSatisfy({ "TIRMSDBV?".contains($0) }) else {
                    throw ParseError(line: number, message: "unknown column type letter in \(types) (T I R M S D B V ?)")
                }
                var sort = SQLLogicSort.nosort
                if words.count == 3 {
                    guard let s = SQLLogicSort(rawValue: words[2]) else { throw ParseError(line: number, message: "unknown sort mode \(words[2]) (nosort or rowsort)") }
                    sort = s
                }
                let (sqlLines, stopped) = block(until: "----")
                guard !sqlLines.isEmpty else { throw ParseError(line: number, message: "query without SQL") }
                guard stopped else { throw ParseError(line: number, message: "query without a `----` line before its rows") }
                let expected = block().lines
                records.append(SQLLogicRecord(kind: .query(types: types, sort: sort, expected: expected),
                                              sql: sqlLines.joined(separator: "\n"), line: number, known: known))
            default:
                throw ParseError(line: number, message: "unknown record `\(line)` (statement, query, load, zone, # comment)")
            }
        }
        return records
    }
}
