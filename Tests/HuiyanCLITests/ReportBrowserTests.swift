import Foundation
import XCTest
@testable import HuiyanCLI

/// The HTML report in a real headless browser (Debian's chromium, installed by tools/setup-browser): the
/// screenshot is not blank, and the page's text has the targets.
final class ReportBrowserTests: XCTestCase {
    /// $HUIYAN_BROWSER, else chromium (or chromium-browser, google-chrome) on the PATH.
    static let browser: String? = {
        if let path = ProcessInfo.processInfo.environment["HUIYAN_BROWSER"], !path.isEmpty { return path }
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for directory in paths where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
                return "\(directory)/\(name)"
            }
        }
        return nil
    }()

    func testReportRendersInAHeadlessBrowser() throws {
        guard let browser = Self.browser else {
            throw XCTSkip("no headless browser found: tools/setup-browser installs Debian's chromium (apt-get install chromium fonts-noto-cjk)")
        }
        let directory = NSTemporaryDirectory() + "huiyan-browser-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let page = directory + "/report.html", blank = directory + "/blank.html"
        try HTMLReport(data: try ReportFixture.report()).render().write(toFile: page, atomically: true, encoding: .utf8)
        try "<!DOCTYPE html><html><body style=\"background:#fff\"></body></html>".write(toFile: blank, atomically: true, encoding: .utf8)

        let dom = try Self.run(browser, ["--dump-dom", "file://" + page])
        for expected in ["衡阳市文旅与电商进度报告", "8000.0万人次", "700.00亿元", "400.00亿元", "2000.00亿元", "雁城四宝", "<svg"] {
            XCTAssertTrue(dom.contains(expected), "the page as the browser read it lacks \(expected)")
        }

        _ = try Self.run(browser, ["--window-size=1280,1600", "--screenshot=\(directory)/report.png", "file://" + page])
        _ = try Self.run(browser, ["--window-size=1280,1600", "--screenshot=\(directory)/blank.png", "file://" + blank])
        let shot = try Data(contentsOf: URL(fileURLWithPath: directory + "/report.png"))
        let empty = try Data(contentsOf: URL(fileURLWithPath: directory + "/blank.png"))
        XCTAssertEqual(Array(shot.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG file")
        XCTAssertNotEqual(shot, empty, "the report's screenshot differs from a blank page's")
        // A blank page compresses to almost nothing; text, gauges and charts do not.
        XCTAssertGreaterThan(shot.count, 10 * empty.count, "report \(shot.count) bytes, blank page \(empty.count) bytes")
    }

    /// Runs the browser headless on `arguments`; returns its standard output.
    static func run(_ browser: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "\(browser) \(arguments.joined(separator: " "))")
        return String(decoding: data, as: UTF8.self)
    }
}
