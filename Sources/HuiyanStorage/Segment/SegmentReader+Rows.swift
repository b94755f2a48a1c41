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

    /// Adds to `counts[code]` how many rows of block `block` of a string column hold each code, and to
    /// `counts[dictionaryCount]` its NULL rows (`counts` has a slot per dictionary entry and one more). With
    /// `firsts` (another column's codes for the block's rows, NULL rows given a code of their own), a row
    /// counts at `counts[firsts[row] · (dictionaryCount + 1) + code]` instead: pairs of codes, a row of
    /// slots per first code. The codes are counted straight from the packed block; NULL rows, which hold
    /// some code too, are read on their own and moved to the NULL slot (worth it while they are few).
    /// `validity` receives the block's validity (bit set = valid).
    public func countCodes(column: Int, block: Int, by firsts: UnsafePointer<Int64>? = nil, into counts: UnsafeMutableBufferPointer<Int64>,
                           validity: UnsafeMutablePointer<UInt64>, scratch: BlockScratch) throws {
        let dictionaryCount = footer.columns[column].dictionaryCount
        let stride = dictionaryCount + 1
        var inRange = true
        var nullRows: [Int32] = []
        let nulls = try decode(column: column, block: block, validity: validity, scratch: scratch) { data, count in
            guard dictionaryCount > 0 else { inRange = false; return }
            inRange = try IntegerBlockCodec.count(data, count: count, into: counts, limit: dictionaryCount, by: firsts, stride: stride,
                                                  workspace: scratch.workspace)
            let nullCount = footer.columns[column].blocks[block].nullCount
            guard inRange, nullCount > 0 else { return }
            // (The validity bitmap was checked against the null count: exactly that many rows.)
            nullRows = [Int32](unsafeUninitializedCapacity: nullCount) { rows, initialized in
                var n = 0
                Self.forEachNullRow(validity, rows: count) { row in
                    guard n < nullCount else { return }
                    rows[n] = Int32(row)
                    n += 1
                }
                initialized = n
            }
            try IntegerBlockCodec.withSlots(Int64.self, count, in: scratch.workspace) { codes, rest in
                inRange = try nullRows.withUnsafeBufferPointer {
                    try IntegerBlockCodec.decode(data, count: count, rows: $0, into: codes, workspace: rest, within: codeRange(column: column))
                }
                guard inRange else { return }
                for row in nullRows {
                    let first = firsts.map { Int($0[Int(row)]) * stride } ?? 0
                    counts[first + Int(codes[Int(row)])] &-= 1
                    counts[first + dictionaryCount] &+= 1
                }
            }
        }
        // An all-NULL block of a column without a dictionary counts its rows as NULL.
        if dictionaryCount == 0, nulls == footer.columns[column].blocks[block].rowCount {
            for row in 0..<nulls { counts[firsts.map { Int($0[row]) } ?? 0] &+= 1 }
            return
        }
        try checkCodes(column: column, block: block, nulls: nulls, inRange: inRange)
    }

    /// Calls `body` with each row whose bit in `validity` is 0 (NULL), in order, a word of 64 rows at a time.
    @inline(__always)
    static func forEachNullRow(_ validity: UnsafePointer<UInt64>, rows: Int, _ body: (Int) -> Void) {
        for w in 0..<((rows + 63) >> 6) {
            var missing = ~validity[w]
            if (w + 1) << 6 > rows { missing &= (UInt64(1) << UInt64(rows & 63)) &- 1 }
            while missing != 0 {
                body(w << 6 | missing.trailingZeroBitCount)
                missing &= missing &- 1
            }
        }
    }
}
