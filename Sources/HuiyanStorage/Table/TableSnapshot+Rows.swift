import HuiyanBuffers
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
    /// Decodes any block into `decoded`: its `ints` (integers, or string codes checked against the dictionary) or
    /// `doubles`, and its validity. Returns the block's NULL count.
    @discardableResult
    package func decodeBlock(column: Int, block: Int, into decoded: DecodedBlock, scratch: BlockScratch) throws -> Int {
        switch columns[column].definition.type.lane {
        case .float64:
            return try decodeDoubles(column: column, block: block, into: decoded.doublesOutput, validity: decoded.validityOutput, scratch: scratch)
        case .int64:
            return try decodeIntegers(column: column, block: block, into: decoded.intsOutput, validity: decoded.validityOutput, scratch: scratch)
        case .string:
            return try decodeCodes(column: column, block: block, into: decoded.intsOutput, validity: decoded.validityOutput, scratch: scratch)
        }
    }

    /// Every row of the segment, decoded (NULL as nil). For tests, small tables and tools; queries scan blocks.
    package func materializeRows() throws -> [[StoredValue?]] {
        var rows = [[StoredValue?]](repeating: [], count: rowCount)
        let scratch = BlockScratch()
        let decoded = DecodedBlock()
        for (c, column) in columns.enumerated() {
            let lane = column.definition.type.lane
            let dictionary = lane == .string ? try self.dictionary(column: c) : nil
            var row = 0
            for b in column.blocks.indices {
                try decodeBlock(column: c, block: b, into: decoded, scratch: scratch)
                for k in 0..<column.blocks[b].rowCount {
                    if !decoded.isValid(unchecked: k) {
                        rows[row].append(nil)
                    } else {
                        switch lane {
                        case .int64: rows[row].append(.int(decoded.ints[unchecked: k]))
                        case .float64: rows[row].append(.double(decoded.doubles[unchecked: k]))
                        case .string: rows[row].append(.string(dictionary!.string(at: Int(decoded.ints[unchecked: k]))))
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
