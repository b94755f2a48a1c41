/// One partition of a window operator's rows in their window order: `rows[start + i]` is its `i`-th row
/// (a row of the operator's one data chunk), and the peer groups (rows whose ORDER BY keys tie).
struct WindowPartition {
    let rows: [Int32]
    let start: Int
    let count: Int
    /// For each position of every partition (`start + i`): where its peer group starts, and where it ends
    /// (exclusive), as positions in its partition.
    let peerStarts: [Int]
    let peerEnds: [Int]

    init(rows: [Int32], start: Int, count: Int, peerStart: [Int], peerEnd: [Int]) {
        self.rows = rows
        self.start = start
        self.count = count
        peerStarts = peerStart
        peerEnds = peerEnd
    }

    /// The data row at position `i`.
    @inline(__always) func row(_ i: Int) -> Int { Int(rows[start + i]) }
    /// Where the peer group of position `i` starts.
    @inline(__always) func peerStart(_ i: Int) -> Int { peerStarts[start + i] }
    /// Where the peer group of position `i` ends (exclusive).
    @inline(__always) func peerEnd(_ i: Int) -> Int { peerEnds[start + i] }
}

/// Where each row's frame starts and ends (exclusive) in its partition. Offsets of RANGE frames are found
/// by binary search over the one ORDER BY key; a row whose key is NULL has its NULL peers as those bounds.
struct WindowFrameBounds {
    let frame: WindowFrameSpec
    /// RANGE with offsets: the order key over the data rows and its direction.
    let key: Vector?
    let descending: Bool
    let nullsFirst: Bool

    init(frame: WindowFrameSpec, order: [SortKey], keyVector: Vector?) {
        self.frame = frame
        self.key = keyVector
        descending = order.first?.descending ?? false
        nullsFirst = order.first?.nullsFirst ?? false
    }

    /// The rows with a non-NULL key, as positions `lower ..< upper` of the partition (NULLs sort together).
    func nonNullRange(_ p: WindowPartition) -> Range<Int> {
        guard let key, key.nulls != nil else { return 0..<p.count }
        if nullsFirst {
            var i = 0
            while i < p.count && key.isNull(p.row(i)) { i += 1 }
            return i..<p.count
        }
        var i = p.count
        while i > 0 && key.isNull(p.row(i - 1)) { i -= 1 }
        return 0..<i
    }

    /// The frame of position `i`: positions `start ..< end` (end may be below start: an empty frame).
    @inline(__always)
    func bounds(_ i: Int, in p: WindowPartition, nonNull: Range<Int>) -> (Int, Int) {
        (position(frame.start, i, p, nonNull, isEnd: false), position(frame.end, i, p, nonNull, isEnd: true))
    }

    private func position(_ bound: WindowFrameSpec.Bound, _ i: Int, _ p: WindowPartition, _ nonNull: Range<Int>, isEnd: Bool) -> Int {
        let m = p.count
        switch (bound, frame.unit) {
        case (.unboundedPreceding, _): return 0
        case (.unboundedFollowing, _): return m
        case (.currentRow, .rows): return isEnd ? i + 1 : i
        case (.currentRow, .range): return isEnd ? p.peerEnd(i) : p.peerStart(i)
        case (.preceding(let k), .rows):
            let back = Int(clamping: k.integer)
            if back > i { return 0 }
            return isEnd ? i - back + 1 : i - back
        case (.following(let k), .rows):
            let ahead = Swift.min(Int(clamping: k.integer), m)
            return Swift.min(m, i + ahead + (isEnd ? 1 : 0))
        case (.preceding(let k), .range):
            return rangePosition(k, towardsStart: true, i, p, nonNull, isEnd: isEnd)
        case (.following(let k), .range):
            return rangePosition(k, towardsStart: false, i, p, nonNull, isEnd: isEnd)
        }
    }

    /// The first position (in `nonNull`) whose key lies past `key(i) ∓ k` in the window's order: at or
    /// past it for a start, strictly past it for an end.
    private func rangePosition(_ k: FrameOffset, towardsStart: Bool, _ i: Int, _ p: WindowPartition, _ nonNull: Range<Int>, isEnd: Bool) -> Int {
        guard let key, !key.isNull(p.row(i)) else { return isEnd ? p.peerEnd(i) : p.peerStart(i) }
        // Moving towards the partition's start lowers the key when ascending, raises it when descending.
        let lowers = towardsStart != descending
        if key.type == .float64 {
            let target = lowers ? key.doubles[p.row(i)] - k.double : key.doubles[p.row(i)] + k.double
            return firstPast(target, nonNull, p, isEnd: isEnd) { key.doubles[$0] }
        }
        let v0 = key.ints[p.row(i)]
        let (shifted, overflow) = lowers ? v0.subtractingReportingOverflow(k.integer) : v0.addingReportingOverflow(k.integer)
        let target = overflow ? (lowers ? Int64.min : Int64.max) : shifted
        return firstPast(target, nonNull, p, isEnd: isEnd) { key.ints[$0] }
    }

    /// The first position of `nonNull` whose key (`value` of its data row) lies past `target` in the window's
    /// order: at or past it for a start, strictly past it for an end (a binary search: the keys are sorted).
    @inline(__always)
    private func firstPast<T: Comparable>(_ target: T, _ nonNull: Range<Int>, _ p: WindowPartition, isEnd: Bool,
                                          _ value: (Int) -> T) -> Int {
        var lo = nonNull.lowerBound, hi = nonNull.upperBound
        while lo < hi {
            let mid = (lo + hi) / 2, v = value(p.row(mid))
            let before = descending ? (isEnd ? v >= target : v > target) : (isEnd ? v <= target : v < target)
            if before { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
