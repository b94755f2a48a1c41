import Foundation
import HuiyanStorage

/// Counters a statement's operators keep while it runs (safe from every scanning thread): what the
/// specialised paths saved, for tests and EXPLAIN.
public final class QueryStatistics: Sendable {
    private struct Counters {
        var skippedByTopN = 0
        var scanned = 0
        var planned = 0
        var spilled = 0
        var spillPartitions = 0
        var runs = 0
        var memoryPartitions = 0
        var groupsReadCount = 0
        var groupsSkippedCount = 0
        var filesSkippedCount = 0
        var operators: [ObjectIdentifier: (rows: Int, nanoseconds: UInt64)] = [:]
    }
    private let counters = LockedValue(Counters())

    /// A counter read under the lock.
    private func read(_ counter: KeyPath<Counters, Int>) -> Int {
        counters.withLock { $0[keyPath: counter] }
    }

    /// `n` added to a counter under the lock.
    private func add(_ n: Int, to counter: WritableKeyPath<Counters, Int>) {
        counters.withLock { $0[keyPath: counter] += n }
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
        counters.withLock { $0.operators[ObjectIdentifier(op)] = (rows, nanoseconds) }
    }

    /// The rows and time recorded for an operator, if it ran.
    func profile(of op: AnyObject) -> (rows: Int, nanoseconds: UInt64)? {
        counters.withLock { $0.operators[ObjectIdentifier(op)] }
    }

    /// Blocks a top-N heap skipped because their zone maps showed that no row could enter it.
    public var blocksSkippedByTopN: Int { read(\.skippedByTopN) }

    func addBlockSkippedByTopN() { add(1, to: \.skippedByTopN) }

    /// Bytes the statement wrote to temporary files because its state outgrew the memory limit.
    public var spilledBytes: Int { read(\.spilled) }

    /// Partitions the spilled rows were written in, those of partitions split again included (0: nothing spilled).
    public var spilledPartitions: Int { read(\.spillPartitions) }

    func addSpill(bytes: Int, partitions: Int) {
        counters.withLock { counters in
            counters.spilled += bytes
            counters.spillPartitions += partitions
        }
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
