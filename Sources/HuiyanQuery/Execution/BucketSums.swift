/// The hot loop of aggregation by dictionary code: per selected row, a bucket from the key codes and a
/// value added to that bucket's partial sum. Rows' buckets and values come through small structs over
/// the vectors' buffers, so each combination (one key or two, NULLs or not) is a loop of its own with
/// nothing called per row.
protocol RowBuckets {
    func callAsFunction(_ row: Int) -> Int
}

/// The codes of one key without NULLs.
struct CodeBuckets: RowBuckets {
    let codes: UnsafePointer<Int64>
    @inline(__always) func callAsFunction(_ row: Int) -> Int { Int(truncatingIfNeeded: codes[row]) }
}

/// The codes of one key, NULL rows in the last slot (flags are 0 or 1: no branch).
struct NullableCodeBuckets: RowBuckets {
    let codes: UnsafePointer<Int64>
    let nulls: UnsafePointer<UInt8>
    let nullSlot: Int64
    @inline(__always) func callAsFunction(_ row: Int) -> Int {
        Int(truncatingIfNeeded: codes[row] &+ Int64(nulls[row]) &* (nullSlot &- codes[row]))
    }
}

/// Two keys in mixed radix (product × platform, spot × channel, route × spot), each with or without NULLs.
struct PairBuckets<First: RowBuckets, Second: RowBuckets>: RowBuckets {
    let first: First
    let second: Second
    let radix: Int
    @inline(__always) func callAsFunction(_ row: Int) -> Int { first(row) &* radix &+ second(row) }
}

/// What each row adds to its bucket's sum, and to its bucket's count of values (1, or 0 for NULL).
protocol RowValues {
    func value(_ row: Int) -> Int64
    func weight(_ row: Int) -> Int64
}

/// An argument without NULLs.
struct PlainValues: RowValues {
    let values: UnsafePointer<Int64>
    @inline(__always) func value(_ row: Int) -> Int64 { values[row] }
    @inline(__always) func weight(_ row: Int) -> Int64 { 1 }
}

/// An argument with NULLs: a NULL row adds 0 and does not count (flags are 0 or 1: no branch).
struct NullableValues: RowValues {
    let values: UnsafePointer<Int64>
    let nulls: UnsafePointer<UInt8>
    @inline(__always) func value(_ row: Int) -> Int64 { values[row] & (Int64(nulls[row]) &- 1) }
    @inline(__always) func weight(_ row: Int) -> Int64 { 1 &- Int64(nulls[row]) }
}

/// One per row (counting rows alone).
struct UnitValues: RowValues {
    @inline(__always) func value(_ row: Int) -> Int64 { 1 }
    @inline(__always) func weight(_ row: Int) -> Int64 { 1 }
}

/// What a row adds to its bucket's count lane, if anything: its weight, one, or both in one addition.
protocol Tally {
    static var counts: Bool { get }
    static func tally<V: RowValues>(_ values: V, _ row: Int) -> Int64
}

enum NoTally: Tally {
    static var counts: Bool { false }
    @inline(__always) static func tally<V: RowValues>(_ values: V, _ row: Int) -> Int64 { 0 }
}

enum RowTally: Tally {
    static var counts: Bool { true }
    @inline(__always) static func tally<V: RowValues>(_ values: V, _ row: Int) -> Int64 { 1 }
}

enum WeightTally: Tally {
    static var counts: Bool { true }
    @inline(__always) static func tally<V: RowValues>(_ values: V, _ row: Int) -> Int64 { values.weight(row) }
}

/// The weight in the high 32 bits, one in the low (a block has fewer than 2^32 rows).
enum WeightAndRowTally: Tally {
    static var counts: Bool { true }
    @inline(__always) static func tally<V: RowValues>(_ values: V, _ row: Int) -> Int64 { values.weight(row) << 32 | 1 }
}

