import HuiyanBuffers

extension SegmentReader {
    /// Decodes rows `rows` (increasing) of block `block` of an integer-lane or string column into their own
    /// slots of `values` (room for the whole block; other slots undefined), and the block's validity into
    /// `validity` (bit set = valid). For a filter that kept part of a block: encodings that can read a row on
    /// its own read only these. String codes are checked against the dictionary. Returns the block's null count.
    @discardableResult
    package func decodeRows(column: Int, block: Int, rows: UnsafeBufferPointer<Int32>, into values: UnsafeMutablePointer<Int64>,
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

    /// For block `block` of an integer-lane column (times) without NULLs whose values are stored in order, the
    /// first row whose value is at least each of `thresholds` (ascending) and that row's value, found without
    /// decoding the block whole (`IntegerBlockCodec.firstRows`); nil when the block has NULLs or is not stored
    /// so (the caller decodes it).
    package func firstRows(column: Int, block: Int, atLeast thresholds: [Int64], scratch: BlockScratch) throws
        -> [(row: Int, value: Int64)]? {
        guard footer.columns[column].blocks[block].nullCount == 0 else { return nil }
        var found: [(row: Int, value: Int64)]?
        _ = try decode(column: column, block: block, validity: nil, scratch: scratch) { data, count in
            found = try IntegerBlockCodec.firstRows(data, count: count, atLeast: thresholds)
        }
        return found
    }

    /// Writes to `selection` the rows of block `block` whose value (an integer-lane value, or a string's code)
    /// lies in `range`, in increasing order and without NULL rows; returns how many. `selection` needs room
    /// for the block's rows; `validity` receives the block's validity (bit set = valid). A filter on a column
    /// that nothing reads after it is answered this way without decoding the column into a vector.
    package func selectRows(column: Int, block: Int, within range: ClosedRange<Int64>, into selection: UnsafeMutablePointer<Int32>,
                           validity: UnsafeMutablePointer<UInt64>, scratch: BlockScratch) throws -> Int {
        var n = 0
        let nulls = try decode(column: column, block: block, validity: validity, scratch: scratch) { data, count in
            n = try IntegerBlockCodec.select(data, count: count, within: range, into: selection, workspace: scratch.workspace)
        }
        guard nulls > 0 else { return n }
        // NULL rows hold some value: they are dropped afterwards.
        let rows = footer.columns[column].blocks[block].rowCount
        let selected = UncheckedBuffer(UnsafeMutableBufferPointer(start: selection, count: n))
        let valid = UncheckedBuffer(UnsafeMutableBufferPointer(start: validity, count: (rows + 63) >> 6))
        var kept = 0
        for k in 0..<n {
            let row = Int(selected[unchecked: k])
            selected[unchecked: kept] = selected[unchecked: k]
            kept &+= Int(truncatingIfNeeded: (valid[unchecked: row >> 6] >> UInt64(row & 63)) & 1)
        }
        return kept
    }

    /// Adds to `counts[code]` how many rows of block `block` of a string column hold each code, and to
    /// `counts[dictionaryCount]` its NULL rows (`counts` has a slot per dictionary entry and one more). The
    /// codes are counted straight from the packed block; NULL rows, which hold some code too, are read on
    /// their own and moved to the NULL slot (worth it while they are few). `validity` receives the block's
    /// validity (bit set = valid).
    package func countCodes(column: Int, block: Int, into counts: UnsafeMutableBufferPointer<Int64>,
                           validity: UnsafeMutablePointer<UInt64>, scratch: BlockScratch) throws {
        let dictionaryCount = footer.columns[column].dictionaryCount
        var inRange = true
        var nullRows: [Int32] = []
        let nulls = try decode(column: column, block: block, validity: validity, scratch: scratch) { data, count in
            guard dictionaryCount > 0 else { inRange = false; return }
            inRange = try IntegerBlockCodec.count(data, count: count, into: counts, limit: dictionaryCount, workspace: scratch.workspace)
            let nullCount = footer.columns[column].blocks[block].nullCount
            guard inRange, nullCount > 0 else { return }
            // (The validity bitmap was checked against the null count: exactly that many rows.)
            nullRows = [Int32](unsafeUninitializedCapacity: nullCount) { rows, initialized in
                var n = 0
                Self.forEachNullRow(UncheckedBuffer(UnsafeMutableBufferPointer(start: validity, count: (count + 63) >> 6)), rows: count) { row in
                    guard n < nullCount else { return }
                    rows[n] = Int32(row)
                    n += 1
                }
                initialized = n
            }
            try IntegerBlockCodec.withSlotBuffer(Int64.self, count, in: scratch.workspace) { codes, rest in
                inRange = try nullRows.withUnsafeBufferPointer {
                    try IntegerBlockCodec.decode(data, count: count, rows: $0, into: codes.pointer(uncheckedAt: 0, count: count), workspace: rest,
                                                 within: codeRange(column: column))
                }
                guard inRange else { return }
                for row in nullRows {
                    counts[Int(codes[unchecked: Int(row)])] &-= 1
                    counts[dictionaryCount] &+= 1
                }
            }
        }
        // An all-NULL block of a column without a dictionary counts its rows as NULL.
        if dictionaryCount == 0, nulls == footer.columns[column].blocks[block].rowCount {
            counts[0] &+= Int64(nulls)
            return
        }
        try checkCodes(column: column, block: block, nulls: nulls, inRange: inRange)
    }

    /// Adds to `counts[a · (secondCount + 1) + b]` how many rows of block `block` hold code `a` in string
    /// column `first` and code `b` in string column `second`, a NULL counting as the code one past its
    /// column's dictionary (`…Count` is a column's dictionary size; `counts` has (firstCount + 1) ·
    /// (secondCount + 1) slots). The first column is decoded, the second counted straight from its packed
    /// block (`IntegerBlockCodec.count`, by first codes). No NULL row is visited on its own: where the block
    /// has NULLs, each row counts in the row of its first code (or NULL) doubled plus whether its second
    /// value is valid, both read from the validity bitmaps without a branch; the counts of invalid second
    /// values then go to the NULL slot.
    package func countCodePairs(first: Int, second: Int, block: Int, into counts: UnsafeMutableBufferPointer<Int64>,
                               scratch: BlockScratch) throws {
        let firstCount = footer.columns[first].dictionaryCount, secondCount = footer.columns[second].dictionaryCount
        let stride = secondCount + 1
        precondition(counts.count == (firstCount + 1) * stride && firstCount < 1 << 15, "countCodePairs: a slot for every pair of codes")
        let rows = footer.columns[first].blocks[block].rowCount
        let words = (rows + 63) >> 6
        try IntegerBlockCodec.withSlots(UInt64.self, 2 * words, in: scratch.workspace) { valid, rest in
            try IntegerBlockCodec.withSlots(UInt16.self, rows, in: rest) { firsts, rest in
                let firstNulls = try decodeCheckedCodes(column: first, block: block, into: firsts, validity: valid, workspace: rest, scratch: scratch)
                var inRange = true
                // With NULLs on either side, a row counts in the row of its first slot doubled plus its second
                // value's validity, and the rows of invalid second values are moved to the NULL slot after.
                let nullable = firstNulls > 0 || footer.columns[second].blocks[block].nullCount > 0
                let secondNulls = try decode(column: second, block: block, validity: valid + words, scratch: scratch) { data, count in
                    if nullable {
                        let validity = UncheckedBuffer(UnsafeMutableBufferPointer(start: valid, count: 2 * words))
                        Self.pairRows(UncheckedBuffer(UnsafeMutableBufferPointer(start: firsts, count: rows)),
                                      firstValid: validity.slice(unchecked: 0..<words), secondValid: validity.slice(unchecked: words..<(2 * words)),
                                      rows: rows, nullCode: UInt16(firstCount))
                    }
                    guard secondCount > 0 else { inRange = false; return }
                    guard nullable else {
                        inRange = try IntegerBlockCodec.count(data, count: count, into: counts, limit: secondCount, by: firsts, stride: stride,
                                                              workspace: rest)
                        return
                    }
                    let paired = 2 * (firstCount + 1) * stride
                    try IntegerBlockCodec.withSlotBuffer(Int64.self, paired, in: rest) { raw, rest in
                        raw.fill(with: 0)
                        inRange = try IntegerBlockCodec.count(data, count: count, into: raw.mutableBuffer(unchecked: 0..<paired),
                                                              limit: secondCount, by: firsts, stride: stride, workspace: rest)
                        guard inRange else { return }
                        for a in 0...firstCount {
                            let nullRow = 2 * a * stride, validRow = nullRow + stride
                            var nulls: Int64 = 0
                            for b in 0..<secondCount {
                                nulls &+= raw[unchecked: nullRow + b]
                                counts[a * stride + b] &+= raw[unchecked: validRow + b]
                            }
                            counts[a * stride + secondCount] &+= nulls
                        }
                    }
                }
                // A second column without a dictionary is all NULL in this segment: its rows count by first code alone.
                if secondCount == 0, secondNulls == rows {
                    for i in 0..<rows { counts[Int(firsts[i] >> 1)] &+= 1 }
                    return
                }
                try checkCodes(column: second, block: block, nulls: secondNulls, inRange: inRange)
            }
        }
    }

    /// Turns each first code `codes[i]` into its row of pair counts: the code, or `nullCode` where the first
    /// column is NULL, doubled, plus 1 where the second column is valid. Eight rows at a time with a mask of
    /// eight lanes per byte of validity (`validityLanes`), and no branch.
    static func pairRows(_ codes: UncheckedBuffer<UInt16>, firstValid: UncheckedBuffer<UInt64>, secondValid: UncheckedBuffer<UInt64>,
                         rows: Int, nullCode: UInt16) {
        validityLanes.withUnsafeBufferPointer { lanes in
            let null = SIMD8<UInt16>(repeating: nullCode), one = SIMD8<UInt16>(repeating: 1)
            let whole = rows & ~7
            var i = 0
            while i < whole {
                let shift = UInt64(i & 63)
                let a = lanes[Int((firstValid[unchecked: i >> 6] &>> shift) & 0xFF)]
                let b = lanes[Int((secondValid[unchecked: i >> 6] &>> shift) & 0xFF)]
                let code = codes.loadUnaligned(uncheckedAt: i, as: SIMD8<UInt16>.self)
                codes.storeBytes(of: (((code &- null) & a) &+ null) &<< 1 | (b & one), uncheckedAt: i)
                i += 8
            }
            while i < rows {
                let aValid = UInt16(truncatingIfNeeded: (firstValid[unchecked: i >> 6] &>> UInt64(i & 63)) & 1)
                let bValid = UInt16(truncatingIfNeeded: (secondValid[unchecked: i >> 6] &>> UInt64(i & 63)) & 1)
                codes[unchecked: i] = ((codes[unchecked: i] &- nullCode) & (0 &- aValid) &+ nullCode) &<< 1 | bValid
                i += 1
            }
        }
    }

    /// For each byte of a validity bitmap: eight lanes, all ones where the row's bit is set and zero where not.
    static let validityLanes: [SIMD8<UInt16>] = (0..<256).map { byte in
        var lanes = SIMD8<UInt16>(repeating: 0)
        for bit in 0..<8 where byte & (1 << bit) != 0 { lanes[bit] = .max }
        return lanes
    }

    /// Calls `body` with each row whose bit in `validity` is 0 (NULL), in order, a word of 64 rows at a time.
    @inline(__always)
    static func forEachNullRow(_ validity: UncheckedBuffer<UInt64>, rows: Int, _ body: (Int) -> Void) {
        for w in 0..<((rows + 63) >> 6) {
            var missing = ~validity[unchecked: w]
            if (w + 1) << 6 > rows { missing &= (UInt64(1) << UInt64(rows & 63)) &- 1 }
            while missing != 0 {
                body(w << 6 | missing.trailingZeroBitCount)
                missing &= missing &- 1
            }
        }
    }
}
