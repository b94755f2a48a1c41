#if canImport(Glibc)
import Glibc
#endif

/// Lets a long loop inside one block's work — pattern matching over a long value, a string function over a
/// large dictionary — stop with its statement (Ctrl-C, `--timeout`) instead of only between blocks. Each
/// thread remembers the statement whose `QueryContext.check()` it ran last; `spend` counts work and asks
/// that statement every so often.
enum CancellationPoll {
    /// Units of work (about a byte or a step each) between two checks: well under a millisecond.
    static let interval = 1 << 16

    private final class State {
        weak var context: QueryContext?
        var budget = CancellationPoll.interval
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { state in
            if let state { Unmanaged<State>.fromOpaque(state).release() }
        }
        return key
    }()

    private static var state: State {
        if let raw = pthread_getspecific(key) { return Unmanaged<State>.fromOpaque(raw).takeUnretainedValue() }
        let state = State()
        pthread_setspecific(key, Unmanaged.passRetained(state).toOpaque())
        return state
    }

    /// Makes `context` the statement this thread works for.
    static func enter(_ context: QueryContext) {
        let state = self.state
        if state.context !== context { state.context = context }
    }

    /// Counts `cost` units of work; throws when this thread's statement was cancelled or ran out of time.
    @inline(__always)
    static func spend(_ cost: Int) throws {
        let state = self.state
        state.budget -= cost
        if state.budget > 0 { return }
        state.budget = interval
        try state.context?.check()
    }
}
