import Foundation
import HuiyanStorage

/// Limits and cancellation of one statement: checked between blocks, so a running query stops within a block.
public final class QueryContext: Sendable {
    /// What the statement's threads share: whether it was cancelled, its memory account, and the settings
    /// the engine and tests give it before it runs.
    private struct State {
        var cancelled = false
        var spillArea: SpillArea?
        var spillsAlways = false
        var smallestPartitionedState = 64 << 20
        var distinctBudgets = DistinctAccumulator.Budgets()
        /// What each holder holds, their total, and the most the total has been.
        var held: [ObjectIdentifier: Int] = [:]
        var heldTotal = 0
        var heldPeak = 0
    }
    private let state = LockedValue(State())
    /// When the statement must have finished (nil: no timeout).
    public let deadline: Date?
    /// The time limit in seconds (nil: none).
    public let timeout: Double?
    /// The most memory the statement's own state may hold, in bytes (nil: no limit).
    public let memoryLimit: Int?
    /// Three quarters of the machine's memory: a runaway statement stops with an error before it swaps.
    public static let defaultMemoryLimit = Int(clamping: ProcessInfo.processInfo.physicalMemory / 4 * 3)
    /// Worker threads for scans (default: active processors).
    public let threads: Int
    /// The optimizer rules the statement may use (default: all on).
    public let optimizer: OptimizerSettings
    /// What the statement's operators counted while it ran.
    public let statistics = QueryStatistics()
    /// Where the statement's state goes when it outgrows the memory limit (set by the engine; nil: nowhere,
    /// the statement fails instead).
    var spillArea: SpillArea? {
        get { state.withLock { $0.spillArea } }
        set { state.withLock { $0.spillArea = newValue } }
    }
    /// Whether aggregations spill from the start, whatever their size (tests run the spilling path this way).
    var spillsAlways: Bool {
        get { state.withLock { $0.spillsAlways } }
        set { state.withLock { $0.spillsAlways = newValue } }
    }
    /// A GROUP BY whose groups are expected to take at least this many bytes is partitioned in memory
    /// (`partitioned_aggregation`): below it one table of the groups stays in cache (tests lower it).
    var smallestPartitionedState: Int {
        get { state.withLock { $0.smallestPartitionedState } }
        set { state.withLock { $0.smallestPartitionedState = newValue } }
    }
    /// When count(DISTINCT) over strings switches from code bitmaps to pairs (tests lower the budgets).
    var distinctBudgets: DistinctAccumulator.Budgets {
        get { state.withLock { $0.distinctBudgets } }
        set { state.withLock { $0.distinctBudgets = newValue } }
    }

    /// A context with a time limit, a memory limit (nil: none), worker threads and optimizer settings.
    public init(timeout: Double? = nil, memoryLimit: Int? = QueryContext.defaultMemoryLimit, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                optimizer: OptimizerSettings = .allOn) {
        self.optimizer = optimizer
        self.timeout = timeout
        deadline = timeout.map { Date().addingTimeInterval($0) }
        self.memoryLimit = memoryLimit
        self.threads = max(1, threads)
    }

    /// Asks the statement to stop (Ctrl-C); safe from any thread or a signal-handling queue.
    public func cancel() {
        state.withLock { $0.cancelled = true }
    }

    /// Whether `cancel()` was called.
    public var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Whether the statement has run past its timeout.
    public var isPastDeadline: Bool { deadline.map { Date() > $0 } ?? false }

    /// Throws when the statement was cancelled or ran out of time. The calling thread works for this
    /// statement from now on (`CancellationPoll` asks it inside long loops).
    package func check() throws {
        CancellationPoll.enter(self)
        if isCancelled { throw QueryError("query cancelled", kind: .cancelled) }
        if let deadline, Date() > deadline {
            throw QueryError("query timed out after \(Formatting.seconds(timeout ?? 0)) (set a longer one with --timeout)", kind: .timedOut)
        }
    }

    /// Sets what `holder` (an operator's or a thread's state) holds now, and throws when the statement's
    /// states together would pass the memory limit. A hold that throws is not taken: the account keeps what
    /// it held, so that one thread's state over the limit does not fail the other threads' holds while it
    /// gives its own back (partitions aggregated side by side, a spill's buffers).
    func hold(_ bytes: Int, for holder: AnyObject) throws {
        let key = ObjectIdentifier(holder)
        let taken = state.withLock { state in
            let total = state.heldTotal + bytes - (state.held[key] ?? 0)
            if let memoryLimit, total > memoryLimit, total > state.heldTotal { return false }
            state.heldTotal = total
            state.held[key] = bytes
            state.heldPeak = max(state.heldPeak, total)
            return true
        }
        if !taken { throw memoryLimitExceeded() }
    }

    /// Gives back what `holder` held (its state was merged into another or handed on).
    func release(_ holder: AnyObject) {
        state.withLock { $0.heldTotal -= $0.held.removeValue(forKey: ObjectIdentifier(holder)) ?? 0 }
    }

    /// Throws when `bytes` more than the states hold now would pass the memory limit (a check before making
    /// something large).
    func checkMemory(_ bytes: Int) throws {
        let total = state.withLock { $0.heldTotal } + bytes
        if let memoryLimit, total > memoryLimit { throw memoryLimitExceeded() }
    }

    /// What the statement's states hold now, in bytes, but for `holder`'s.
    func heldBytes(excluding holder: AnyObject) -> Int {
        state.withLock { $0.heldTotal - ($0.held[ObjectIdentifier(holder)] ?? 0) }
    }

    /// The most the statement's states held at once, in bytes.
    public var peakHeldBytes: Int { state.withLock { $0.heldPeak } }

    /// The error of a statement whose states would pass the memory limit.
    private func memoryLimitExceeded() -> QueryError {
        QueryError("query needs more than its memory limit of \(Formatting.bytes(memoryLimit ?? 0)) (raise it with --memory-limit, or narrow the query)",
                   kind: .memoryLimitExceeded)
    }
}

/// Small formatting helpers for messages.
enum Formatting {
    static func seconds(_ s: Double) -> String { s == s.rounded() ? "\(Int(s)) s" : String(format: "%.2f s", s) }

    static func bytes(_ n: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(n), u = 0
        while v >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
        return u == 0 ? "\(n) B" : String(format: "%.1f %@", v, units[u])
    }
}
