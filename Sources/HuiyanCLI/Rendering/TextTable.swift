/// A plain-text table with a header, numbers right-aligned, wide (CJK) characters counted as two columns.
public struct TextTable {
    public enum Alignment { case left, right }

    public var headers: [String]
    public var alignments: [Alignment]
    public var rows: [[String]] = []

    public init(headers: [String], alignments: [Alignment]? = nil) {
        self.headers = headers
        self.alignments = alignments ?? headers.map { _ in .left }
    }

    public mutating func add(_ row: [String]) { rows.append(row) }

    public func render() -> String {
        var widths = headers.map(DisplayWidth.of)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], DisplayWidth.of(cell)) }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, width) in widths.enumerated() {
                let cell = i < cells.count ? cells[i] : ""
                let pad = String(repeating: " ", count: width - DisplayWidth.of(cell))
                parts.append(alignments[i] == .right ? pad + cell : cell + pad)
            }
            return "│ " + parts.joined(separator: " │ ") + " │"
        }
        let rule = { (l: String, m: String, r: String) in l + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: m) + r }
        var out = [rule("┌", "┬", "┐"), line(headers), rule("├", "┼", "┤")]
        out += rows.map(line)
        out.append(rule("└", "┴", "┘"))
        return out.joined(separator: "\n")
    }
}
