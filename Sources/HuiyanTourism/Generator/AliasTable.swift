/// Walker's alias method (Vose's construction): draws an index with probability proportional to
/// its weight in constant time, from one 64-bit random value.
struct AliasTable: Sendable {
    /// Accept index i when the low 32 bits of the draw are below `threshold[i]`, else take `alias[i]`.
    let threshold: [UInt32]
    let alias: [Int32]
    var count: Int { threshold.count }

    /// `weights` must hold at least one positive, finite value; zero weights are never drawn.
    init(weights: [Double]) {
        let n = weights.count
        precondition(n > 0 && n < Int(Int32.max), "an alias table needs at least one weight")
        let cleaned = weights.map { $0.isFinite && $0 > 0 ? $0 : 0 }
        let total = cleaned.reduce(0, +)
        precondition(total > 0, "an alias table needs a positive weight")
        var scaled = cleaned.map { $0 * Double(n) / total }
        var threshold = [UInt32](repeating: UInt32.max, count: n)
        var alias = [Int32](unsafeUninitializedCapacity: n) { buffer, count in
            for i in 0..<n { buffer[i] = Int32(i) }
            count = n
        }
        var small: [Int] = [], large: [Int] = []
        for i in 0..<n { if scaled[i] < 1 { small.append(i) } else { large.append(i) } }
        while !small.isEmpty && !large.isEmpty {
            let s = small.removeLast(), l = large[large.count - 1]
            threshold[s] = UInt32(min(scaled[s] * 4_294_967_296, 4_294_967_295))
            alias[s] = Int32(l)
            scaled[l] -= 1 - scaled[s]
            if scaled[l] < 1 { large.removeLast(); small.append(l) }
        }
        // What is left (through rounding) keeps itself with certainty, unless its weight is zero.
        let firstPositive = Int32(cleaned.firstIndex { $0 > 0 }!)
        for i in small + large {
            threshold[i] = cleaned[i] > 0 ? UInt32.max : 0
            alias[i] = cleaned[i] > 0 ? Int32(i) : firstPositive
        }
        self.threshold = threshold
        self.alias = alias
    }

    /// The index drawn by the random value `r`.
    @inline(__always)
    func sample(_ r: UInt64) -> Int {
        let i = Int(truncatingIfNeeded: ((r >> 32) &* UInt64(truncatingIfNeeded: threshold.count)) >> 32)
        return UInt32(truncatingIfNeeded: r) < threshold[i] ? i : Int(truncatingIfNeeded: alias[i])
    }
}
