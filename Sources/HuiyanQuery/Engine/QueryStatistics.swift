import Foundation

/// Counters a statement's operators keep while it runs (safe from every scanning thread): what the
/// specialised paths saved, for tests and EXPLAIN.
public final class QueryStatistics: @unchecked Sendable {
    private let lock = NSLock()
    private var skippedByTopN = 0

    /// Blocks a top-N heap skipped because their zone maps showed that no row could enter it.
    public var blocksSkippedByTopN: Int {
        lock.lock(); defer { lock.unlock() }
        return skippedByTopN
    }

    func addBlockSkippedByTopN() {
        lock.lock(); skippedByTopN += 1; lock.unlock()
    }
}