enum BucketSums {
    /// `totals[bucket(i)] += value(i)` for every selected row, through four interleaved partial arrays when
    /// the buckets are few (rows of one spot often follow each other, and each addition to the same total
    /// would wait for the one before). In the same pass, with `counting` each row adds its weight to
    /// `counting[bucket(i)]`, and with `rows` one to `rows[bucket(i)]`. Returns the values'
    /// one's-complement magnitudes or-ed together (for `ExactSum.magnitudeBound`: whether the block's sums
    /// can have wrapped), found in the same pass. With `range`, the rows are those of the range instead of
    /// the batch's selected rows.
    static func add<B: RowBuckets, V: RowValues>(_ bucket: B, _ values: V, _ batch: Batch, within range: Range<Int>? = nil,
                                                 into totals: UnsafeMutableBufferPointer<Int64>,
                                                 counting: UnsafeMutableBufferPointer<Int64>? = nil,
                                                 rows: UnsafeMutableBufferPointer<Int64>? = nil) -> Int64 {
        let slots = totals.count
        guard slots <= 4096, (range?.count ?? batch.selectedCount) >= 1024 else {
            var bits: Int64 = 0
            @inline(__always) func add(_ i: Int) {
                let v = values.value(i), b = bucket(i)
                totals[b] &+= v
                counting?[b] &+= values.weight(i)
                rows?[b] &+= 1
                bits |= v ^ (v >> 63)
            }
            if let range { for i in range { add(i) } } else { batch.forEachSelected(add) }
            return bits
        }
        // Lanes 0–3 sum and lanes 4–7 count: the weights, the rows, or both in one addition (weights in
        // the high 32 bits, rows in the low: a block has fewer than 2^32 rows).
        let lanes = 4 * slots
        return withUnsafeTemporaryAllocation(of: Int64.self, capacity: 2 * lanes) { partials -> Int64 in
            let l = partials.baseAddress!
            l.initialize(repeating: 0, count: 2 * lanes)
            var bits: Int64 = 0
            switch (counting != nil, rows != nil) {
            case (false, false): bits = run(bucket, values, NoTally.self, batch, range, l, slots)
            case (false, true): bits = run(bucket, values, RowTally.self, batch, range, l, slots)
            case (true, false): bits = run(bucket, values, WeightTally.self, batch, range, l, slots)
            case (true, true): bits = run(bucket, values, WeightAndRowTally.self, batch, range, l, slots)
            }
            fold(l, slots, into: totals)
            let c = l + lanes
            if let counting, let rows {
                for s in 0..<slots {
                    let both = c[s] &+ c[slots + s] &+ c[2 * slots + s] &+ c[3 * slots + s]
                    counting[s] &+= both >> 32
                    rows[s] &+= both & 0xFFFF_FFFF
                }
            } else if let counting {
                fold(c, slots, into: counting)
            } else if let rows {
                fold(c, slots, into: rows)
            }
            return bits
        }
    }

    private static func run<B: RowBuckets, V: RowValues, T: Tally>(_ bucket: B, _ values: V, _: T.Type, _ batch: Batch, _ range: Range<Int>?,
                                                                   _ l: UnsafeMutablePointer<Int64>, _ slots: Int) -> Int64 {
        if let range {
            return run(bucket, values, T.self, range.count, l, slots) { range.lowerBound &+ $0 }
        }
        if let selection = batch.selection {
            return selection.withUnsafeBufferPointer { selected in
                run(bucket, values, T.self, selected.count, l, slots) { Int(selected[$0]) }
            }
        }
        return run(bucket, values, T.self, batch.count, l, slots) { $0 }
    }

    @inline(__always)
    private static func run<B: RowBuckets, V: RowValues, T: Tally>(_ bucket: B, _ values: V, _: T.Type, _ n: Int,
                                                                   _ l: UnsafeMutablePointer<Int64>, _ slots: Int, _ row: (Int) -> Int) -> Int64 {
        let c = l + 4 * slots
        @inline(__always) func tally(_ i: Int) -> Int64 { T.tally(values, i) }
        let counts = T.counts
        var k = 0
        var bits: Int64 = 0
        // Each row is finished before the next one starts (few values live at once: with four rows'
        // buckets, values and weights in flight the loop ran out of registers).
        @inline(__always) func add(_ i: Int, lane: Int) {
            let b = lane &+ bucket(i), v = values.value(i)
            l[b] &+= v
            if counts { c[b] &+= tally(i) }
            bits |= v ^ (v >> 63)
        }
        let lane1 = slots, lane2 = 2 &* slots, lane3 = 3 &* slots
        while k + 4 <= n {
            add(row(k), lane: 0)
            add(row(k + 1), lane: lane1)
            add(row(k + 2), lane: lane2)
            add(row(k + 3), lane: lane3)
            k += 4
        }
        while k < n {
            add(row(k), lane: 0)
            k += 1
        }
        return bits
    }

    /// Adds the four interleaved lanes of each slot into `out`.
    @inline(__always)
    private static func fold(_ lane: UnsafeMutablePointer<Int64>, _ slots: Int, into out: UnsafeMutableBufferPointer<Int64>) {
        for s in 0..<slots { out[s] &+= lane[s] &+ lane[slots + s] &+ lane[2 * slots + s] &+ lane[3 * slots + s] }
    }
}
