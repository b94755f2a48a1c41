/// Values collected per group for the aggregates that need every value (median and quantiles, mode, DISTINCT
/// sums, string_agg): each value (an `Int64`: `OrderedBits` for doubles, interned ids for strings) and its
/// group written side by side into chunks of raw memory that double in size up to 64 Ki values — nothing
/// copied as they grow, no array or object per group. Merging another thread's values takes its chunks as
/// they are (with its group numbering's mapping). At the end one counting sort by group lays each group's
/// values side by side (`grouped`), in the order they came.
struct GroupedValues {
    /// Chunks whose groups are numbered by `mapping` (nil: this collection's own numbering).
    private struct Part {
        var chunks: [ValueChunk]
        var mapping: [Int32]?
    }

    private var parts: [Part] = [Part(chunks: [], mapping: nil)]
    /// The chunk being filled (the last of `parts[0]`).
    private var current: ValueChunk?
    private(set) var count = 0
    /// The smallest and largest value added (`Int64.max` and `.min` while none is).
    private(set) var smallest = Int64.max, largest = Int64.min

    /// Bytes held (the chunks' capacities).
    var approximateBytes: Int { parts.reduce(0) { $0 + $1.chunks.reduce(0) { $0 + $1.capacity * 12 } } }

    /// Makes room for `n` more values in the current chunk (a new one when it has not as much left).
    @inline(__always) mutating func reserve(more n: Int) {
        if let current, current.capacity - current.count >= n { return }
        let size = Swift.max(n, Swift.min((current?.capacity ?? 512) * 2, ValueChunk.largest))
        let chunk = ValueChunk(capacity: size)
        parts[0].chunks.append(chunk)
        current = chunk
    }

    @inline(__always) mutating func append(_ value: Int64, group: Int32) {
        reserve(more: 1)
        current.unsafelyUnwrapped.append(value, group: group)
        count += 1
        smallest = Swift.min(smallest, value)
        largest = Swift.max(largest, value)
    }

    /// Adds the values of the selected non-NULL rows of an integer-lane vector (doubles as `OrderedBits`).
    mutating func append(_ input: Vector, groups rowGroups: [Int32], _ batch: Batch) {
        reserve(more: batch.selectedCount)
        let chunk = current.unsafelyUnwrapped
        let values = chunk.values, groups = chunk.groups
        var n = chunk.count
        rowGroups.withUnsafeBufferPointer { g in
            if input.type == .float64 {
                input.doubles.withUnsafeBufferPointer { v in
                    batch.forEachSelected { i in
                        if input.isNull(i) { return }
                        values[n] = OrderedBits.key(v[i]); groups[n] = g[i]; n += 1
                    }
                }
            } else {
                input.ints.withUnsafeBufferPointer { v in
                    if let nulls = input.nulls {
                        // Branch-free: every row written, the position moved past the non-NULL ones only
                        // (the chunk has room for every selected row).
                        nulls.withUnsafeBufferPointer { nulls in
                            batch.forEachSelected { i in
                                values[n] = v[i]; groups[n] = g[i]
                                n &+= 1 &- Int(nulls[i] & 1)    // a NULL is 1
                            }
                        }
                    } else {
                        batch.forEachSelected { i in values[n] = v[i]; groups[n] = g[i]; n += 1 }
                    }
                }
            }
        }
        // The new values' extremes: a tight pass over what was just written.
        var low = smallest, high = largest
        var i = chunk.count
        while i < n {
            let v = values[i]
            low = v < low ? v : low
            high = v > high ? v : high
            i &+= 1
        }
        smallest = low
        largest = high
        count += n - chunk.count
        chunk.count = n
    }

    /// Adds another collection's values, its chunks taken as they are: its group `g` is this one's `mapping[g]`.
    mutating func merge(_ other: GroupedValues, mapping: [Int32]) {
        for part in other.parts where !part.chunks.isEmpty {
            parts.append(Part(chunks: part.chunks, mapping: part.mapping.map { $0.map { mapping[Int($0)] } } ?? mapping))
        }
        count += other.count
        smallest = Swift.min(smallest, other.smallest)
        largest = Swift.max(largest, other.largest)
    }

