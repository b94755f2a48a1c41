/// Values collected per group for the aggregates that need every value (median and quantiles, mode, DISTINCT
/// sums, string_agg): two flat arrays appended row by row — each value's group and the value as an `Int64`
/// (`OrderedBits` for doubles, interned ids for strings) — no array or object per group. At the end a
/// counting sort by group lays each group's values side by side (`grouped`), in the order they came.
struct GroupedValues {
    /// Storage: the first `count` entries hold values; the rest is room (zeros) for more.
    private var groups: [Int32] = []
    private var values: [Int64] = []
    private(set) var count = 0

    /// Bytes held (the arrays' capacities).
    var approximateBytes: Int { groups.capacity * 4 + values.capacity * 8 }

    /// Makes room for `n` more values (the storage at least doubles when it grows).
    mutating func reserve(more n: Int) {
        guard count + n > values.count else { return }
        let size = Swift.max(count + n, values.count * 2, 1024)
        values.append(contentsOf: repeatElement(0, count: size - values.count))
        groups.append(contentsOf: repeatElement(0, count: size - groups.count))
    }

    @inline(__always) mutating func append(_ value: Int64, group: Int32) {
        reserve(more: 1)
        values[count] = value
        groups[count] = group
        count += 1
    }

    /// Adds the values of the selected non-NULL rows of an integer-lane vector (doubles as `OrderedBits`).
    mutating func append(_ input: Vector, groups rowGroups: [Int32], _ batch: Batch) {
        reserve(more: batch.selectedCount)
        var n = count
        values.withUnsafeMutableBufferPointer { out in
            groups.withUnsafeMutableBufferPointer { outGroups in
                rowGroups.withUnsafeBufferPointer { g in
                    if input.type == .float64 {
                        input.doubles.withUnsafeBufferPointer { v in
                            batch.forEachSelected { i in
                                if input.isNull(i) { return }
                                out[n] = OrderedBits.key(v[i]); outGroups[n] = g[i]; n += 1
                            }
                        }
                    } else {
                        input.ints.withUnsafeBufferPointer { v in
                            if let nulls = input.nulls {
                                batch.forEachSelected { i in
                                    if nulls[i] != 0 { return }
                                    out[n] = v[i]; outGroups[n] = g[i]; n += 1
                                }
                            } else {
                                batch.forEachSelected { i in out[n] = v[i]; outGroups[n] = g[i]; n += 1 }
                            }
                        }
                    }
                }
            }
        }
        count = n
    }

    /// Adds another collection's values: its group `g` is this one's `mapping[g]`; `value` maps each value
    /// (string ids into this collection's interner).
    mutating func merge(_ other: GroupedValues, mapping: [Int32], value: (Int64) -> Int64 = { $0 }) {
        reserve(more: other.count)
        for i in 0..<other.count {
            values[count + i] = value(other.values[i])
            groups[count + i] = mapping[Int(other.groups[i])]
        }
        count += other.count
    }

    /// The values in group order, group `g`'s at `offsets[g] ..< offsets[g + 1]`, each group's in the order
    /// they were added; the collection is left empty (its arrays are freed before the result is built up).
    mutating func grouped(groups count: Int) -> (values: [Int64], offsets: [Int]) {
        var offsets = [Int](repeating: 0, count: count + 1)
        let rowGroups = groups.prefix(self.count)
        let input = values.prefix(self.count)
        groups = []
        values = []
        self.count = 0
        rowGroups.withUnsafeBufferPointer { gs in
            offsets.withUnsafeMutableBufferPointer { o in
                for g in gs { o[Int(g) + 1] += 1 }
                for g in 0..<count { o[g + 1] += o[g] }
            }
        }
        var next = offsets
        let out = [Int64](unsafeUninitializedCapacity: input.count) { out, initialized in
            rowGroups.withUnsafeBufferPointer { gs in
                input.withUnsafeBufferPointer { vs in
                    next.withUnsafeMutableBufferPointer { n in
                        for i in 0..<vs.count {
                            let g = Int(gs[i])
                            out[n[g]] = vs[i]
                            n[g] += 1
                        }
                    }
                }
            }
            initialized = input.count
        }
        return (out, offsets)
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
/// there, those before it are not greater and those after it not smaller — in linear time on average
/// (Hoare partitions around a median of three, insertion sort for short ranges).
enum Selection {
    static func select(_ k: Int, in values: UnsafeMutableBufferPointer<Int64>) {
        var lo = 0, hi = values.count - 1
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
