import Foundation
import HuiyanQuery
import HuiyanStorage

/// Watches one running statement from a background thread: Ctrl-C cancels it through its context, and after a
/// second a progress line on the terminal shows how long it has run and how many blocks its scans have read
/// (the query context counts those, not the blocks still to read, so there is no percentage).
final class QueryWatch: Sendable {
    private let context: QueryContext
    private let showProgress: Bool
    /// Set by `stop`: the watch thread ends.
    private let finished = LockedValue(false)
    private let done = DispatchSemaphore(value: 0)
    private let started = Date()
    /// A pipe `stop` writes to, to wake the watch thread at once.
    private let wake: (read: Int32, write: Int32)

    private static let spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    /// Starts watching; `showProgress` only when standard error is a terminal.
    init(context: QueryContext, showProgress: Bool) {
        self.context = context
        self.showProgress = showProgress
        _ = InterruptSignal.take()  // a Ctrl-C typed before the statement began is not for it
        var ends: [Int32] = [-1, -1]
        _ = pipe(&ends)
        wake = (ends[0], ends[1])
        Thread.detachNewThread { [self] in run() }
    }

    private var isFinished: Bool { finished.current }

    private func run() {
        var drawn = false
        var tick = 0
        while !isFinished {
            var fds = [pollfd(fd: InterruptSignal.fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, 2, 100)
            if fds[0].revents != 0, InterruptSignal.take() { context.cancel() }
            let seconds = Date().timeIntervalSince(started)
            if showProgress && seconds >= 1 && !isFinished {
                let read = Self.progress(context.statistics, seconds: seconds)
                let line = "\r\(Self.spinner[tick % Self.spinner.count]) running \(String(format: "%.1f", seconds)) s\(read) — Ctrl-C cancels\u{1B}[K"
                FileHandle.standardError.write(Data(line.utf8))
                drawn = true
                tick += 1
            }
        }
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        done.signal()
    }

    /// " · 42 % of 1,222 blocks, about 3 s left" (the estimate once a tenth is read), " · 1,222 blocks read,
    /// finishing" once every block is, or how many were read when the total is not known yet.
    static func progress(_ statistics: QueryStatistics, seconds: Double) -> String {
        let done = statistics.blocksScanned + statistics.blocksSkippedByTopN
        let planned = statistics.blocksPlanned
        guard planned > 0 else {
            return done > 0 ? " · \(Formatting.grouped(done)) block\(done == 1 ? "" : "s") read" : ""
        }
        if done >= planned { return " · \(Formatting.grouped(planned)) blocks read, finishing" }
        let share = Double(done) / Double(planned)
        var text = " · \(Int(share * 100)) % of \(Formatting.grouped(planned)) blocks"
        if share >= 0.1 { text += ", about \(Int((seconds * (1 - share) / share).rounded(.up))) s left" }
        return text
    }

    /// Stops watching and erases the progress line; returns once the watch thread has ended.
    func stop() {
        finished.withLock { $0 = true }
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
        done.wait()
        close(wake.read); close(wake.write)
    }
}
