extension IntegerBlockCodec {
    /// Decodes rows `rows` (increasing, each below `count`) of a block of `count` values into their own slots
    /// of `out` (room for `count` values): `out[rows[k]]` is the value of row `rows[k]`; other slots are
    /// undefined. A frame-of-reference block (when a quarter of the rows or fewer are wanted) or a dictionary
    /// block (half or fewer) reads each wanted row's bits straight from the packed bytes (one unaligned load);
    /// otherwise, and for other encodings, the whole block is decoded into `out`. Returns bounds that hold
    /// every value of the wanted rows, like `decode`.
    public static func decode(_ payload: UnsafeRawBufferPointer, count: Int, rows: UnsafeBufferPointer<Int32>,
                              into out: UnsafeMutablePointer<Int64>,
                              workspace: UnsafeMutableRawBufferPointer? = nil) throws -> (lowest: Int64, highest: Int64) {
        guard let last = rows.last else { return (Int64.max, Int64.min) }
        guard Int(last) < count, rows[0] >= 0 else { throw ByteReader.OutOfBounds() }
        var reader = ByteReader(payload)
        // Past a quarter of the rows, unpacking the block whole (width-specialized, no per-row shifts) costs
        // less than reading each row's bits on its own.
        if rows.count * 4 <= count, try reader.u8() == IntegerEncoding.frameOfReference.rawValue {
            let (base, scale, width, packed) = try readFrameOfReferenceHeader(&reader, count: count)
            if width == 0 {
                for k in 0..<rows.count { out[Int(rows[k])] = base }
                return (base, base)
            }
            let largest = extract(packed, width: width, rows: rows) { out[Int(rows[$0])] = base &+ Int64(bitPattern: $1 &* scale) }
            let (span, wide) = largest.multipliedReportingOverflow(by: scale)
            guard !wide, span <= UInt64(Int64.max) else { return (Int64.min, Int64.max) }
            let (highest, over) = base.addingReportingOverflow(Int64(span))
            return over ? (Int64.min, Int64.max) : (base, highest)
        }
        // A dictionary block's full decode looks every row up in its table: reading half of the rows is cheaper.
        if rows.count * 2 <= count, payload.first == IntegerEncoding.dictionary.rawValue {
            return try decodeDictionaryRows(payload, count: count, rows: rows, into: out)
        }
        // Other encodings depend on the values before each row: the block is decoded whole.
        return try decode(payload, count: count, into: out, workspace: workspace) { $0 }
    }

    /// Rows `rows` of a `dictionary` block (encoding 5): the block's distinct values decoded, then each wanted
    /// row's code read from the packed codes and looked up. Bounds are those of the distinct values.
    private static func decodeDictionaryRows(_ payload: UnsafeRawBufferPointer, count: Int, rows: UnsafeBufferPointer<Int32>,
                                             into out: UnsafeMutablePointer<Int64>) throws -> (lowest: Int64, highest: Int64) {
        var reader = ByteReader(payload)
        _ = try reader.u8()
        let (distinct, nested, width, packed) = try readDictionaryHeader(&reader, count: count)
        // 2^width slots, so that any packed code indexes the table; codes past `distinct` are damage.
        return try withUnsafeTemporaryAllocation(of: Int64.self, capacity: 1 << width) { entries in
            let bounds = try decode(nested, count: distinct, into: entries.baseAddress!, level: 2, workspace: nil) { $0 }
            (entries.baseAddress! + distinct).initialize(repeating: 0, count: (1 << width) - distinct)
            if width == 0 {
                for k in 0..<rows.count { out[Int(rows[k])] = entries[0] }
                return bounds
            }
            let largest = extract(packed, width: width, rows: rows) { out[Int(rows[$0])] = entries[Int(truncatingIfNeeded: $1)] }
            guard largest < UInt64(distinct) else { throw ByteReader.OutOfBounds() }
            return bounds
        }
    }

    /// Calls `write(k, raw)` with the `width`-bit value of each row `rows[k]` of `packed`; returns the largest.
    /// Rows whose 8-byte load would pass the end of `packed` are read through a zero-padded copy.
    @inline(__always)
    static func extract(_ packed: UnsafeRawBufferPointer, width: Int, rows: UnsafeBufferPointer<Int32>,
                        _ write: (Int, UInt64) -> Void) -> UInt64 {
        let mask = width == 64 ? UInt64.max : (UInt64(1) << UInt64(width)) &- 1
        let bytes = packed.baseAddress!
        let safeEnd = packed.count - 8          // loads at byte offsets up to here stay inside
        var largest: UInt64 = 0
        for k in 0..<rows.count {
            let bit = Int(rows[k]) &* width
            let byte = bit >> 3
            let word: UInt64
            if byte <= safeEnd {
                word = bytes.loadUnaligned(fromByteOffset: byte, as: UInt64.self)
            } else {
                var padded: UInt64 = 0
                withUnsafeMutableBytes(of: &padded) { p in
                    for i in 0..<(packed.count - byte) { p[i] = bytes.load(fromByteOffset: byte + i, as: UInt8.self) }
                }
                word = padded
            }
            let raw = (UInt64(littleEndian: word) >> UInt64(bit & 7)) & mask
            largest = Swift.max(largest, raw)
            write(k, raw)
        }
        return largest
    }
}
