extension SegmentReader {
    /// Decodes rows `rows` (increasing) of block `block` of an integer-lane or string column into their own
    /// slots of `values` (room for the whole block; other slots undefined), and the block's validity into
    /// `validity` (bit set = valid). For a filter that kept part of a block: encodings that can read a row on
    /// its own read only these. String codes are checked against the dictionary. Returns the block's null count.
    @discardableResult
    public func decodeRows(column: Int, block: Int, rows: UnsafeBufferPointer<Int32>, into values: UnsafeMutablePointer<Int64>,
                           validity: UnsafeMutablePointer<UInt64>, scratch: BlockScratch) throws -> Int {
        let codes = footer.columns[column].definition.type == .string ? codeRange(column: column) : nil
        var inRange = true
        let nulls = try decode(column: column, block: block, validity: validity, scratch: scratch) { data, count in
            inRange = try IntegerBlockCodec.decode(data, count: count, rows: rows, into: values, workspace: scratch.workspace, within: codes)
        }
        if footer.columns[column].definition.type == .string {
            try checkCodes(column: column, block: block, nulls: nulls, inRange: inRange)
        }
        return nulls
    }

    /// Writes to `selection` the rows of block `block` whose value (an integer-lane value, or a string's code)
    /// lies in `range`, in increasing order and without NULL rows; returns how many. `selection` needs room
    /// for the block's rows; `validity` receives the block's validity (bit set = valid). A filter on a column
    /// that nothing reads after it is answered this way without decoding the column into a vector.
    public func selectRows(column: Int, block: Int, within range: ClosedRange<Int64>, into selection: UnsafeMutablePointer<Int32>,
                           validity: UnsafeMutablePointer<UInt64>, scratch: BlockScratch) throws -> Int {
        var n = 0
        let nulls = try decode(column: column, block: block, validity: validity, scratch: scratch) { data, count in
            n = try IntegerBlockCodec.select(data, count: count, within: range, into: selection, workspace: scratch.workspace)
        }
        guard nulls > 0 else { return n }
        // NULL rows hold some value: they are dropped afterwards.
        var kept = 0
        for k in 0..<n {
            let row = Int(selection[k])
            selection[kept] = selection[k]
            kept &+= Int(truncatingIfNeeded: (validity[row >> 6] >> UInt64(row & 63)) & 1)
        }
        return kept
    }
}
