import Foundation
import HuiyanQuery

/// Output formats of query results.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, csv, json, markdown, line
}

/// How numbers read in the formats for people: as they are, or large amounts in 万 and 亿.
public enum NumberUnits: String, CaseIterable, Sendable {
    case plain, wan
}

/// Renders query results as a table for people, or CSV, JSON lines or Markdown for programs and reports.
/// `huiyan query` and the REPL both render through it.
public struct ResultRenderer {
    public var format: OutputFormat
    /// The database's UTC offset, for timestamps.
    public var offsetSeconds: Int
    public var nullText = "NULL"
    /// The terminal's width: tables too wide for it hide middle columns behind a `…` column (nil: no limit).
    public var maxWidth: Int?
    /// Tables with more rows show the first and last ones and say how many were left out (nil: all rows).
    public var maxRows: Int?
    /// Numbers in table, markdown and line output as they are or in 万/亿.
    public var units: NumberUnits = .plain
    /// Thousands separators in numbers of table, markdown and line output (`1,234,567.50`).
    public var separators = false
    /// Colours of table headers and NULLs.
    public var palette = Palette.none

    public init(format: OutputFormat, offsetSeconds: Int) {
        self.format = format
        self.offsetSeconds = offsetSeconds
    }

    private func text(_ value: Value) -> String? { ValueFormatting.text(value, offsetSeconds: offsetSeconds) }

    /// A value as people read it: `units` applied to numbers (with `digits` decimals in 万 and 亿 when given),
    /// thousands separators when asked; nil for NULL.
    func display(_ value: Value, digits: Int? = nil) -> String? {
        let number = Self.number(value)
        var shown: String
        if units == .wan, let number, let wan = Formatting.wan(number, digits: digits) {
            shown = wan
        } else if let plain = text(value) {
            shown = plain
        } else {
            return nil
        }
        if separators && number != nil { shown = Formatting.grouped(shown) }
        return shown
    }

    /// For each column, in 万/亿 units, the most decimals one of its values needs, so that all of the column show
    /// as many and line up (`399.60万` over `602.26万`); nil where values show as they come.
    func wanDigits(_ result: QueryResult) -> [Int?] {
        result.columnTypes.indices.map { column in
            guard units == .wan, result.columnTypes[column].isNumeric else { return nil }
            return result.rows.compactMap { Self.number($0[column]).flatMap(Formatting.wanDecimals) }.max()
        }
    }

    /// The cells of a row as people read them (NULL as nil).
    private func displayed(_ row: [Value], digits: [Int?]) -> [String?] {
        row.enumerated().map { display($0.element, digits: $0.offset < digits.count ? digits[$0.offset] : nil) }
    }

    /// The numeric value of a number (money in yuan); nil for anything else.
    static func number(_ value: Value) -> Double? {
        switch value {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .money(let fen): return Double(fen) / 100
        case .decimal: return value.doubleValue
        default: return nil
        }
    }

    public func render(_ result: QueryResult) -> String {
        if result.columnNames.isEmpty { return result.message ?? "" }
        switch format {
        // A statement's note beside its rows (COPY: how many, and where the rejected rows' reasons are)
        // goes under the table; the machine formats stay rows only.
        case .table: return table(result) + (result.message.map { "\n" + $0 } ?? "")
        case .csv: return text(result, .csv)
        case .json: return text(result, .ndjson)
        case .markdown: return markdown(result)
        case .line: return line(result)
        }
    }

    private func table(_ result: QueryResult) -> String {
        let alignments: [TextTable.Alignment] = result.columnTypes.map { $0.isNumeric ? .right : .left }
        var out = TextTable(headers: result.columnNames, alignments: alignments, maxWidth: maxWidth)
        out.palette = palette
        let count = result.rows.count
        var shown = result.rows[...]
        if let maxRows, count > max(1, maxRows) {
            let head = (max(1, maxRows) + 1) / 2
            let tail = max(1, maxRows) - head
            out.gapAfter = head
            shown = result.rows.prefix(head) + result.rows.suffix(tail)
        }
        let digits = wanDigits(result)
        for row in shown {
            let cells = displayed(row, digits: digits)
            out.add(cells.map { $0 ?? nullText }, nulls: cells.indices.filter { cells[$0] == nil })
        }
        var footer = "\(Formatting.grouped(count)) row\(count == 1 ? "" : "s")"
        if shown.count < count { footer += " (\(Formatting.grouped(count - shown.count)) in the middle not shown)" }
        let hidden = out.hiddenColumns
        if hidden > 0 { footer += ", \(hidden) of \(result.columnNames.count) columns hidden" }
        return out.render() + "\n" + footer
    }

    /// CSV or JSON lines, written as `huiyan query` streams a SELECT's rows (without the last line break).
    private func text(_ result: QueryResult, _ format: TextFormat) -> String {
        var bytes: [UInt8] = []
        let writer = RowTextWriter(format: format, columnNames: result.columnNames, offsetSeconds: offsetSeconds) { bytes += $0 }
        try? writer.writeHeader()
        for row in result.rows { try? writer.write(row: row) }
        try? writer.finish()
        if bytes.last == 0x0A { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func markdown(_ result: QueryResult) -> String {
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        var lines = ["| " + result.columnNames.map(cell).joined(separator: " | ") + " |"]
        lines.append("|" + result.columnTypes.map { $0.isNumeric ? "---:|" : "---|" }.joined())
        let digits = wanDigits(result)
        for row in result.rows { lines.append("| " + displayed(row, digits: digits).map { cell($0 ?? "") }.joined(separator: " | ") + " |") }
        return lines.joined(separator: "\n")
    }

    /// One `column = value` line per column, rows separated by a blank line (sqlite's line mode).
    private func line(_ result: QueryResult) -> String {
        let width = result.columnNames.map(DisplayWidth.of).max() ?? 0
        let digits = wanDigits(result)
        return result.rows.map { row in
            zip(result.columnNames, displayed(row, digits: digits)).map { name, value in
                DisplayWidth.padded(name, to: width, right: true) + " = " + (value ?? nullText)
            }.joined(separator: "\n")
        }.joined(separator: "\n\n")
    }
}
