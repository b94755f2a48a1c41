import Foundation
import XCTest

/// Golden outputs under Fixtures/repl/, compared character by character. HUIYAN_UPDATE_GOLDENS=1 rewrites them
/// (then read the diff before committing it).
enum RendererGolden {
    static let directory = HuiyanProcess.fixtures + "/repl"

    static func check(_ actual: String, against name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let path = directory + "/" + name
        if ProcessInfo.processInfo.environment["HUIYAN_UPDATE_GOLDENS"] == "1" {
            try actual.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        if actual != expected {
            let a = actual.components(separatedBy: "\n"), e = expected.components(separatedBy: "\n")
            let first = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, e.count)
            XCTFail("""
            \(name) differs at line \(first + 1):
              expected: \(first < e.count ? e[first] : "<end>")
              actual:   \(first < a.count ? a[first] : "<end>")
            whole output:
            \(actual)
            """, file: file, line: line)
        }
    }
}
