import Foundation
import XCTest

/// `huiyan report --html` from the real binary on a generated year: chart axes that step at round numbers
/// (1, 2 or 5 times a power of ten), a legend for the gauges' colours, no figure in brackets without its name,
/// and a print stylesheet that chromium prints on A4 pages.
final class ReportPageTests: XCTestCase {
    static let directory = NSTemporaryDirectory() + "huiyan-reportpage-\(UUID().uuidString.prefix(8))"

    /// The page, built once for the class from generated feeds.
    static let page: Result<String, Error> = Result {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let huiyan = HuiyanProcess(databasePath: directory + "/db")
        for feed in ["visits", "orders"] {
            let file = "\(directory)/\(feed).csv"
            guard try huiyan.run(["generate", feed, "--rows", "20000", "--seed", "3", "--out", file]).status == 0,
                  try huiyan.run(["ingest", feed, file, "--quiet"]).status == 0 else { throw CocoaError(.fileWriteUnknown) }
        }
        guard try huiyan.run(["catalogs", "load"]).status == 0,
              try huiyan.run(["report", "--html", directory + "/report.html"]).status == 0 else { throw CocoaError(.fileWriteUnknown) }
        return directory + "/report.html"
    }

    override class func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    /// A label as a number: `2000万元` → 2e7, `1,500` → 1500.
    static func number(_ label: String) -> Double? {
        var text = label.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "元", with: "")
            .replacingOccurrences(of: "人次", with: "")
        var scale = 1.0
        if text.hasSuffix("亿") { scale = 1e8; text.removeLast() } else if text.hasSuffix("万") { scale = 1e4; text.removeLast() }
        return Double(text).map { $0 * scale }
    }

    func testAxesStepAtRoundNumbersAndFiguresAreNamed() throws {
        let html = try String(contentsOfFile: try Self.page.get(), encoding: .utf8)
        // The y-axis labels of each trend chart: right-aligned texts left of the plot.
        let charts = html.components(separatedBy: "<svg class=\"chart\"").dropFirst()
        var checked = 0
        for chart in charts where chart.contains("<polyline") {
            let pattern = try NSRegularExpression(pattern: ##"text-anchor="end" font-size="11" fill="#666">([^<]+)</text>"##)
            let labels = pattern.matches(in: chart, range: NSRange(chart.startIndex..., in: chart)).map {
                String(chart[Range($0.range(at: 1), in: chart)!])
            }
            let values = try labels.map { try XCTUnwrap(Self.number($0), $0) }
            XCTAssertGreaterThanOrEqual(values.count, 3, "\(labels)")
            XCTAssertEqual(values.first, 0)
            let step = values[1] - values[0]
            let mantissa = step / pow(10, log10(step).rounded(.down))
            XCTAssertTrue([1, 2, 5].contains { abs(mantissa - $0) < 1e-6 }, "a step of \(step): \(labels)")
            for (i, value) in values.enumerated() { XCTAssertEqual(value, step * Double(i), accuracy: step * 1e-6, "\(labels)") }
            XCTAssertFalse(labels.contains { $0.contains(".0") }, "round labels without .0: \(labels)")
            checked += 1
        }
        XCTAssertEqual(checked, 2, "two trend charts")
        // The gauges' colours are explained beside them, and the projection's share has its own named column.
        for text in ["class=\"legend\"", "#2e7d32\"></i>已达到应完成的进度", "#f9a825\"></i>达到应完成的八成以上",
                     "#c62828\"></i>不足应完成的八成", "黑色刻度", "<th>预测占目标</th>", "@page{size:A4", "@media print"] {
            XCTAssertTrue(html.contains(text), "the page lacks \(text)")
        }
        XCTAssertNil(html.range(of: #"（[0-9.]+%）"#, options: .regularExpression), "a percentage in brackets without a name")
    }

    func testThePagePrintsOnA4() throws {
        guard let browser = ReportBrowserTests.browser else {
            throw XCTSkip("no headless browser found: tools/setup-browser installs Debian's chromium")
        }
        let page = try Self.page.get()
        let pdf = Self.directory + "/report.pdf"
        _ = try ReportBrowserTests.run(browser, ["--no-pdf-header-footer", "--print-to-pdf=\(pdf)", "file://" + page])
        let data = try Data(contentsOf: URL(fileURLWithPath: pdf))
        let text = String(decoding: data, as: UTF8.self)
        let boxes = try NSRegularExpression(pattern: #"MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]"#)
        let sizes = boxes.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
            (Double(text[Range($0.range(at: 1), in: text)!])!, Double(text[Range($0.range(at: 2), in: text)!])!)
        }
        XCTAssertGreaterThan(sizes.count, 0, "no pages in the PDF")
        for (width, height) in sizes {
            // A4 is 210 × 297 mm: 595.3 × 841.9 points (Letter, the default without the stylesheet, is 612 × 792).
            XCTAssertEqual(width, 595.3, accuracy: 1)
            XCTAssertEqual(height, 841.9, accuracy: 1)
        }
        let dom = try ReportBrowserTests.run(browser, ["--dump-dom", "file://" + page])
        XCTAssertTrue(dom.contains("不足应完成的八成"), "the legend as the browser read it")
    }
}
