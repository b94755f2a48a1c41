import CPrefetch

/// How many rows ahead a loop that updates a state per row at random (a group's sum, a code's count) asks for
/// the state it will update: far enough for the load to arrive from memory, near enough to stay in the cache.
let prefetchDistance = 32

/// Starts loading the cache line of `base[index]`, which the loop will write soon. States of a million groups
/// miss every cache: without it each row waits for its line, with it the lines of the next rows arrive while
/// this one is updated.
@inline(__always)
func prefetchForWrite<T>(_ base: UnsafeMutablePointer<T>, _ index: Int) {
    huiyan_prefetch_write(UnsafeRawPointer(base + index))
}
