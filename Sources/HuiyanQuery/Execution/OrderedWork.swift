import Foundation

/// Work run on up to `threads` threads whose results are handed on strictly in the order it was submitted,
/// on the submitting thread (`submit`, `finish`): what is handed on is the same whatever the threads'
/// speeds. At most `limit` items are queued, running or waiting to be handed on at once — `submit` waits
/// until there is room (handing on what is ready, and running queued items itself meanwhile), so the
/// memory they take stays bounded. The threads are its own (not the dispatch pool's, which the scan that
/// feeds it may be holding); they end with `finish` or `abandon`, one of which must be called.
///
/// `@unchecked Sendable`: every stored `var` is read and written only with `condition` locked; `handOn` and
/// `context` are called only on the submitting thread; a work item and its result move to another thread
/// through `queued`/`finished` under the lock and are touched by one thread at a time (the submitter hands
/// each item over and takes each result back, never sharing one).
final class OrderedWork<Result>: @unchecked Sendable {
    private let threads: Int
    private let limit: Int
    private let handOn: (Result) throws -> Void
    private let context: QueryContext
    private let condition = NSCondition()
    /// Submitted items not yet taken by a thread, in order.
    private var queued: [(index: Int, work: () throws -> Result)] = []
    /// Finished items not yet handed on, by index.
    private var finished: [Int: Result] = [:]
    private var submitted = 0
    private var handedOn = 0
    /// Threads started and not yet ended.
    private var running = 0
    private var failure: Error?
    /// No more work is taken: every item was handed on (`finish`), or the work failed or was abandoned.
    private var closed = false

    /// `handOn` gets the results in order; `context` is checked while waiting (cancellation, timeout).
    init(threads: Int, limit: Int, context: QueryContext, handOn: @escaping (Result) throws -> Void) {
        self.threads = max(1, threads)
        self.limit = max(1, limit)
        self.context = context
        self.handOn = handOn
    }

    /// Queues `work`; hands on the results that are ready, and waits while `limit` items are in hand.
    /// With one thread the work runs here and now.
    func submit(_ work: @escaping () throws -> Result) throws {
        guard threads > 1 else { return try handOn(work()) }
        condition.lock()
        if let failure { condition.unlock(); throw failure }
        queued.append((submitted, work))
        submitted += 1
        if running < threads {
            running += 1
            let thread = Thread { self.serve() }
            thread.name = "huiyan-export"
            thread.start()
        }
        condition.signal()
        condition.unlock()
        try handOnReady(whileMoreThan: limit - 1)
    }

    /// Waits for every item and hands on the last results; the threads end.
    func finish() throws {
        try handOnReady(whileMoreThan: 0)
        stop()
    }

    /// Drops the items not yet started and waits for the running ones; nothing more is handed on.
    func abandon() {
        stop()
        condition.lock()
        finished.removeAll()
        condition.unlock()
    }

    private func stop() {
        condition.lock()
        closed = true
        queued.removeAll()
        condition.broadcast()
        while running > 0 { condition.wait() }
        condition.unlock()
    }

    /// Hands on finished results in order until at most `count` items are in hand; while it waits, runs
    /// queued items on this thread.
    private func handOnReady(whileMoreThan count: Int) throws {
        while true {
            condition.lock()
            if let failure { condition.unlock(); abandon(); throw failure }
            if let result = finished.removeValue(forKey: handedOn) {
                handedOn += 1
                condition.unlock()
                do { try handOn(result) } catch { abandon(); throw error }
                continue
            }
            if submitted - handedOn <= count { condition.unlock(); return }
            if !queued.isEmpty {
                let item = queued.removeFirst()
                condition.unlock()
                run(item)
                continue
            }
            _ = condition.wait(until: Date(timeIntervalSinceNow: 0.05))
            condition.unlock()
            do { try context.check() } catch { abandon(); throw error }
        }
    }

    /// A thread's loop: takes queued items in order until the work is closed.
    private func serve() {
        condition.lock()
        while true {
            while queued.isEmpty && !closed { condition.wait() }
            if closed { break }
            let item = queued.removeFirst()
            condition.unlock()
            run(item)
            condition.lock()
        }
        running -= 1
        condition.broadcast()
        condition.unlock()
    }

    private func run(_ item: (index: Int, work: () throws -> Result)) {
        do {
            let result = try item.work()
            condition.lock()
            if !closed { finished[item.index] = result }
        } catch {
            condition.lock()
            failure = failure ?? error
            closed = true
            queued.removeAll()
        }
        condition.broadcast()
        condition.unlock()
    }
}
