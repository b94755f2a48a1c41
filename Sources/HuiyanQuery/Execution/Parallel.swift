import HuiyanStorage

/// Work spread over the query's threads.
enum Parallel {
    /// Runs `body` once for every index, on up to `threads` threads at once (at most as many as there are
    /// indexes); returns when all have run, throwing the first error any of them threw.
    static func forEach(_ indices: Range<Int>, threads: Int, _ body: (Int) throws -> Void) throws {
        guard threads > 1, indices.count > 1 else {
            for i in indices { try body(i) }
            return
        }
        try ConcurrentLoop.forEach(indices.count) { i in try body(indices.lowerBound + i) }
    }
}
