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
}
