extension SegmentReader {
    /// Decodes only rows `rows` (increasing) of block `block` of an integer-lane column, densely: `values[k]`
    /// holds row `rows[k]`, and `nulls[k]` is 1 when that row is NULL, 0 otherwise (written only when the
    /// block has NULLs). For a query whose filter kept few rows of a block: the other columns are read for
    /// those rows alone. Returns how many of the rows are NULL.
    @discardableResult
    public func decodeIntegers(column: Int, block: Int, rows: UnsafeBufferPointer<Int32>, into values: UnsafeMutablePointer<Int64>,
                               nulls: UnsafeMutablePointer<UInt8>, scratch: BlockScratch) throws -> Int {
        try decodeRows(column: column, block: block, rows: rows, into: values, nulls: nulls, scratch: scratch).nulls
    }

    /// `decodeIntegers(column:block:rows:into:nulls:scratch:)` for the codes of a string column, each checked
    /// to index the dictionary.
    @discardableResult
    public func decodeCodes(column: Int, block: Int, rows: UnsafeBufferPointer<Int32>, into codes: UnsafeMutablePointer<Int64>,
                            nulls: UnsafeMutablePointer<UInt8>, scratch: BlockScratch) throws -> Int {
        let (nullCount, lowest, highest) = try decodeRows(column: column, block: block, rows: rows, into: codes, nulls: nulls, scratch: scratch)
        let limit = Int64(footer.columns[column].dictionaryCount)
        if rows.count > nullCount && (lowest < 0 || highest >= limit) {
            throw StorageError.corrupt(path: path, detail: "string code outside the dictionary in column \"\(footer.columns[column].definition.name)\", block \(block)")
        }
        return nullCount
    }

    /// Decodes rows `rows` (increasing) of block `block` of an integer-lane or string column into their own
    /// slots of `values` (room for the whole block; other slots undefined), and the block's validity into
    /// `validity` (bit set = valid). For a filter that kept a good part of a block: encodings that can read a
    /// row on its own read only these. String codes are checked against the dictionary. Returns the block's
    /// null count.
    @discardableResult
    public func decodeRows(column: Int, block: Int, rows: UnsafeBufferPointer<Int32>, scatteredInto values: UnsafeMutablePointer<Int64>,
                           validity: UnsafeMutablePointer<UInt64>, scratch: BlockScratch) throws -> Int {
        var lowest = Int64.max, highest = Int64.min
        let nulls = try decode(column: column, block: block, validity: validity, scratch: scratch) { data, count in
            (lowest, highest) = try IntegerBlockCodec.decode(data, count: count, rows: rows, into: values, buffer: values,
                                                             workspace: scratch.workspace, scattered: true)
        }
        if footer.columns[column].definition.type == .string {
            try checkCodes(column: column, block: block, nulls: nulls, lowest: lowest, highest: highest)
        }
        return nulls
    }

    private func decodeRows(column: Int, block: Int, rows: UnsafeBufferPointer<Int32>, into values: UnsafeMutablePointer<Int64>,
                            nulls: UnsafeMutablePointer<UInt8>, scratch: BlockScratch) throws -> (nulls: Int, lowest: Int64, highest: Int64) {
        let rowCount = footer.columns[column].blocks[block].rowCount
        let validity = scratch.validity()
        var lowest = Int64.max, highest = Int64.min
        let blockNulls = try decode(column: column, block: block, validity: validity, scratch: scratch) { data, count in
            (lowest, highest) = try IntegerBlockCodec.decode(data, count: count, rows: rows, into: values, buffer: scratch.integers(rowCount),
                                                         workspace: scratch.workspace)
        }
        guard blockNulls > 0 else { return (0, lowest, highest) }
        var nullCount = 0
        for k in 0..<rows.count {
            let r = Int(rows[k])
            let isNull = UInt8(truncatingIfNeeded: ~(validity[r >> 6] >> UInt64(r & 63)) & 1)
            nulls[k] = isNull
            nullCount &+= Int(isNull)
        }
        return (nullCount, lowest, highest)
    }
}