    /// Adds another collection's values one by one, each mapped (string ids into this collection's interner).
    mutating func merge(_ other: GroupedValues, mapping: [Int32], value: (Int64) -> Int64) {
        other.forEach { v, g in append(value(v), group: mapping[Int(g)]) }
    }

    /// Every chunk with the mapping of its groups to this collection's numbering (nil: its own).
    var chunks: [(chunk: ValueChunk, mapping: [Int32]?)] {
        parts.flatMap { part in part.chunks.map { ($0, part.mapping) } }
    }

    /// Every value and its group (in this collection's numbering).
    private func forEach(_ body: (Int64, Int32) -> Void) {
        for part in parts {
            for chunk in part.chunks {
                for i in 0..<chunk.count { body(chunk.values[i], part.mapping.map { $0[Int(chunk.groups[i])] } ?? chunk.groups[i]) }
            }
        }
    }

    /// The values in group order, group `g`'s at `offsets[g] ..< offsets[g + 1]`, each group's in the order
    /// they were added (a merged thread's after this one's); the collection is left empty (its chunks freed).
    mutating func grouped(groups groupCount: Int) -> (values: [Int64], offsets: [Int]) {
        var offsets = [Int](repeating: 0, count: groupCount + 1)
        let parts = self.parts
        let total = count
        self = GroupedValues()
        if groupCount == 1 {
            // One group: the chunks one after another.
            offsets[1] = total
            let out = [Int64](unsafeUninitializedCapacity: total) { out, initialized in
                var at = 0
                for part in parts {
                    for chunk in part.chunks {
                        (out.baseAddress! + at).update(from: chunk.values, count: chunk.count)
                        at += chunk.count
                    }
                }
                initialized = total
            }
            return (out, offsets)
        }
        offsets.withUnsafeMutableBufferPointer { o in
            for part in parts {
                for chunk in part.chunks {
                    if let m = part.mapping {
                        m.withUnsafeBufferPointer { m in for i in 0..<chunk.count { o[Int(m[Int(chunk.groups[i])]) + 1] += 1 } }
                    } else {
                        for i in 0..<chunk.count { o[Int(chunk.groups[i]) + 1] += 1 }
                    }
                }
            }
            for g in 0..<groupCount { o[g + 1] += o[g] }
        }
        var next = offsets
        let out = [Int64](unsafeUninitializedCapacity: total) { out, initialized in
            next.withUnsafeMutableBufferPointer { n in
                for part in parts {
                    for chunk in part.chunks {
                        let values = chunk.values, groups = chunk.groups
                        if let m = part.mapping {
                            m.withUnsafeBufferPointer { m in
                                for i in 0..<chunk.count {
                                    let g = Int(m[Int(groups[i])])
                                    out[n[g]] = values[i]
                                    n[g] += 1
                                }
                            }
                        } else {
                            for i in 0..<chunk.count {
                                let g = Int(groups[i])
                                out[n[g]] = values[i]
                                n[g] += 1
                            }
                        }
                    }
                }
            }
            initialized = total
        }
        return (out, offsets)
    }
}

/// A piece of `GroupedValues`: values and their groups in raw memory, written in place.
final class ValueChunk {
    static let largest = 1 << 16
    let capacity: Int
    var count = 0
    let values: UnsafeMutablePointer<Int64>
    let groups: UnsafeMutablePointer<Int32>

    init(capacity: Int) {
        self.capacity = capacity
        values = .allocate(capacity: capacity)
        groups = .allocate(capacity: capacity)
    }

    deinit {
        values.deallocate()
        groups.deallocate()
    }

    @inline(__always) func append(_ value: Int64, group: Int32) {
        values[count] = value
        groups[count] = group
        count += 1
    }
}

/// Doubles as `Int64` keys whose integer order is the doubles' order (NaN above every number, as SQL sorts
/// it): the sign bit flips the others of negative values.
enum OrderedBits {
    @inline(__always) static func key(_ d: Double) -> Int64 {
        let bits = Int64(bitPattern: d.bitPattern)
        return bits < 0 ? bits ^ Int64.max : bits
    }

    @inline(__always) static func double(_ key: Int64) -> Double {
        Double(bitPattern: UInt64(bitPattern: key < 0 ? key ^ Int64.max : key))
    }
}

