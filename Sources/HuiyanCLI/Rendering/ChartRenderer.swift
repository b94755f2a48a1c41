import HuiyanQuery

/// Draws a query result in the terminal with Unicode block characters: horizontal bars for categories
/// (spots, products) or a column chart for a series in row order (arrivals by day).
public struct ChartRenderer {
    public enum Kind: String, CaseIterable, Sendable { case bar, line }

    public var kind: Kind
    /// The numeric column to draw (nil: the first numeric column).
    public var column: String?
    /// The most terminal columns the chart may take.
    public var width: Int
    /// Rows of the line chart.
    public var height = 8
    public var units: NumberUnits = .plain
    public var offsetSeconds: Int

    public init(kind: Kind, column: String? = nil, width: Int = 80, offsetSeconds: Int) {
        self.kind = kind
        self.column = column
        self.width = max(20, width)
        self.offsetSeconds = offsetSeconds
    }

    /// Why a result cannot be drawn.
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    public func render(_ result: QueryResult) throws -> String {
        let valueIndex: Int
        if let column {
            guard let i = result.columnNames.firstIndex(where: { $0.lowercased() == column.lowercased() }) else {
                throw Problem(description: "no column \"\(column)\" in the last result (\(result.columnNames.joined(separator: ", ")))")
            }
            guard result.columnTypes[i].isNumeric else { throw Problem(description: "column \"\(column)\" is not a number") }
            valueIndex = i
        } else {
            guard let i = result.columnTypes.firstIndex(where: \.isNumeric) else {
                throw Problem(description: "the last result has no numeric column to draw")
            }
            valueIndex = i
        }
        guard !result.rows.isEmpty else { throw Problem(description: "the last result has no rows") }
        let labelIndex = result.columnNames.indices.first { $0 != valueIndex && !result.columnTypes[$0].isNumeric }
            ?? result.columnNames.indices.first { $0 != valueIndex }
        var renderer = ResultRenderer(format: .table, offsetSeconds: offsetSeconds)
        renderer.units = units
        let labels = result.rows.enumerated().map { n, row in
            labelIndex.map { renderer.display(row[$0]) ?? "NULL" } ?? String(n + 1)
        }
        let values = result.rows.map { ResultRenderer.number($0[valueIndex]) ?? 0 }
        let digits = renderer.wanDigits(result)[valueIndex]
        let texts = result.rows.map { renderer.display($0[valueIndex], digits: digits) ?? "NULL" }
        let title = result.columnNames[valueIndex] + (labelIndex.map { " by " + result.columnNames[$0] } ?? "")
        switch kind {
        case .bar: return title + "\n" + bars(labels: labels, values: values, texts: texts)
        case .line: return title + "\n" + columns(labels: labels, values: values, texts: texts)
        }
    }

    private static let levels = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// One bar per row, scaled to the largest magnitude; negative values are drawn as their magnitude.
    private func bars(labels: [String], values: [Double], texts: [String]) -> String {
        let labelWidth = min(max(1, labels.map(DisplayWidth.of).max() ?? 1), width / 3)
        let textWidth = texts.map(DisplayWidth.of).max() ?? 1
        let barWidth = max(4, width - labelWidth - textWidth - 3)
        let top = values.map(abs).max() ?? 0
        return zip(labels, zip(values, texts)).map { label, pair in
            let name = DisplayWidth.padded(DisplayWidth.truncated(label, to: labelWidth), to: labelWidth)
            return name + " " + Formatting.bar(top > 0 ? abs(pair.0) / top : 0, width: barWidth) + " " + pair.1
        }.joined(separator: "\n")
    }

    /// A column chart of the series in row order, `height` rows of eighth blocks between its minimum (or zero)
    /// and maximum; longer series are averaged into the available columns, short ones widened. First and last
    /// labels under it.
    private func columns(labels: [String], values: [Double], texts: [String]) -> String {
        let axisTexts = [values.max() ?? 0, min(0, values.min() ?? 0)].map { v -> String in
            let plain = v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(format: "%.2f", v)
            return units == .wan ? (Formatting.wan(v) ?? plain) : plain
        }
        let axisWidth = axisTexts.map(DisplayWidth.of).max() ?? 1
        let plotWidth = max(4, width - axisWidth - 3)
        var series = values
        if series.count > plotWidth {
            series = (0..<plotWidth).map { i in
                let from = i * values.count / plotWidth, to = max(from + 1, (i + 1) * values.count / plotWidth)
                return values[from..<to].reduce(0, +) / Double(to - from)
            }
        }
        // A short series gets several columns a point, up to four.
        let repeats = max(1, min(4, plotWidth / max(1, series.count)))
        series = series.flatMap { Array(repeating: $0, count: repeats) }
        let low = min(0, series.min() ?? 0), high = series.max() ?? 0
        let span = high - low
        var lines: [String] = []
        for level in stride(from: height - 1, through: 0, by: -1) {
            var row = ""
            for v in series {
                let filled = span > 0 ? (v - low) / span * Double(height) : 0
                let part = filled - Double(level)
                // Every point leaves at least a mark on the bottom row, the lowest too.
                row += part >= 1 ? "█" : part > 0 ? Self.levels[max(0, Int(part * 8) - 1)] : level == 0 ? "▁" : " "
            }
            let axis = level == height - 1 ? axisTexts[0] : level == 0 ? axisTexts[1] : ""
            lines.append(DisplayWidth.padded(axis, to: axisWidth, right: true) + " ┤" + row)
        }
        let first = labels.first ?? "", last = labels.count > 1 ? labels.last! : ""
        let gap = max(1, series.count - DisplayWidth.of(first) - DisplayWidth.of(last))
        lines.append(String(repeating: " ", count: axisWidth + 2) + first + String(repeating: " ", count: gap) + last)
        return lines.joined(separator: "\n")
    }
}
