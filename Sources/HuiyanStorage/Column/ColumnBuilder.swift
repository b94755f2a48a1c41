import HuiyanBuffers

/// Accumulates the values of one column for a segment being built.
///
/// Integer-lane types and string codes share `ints`; a NULL repeats the previous value there (so deltas stay
/// small) and clears its bit in `validity`, which exists only once the first NULL arrives.
package final class ColumnBuilder {
    package let definition: ColumnDefinition
    package internal(set) var ints: [Int64] = []
    package internal(set) var doubles: [Double] = []
    /// One bit per row, 1 = valid; nil while every row is valid.
    package internal(set) var validity: [UInt64]?
    package private(set) var nullCount = 0
    /// NULLs appended before the first value: their slots are back-filled with it, so that a segment starting
    /// with NULLs does not start its integer lane at 0 (which would widen every delta of a timestamp block).
    private var leadingNulls = 0
    package let dictionary: StringDictionaryBuilder?

    /// `expectedDistinct` pre-sizes a string column's dictionary.
    package init(_ definition: ColumnDefinition, capacity: Int, expectedDistinct: Int = 256) {
        self.definition = definition
        switch definition.type.lane {
        case .int64, .string: ints.reserveCapacity(capacity)
        case .float64: doubles.reserveCapacity(capacity)
        }
        dictionary = definition.type.lane == .string ? StringDictionaryBuilder(expectedDistinct: expectedDistinct) : nil
    }

    package var count: Int { definition.type.lane == .float64 ? doubles.count : ints.count }

    @inline(__always)
    package func appendInt64(_ value: Int64) {
        if leadingNulls > 0 { backfillLeadingNulls(value) }
        ints.append(value)
        if validity != nil { setValid(ints.count - 1) }
    }

    private func backfillLeadingNulls(_ value: Int64) {
        for i in 0..<leadingNulls { ints[i] = value }
        leadingNulls = 0
    }

    @inline(__always)
    package func appendDouble(_ value: Double) {
        doubles.append(value)
        if validity != nil { setValid(doubles.count - 1) }
    }

    @inline(__always)
    package func appendString(_ bytes: UnsafeRawBufferPointer) {
        let code = dictionary!.intern(bytes)
        if leadingNulls > 0 { backfillLeadingNulls(code) }
        ints.append(code)
        if validity != nil { setValid(ints.count - 1) }
    }

    /// Appends a code the column's dictionary already handed out (see `StringDictionaryBuilder.find`).
    @inline(__always)
    package func appendCode(_ code: Int64) {
        if leadingNulls > 0 { backfillLeadingNulls(code) }
        ints.append(code)
        if validity != nil { setValid(ints.count - 1) }
    }

    /// Appends `count` rows at once, exactly as many `appendInt64`/`appendCode`/`appendDouble` and `appendNull`
    /// calls would (NULLs repeat the previous integer, leading NULLs are back-filled, the validity bitmap appears
    /// at the first NULL), with one array append per call instead of per row.
    ///
    /// `ints` holds the integer-lane values (codes for strings), `doubles` the Double lane's; `nulls[k]` marks row
    /// `k` NULL (its value is ignored); `nullsInBatch` is how many are set. Each buffer holds `count` rows; they are
    /// used as scratch (NULL slots are overwritten).
    package func appendBatch(ints values: UncheckedBuffer<Int64>, doubles doubleValues: UncheckedBuffer<Double>,
                            nulls: UncheckedBuffer<Bool>, nullsInBatch: Int, count: Int) {
        guard count > 0 else { return }
        assert(values.capacity >= count && doubleValues.capacity >= count && nulls.capacity >= count, "appendBatch: short buffers")
        let first = self.count
        switch definition.type.lane {
        case .int64, .string:
            if nullsInBatch > 0 || leadingNulls > 0 {
                var last: Int64 = first > 0 ? ints[first - 1] : 0
                for k in 0..<count {
                    if nulls[unchecked: k] {
                        if first + k == leadingNulls { leadingNulls += 1 }
                        values[unchecked: k] = last
                    } else {
                        let value = values[unchecked: k]
                        if leadingNulls > 0 {
                            // Every row so far is NULL: they all take the first value.
                            let inArray = Swift.min(leadingNulls, first)
                            if inArray > 0 { for i in 0..<inArray { ints[i] = value } }
                            for i in 0..<k { values[unchecked: i] = value }
                            leadingNulls = 0
                        }
                        last = value
                    }
                }
            }
            ints.append(contentsOf: values.buffer(unchecked: 0..<count))
        case .float64:
            if nullsInBatch > 0 {
                for k in 0..<count where nulls[unchecked: k] { doubleValues[unchecked: k] = 0 }
            }
            doubles.append(contentsOf: doubleValues.buffer(unchecked: 0..<count))
        }
        let lastRow = first + count - 1
        if nullsInBatch > 0 && validity == nil {
            validity = [UInt64](repeating: ~0, count: (lastRow >> 6) + 1)
        }
        if validity != nil {
            ensureWord(lastRow)
            if nullsInBatch > 0 {
                for k in 0..<count where nulls[unchecked: k] {
                    let row = first + k
                    validity![row >> 6] &= ~(UInt64(1) << UInt64(row & 63))
                }
                nullCount += nullsInBatch
            }
        }
    }

    package func appendString(_ text: String) {
        var text = text
        text.withUTF8 { appendString(UnsafeRawBufferPointer($0)) }
    }

    package func appendNull() {
        let row = count
        if validity == nil {
            validity = [UInt64](repeating: ~0, count: (row >> 6) + 1)
        }
        switch definition.type.lane {
        case .int64, .string:
            if ints.count == leadingNulls { leadingNulls += 1 }
            ints.append(ints.last ?? 0)
        case .float64: doubles.append(0)
        }
        ensureWord(row)
        validity![row >> 6] &= ~(UInt64(1) << UInt64(row & 63))
        nullCount += 1
    }

    /// Whether row `row` holds a value (not NULL).
    package func isValid(_ row: Int) -> Bool {
        guard let validity else { return true }
        return validity[row >> 6] & (UInt64(1) << UInt64(row & 63)) != 0
    }

    @inline(__always)
    private func setValid(_ row: Int) {
        ensureWord(row)
        validity![row >> 6] |= UInt64(1) << UInt64(row & 63)
    }

    @inline(__always)
    private func ensureWord(_ row: Int) {
        while validity!.count <= row >> 6 { validity!.append(~0) }
    }
}
