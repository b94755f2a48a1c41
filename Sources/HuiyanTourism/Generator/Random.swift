/// SplitMix64: turns any 64-bit seed into a well-mixed stream; used to seed `Xoshiro256StarStar`
/// and to hash ids into stable per-id choices.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    package var state: UInt64

    package init(seed: UInt64) { state = seed }

    @inline(__always)
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// The SplitMix64 finalizer: a bijective 64-bit mix, good as a hash of an integer.
    @inline(__always)
    package static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** (Blackman and Vigna): a small, fast generator with 256 bits of state. The same
/// seed gives the same sequence on every platform, which is what the feed generator needs.
package struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    package init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        s0 = seeder.next(); s1 = seeder.next(); s2 = seeder.next(); s3 = seeder.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }   // the all-zero state is the one state to avoid
    }

    @inline(__always)
    package mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inline(__always)
    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

/// What the generators offer beyond 64 random bits, for the feed generator and for seeded tests.
extension RandomNumberGenerator {
    /// A value in `0..<bound` (Lemire's multiply-shift; the bias is below 2⁻³² for the bounds used here).
    @inlinable @inline(__always)
    public mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(truncatingIfNeeded: bound)).high)
    }

    /// True with probability `perMillion` / 1,000,000.
    @inlinable @inline(__always)
    public mutating func chance(_ perMillion: UInt64) -> Bool {
        ((next() >> 44) &* 1_000_000) >> 20 < perMillion
    }

    /// A double in [0, 1).
    @inlinable @inline(__always)
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// One of `items` (not empty), chosen uniformly.
    @inlinable
    public mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}
