/// A stored value, decoded for display or comparison (not for the query hot path).
public enum StoredValue: Equatable, Sendable, CustomStringConvertible {
    case int(Int64)
    case double(Double)
    case string(String)

    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return String(v)
        case .string(let v): return v
        }
    }
}

extension SegmentReader {
    /// Every row of the segment, decoded (NULL as nil). For tests, small tables and tools; queries scan blocks.
    public func materializeRows() throws -> [[StoredValue?]] {
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
                if lane == .float64 {
                    try decodeDoubles(column: c, block: b, into: doubles, validity: validity, scratch: scratch)
                } else {
                    try decodeIntegers(column: c, block: b, into: ints, validity: validity, scratch: scratch)
                }
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
    public func materializeRows() throws -> [[StoredValue?]] {
        try segments.flatMap { try $0.materializeRows() }
    }
}
