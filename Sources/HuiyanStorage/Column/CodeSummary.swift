import HuiyanBuffers

/// Totals per code of a string column, block by block (segment format 3): for each code a block holds,
/// and for its NULL rows, how many rows hold it and, for each integer or money column of the segment (the
/// summary's measures), how many of those rows have a value there and their sum. A count, sum or average
/// by that string column over a whole block is then read from here without decoding the block. Written
/// for string columns with small dictionaries only.
package struct CodeSummary: Sendable, Equatable {
    /// The measures' column indexes in the segment.
    package var measures: [Int]
    package var blocks: [Block]

    /// One block's totals: entry `k` is code `codes[k]` (`nullCode` for the NULL rows).
    package struct Block: Sendable, Equatable {
        package var codes: [UInt32] = []
        package var rows: [Int64] = []
        /// Per measure, per entry: the rows with a value, and their sum.
        package var counts: [[Int64]]
        package var sums: [[Int64]]
        /// Per measure: false when the block's values could make a sum leave Int64 (its sums are then unknown).
        package var exact: [Bool]

        init(measures: Int) {
            counts = [[Int64]](repeating: [], count: measures)
            sums = [[Int64]](repeating: [], count: measures)
            exact = [Bool](repeating: true, count: measures)
        }
    }

    /// The entry code of NULL rows.
    package static let nullCode = UInt32.max
    /// Summaries are written for string columns whose dictionary has at most this many entries.
    package static let largestDictionary = 4096

    /// The summary of string column `column` of a finished builder (codes already sorted), over `rowCount`
    /// rows in blocks of `SegmentFormat.blockRows`, with the integer and money columns as measures.
    static func build(_ builder: SegmentBuilder, column: Int, dictionaryCount: Int, rowCount: Int) -> CodeSummary {
        let measures = builder.columns.indices.filter { [.int64, .money].contains(builder.columns[$0].definition.type) }
        let columns = [column] + measures
        // Each block's values and validity are staged in a block buffer per column, as a reader decodes them.
        let staged = columns.map { _ in DecodedBlock() }
        var blocks: [Block] = []
        var start = 0
        while start < rowCount {
            let end = min(start + SegmentFormat.blockRows, rowCount)
            let hasValidity = columns.indices.map { k -> Bool in
                let source = builder.columns[columns[k]]
                staged[k].ints.update(uncheckedAt: 0, fromContentsOf: source.ints[start..<end])
                // The validity words for the block (all valid past the builder's words).
                guard let words = source.validity else { return false }
                for (slot, word) in (start >> 6..<(end + 63) >> 6).enumerated() {
                    staged[k].validity[unchecked: slot] = word < words.count ? words[word] : ~0
                }
                return true
            }
            @inline(__always) func validity(_ k: Int) -> UncheckedBuffer<UInt64>? { hasValidity[k] ? staged[k].validity : nil }
            blocks.append(totals(rows: end - start, codes: staged[0].ints, keyValidity: validity(0),
                                 measures: measures.indices.map { (staged[$0 + 1].ints, validity($0 + 1)) },
                                 dictionaryCount: dictionaryCount))
            start = end
        }
        return CodeSummary(measures: measures, blocks: blocks)
    }

    /// One block's totals from its key's codes and the measures' values, each with its validity (bit set =
    /// valid; nil when nothing is NULL). Also how `huiyan verify` checks a stored summary. The loops are
    /// without a branch per row: a NULL value adds 0 to the sum and 0 to the count; the sums wrap, and a
    /// bound from the values' magnitudes (or-ed in the same pass) shows whether any can have.
    package static func totals(rows: Int, codes: UncheckedBuffer<Int64>, keyValidity: UncheckedBuffer<UInt64>?,
                              measures: [(values: UncheckedBuffer<Int64>, validity: UncheckedBuffer<UInt64>?)],
                              dictionaryCount: Int) -> Block {
        @inline(__always) func bit(_ words: UncheckedBuffer<UInt64>?, _ row: Int) -> Int64 {
            guard let words else { return 1 }
            return Int64(truncatingIfNeeded: words[unchecked: row >> 6] >> UInt64(row & 63) & 1)
        }
        let slots = dictionaryCount + 1
        let nullSlot = Int64(dictionaryCount)
        var block = Block(measures: measures.count)
        withUnsafeTemporaryAllocation(of: Int64.self, capacity: rows + slots * (1 + 2 * measures.count)) { space in
            let space = UncheckedBuffer(space)
            let slotOf = space.slice(unchecked: 0..<rows)
            let rowsOf = space.slice(unchecked: rows..<(rows + slots))
            space.slice(unchecked: rows..<space.capacity).fill(with: 0)
            /// Measure `m`'s counts and sums per slot.
            @inline(__always) func tables(_ m: Int) -> (counts: UncheckedBuffer<Int64>, sums: UncheckedBuffer<Int64>) {
                let counts = rows + slots * (1 + 2 * m)
                return (space.slice(unchecked: counts..<(counts + slots)), space.slice(unchecked: (counts + slots)..<(counts + 2 * slots)))
            }
            for row in 0..<rows {
                // A NULL key, or a code past the dictionary (damage, for verify to report), counts as NULL.
                let code = Swift.min(UInt64(bitPattern: codes[unchecked: row]), UInt64(nullSlot))
                let slot = (Int64(code) &- nullSlot) &* bit(keyValidity, row) &+ nullSlot
                slotOf[unchecked: row] = slot
                rowsOf[unchecked: Int(slot)] &+= 1
            }
            for (m, measure) in measures.enumerated() {
                let (counts, sums) = tables(m)
                var magnitudes: Int64 = 0
                for row in 0..<rows {
                    let valid = bit(measure.validity, row)
                    let v = measure.values[unchecked: row] & (0 &- valid)
                    let slot = Int(slotOf[unchecked: row])
                    counts[unchecked: slot] &+= valid
                    sums[unchecked: slot] &+= v
                    magnitudes |= v ^ (v >> 63)
                }
                let bound = magnitudes == 0 ? 0 : UInt64(1) << UInt64(64 - magnitudes.leadingZeroBitCount)
                let (total, overflow) = bound.multipliedReportingOverflow(by: UInt64(rows))
                block.exact[m] = !overflow && total <= UInt64(Int64.max)
            }
            for slot in 0..<slots where rowsOf[unchecked: slot] > 0 {
                block.codes.append(slot == dictionaryCount ? nullCode : UInt32(slot))
                block.rows.append(rowsOf[unchecked: slot])
                for m in measures.indices {
                    let (counts, sums) = tables(m)
                    block.counts[m].append(counts[unchecked: slot])
                    block.sums[m].append(block.exact[m] ? sums[unchecked: slot] : 0)
                }
            }
        }
        return block
    }

    /// The summary's bytes (docs/FORMAT.md §8.2).
    func encoded() -> [UInt8] {
        var out = ByteWriter(capacity: 16 + blocks.reduce(0) { $0 + 8 + $1.codes.count * (8 + 12 * measures.count) })
        out.u16(UInt16(measures.count))
        for measure in measures { out.u16(UInt16(measure)) }
        out.u32(UInt32(blocks.count))
        for block in blocks {
            out.u32(UInt32(block.codes.count))
            for exact in block.exact { out.u8(exact ? 1 : 0) }
            for k in block.codes.indices {
                out.u32(block.codes[k])
                out.u32(UInt32(block.rows[k]))
                for m in measures.indices {
                    out.u32(UInt32(block.counts[m][k]))
                    out.i64(block.sums[m][k])
                }
            }
        }
        return out.bytes
    }

    /// Parses a summary of a column with `dictionaryCount` codes over blocks of `blockRows` rows, of a
    /// segment with `columns` columns; throws `ByteReader.OutOfBounds` on any inconsistency.
    static func decode(_ bytes: UnsafeRawBufferPointer, dictionaryCount: Int, blockRows: [Int], columns: Int) throws -> CodeSummary {
        var reader = ByteReader(bytes)
        let measureCount = Int(try reader.u16())
        guard measureCount <= columns else { throw ByteReader.OutOfBounds() }
        let measures = try (0..<measureCount).map { _ in Int(try reader.u16()) }
        guard measures.allSatisfy({ $0 < columns }), Int(try reader.u32()) == blockRows.count else { throw ByteReader.OutOfBounds() }
        var blocks: [Block] = []
        for rowsInBlock in blockRows {
            let entries = Int(try reader.u32())
            guard entries <= min(rowsInBlock, dictionaryCount + 1), entries * (8 + 12 * measureCount) <= reader.remaining else {
                throw ByteReader.OutOfBounds()
            }
            var block = Block(measures: measureCount)
            block.exact = try (0..<measureCount).map { _ in try reader.u8() == 1 }
            var total: Int64 = 0
            for _ in 0..<entries {
                let code = try reader.u32()
                guard code == nullCode || Int(code) < dictionaryCount, code > (block.codes.last ?? 0) || block.codes.isEmpty else {
                    throw ByteReader.OutOfBounds()
                }
                block.codes.append(code)
                let rows = Int64(try reader.u32())
                block.rows.append(rows)
                total += rows
                for m in 0..<measureCount {
                    let count = Int64(try reader.u32())
                    guard count <= rows else { throw ByteReader.OutOfBounds() }
                    block.counts[m].append(count)
                    block.sums[m].append(try reader.i64())
                }
            }
            guard total == Int64(rowsInBlock) else { throw ByteReader.OutOfBounds() }
            blocks.append(block)
        }
        return CodeSummary(measures: measures, blocks: blocks)
    }
}
