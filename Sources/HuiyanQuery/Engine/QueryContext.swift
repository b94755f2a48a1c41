import Foundation
import HuiyanStorage

/// Limits and cancellation of one statement: checked between blocks, so a running query stops within a block.
public final class QueryContext: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    /// When the statement must have finished (nil: no timeout).
    public let deadline: Date?
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
    var spillArea: SpillArea?
    /// Whether aggregations spill from the start, whatever their size (tests run the spilling path this way).
    var spillsAlways = false
    /// A GROUP BY whose groups are expected to take at least this many bytes is partitioned in memory
    /// (`partitioned_aggregation`): below it one table of the groups stays in cache (tests lower it).
    var smallestPartitionedState = 64 << 20

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
        lock.lock(); cancelled = true; lock.unlock()
    }

    public var isCancelled: Bool {
        lock.lock(); defer { lock.unlock() }
        return cancelled
    }

    /// Whether the statement has run past its timeout.
    public var isPastDeadline: Bool { deadline.map { Date() > $0 } ?? false }

    /// Throws when the statement was cancelled or ran out of time. The calling thread works for this
    /// statement from now on (`CancellationPoll` asks it inside long loops).
    public func check() throws {
        CancellationPoll.enter(self)
        if isCancelled { throw QueryError("query cancelled") }
        if let deadline, Date() > deadline {
            throw QueryError("query timed out after \(Formatting.seconds(timeout ?? 0)) (set a longer one with --timeout)")
        }
    }

    /// The statement's one memory budget: what each operator's state holds, under its own account.
    private var held: [ObjectIdentifier: Int] = [:]
    private var heldTotal = 0
    private var heldPeak = 0

    /// Sets what `holder` (an operator's or a thread's state) holds now, and throws when the statement's
    /// states together would pass the memory limit. A hold that throws is not taken: the account keeps what
    /// it held, so that one thread's state over the limit does not fail the other threads' holds while it
    /// gives its own back (partitions aggregated side by side, a spill's buffers).
    func hold(_ bytes: Int, for holder: AnyObject) throws {
        lock.lock()
        let key = ObjectIdentifier(holder)
        let total = heldTotal + bytes - (held[key] ?? 0)
        if let memoryLimit, total > memoryLimit, total > heldTotal {
            lock.unlock()
            try checkLimit(total)
            return
        }
        heldTotal = total
        held[key] = bytes
        heldPeak = max(heldPeak, heldTotal)
        lock.unlock()
    }

    /// Gives back what `holder` held (its state was merged into another or handed on).
    func release(_ holder: AnyObject) {
        lock.lock()
        heldTotal -= held.removeValue(forKey: ObjectIdentifier(holder)) ?? 0
        lock.unlock()
    }

    /// Throws when `bytes` more than the states hold now would pass the memory limit (a check before making
    /// something large).
    func checkMemory(_ bytes: Int) throws {
        lock.lock()
        let total = heldTotal + bytes
        lock.unlock()
        try checkLimit(total)
    }

    /// The most the statement's states held at once, in bytes.
    public var peakHeldBytes: Int {
        lock.lock(); defer { lock.unlock() }
        return heldPeak
    }

    private func checkLimit(_ total: Int) throws {
        if let memoryLimit, total > memoryLimit {
            throw QueryError("query needs more than its memory limit of \(Formatting.bytes(memoryLimit)) (raise it with --memory-limit, or narrow the query)",
                             kind: .memoryLimitExceeded)
        }
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
