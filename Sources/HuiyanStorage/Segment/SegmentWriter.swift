import Dispatch

/// Summary of a segment file that was written.
package struct WrittenSegment: Sendable {
    package var path: String
    package var rowCount: Int
    package var byteCount: Int
}

/// Encodes a `SegmentBuilder` into an immutable segment file (format in docs/FORMAT.md).
///
/// Columns are encoded in parallel; each block gets the smallest integer encoding, then LZ4 when that saves
/// at least 1/16 of its bytes, then an XXH3 checksum over the stored bytes.
package enum SegmentWriter {
    /// Writes the segment to `path` through a temporary file, fsync and rename. Sorts string dictionaries
    /// (rewriting the builder's codes), so the builder must not be appended to afterwards. With `sync: false`
    /// the fsync is left to the caller (`TableAppend` does it on another thread, before it commits).
    package static func write(_ builder: SegmentBuilder, to path: String, sync: Bool = true) throws -> WrittenSegment {
        let rowCount = builder.rowCount
        // Each column's builder is sorted and encoded by one thread only.
        var encoded: [EncodedColumn?] = ConcurrentLoop.map(builder.columns.count) { index in
            encodeColumn(builder.columns[index], rowCount: rowCount)
        }
        // Totals per code of the string columns with small dictionaries, once every column's codes are sorted.
        let summarized = encoded.indices.filter {
            let info = encoded[$0]!.info
            return info.definition.type == .string && info.dictionaryCount > 0 && info.dictionaryCount <= CodeSummary.largestDictionary
        }
        encoded.withUnsafeMutableBufferPointer { slots in
            let out = slots
            ConcurrentLoop.forEach(summarized.count) { k in
                let index = summarized[k]
                let summary = CodeSummary.build(builder, column: index, dictionaryCount: out[index]!.info.dictionaryCount, rowCount: rowCount)
                out[index]!.info.summary = store(summary.encoded(), into: &out[index]!.body)
            }
        }

        let temporary = path + ".tmp"
        let file = try OutputFile(creating: temporary)
        do {
            var header = ByteWriter(capacity: SegmentFormat.headerSize)
            header.raw(SegmentFormat.headerMagic)
            header.u32(SegmentFormat.version)
            header.u32(0)
            try file.write(header.bytes)
            var columns: [SegmentColumnInfo] = []
            for (index, column) in encoded.enumerated() {
                guard let column else { continue }
                let base = UInt64(file.bytesWritten)
                try file.write(column.body)
                var info = column.info
                info.blocks = info.blocks.map { var b = $0; b.range.offset += base; return b }
                if var dictionary = info.dictionary { dictionary.offset += base; info.dictionary = dictionary }
                if var summary = info.summary { summary.offset += base; info.summary = summary }
                precondition(info.definition == builder.columns[index].definition)
                columns.append(info)
            }
            let footer = SegmentFooter(rowCount: rowCount, columns: columns).encoded()
            try file.write(footer)
            var trailer = ByteWriter(capacity: SegmentFormat.trailerSize)
            trailer.u64(UInt64(footer.count))
            trailer.u64(Checksum.xxh3(of: footer))
            trailer.u32(SegmentFormat.version)
            trailer.u32(0)
            trailer.raw(SegmentFormat.trailerMagic)
            try file.write(trailer.bytes)
            if sync { try file.sync() }
            try file.close()
        } catch {
            try? file.close()
            try? FileIO.remove(temporary)
            throw error
        }
        let size = file.bytesWritten
        CrashPoints.hit("segment-before-rename")
        try FileIO.rename(temporary, to: path)
        return WrittenSegment(path: path, rowCount: rowCount, byteCount: size)
    }

    struct EncodedColumn {
        var body: [UInt8]
        var info: SegmentColumnInfo
    }

    static func encodeColumn(_ column: ColumnBuilder, rowCount: Int) -> EncodedColumn {
        var body: [UInt8] = []
        body.reserveCapacity(rowCount * 2)
        var dictionaryRange: StoredRange?
        var dictionaryCount = 0
        var dictionaryEncoding = DictionaryEncoding.frontCoded
        var plainBytes = rowCount * 8
        if let builder = column.dictionary {
            let (dictionary, remap) = builder.finish()
            dictionaryCount = dictionary.count
            plainBytes = 0
            if dictionaryCount > 0 {
                column.ints.withUnsafeMutableBufferPointer { codes in
                    remap.withUnsafeBufferPointer { map in
                        for i in codes.indices { codes[i] = map[Int(codes[i])] }
                    }
                }
                for row in 0..<rowCount where column.isValid(row) {
                    let code = Int(column.ints[row])
                    plainBytes += dictionary.starts[code + 1] - dictionary.starts[code]
                }
            }
            if let numeric = dictionary.numericCoded() {
                dictionaryEncoding = .numeric
                dictionaryRange = store(numeric, into: &body)
            } else {
                dictionaryRange = store(dictionary.frontCoded(), into: &body)
            }
        }
        var blocks: [BlockInfo] = []
        var payload: [UInt8] = []
        var start = 0
        while start < rowCount {
            let end = min(start + SegmentFormat.blockRows, rowCount)
            payload.removeAll(keepingCapacity: true)
            let (nullCount, lo, hi, sum) = encodeBlock(column, rows: start..<end, into: &payload)
            let range = store(payload, into: &body)
            blocks.append(BlockInfo(range: range, rowCount: end - start, nullCount: nullCount, min: lo, max: hi, sum: sum))
            start = end
        }
        let info = SegmentColumnInfo(definition: column.definition, nullCount: column.nullCount, plainBytes: plainBytes,
                                     dictionary: dictionaryRange, dictionaryCount: dictionaryCount,
                                     dictionaryEncoding: dictionaryEncoding, blocks: blocks)
        return EncodedColumn(body: body, info: info)
    }

    /// Appends one block's payload (flags, validity, values); returns its null count, zone map and, for an
    /// integer or money column, the sum of its values when it fits in Int64.
    static func encodeBlock(_ column: ColumnBuilder, rows: Range<Int>, into payload: inout [UInt8]) -> (Int, Int64, Int64, Int64?) {
        var nullCount = 0
        var validWords: ArraySlice<UInt64> = []
        if let validity = column.validity {
            let firstWord = rows.lowerBound >> 6
            let lastWord = (rows.upperBound - 1) >> 6
            var words = [UInt64](repeating: ~0, count: lastWord - firstWord + 1)
            for w in firstWord...lastWord where w < validity.count { words[w - firstWord] = validity[w] }
            let tail = rows.count & 63
            if tail != 0 { words[words.count - 1] &= (UInt64(1) << UInt64(tail)) - 1 }
            nullCount = rows.count - words.reduce(0) { $0 + $1.nonzeroBitCount }
            validWords = words[...]
        }
        payload.append(nullCount > 0 ? BlockPayloadFlags.hasValidity : 0)
        if nullCount > 0 {
            for word in validWords { withUnsafeBytes(of: word.littleEndian) { payload.append(contentsOf: $0) } }
        }
        func isValid(_ row: Int) -> Bool {
            nullCount == 0 || validWords[validWords.startIndex + ((row - rows.lowerBound) >> 6)] & (UInt64(1) << UInt64((row - rows.lowerBound) & 63)) != 0
        }
        var lo: Int64 = 0, hi: Int64 = 0
        var sum: Int64?
        switch column.definition.type.lane {
        case .int64, .string:
            let summed = column.definition.type == .int64 || column.definition.type == .money
            column.ints.withUnsafeBufferPointer { all in
                let values = UnsafeBufferPointer(rebasing: all[rows])
                var first = true
                var total: Int64 = 0, overflow = false
                for (k, v) in values.enumerated() where nullCount == 0 || isValid(rows.lowerBound + k) {
                    if first { lo = v; hi = v; first = false } else { lo = min(lo, v); hi = max(hi, v) }
                    let (t, o) = total.addingReportingOverflow(v)
                    total = t
                    overflow = overflow || o
                }
                if summed && !overflow { sum = total }
                IntegerBlockCodec.encode(values, into: &payload)
            }
        case .float64:
            var dLo = Double.infinity, dHi = -Double.infinity
            column.doubles.withUnsafeBufferPointer { all in
                for k in rows where (nullCount == 0 || isValid(k)) && !all[k].isNaN {
                    dLo = min(dLo, all[k]); dHi = max(dHi, all[k])
                }
                let values = UnsafeBufferPointer(rebasing: all[rows])
                for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { payload.append(contentsOf: $0) } }
            }
            // No comparable value (all NULL or NaN): a zone that excludes nothing.
            if dLo > dHi { dLo = -.infinity; dHi = .infinity }
            lo = Int64(bitPattern: dLo.bitPattern)
            hi = Int64(bitPattern: dHi.bitPattern)
        }
        return (nullCount, lo, hi, sum)
    }

    /// Appends `raw` to `body`, LZ4-compressed when that saves at least 1/`SegmentFormat.lz4SavingDivisor`;
    /// returns where it went.
    static func store(_ raw: [UInt8], into body: inout [UInt8]) -> StoredRange {
        let offset = UInt64(body.count)
        guard raw.count <= LZ4Codec.maxInputSize else {
            body.append(contentsOf: raw)
            return StoredRange(offset: offset, storedLength: UInt32(raw.count), rawLength: UInt32(raw.count), codec: .none,
                               checksum: Checksum.xxh3(of: raw))
        }
        let bound = LZ4Codec.maxCompressedSize(raw.count)
        var compressed = [UInt8](repeating: 0, count: bound)
        let length = raw.withUnsafeBytes { source in
            compressed.withUnsafeMutableBytes { LZ4Codec.compress(source, into: $0) }
        }
        if let length, length > 0, length <= raw.count - raw.count / SegmentFormat.lz4SavingDivisor {
            let stored = compressed[0..<length]
            body.append(contentsOf: stored)
            let checksum = stored.withUnsafeBytes { Checksum.xxh3($0) }
            return StoredRange(offset: offset, storedLength: UInt32(length), rawLength: UInt32(raw.count), codec: .lz4, checksum: checksum)
        }
        body.append(contentsOf: raw)
        return StoredRange(offset: offset, storedLength: UInt32(raw.count), rawLength: UInt32(raw.count), codec: .none,
                           checksum: Checksum.xxh3(of: raw))
    }
}
