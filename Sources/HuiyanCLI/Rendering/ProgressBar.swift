import Foundation
import HuiyanIngest

/// A one-line progress bar on standard error, drawn only when it is a terminal.
final class ProgressBar {
    private let enabled: Bool
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(enabled: Bool = isatty(STDERR_FILENO) == 1) { self.enabled = enabled }

    func update(_ p: IngestProgress) {
        guard enabled, Date().timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = Date()
        let fraction = p.bytesTotal > 0 ? min(1, Double(p.bytesRead) / Double(p.bytesTotal)) : 0
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let mbps = p.seconds > 0 ? Double(p.bytesRead) / p.seconds / 1_048_576 : 0
        let eta = fraction > 0.01 ? p.seconds * (1 - fraction) / fraction : 0
        let name = (p.file as NSString).lastPathComponent
        let line = String(format: "\r%@ %@ %3.0f%%  %@ rows  %.0f MB/s  ETA %.0fs ", name, bar, fraction * 100,
                          Formatting.grouped(p.rowsAccepted + p.rowsRejected), mbps, eta)
        FileHandle.standardError.write(line.data(using: .utf8)!)
        drawn = true
    }

    /// Erases the bar.
    func clear() {
        guard enabled, drawn else { return }
        FileHandle.standardError.write("\r\u{1B}[2K".data(using: .utf8)!)
        drawn = false
    }
}
