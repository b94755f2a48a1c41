import Foundation

/// Counters a statement's operators keep while it runs (safe from every scanning thread): what the
/// specialised paths saved, for tests and EXPLAIN.
public final class QueryStatistics: @unchecked Sendable {
    private let lock = NSLock()
    private var skippedByTopN = 0
    private var scanned = 0
    private var planned = 0
    private var spilled = 0
    private var spillPartitions = 0
    private var runs = 0
    private var memoryPartitions = 0
    private var groupsReadCount = 0
    private var groupsSkippedCount = 0
    private var filesSkippedCount = 0
    private var operators: [ObjectIdentifier: (rows: Int, nanoseconds: UInt64)] = [:]

    /// A counter read under the lock.
    private func read(_ counter: KeyPath<QueryStatistics, Int>) -> Int {
        lock.lock(); defer { lock.unlock() }
        return self[keyPath: counter]
    }

    /// `n` added to a counter under the lock.
    private func add(_ n: Int, to counter: ReferenceWritableKeyPath<QueryStatistics, Int>) {
        lock.lock(); self[keyPath: counter] += n; lock.unlock()
    }

    /// Blocks the scans read (after zone maps and top-N skipped theirs).
    public var blocksScanned: Int { read(\.scanned) }

    func addBlockScanned() { add(1, to: \.scanned) }

    /// Blocks the scans set out to read (after zone maps), for a progress line: with `blocksScanned` and
    /// `blocksSkippedByTopN`, how far the statement is. A scan that starts again (an aggregation that spills)
    /// adds its blocks again.
    public var blocksPlanned: Int { read(\.planned) }

    func addBlocksPlanned(_ n: Int) { add(n, to: \.planned) }

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
    public var blocksSkippedByTopN: Int { read(\.skippedByTopN) }

    func addBlockSkippedByTopN() { add(1, to: \.skippedByTopN) }

    /// Bytes the statement wrote to temporary files because its state outgrew the memory limit.
    public var spilledBytes: Int { read(\.spilled) }

    /// Partitions the spilled rows were written in, those of partitions split again included (0: nothing spilled).
    public var spilledPartitions: Int { read(\.spillPartitions) }

    func addSpill(bytes: Int, partitions: Int) {
        lock.lock(); spilled += bytes; spillPartitions += partitions; lock.unlock()
    }

    /// Sorted runs a sort over its share of the memory limit wrote to disk (0: it sorted in memory).
    public var sortRuns: Int { read(\.runs) }

    func addSortRun() { add(1, to: \.runs) }

    /// Partitions an aggregation of many groups kept its rows in, in memory (0: none).
    public var partitionsInMemory: Int { read(\.memoryPartitions) }

    func addPartitionsInMemory(_ partitions: Int) { add(partitions, to: \.memoryPartitions) }

    /// Parquet row groups the files in FROM read.
    public var rowGroupsRead: Int { read(\.groupsReadCount) }

    func addRowGroupRead() { add(1, to: \.groupsReadCount) }

    /// Parquet row groups left unread because their statistics (min, max, null count) showed that no row
    /// could pass the WHERE clause.
    public var rowGroupsSkipped: Int { read(\.groupsSkippedCount) }

    func addRowGroupSkipped() { add(1, to: \.groupsSkippedCount) }

    /// Files of a file list or glob left unopened because their Hive partition values failed the WHERE clause.
    public var filesSkipped: Int { read(\.filesSkippedCount) }

    func addFileSkipped() { add(1, to: \.filesSkippedCount) }
}
