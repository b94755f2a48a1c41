/// A plain-text table with a header, numbers right-aligned, wide (CJK) characters counted as two columns.
/// With `maxWidth` a table too wide for it keeps its first and last columns whole and hides the middle ones
/// behind a `…` column (as DuckDB does); only a column wider than half of `maxWidth`, or a first and last
/// column that do not fit together, are cut with "…".
public struct TextTable {
    public enum Alignment { case left, right }

    public var headers: [String]
    public var alignments: [Alignment]
    public var rows: [[String]] = []
    /// Cells drawn with the palette's NULL style, by row and column.
    private var nullCells: Set<[Int]> = []
    /// The most terminal columns the table may take (nil: as wide as its values).
    public var maxWidth: Int?
    /// A row of "…" drawn after this many rows: where rows were left out.
    public var gapAfter: Int?
    /// Colours for the header and NULL cells (none by default).
    public var palette = Palette.none

    public init(headers: [String], alignments: [Alignment]? = nil, maxWidth: Int? = nil) {
        self.headers = headers
        self.alignments = alignments ?? headers.map { _ in .left }
        self.maxWidth = maxWidth
    }

    /// Adds a row; `nulls` are the indexes of its cells that stand for NULL.
    public mutating func add(_ row: [String], nulls: [Int] = []) {
        for column in nulls { nullCells.insert([rows.count, column]) }
        rows.append(row)
    }

    /// Which columns are drawn, how wide, and where the `…` column of hidden ones stands.
    struct Layout {
        /// The indexes of the columns drawn, in order.
        var shown: [Int]
        /// The width of each drawn column.
        var widths: [Int]
        /// Position in `shown` before which the `…` column stands (nil: no column hidden).
        var gapBefore: Int?
        /// How many columns the `…` column stands for.
        var hidden = 0
    }

    /// The terminal columns the table takes when drawn.
    public var width: Int {
        let layout = layout()
        return Self.total(layout.widths) + (layout.gapBefore == nil ? 0 : 4)
    }

    /// How many columns the `…` column stands for when the table is drawn.
    public var hiddenColumns: Int { layout().hidden }

    /// The widest value of each column; past `maxWidth`, the first and last columns taken alternately while they
    /// fit beside a `…` column, and the widest of those shrunk one column at a time if even two do not fit.
    func layout() -> Layout {
        var widths = headers.map(DisplayWidth.of)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], DisplayWidth.of(cell)) }
        }
        var layout = Layout(shown: Array(widths.indices), widths: widths)
        guard let maxWidth, !widths.isEmpty, Self.total(widths) > maxWidth else { return layout }
        // A value wider than half the screen would push every other column out: it is cut instead.
        let cap = max(8, maxWidth / 2 - 3)
        widths = widths.map { min($0, cap) }
        if Self.total(widths) > maxWidth && widths.count > 2 {
            var left: [Int] = [], right: [Int] = []
            var next = (low: 0, high: widths.count - 1)
            var takeLeft = true
            while next.low <= next.high {
                let index = takeLeft ? next.low : next.high
                let candidate = (left + [index] + right).map { widths[$0] } + [1]
                if Self.total(candidate) > maxWidth && left.count + right.count >= 2 { break }
                if takeLeft { left.append(index); next.low += 1 } else { right.insert(index, at: 0); next.high -= 1 }
                takeLeft.toggle()
            }
            layout.shown = left + right
            layout.hidden = widths.count - layout.shown.count
            if layout.hidden > 0 { layout.gapBefore = left.count }
        }
        var shownWidths = layout.shown.map { widths[$0] }
        let frame = layout.gapBefore == nil ? 0 : 4
        while Self.total(shownWidths) + frame > maxWidth {
            guard let widest = shownWidths.indices.max(by: { shownWidths[$0] < shownWidths[$1] }), shownWidths[widest] > 3 else { break }
            shownWidths[widest] -= 1
        }
        layout.widths = shownWidths
        return layout
    }

    /// The width of a table of columns this wide: each column with a space either side and a rule after it.
    private static func total(_ widths: [Int]) -> Int { widths.reduce(3 * widths.count + 1, +) }

    public func render() -> String {
        let layout = layout()
        var widths = layout.widths
        var aligned = layout.shown.map { alignments[$0] }
        if let gap = layout.gapBefore {
            widths.insert(1, at: gap)
            aligned.insert(.left, at: gap)
        }
        /// The cells drawn of a row: the shown columns, with "…" for the hidden ones.
        func cells(_ row: [String]) -> [String] {
            var out = layout.shown.map { $0 < row.count ? row[$0] : "" }
            if let gap = layout.gapBefore { out.insert("…", at: gap) }
            return out
        }
        func line(_ cells: [String], style: (Int) -> ((String) -> String)?) -> String {
            var parts: [String] = []
            for (i, width) in widths.enumerated() {
                let cell = DisplayWidth.truncated(i < cells.count ? cells[i] : "", to: width)
                let padded = DisplayWidth.padded(cell, to: width, right: aligned[i] == .right)
                parts.append(style(i).map { $0(padded) } ?? padded)
            }
            return "│ " + parts.joined(separator: " │ ") + " │"
        }
        /// The original column index of a drawn position (nil for the `…` column).
        func column(at position: Int) -> Int? {
            guard let gap = layout.gapBefore else { return layout.shown[position] }
            return position == gap ? nil : layout.shown[position < gap ? position : position - 1]
        }
        let rule = { (l: String, m: String, r: String) in l + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: m) + r }
        var out = [rule("┌", "┬", "┐"), line(cells(headers), style: { _ in palette.header }), rule("├", "┼", "┤")]
        for (index, row) in rows.enumerated() {
            out.append(line(cells(row), style: { position in
                column(at: position).flatMap { nullCells.contains([index, $0]) ? palette.null : nil }
            }))
            if index + 1 == gapAfter { out.append(line(widths.map { _ in "…" }, style: { _ in nil })) }
        }
        out.append(rule("└", "┴", "┘"))
        return out.joined(separator: "\n")
    }
}