/// Selection in place (as C++'s nth_element): after `select(k)`, position `k` holds the value a sort would put
/// there, those before it are not greater and those after it not smaller. A long range is first narrowed by
/// radix: a histogram of the values' top bits (2,048 buckets over their span) names the bucket that holds
/// position `k`, and one three-way pass puts the smaller buckets before it and the larger after — about three
/// linear, mostly branch-free passes in all; what is left (a bucket) is selected by Hoare partitions around a
/// median of three, and insertion sort for the last few values.
enum Selection {
    /// Ranges longer than this are narrowed by radix first.
    static let radixThreshold = 1 << 12

    static func select(_ k: Int, in values: UnsafeMutableBufferPointer<Int64>) {
        var lo = 0, hi = values.count - 1
        if values.count > radixThreshold {
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 2048) { counts in
                narrow(k, values, &lo, &hi, counts)
            }
        }
        partitionSelect(k, values, lo, hi)
    }

    /// Narrows `lo...hi` (around `k`) bucket by bucket while it is long; on return `k` lies in `lo...hi`, those
    /// before `lo` are not greater than any in it and those after `hi` not smaller.
    private static func narrow(_ k: Int, _ values: UnsafeMutableBufferPointer<Int64>, _ lo: inout Int, _ hi: inout Int,
                               _ counts: UnsafeMutableBufferPointer<Int>) {
        while hi - lo >= radixThreshold {
            var smallest = values[lo], largest = smallest
            for i in lo...hi {
                smallest = Swift.min(smallest, values[i])
                largest = Swift.max(largest, values[i])
            }
            if smallest == largest { lo = k; hi = k; return }
            let base = UInt64(bitPattern: smallest)
            let span = UInt64(bitPattern: largest) &- base
            let shift = Swift.max(0, (64 - span.leadingZeroBitCount) - 11)
            for b in 0..<2048 { counts[b] = 0 }
            for i in lo...hi { counts[Int((UInt64(bitPattern: values[i]) &- base) >> shift)] += 1 }
            // The bucket of position k, and how many values come before it.
            var bucket = 0, before = lo
            while before + counts[bucket] <= k { before += counts[bucket]; bucket += 1 }
            // Three ways: smaller buckets first, then the bucket, then larger ones.
            var less = lo, i = lo, greater = hi + 1
            while i < greater {
                let b = Int((UInt64(bitPattern: values[i]) &- base) >> shift)
                if b < bucket {
                    values.swapAt(less, i); less += 1; i += 1
                } else if b > bucket {
                    greater -= 1; values.swapAt(i, greater)
                } else {
                    i += 1
                }
            }
            lo = less
            hi = greater - 1
            // A bucket of one value each (no bits shifted away): every value in it is equal.
            if shift == 0 { lo = k; hi = k; return }
        }
    }

    private static func partitionSelect(_ k: Int, _ values: UnsafeMutableBufferPointer<Int64>, _ first: Int, _ last: Int) {
        var lo = first, hi = last
        while hi - lo > 16 {
            let mid = lo + (hi - lo) / 2
            // Median of three as the pivot, left at `mid`.
            if values[mid] < values[lo] { values.swapAt(mid, lo) }
            if values[hi] < values[lo] { values.swapAt(hi, lo) }
            if values[hi] < values[mid] { values.swapAt(hi, mid) }
            let pivot = values[mid]
            var i = lo, j = hi
            while i <= j {
                while values[i] < pivot { i += 1 }
                while pivot < values[j] { j -= 1 }
                if i <= j { values.swapAt(i, j); i += 1; j -= 1 }
            }
            // [lo, j] <= pivot <= [i, hi], and between them values equal to the pivot.
            if k <= j { hi = j } else if k >= i { lo = i } else { return }
        }
        // Insertion sort of the short range left.
        if hi > lo {
            for a in (lo + 1)...hi {
                let v = values[a]
                var b = a - 1
                while b >= lo && values[b] > v { values[b + 1] = values[b]; b -= 1 }
                values[b + 1] = v
            }
        }
    }

    /// The smallest value of a non-empty range.
    static func minimum(_ values: UnsafeMutableBufferPointer<Int64>, _ range: Range<Int>) -> Int64 {
        var m = values[range.lowerBound]
        for i in range where values[i] < m { m = values[i] }
        return m
    }
}
