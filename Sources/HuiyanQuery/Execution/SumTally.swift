/// A sum's tally of a group's values: avg's count (Int64, added), or sum's note that it has one (UInt8, 0 or 1).
protocol SumTally: FixedWidthInteger {
    /// Adds `n` values (n ≥ 0) to the tally.
    static func tally(_ t: inout Self, _ n: Int64)
}

extension Int64: SumTally {
    @inline(__always) static func tally(_ t: inout Int64, _ n: Int64) { t &+= n }
}

extension UInt8: SumTally {
    @inline(__always) static func tally(_ t: inout UInt8, _ n: Int64) { t |= n != 0 ? 1 : 0 }
}
