import HuiyanBuffers

extension IntegerBlockCodec {
    /// Decodes rows `rows` (increasing, each below `count`) of a block of `count` values into their own slots
    /// of `out` (room for `count` values): `out[rows[k]]` is the value of row `rows[k]`; other slots are
    /// undefined. A frame-of-reference block (when a quarter of the rows or fewer are wanted) or a dictionary
    /// block (half or fewer) reads each wanted row's bits straight from the packed bytes (one unaligned load);
    /// otherwise, and for other encodings, the whole block is decoded into `out`. Returns whether the values
    /// read lie in `allowed`, like `decode`.
    package static func decode(_ payload: UnsafeRawBufferPointer, count: Int, rows: UnsafeBufferPointer<Int32>,
                              into out: UnsafeMutablePointer<Int64>, workspace: UnsafeMutableRawBufferPointer? = nil,
                              within allowed: ClosedRange<Int64>? = nil) throws -> Bool {
        guard let last = rows.last else { return true }
        guard Int(last) < count, rows[0] >= 0 else { throw ByteReader.OutOfBounds() }
        let values = UncheckedBuffer(UnsafeMutableBufferPointer(start: out, count: count))
        var reader = ByteReader(payload)
        // Past a quarter of the rows, unpacking the block whole (width-specialized, no per-row shifts) costs
        // less than reading each row's bits on its own.
        if rows.count * 4 <= count, try reader.u8() == IntegerEncoding.frameOfReference.rawValue {
            let (base, scale, width, packed) = try readFrameOfReferenceHeader(&reader, count: count)
            if width == 0 {
                for k in 0..<rows.count { values[unchecked: Int(rows[k])] = base }
                return allowed?.contains(base) ?? true
            }
            let limit = rawLimit(base: base, scale: scale, within: allowed)
            let known = extract(packed, width: width, rows: rows, atMost: limit ?? 0) {
                values[unchecked: Int(rows[$0])] = base &+ Int64(bitPattern: $1 &* scale)
            }
            return limit != nil && known
        }
        // A dictionary block's full decode looks every row up in its table: reading half of the rows is cheaper.
        if rows.count * 2 <= count, payload.first == IntegerEncoding.dictionary.rawValue {
            return try decodeDictionaryRows(payload, count: count, rows: rows, into: values, within: allowed)
        }
        // Other encodings depend on the values before each row: the block is decoded whole.
        return try decode(payload, count: count, into: out, workspace: workspace, within: allowed)
    }

    /// Rows `rows` of a `dictionary` block (encoding 5): the block's distinct values decoded, then each wanted
    /// row's code read from the packed codes and looked up. The values are checked in the table.
    private static func decodeDictionaryRows(_ payload: UnsafeRawBufferPointer, count: Int, rows: UnsafeBufferPointer<Int32>,
                                             into out: UncheckedBuffer<Int64>, within allowed: ClosedRange<Int64>?) throws -> Bool {
        var reader = ByteReader(payload)
        _ = try reader.u8()
        let (distinct, nested, width, packed) = try readDictionaryHeader(&reader, count: count)
        // 2^width slots, so that any packed code indexes the table; codes past `distinct` are damage.
        return try withUnsafeTemporaryAllocation(of: Int64.self, capacity: 1 << width) { entries in
            let entries = UncheckedBuffer(entries)
            let inRange = try decode(nested, count: distinct, into: entries, level: 2, workspace: nil, within: allowed)
            entries.slice(unchecked: distinct..<(1 << width)).fill(with: entries[unchecked: 0])
            if width == 0 {
                for k in 0..<rows.count { out[unchecked: Int(rows[k])] = entries[unchecked: 0] }
                return inRange
            }
            let known = extract(packed, width: width, rows: rows, atMost: UInt64(distinct - 1)) {
                out[unchecked: Int(rows[$0])] = entries[unchecked: Int(truncatingIfNeeded: $1)]
            }
            guard known else { throw ByteReader.OutOfBounds() }
            return inRange
        }
    }

    /// Calls `write(k, raw)` with the `width`-bit value of each row `rows[k]` of `packed`; returns whether
    /// every value read is at most `limit` (compared as `BitPacking.unpack` does).
    /// Rows whose 8-byte load would pass the end of `packed` are read through a zero-padded copy.
    @inline(__always)
    static func extract(_ packed: UnsafeRawBufferPointer, width: Int, rows: UnsafeBufferPointer<Int32>,
                        atMost limit: UInt64, _ write: (Int, UInt64) -> Void) -> Bool {
        let mask = width == 64 ? UInt64.max : (UInt64(1) << UInt64(width)) &- 1
        let bytes = UncheckedBytes(packed)
        let safeEnd = packed.count - 8          // loads at byte offsets up to here stay inside
        let bound = Swift.min(limit, UInt64(Int64.max))
        var over: UInt64 = 0
        for k in 0..<rows.count {
            let bit = Int(rows[k]) &* width
            let byte = bit >> 3
            let word: UInt64
            if byte <= safeEnd {
                word = bytes.loadUnaligned(uncheckedAt: byte, as: UInt64.self)
            } else {
                // Little-endian order, zero past the end.
                var padded: UInt64 = 0
                for i in 0..<(bytes.count - byte) { padded |= UInt64(bytes[unchecked: byte + i]) << UInt64(8 * i) }
                word = UInt64(littleEndian: padded)
            }
            let raw = (UInt64(littleEndian: word) >> UInt64(bit & 7)) & mask
            over |= bound &- raw
            write(k, raw)
        }
        return limit >= mask || over >> 63 == 0
    }
}
