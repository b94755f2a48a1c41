import Foundation

/// Work run on up to `threads` threads whose results are handed on strictly in the order it was submitted,
/// on the submitting thread (`submit`, `finish`): what is handed on is the same whatever the threads'
/// speeds. At most `limit` items are queued, running or waiting to be handed on at once — `submit` waits
/// (handing on what is ready) until there is room, so the memory they take stays bounded.
final class OrderedWork<Result> {
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
    private var running = 0
    private var failure: Error?
    private var stopped = false

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
            DispatchQueue.global().async { self.runQueued() }
        }
        condition.unlock()
        try handOnReady(waitingWhileMoreThan: limit - 1)
    }

    /// Waits for every item and hands on the last results.
    func finish() throws {
        try handOnReady(waitingWhileMoreThan: 0)
    }

    /// Drops the items not yet started and waits for the running ones (after a failure: nothing more is
    /// handed on).
    func abandon() {
        condition.lock()
        stopped = true
        queued.removeAll()
        while running > 0 { condition.wait() }
        finished.removeAll()
        condition.unlock()
    }

    /// Hands on finished results in order until at most `count` items are in hand.
    private func handOnReady(waitingWhileMoreThan count: Int) throws {
        while true {
            condition.lock()
            if let failure { condition.unlock(); abandon(); throw failure }
            if let result = finished.removeValue(forKey: handedOn) {
                handedOn += 1
                condition.unlock()
                do { try handOn(result) } catch { abandon(); throw error }
                continue
            }
            let inHand = submitted - handedOn
            if inHand <= count { condition.unlock(); return }
            _ = condition.wait(until: Date(timeIntervalSinceNow: 0.05))
            condition.unlock()
            do { try context.check() } catch { abandon(); throw error }
        }
    }

    /// A thread's loop: takes queued items in order until none is left.
    private func runQueued() {
        while true {
            condition.lock()
            guard !stopped, !queued.isEmpty else {
                running -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            let (index, work) = queued.removeFirst()
            condition.unlock()
            do {
                let result = try work()
                condition.lock()
                if !stopped { finished[index] = result }
            } catch {
                condition.lock()
                failure = failure ?? error
                stopped = true
                queued.removeAll()
            }
            condition.broadcast()
            condition.unlock()
        }
    }
}
