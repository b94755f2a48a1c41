import Dispatch

/// Work spread over the machine's cores: `body` run once for every index of `0..<count` on Dispatch's
/// threads, the call returning when all have run. The one place the package hands a closure the compiler
/// cannot check to other threads: an iteration may change only what its index owns (slot `i` of a buffer,
/// the `i`-th worker or column) and reach shared state only through a `LockedValue` or other `Sendable`
/// type. tools/tsan runs the concurrent tests under ThreadSanitizer to hold the callers to that.
package enum ConcurrentLoop {
    /// Runs `body(i)` for every `i` in `0..<count`, several at once.
    package static func forEach(_ count: Int, _ body: (Int) -> Void) {
        guard count > 1 else {
            if count == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            // Safe to share: concurrentPerform returns only after the last iteration ends, so `body` and what
            // it captures outlive every call; what each call may touch is the contract above.
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: count) { body($0) }
        }
    }

    /// Runs `body(i)` for every `i` in `0..<count`, several at once, and throws the first error one threw
    /// (the other iterations still run).
    package static func forEach(_ count: Int, _ body: (Int) throws -> Void) throws {
        let failure = LockedValue<(any Error)?>(nil)
        forEach(count) { (i: Int) in
            do { try body(i) } catch { failure.withLock { $0 = $0 ?? error } }
        }
        if let error = failure.current { throw error }
    }

    /// `body(i)` for every `i` in `0..<count`, computed several at once, in index order.
    package static func map<Element>(_ count: Int, _ body: (Int) -> Element) -> [Element] {
        [Element](unsafeUninitializedCapacity: count) { slots, initialized in
            // Each iteration initializes its own slot and no other, so no two threads write the same memory.
            forEach(count) { i in (slots.baseAddress! + i).initialize(to: body(i)) }
            initialized = count
        }
    }
}
