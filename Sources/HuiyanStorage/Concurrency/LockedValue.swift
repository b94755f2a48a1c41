import Foundation

/// A value that lives behind its own lock: the only way to it is `withLock`, which holds the lock for the
/// whole access, so no thread reads or writes it unlocked (swift-nio's `NIOLockedValueBox` is the model).
/// State shared by a statement's or an ingest's threads lives in one of these instead of a `var` beside a lock.
package final class LockedValue<Value> {
    private let lock = NSLock()
    private var value: Value

    package init(_ value: Value) { self.value = value }

    /// Runs `body` on the value with the lock held; what it returns is handed back.
    package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    /// A copy of the value, read under the lock.
    package var current: Value { withLock { $0 } }
}

// Safe to share: `value` is private and reached only inside `withLock`, which holds `lock` from before the
// access to after it, so no two threads touch it at once; and `Value` is itself `Sendable`, so what leaves
// `withLock` may be used on any thread.
extension LockedValue: @unchecked Sendable where Value: Sendable {}
