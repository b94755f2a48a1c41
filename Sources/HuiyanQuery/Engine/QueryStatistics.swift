import Foundation

/// Counters a statement's operators keep while it runs (safe from every scanning thread): what the
/// specialised paths saved, for tests and EXPLAIN.
public final class QueryStatistics: @unchecked Sendable {
    private let lock = NSLock()
    private var skippedByTopN = 0
    private var scanned = 0
    private var operators: [ObjectIdentifier: (rows: Int, nanoseconds: UInt64)] = [:]

    /// Blocks the scans read (after zone maps and top-N skipped theirs).
    public var blocksScanned: Int {
        lock.lock(); defer { lock.unlock() }
        return scanned
    }

    func addBlockScanned() {
        lock.lock(); scanned += 1; lock.unlock()
    }

    private var planned = 0

    /// Blocks the scans set out to read (after zone maps), for a progress line: with `blocksScanned` and
    /// `blocksSkippedByTopN`, how far the statement is. A scan that starts again (an aggregation that spills)
    /// adds its blocks again.
    public var blocksPlanned: Int {
        lock.lock(); defer { lock.unlock() }
        return planned
    }

    func addBlocksPlanned(_ n: Int) {
        lock.lock(); planned += n; lock.unlock()
    }

    /// Records an operator's output rows and time.
    func record(_ op: AnyObject, rows: Int, nanoseconds: UInt64) {
        lock.lock(); operators[ObjectIdentifier(op)] = (rows, nanoseconds); lock.unlock()
    }

    /// The rows and time recorded for an operator, if it ran.
    func profile(of op: AnyObject) -> (rows: Int, nanoseconds: UInt64)? {
        lock.lock(); defer { lock.unlock() }
        return operators[ObjectIdentifier(op)]
    }

    /// Blocks a top-N heap skipped because their zone maps showed that no row could enter it.
    public var blocksSkippedByTopN: Int {
        lock.lock(); defer { lock.unlock() }
        return skippedByTopN
    }

    func addBlockSkippedByTopN() {
        lock.lock(); skippedByTopN += 1; lock.unlock()
    }

    private var spilled = 0
    private var spillPartitions = 0

    /// Bytes the statement wrote to temporary files because its state outgrew the memory limit.
    public var spilledBytes: Int {
        lock.lock(); defer { lock.unlock() }
        return spilled
    }

    /// Partitions the spilled rows were written in, those of partitions split again included (0: nothing spilled).
    public var spilledPartitions: Int {
        lock.lock(); defer { lock.unlock() }
        return spillPartitions
    }

    func addSpill(bytes: Int, partitions: Int) {
        lock.lock(); spilled += bytes; spillPartitions += partitions; lock.unlock()
    }

    private var runs = 0

    /// Sorted runs a sort over its share of the memory limit wrote to disk (0: it sorted in memory).
    public var sortRuns: Int {
        lock.lock(); defer { lock.unlock() }
        return runs
    }

    func addSortRun() {
        lock.lock(); runs += 1; lock.unlock()
    }

    private var memoryPartitions = 0

    /// Partitions an aggregation of many groups kept its rows in, in memory (0: none).
    public var partitionsInMemory: Int {
        lock.lock(); defer { lock.unlock() }
        return memoryPartitions
    }

    func addPartitionsInMemory(_ partitions: Int) {
        lock.lock(); memoryPartitions += partitions; lock.unlock()
    }
}
