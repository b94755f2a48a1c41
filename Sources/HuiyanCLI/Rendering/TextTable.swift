/// A plain-text table with a header, numbers right-aligned, wide (CJK) characters counted as two columns.
/// With `maxWidth` the widest columns shrink until the table fits, their long values cut with "…".
public struct TextTable {
    public enum Alignment { case left, right }

    public var headers: [String]
    public var alignments: [Alignment]
    public var rows: [[String]] = []
    /// The most terminal columns the table may take (nil: as wide as its values).
    public var maxWidth: Int?
    /// A row of "…" drawn after this many rows: where rows were left out.
    public var gapAfter: Int?

    public init(headers: [String], alignments: [Alignment]? = nil, maxWidth: Int? = nil) {
        self.headers = headers
        self.alignments = alignments ?? headers.map { _ in .left }
        self.maxWidth = maxWidth
    }

    public mutating func add(_ row: [String]) { rows.append(row) }

    /// Column widths: the widest value of each, then the widest shrunk one column at a time until the table fits.
    func columnWidths() -> [Int] {
        var widths = headers.map(DisplayWidth.of)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], DisplayWidth.of(cell)) }
        }
        guard let maxWidth, !widths.isEmpty else { return widths }
        let frame = 3 * widths.count + 1
        let minimum = 3
        while widths.reduce(frame, +) > maxWidth {
            guard let widest = widths.indices.max(by: { widths[$0] < widths[$1] }), widths[widest] > minimum else { break }
            widths[widest] -= 1
        }
        return widths
    }

    public func render() -> String {
        let widths = columnWidths()
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, width) in widths.enumerated() {
                let cell = DisplayWidth.truncated(i < cells.count ? cells[i] : "", to: width)
                parts.append(DisplayWidth.padded(cell, to: width, right: alignments[i] == .right))
            }
            return "│ " + parts.joined(separator: " │ ") + " │"
        }
        let rule = { (l: String, m: String, r: String) in l + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: m) + r }
        var out = [rule("┌", "┬", "┐"), line(headers), rule("├", "┼", "┤")]
        for (index, row) in rows.enumerated() {
            out.append(line(row))
            if index + 1 == gapAfter { out.append(line(widths.map { _ in "…" })) }
        }
        out.append(rule("└", "┴", "┘"))
        return out.joined(separator: "\n")
    }
}
