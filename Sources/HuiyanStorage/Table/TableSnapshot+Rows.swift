/// A stored value, decoded for display or comparison (not for the query hot path).
package enum StoredValue: Equatable, Sendable, CustomStringConvertible {
    case int(Int64)
    case double(Double)
    case string(String)

    package var description: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return String(v)
        case .string(let v): return v
        }
    }
}

extension SegmentReader {
    /// Decodes any block into `ints` (integers, or string codes checked against the dictionary) or `doubles`.
    @discardableResult
    package func decodeBlock(column: Int, block: Int, ints: UnsafeMutablePointer<Int64>, doubles: UnsafeMutablePointer<Double>,
                            validity: UnsafeMutablePointer<UInt64>, scratch: BlockScratch) throws -> Int {
        switch columns[column].definition.type.lane {
        case .float64:
            return try decodeDoubles(column: column, block: block, into: doubles, validity: validity, scratch: scratch)
        case .int64:
            return try decodeIntegers(column: column, block: block, into: ints, validity: validity, scratch: scratch)
        case .string:
            let rows = columns[column].blocks[block].rowCount
            return try withUnsafeTemporaryAllocation(of: UInt32.self, capacity: max(rows, 1)) { codes in
                let nulls = try decodeCodes(column: column, block: block, into: codes.baseAddress!, validity: validity, scratch: scratch)
                for i in 0..<rows { ints[i] = Int64(codes[i]) }
                return nulls
            }
        }
    }

    /// Every row of the segment, decoded (NULL as nil). For tests, small tables and tools; queries scan blocks.
    package func materializeRows() throws -> [[StoredValue?]] {
        var rows = [[StoredValue?]](repeating: [], count: rowCount)
        let scratch = BlockScratch()
        let ints = UnsafeMutablePointer<Int64>.allocate(capacity: SegmentFormat.blockRows)
        let doubles = UnsafeMutablePointer<Double>.allocate(capacity: SegmentFormat.blockRows)
        let validity = UnsafeMutablePointer<UInt64>.allocate(capacity: SegmentFormat.blockRows / 64)
        defer { ints.deallocate(); doubles.deallocate(); validity.deallocate() }
        for (c, column) in columns.enumerated() {
            let lane = column.definition.type.lane
            let dictionary = lane == .string ? try self.dictionary(column: c) : nil
            var row = 0
            for b in column.blocks.indices {
                try decodeBlock(column: c, block: b, ints: ints, doubles: doubles, validity: validity, scratch: scratch)
                for k in 0..<column.blocks[b].rowCount {
                    if validity[k >> 6] & (UInt64(1) << UInt64(k & 63)) == 0 {
                        rows[row].append(nil)
                    } else {
                        switch lane {
                        case .int64: rows[row].append(.int(ints[k]))
                        case .float64: rows[row].append(.double(doubles[k]))
                        case .string: rows[row].append(.string(dictionary!.string(at: Int(ints[k]))))
                        }
                    }
                    row += 1
                }
            }
        }
        return rows
    }
}

extension TableSnapshot {
    /// Every row of the table in segment order, decoded. For tests, small tables and tools.
    package func materializeRows() throws -> [[StoredValue?]] {
        try segments.flatMap { try $0.materializeRows() }
    }
}
