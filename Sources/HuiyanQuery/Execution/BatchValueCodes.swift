/// The few distinct values an integer key takes in one batch, each selected row given its value's index (a
/// code that means something in this batch only). Days or months as timestamps span a range far too wide
/// for a dense array indexed by the value, but a block of time-ordered rows holds one or two of them.
/// A run of equal values costs one comparison per row; a change of value, one probe of a small table.
struct BatchValueCodes {
    /// The most distinct values kept; a batch with more gets no codes.
    static let limit = 1024

    /// Per row of the batch (selected and not NULL), its value's index.
    let codes: [Int32]
    /// How many distinct values the batch's rows hold.
    let distinct: Int

    /// The codes of the selected rows of `v` (rows whose NULL flag is set are skipped: their code is left 0);
    /// nil when they take more than `limit` distinct values.
    init?(_ v: Vector, _ batch: Batch) {
        let capacity = 4 * Self.limit, mask = capacity - 1
        var values = [Int64](repeating: 0, count: capacity)
        var slots = [Int32](repeating: -1, count: capacity)
        var codes = [Int32](repeating: 0, count: batch.count)
        var distinct = 0
        let complete = values.withUnsafeMutableBufferPointer { values in
            slots.withUnsafeMutableBufferPointer { slots in
                codes.withUnsafeMutableBufferPointer { codes in
                    v.ints.withUnsafeBufferPointer { ints in
                        let nulls = v.nulls
                        var previous = Int64.min, previousCode: Int32 = -1, complete = true
                        batch.forEachSelected { i in
                            guard complete else { return }
                            if let nulls, nulls[i] != 0 { return }
                            let x = ints[i]
                            if x == previous && previousCode >= 0 { codes[i] = previousCode; return }
                            var h = Int(truncatingIfNeeded: (UInt64(bitPattern: x) &* 0x9E37_79B9_7F4A_7C15) >> 52) & mask
                            while true {
                                let s = slots[h]
                                if s < 0 {
                                    guard distinct < Self.limit else { complete = false; return }
                                    slots[h] = Int32(distinct)
                                    values[h] = x
                                    previousCode = Int32(distinct)
                                    distinct += 1
                                    break
                                }
                                if values[h] == x { previousCode = s; break }
                                h = (h + 1) & mask
                            }
                            previous = x
                            codes[i] = previousCode
                        }
                        return complete
                    }
                }
            }
        }
        guard complete else { return nil }
        self.codes = codes
        self.distinct = distinct
    }
}
