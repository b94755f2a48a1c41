import Foundation
import HuiyanQuery

/// Output formats of query results.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, csv, json, markdown
}

/// Renders query results as a table for people, or CSV, JSON lines or Markdown for programs and reports.
public struct ResultRenderer {
    public var format: OutputFormat
    /// The database's UTC offset, for timestamps.
    public var offsetSeconds: Int
    public var nullText = "NULL"

    public init(format: OutputFormat, offsetSeconds: Int) {
        self.format = format
        self.offsetSeconds = offsetSeconds
    }

    private func text(_ value: Value) -> String? { ValueFormatting.text(value, offsetSeconds: offsetSeconds) }

    public func render(_ result: QueryResult) -> String {
        if result.columnNames.isEmpty { return result.message ?? "" }
        switch format {
        case .table: return table(result)
        case .csv: return csv(result)
        case .json: return json(result)
        case .markdown: return markdown(result)
        }
    }

    private func table(_ result: QueryResult) -> String {
        let alignments: [TextTable.Alignment] = result.columnTypes.map { $0.isNumeric ? .right : .left }
        var out = TextTable(headers: result.columnNames, alignments: alignments)
        for row in result.rows { out.add(row.map { text($0) ?? nullText }) }
        let count = result.rows.count
        return out.render() + "\n" + "\(count) row\(count == 1 ? "" : "s")"
    }

    private func csv(_ result: QueryResult) -> String {
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        var lines = [result.columnNames.map(field).joined(separator: ",")]
        for row in result.rows { lines.append(row.map { text($0).map(field) ?? "" }.joined(separator: ",")) }
        return lines.joined(separator: "\n")
    }

    /// One JSON object per row (JSON lines); numbers as numbers, NULL as null.
    private func json(_ result: QueryResult) -> String {
        result.rows.map { row in
            "{" + zip(result.columnNames, row).map { name, value in
                Self.jsonString(name) + ":" + jsonValue(value)
            }.joined(separator: ",") + "}"
        }.joined(separator: "\n")
    }

    private func jsonValue(_ value: Value) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int, .money: return text(value)!
        case .double(let d): return d.isFinite ? text(value)! : "null"
        case .string, .timestamp, .date: return Self.jsonString(text(value)!)
        }
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    private func markdown(_ result: QueryResult) -> String {
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        var lines = ["| " + result.columnNames.map(cell).joined(separator: " | ") + " |"]
        lines.append("|" + result.columnTypes.map { $0.isNumeric ? "---:|" : "---|" }.joined())
        for row in result.rows { lines.append("| " + row.map { cell(text($0) ?? "") }.joined(separator: " | ") + " |") }
        return lines.joined(separator: "\n")
    }
}
