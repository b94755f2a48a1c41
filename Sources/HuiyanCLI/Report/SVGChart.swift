import Foundation

/// Inline SVG charts for the HTML report: target gauges, monthly trend lines and horizontal bar charts.
/// Plain shapes and text only — no scripts, fonts or images — so a page works offline in any browser.
enum SVGChart {
    /// A series of a line chart.
    struct Series {
        var name: String
        var values: [Double]
        var color: String
    }

    /// A half-circle gauge of `share` (capped at 100 %), with a tick at `expected`, where a figure on course stands;
    /// green when it is reached, amber above 80 % of it, red below.
    static func gauge(label: String, share: Double, caption: String, expected: Double) -> String {
        let cx = 130.0, cy = 120.0, r = 95.0
        func point(_ fraction: Double) -> (Double, Double) {
            let angle = Double.pi * (1 - min(max(fraction, 0), 1))
            return (cx + r * cos(angle), cy - r * sin(angle))
        }
        func arc(to fraction: Double) -> String {
            let (x, y) = point(fraction)
            return "M \(f(cx - r)) \(f(cy)) A \(f(r)) \(f(r)) 0 0 1 \(f(x)) \(f(y))"
        }
        let color = share >= expected ? "#2e7d32" : share >= expected * 0.8 ? "#f9a825" : "#c62828"
        let (tx, ty) = point(expected)
        let (ix, iy) = (cx + (tx - cx) * 0.78, cy + (ty - cy) * 0.78)
        var s = "<svg class=\"gauge\" viewBox=\"0 0 260 175\" width=\"260\" height=\"175\" role=\"img\" aria-label=\"\(escape(label))\">"
        s += "<path d=\"\(arc(to: 1))\" fill=\"none\" stroke=\"#e0e0e0\" stroke-width=\"22\"/>"
        if share > 0 { s += "<path d=\"\(arc(to: share))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"22\"/>" }
        s += "<line x1=\"\(f(ix))\" y1=\"\(f(iy))\" x2=\"\(f(tx + (tx - cx) * 0.16))\" y2=\"\(f(ty + (ty - cy) * 0.16))\" stroke=\"#333\" stroke-width=\"2\"/>"
        s += "<text x=\"\(f(cx))\" y=\"\(f(cy - 12))\" text-anchor=\"middle\" font-size=\"30\" font-weight=\"bold\" fill=\"\(color)\">\(escape(ReportFormat.percent(share)))</text>"
        s += "<text x=\"\(f(cx))\" y=\"\(f(cy + 22))\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">\(escape(label))</text>"
        s += "<text x=\"\(f(cx))\" y=\"\(f(cy + 44))\" text-anchor=\"middle\" font-size=\"12\" fill=\"#555\">\(escape(caption))</text>"
        return s + "</svg>"
    }

    /// The round step (1, 2 or 5 times a power of ten) at least `raw`: 846.2 → 1000, 0.3 → 0.5, 1.2 → 2.
    static func roundStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let power = pow(10, (log10(raw)).rounded(.down))
        return [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw * (1 - 1e-9) } ?? 10 * power
    }

    /// Lines over the twelve months; the y axis starts at 0 and steps at round numbers (1-2-5), labelled with
    /// `format`.
    static func lines(_ series: [Series], format: (Double) -> String, width: Double = 560, height: Double = 260) -> String {
        let left = 78.0, right = 16.0, top = 16.0, bottom = 46.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let largest = series.flatMap(\.values).max() ?? 0
        let step = roundStep(largest / 4)
        let ticks = max(1, Int((largest / step).rounded(.up)))
        let ceiling = step * Double(ticks)
        func x(_ month: Int) -> Double { left + plotWidth * (Double(month) + 0.5) / 12 }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - value / ceiling) }
        var s = "<svg class=\"chart\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\">"
        for tick in 0...ticks {
            let value = step * Double(tick)
            s += "<line x1=\"\(f(left))\" y1=\"\(f(y(value)))\" x2=\"\(f(width - right))\" y2=\"\(f(y(value)))\" stroke=\"#e5e5e5\"/>"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(y(value) + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"#666\">\(escape(format(value)))</text>"
        }
        for month in 0..<12 {
            s += "<text x=\"\(f(x(month)))\" y=\"\(f(height - bottom + 16))\" text-anchor=\"middle\" font-size=\"11\" fill=\"#666\">\(month + 1)月</text>"
        }
        for (index, line) in series.enumerated() where !line.values.isEmpty {
            let points = line.values.enumerated().map { "\(f(x($0.offset))),\(f(y($0.element)))" }.joined(separator: " ")
            s += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"2.5\"/>"
            for (month, value) in line.values.enumerated() {
                s += "<circle cx=\"\(f(x(month)))\" cy=\"\(f(y(value)))\" r=\"3\" fill=\"\(line.color)\"/>"
            }
            let lx = left + Double(index) * 170
            s += "<rect x=\"\(f(lx))\" y=\"\(f(height - 18))\" width=\"14\" height=\"4\" fill=\"\(line.color)\"/>"
            s += "<text x=\"\(f(lx + 20))\" y=\"\(f(height - 12))\" font-size=\"12\">\(escape(line.name))</text>"
        }
        return s + "</svg>"
    }

    /// Horizontal bars, one per row: the label, the bar (relative to the largest value) and the value's text.
    static func bars(_ rows: [(label: String, value: Double, text: String)], color: String, width: Double = 560) -> String {
        let rowHeight = 26.0, labelWidth = 150.0, textWidth = 100.0
        let height = rowHeight * Double(rows.count) + 8
        let largest = rows.map(\.value).max() ?? 0
        let barSpace = width - labelWidth - textWidth - 12
        var s = "<svg class=\"chart\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\">"
        for (i, row) in rows.enumerated() {
            let top = 4 + rowHeight * Double(i)
            let length = largest > 0 ? max(0, row.value) / largest * barSpace : 0
            s += "<text x=\"\(f(labelWidth - 8))\" y=\"\(f(top + 17))\" text-anchor=\"end\" font-size=\"13\">\(escape(row.label))</text>"
            s += "<rect x=\"\(f(labelWidth))\" y=\"\(f(top + 4))\" width=\"\(f(length))\" height=\"\(f(rowHeight - 8))\" fill=\"\(color)\" rx=\"2\"/>"
            s += "<text x=\"\(f(labelWidth + length + 6))\" y=\"\(f(top + 17))\" font-size=\"12\" fill=\"#444\">\(escape(row.text))</text>"
        }
        return s + "</svg>"
    }

    /// Text safe inside SVG or HTML content and attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    private static func f(_ v: Double) -> String { String(format: "%.1f", v) }
}
