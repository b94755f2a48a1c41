import HuiyanBuffers

/// Room for one decoded block of any column — integers or string codes, doubles, and the validity bitmap —
/// allocated once and reused block after block by the readers that are not the query hot path (compaction,
/// verification, materialized rows). Rows are read by `unchecked` accessors: the row is asserted inside the block
/// in debug builds only.
package final class DecodedBlock {
    /// Integers, or string codes, one per row.
    package let ints = UncheckedBuffer<Int64>.allocate(capacity: SegmentFormat.blockRows)
    /// Doubles, one per row.
    package let doubles = UncheckedBuffer<Double>.allocate(capacity: SegmentFormat.blockRows)
    /// One bit per row, set for a value (clear for NULL).
    package let validity = UncheckedBuffer<UInt64>.allocate(capacity: SegmentFormat.blockRows / 64)

    package init() {}

    deinit {
        ints.deallocate()
        doubles.deallocate()
        validity.deallocate()
    }

    /// Whether row `row` holds a value.
    @inline(__always)
    package func isValid(unchecked row: Int) -> Bool {
        validity[unchecked: row >> 6] >> UInt64(row & 63) & 1 != 0
    }

    /// Where a decoder writes the block's integers or codes.
    package var intsOutput: UnsafeMutablePointer<Int64> { ints.pointer(uncheckedAt: 0, count: SegmentFormat.blockRows) }
    /// Where a decoder writes the block's doubles.
    package var doublesOutput: UnsafeMutablePointer<Double> { doubles.pointer(uncheckedAt: 0, count: SegmentFormat.blockRows) }
    /// Where a decoder writes the block's validity bitmap.
    package var validityOutput: UnsafeMutablePointer<UInt64> { validity.pointer(uncheckedAt: 0, count: SegmentFormat.blockRows / 64) }
}
