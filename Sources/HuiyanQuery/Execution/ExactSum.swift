/// Exact sums of integer-lane values without an overflow flag or a branch per row.
///
/// A contiguous run of values is summed plainly with a bound on its values' magnitudes found alongside,
/// which shows when no partial sum can have wrapped; only when it cannot show that are the values summed
/// again as two plain sums of their high and low 32 bits, which cannot wrap over fewer than 2³¹ values.
/// NULL rows (flag 1) are masked off, not skipped.
///
/// Sums scattered into groups use a bound instead: `mass` is at least the sum of the magnitudes of every
/// value added so far, so no group's sum can be larger; while adding a batch cannot take it past Int64.max,
/// plain wrapping additions are exact.
enum ExactSum {
    /// The non-NULL count and the sum of `values[range]`; nil sum when it does not fit in Int64.
    static func sum(_ values: UnsafePointer<Int64>, _ range: Range<Int>, nulls: [UInt8]?) -> (count: Int64, sum: Int64?) {
        guard let nulls else { return sum(values, range, nulls: nil as UnsafePointer<UInt8>?) }
        return nulls.withUnsafeBufferPointer { sum(values, range, nulls: $0.baseAddress) }
    }

    /// `sum(_:_:nulls:)` over a NULL flag buffer. `range` is at most a block's rows (far below 2³¹).
    /// First a plain wrapping sum, with the values' magnitudes or-ed alongside (every step has an SSE2
    /// instruction: no 64-bit arithmetic shift); when the bound they give shows that no partial sum can
    /// have wrapped, that sum is exact. Otherwise the values are summed again in halves.
    @inline(__always)
    static func sum(_ values: UnsafePointer<Int64>, _ range: Range<Int>, nulls: UnsafePointer<UInt8>?) -> (count: Int64, sum: Int64?) {
        precondition(range.count < 1 << 31, "ExactSum: too many values for one pass")
        var total: Int64 = 0, bits: UInt64 = 0
        var count = Int64(range.count)
        @inline(__always) func magnitude(_ v: Int64) -> UInt64 {
            let u = UInt64(bitPattern: v)
            return u ^ (0 &- (u >> 63))          // v ^ (v >> 63), by a logical shift
        }
        if let nulls {
            var nullCount: Int64 = 0
            for i in range {
                let v = values[i] & (Int64(nulls[i]) &- 1)     // all ones when valid, zero when NULL
                total &+= v
                bits |= magnitude(v)
                nullCount &+= Int64(nulls[i])
            }
            count -= nullCount
        } else {
            for i in range {
                let v = values[i]
                total &+= v
                bits |= magnitude(v)
            }
        }
        if grow(0, rows: range.count, largest: magnitudeBound(Int64(bitPattern: bits))) != nil { return (count, total) }
        return (count, halves(values, range, nulls: nulls))
    }

    /// The sum of `values[range]` (NULL rows masked off) as two plain sums, of each value's high 32 bits
    /// (signed) and of its low 32 bits (unsigned): over fewer than 2³¹ values neither can wrap, and the two
    /// are recombined once with the overflow checked there. Nil when the sum does not fit in Int64.
    private static func halves(_ values: UnsafePointer<Int64>, _ range: Range<Int>, nulls: UnsafePointer<UInt8>?) -> Int64? {
        var high: Int64 = 0, low: UInt64 = 0
        for i in range {
            let v = values[i] & (nulls.map { Int64($0[i]) &- 1 } ?? -1)
            high &+= v >> 32
            low &+= UInt64(truncatingIfNeeded: v) & 0xFFFF_FFFF
        }
        return combine(high: high, low: low)
    }

    /// `high · 2³² + low`, nil when it does not fit in Int64.
    @inline(__always)
    static func combine(high: Int64, low: UInt64) -> Int64? {
        let (shifted, o1) = high.multipliedReportingOverflow(by: 1 << 32)
        guard !o1, low <= UInt64(Int64.max) else { return nil }
        let (total, o2) = shifted.addingReportingOverflow(Int64(low))
        return o2 ? nil : total
    }

    /// A bound on the magnitude of every selected value (NULL rows included: they hold some value of the
    /// column or 0, which can only make the bound larger): the power of two above the OR of the values'
    /// one's-complement magnitudes, which vectorizes where a 64-bit maximum would not.
    @inline(__always)
    static func largestMagnitude(_ values: UnsafePointer<Int64>, _ batch: Batch) -> UInt64 {
        var bits: Int64 = 0
        if let selection = batch.selection {
            for i in selection { let v = values[Int(i)]; bits |= v ^ (v >> 63) }
        } else {
            for i in 0..<batch.count { let v = values[i]; bits |= v ^ (v >> 63) }
        }
        return magnitudeBound(bits)
    }

    /// A bound on the magnitude of values whose one's-complement magnitudes `v ^ (v >> 63)` or-ed together
    /// make `bits`: |v| ≤ (v ^ (v >> 63)) + 1 ≤ 2^width.
    @inline(__always)
    static func magnitudeBound(_ bits: Int64) -> UInt64 {
        let width = 64 - UInt64(bitPattern: bits).leadingZeroBitCount
        return width >= 63 ? .max : UInt64(1) << width
    }

    /// `mass` grown by `rows` values of magnitude at most `largest`; nil when a sum could then leave Int64.
    @inline(__always)
    static func grow(_ mass: UInt64, rows: Int, largest: UInt64) -> UInt64? {
        let (added, o1) = largest.multipliedReportingOverflow(by: UInt64(rows))
        let (total, o2) = mass.addingReportingOverflow(added)
        return o1 || o2 || total > UInt64(Int64.max) ? nil : total
    }

    /// The error of an exact sum (of `aggregate`, sum or avg) that left Int64: BIGINT, or the DECIMAL with
    /// its largest value (money: ±92233720368547758.07).
    static func overflow(_ aggregate: String, of type: SQLType) -> QueryError {
        let what = type.decimalScale.map { "\(type) (beyond ±\(DecimalMath.format(.max, scale: $0)))" } ?? "BIGINT"
        return QueryError("\(aggregate) overflowed \(what); cast the argument to DOUBLE")
    }
}
