import HuiyanBuffers

/// How a block of the integer lane (timestamps, integers, money, booleans, dictionary codes) is laid out
/// before LZ4. The encoder picks whichever is smallest for each block.
package enum IntegerEncoding: UInt8, Sendable {
    /// `value = base + packed[i] * scale`, `packed[i]` of `width` bits (frame of reference).
    case frameOfReference = 1
    /// `value[0] = first`, `value[i] = value[i-1] + minDelta + packed[i-1] * scale` (delta, then frame of reference).
    case delta = 2
    /// Raw little-endian Int64.
    case plain = 3
    /// Delta as in `delta`, with the packed deltas in mini-blocks of 128, each with its own offset and width:
    /// one night's gap in a day of timestamps then widens 128 deltas, not the whole block.
    case deltaMiniBlocks = 4
    /// The block's distinct values, sorted, as a nested encoding (1–4), then one bit-packed code per row: few
    /// distinct values spread over a wide range (prices × quantities, money in fen).
    case dictionary = 5
    /// Rows split by a selector bitmap between two nested encodings (1–5): a run that keeps ascending by small
    /// steps (the dictionary codes of ids handed out in order: new visitors) and the rest (returning ones).
    case interleaved = 6
}

/// Encodes and decodes one block of the integer lane.
package enum IntegerBlockCodec {
    /// Deltas per mini-block in `deltaMiniBlocks`.
    package static let miniBlock = 128

    /// Appends the encoding of `values` to `out`: one encoding byte, then its parameters and data. With
    /// `composite` false only the four single-level encodings (1–4) are considered.
    package static func encode(_ values: UnsafeBufferPointer<Int64>, into out: inout [UInt8], composite: Bool = true) {
        encode(values, into: &out, level: composite ? 0 : 2)
    }

    /// `level` 0: any encoding; 1 (inside `interleaved`): 1–5; 2 (inside `dictionary`): 1–4.
    static func encode(_ values: UnsafeBufferPointer<Int64>, into out: inout [UInt8], level: Int) {
        let start = out.count
        encodeSimple(values, into: &out)
        let n = values.count
        guard level < 2, n >= 64 else { return }
        var best = out.count - start
        // Both composites pay only where the simple encodings spend several bits a row.
        if best * 8 >= 6 * n, let candidate = dictionaryCandidate(values), candidate.count < best {
            out.removeSubrange(start...)
            out.append(contentsOf: candidate)
            best = candidate.count
        }
        if level == 0, best * 8 >= 4 * n, let candidate = interleavedCandidate(values, within: best), candidate.count < best {
            out.removeSubrange(start...)
            out.append(contentsOf: candidate)
        }
    }

    /// The `dictionary` encoding of `values`, or nil when they have more than min(n/4, 16384) distinct values.
    static func dictionaryCandidate(_ values: UnsafeBufferPointer<Int64>) -> [UInt8]? {
        let n = values.count
        let cap = Swift.min(n / 4, 16_384)
        guard cap >= 2 else { return nil }
        // Open addressing: slots hold 1 + the index of a distinct value, 0 when empty.
        var bits = 1
        while 1 << bits < 2 * cap { bits += 1 }
        let mask = (1 << bits) - 1
        var slots = [Int32](repeating: 0, count: 1 << bits)
        var distinct: [Int64] = []
        distinct.reserveCapacity(cap)
        var index = [UInt16](repeating: 0, count: n)
        let found: Bool = slots.withUnsafeMutableBufferPointer { slots in
            for i in 0..<n {
                let v = values[i]
                var h = Int(truncatingIfNeeded: (UInt64(bitPattern: v) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - bits))
                while true {
                    let s = Int(slots[h])
                    if s == 0 {
                        if distinct.count == cap { return false }
                        distinct.append(v)
                        slots[h] = Int32(distinct.count)
                        index[i] = UInt16(distinct.count - 1)
                        break
                    }
                    if distinct[s - 1] == v { index[i] = UInt16(s - 1); break }
                    h = (h + 1) & mask
                }
            }
            return true
        }
        guard found else { return nil }
        let order = distinct.indices.sorted { distinct[$0] < distinct[$1] }
        var rank = [UInt64](repeating: 0, count: distinct.count)
        for (k, i) in order.enumerated() { rank[i] = UInt64(k) }
        let sorted = order.map { distinct[$0] }
        var out: [UInt8] = [IntegerEncoding.dictionary.rawValue]
        var nested: [UInt8] = []
        sorted.withUnsafeBufferPointer { encode($0, into: &nested, level: 2) }
        appendU32(UInt32(sorted.count), into: &out)
        appendU32(UInt32(nested.count), into: &out)
        out.append(contentsOf: nested)
        let width = BitPacking.width(of: UInt64(sorted.count - 1))
        out.append(UInt8(width))
        BitPacking.pack(count: n, width: width, into: &out) { rank[Int(index[$0])] }
        return out
    }

    /// Largest step between two values of the ascending run of `interleaved`.
    static let runStep: Int64 = 2

    /// The `interleaved` encoding of `values` when at least a quarter of them form a run that ascends by steps
    /// of 1 … `runStep` (a value that starts such a step after a value outside the run restarts it); nil
    /// otherwise, or when it cannot beat `within` bytes.
    static func interleavedCandidate(_ values: UnsafeBufferPointer<Int64>, within: Int) -> [UInt8]? {
        let n = values.count
        // A first pass only counts the run, so blocks without one (most) cost one cheap loop.
        /// Calls `body(i, inRun)` for every value in order: whether it continues the ascending run.
        func scanRun(_ body: (Int, Bool) -> Void) {
            var last = Int64.max
            var previousInRun = true
            for i in 0..<n {
                let v = values[i]
                var take = v > last && v &- last <= runStep && v &- last > 0
                if !take && !previousInRun {
                    let p = values[i - 1]
                    take = v > p && v &- p <= runStep && v &- p > 0
                }
                if take { last = v }
                previousInRun = take
                body(i, take)
            }
        }
        var inRun = 0
        scanRun { _, take in if take { inRun += 1 } }
        guard inRun * 4 >= n, inRun < n else { return nil }
        let words = (n + 63) >> 6
        var selector = [UInt64](repeating: 0, count: words)
        var run: [Int64] = [], rest: [Int64] = []
        run.reserveCapacity(inRun)
        rest.reserveCapacity(n - inRun)
        scanRun { i, take in
            if take {
                selector[i >> 6] |= 1 << UInt64(i & 63)
                run.append(values[i])
            } else {
                rest.append(values[i])
            }
        }
        guard run.count * 4 >= n, !rest.isEmpty, words * 8 + 5 < within else { return nil }
        var runBytes: [UInt8] = []
        run.withUnsafeBufferPointer { encode($0, into: &runBytes, level: 1) }
        guard 1 + words * 8 + 4 + runBytes.count < within else { return nil }
        var out: [UInt8] = [IntegerEncoding.interleaved.rawValue]
        out.reserveCapacity(within)
        for word in selector { withUnsafeBytes(of: word.littleEndian) { out.append(contentsOf: $0) } }
        appendU32(UInt32(runBytes.count), into: &out)
        out.append(contentsOf: runBytes)
        rest.withUnsafeBufferPointer { encode($0, into: &out, level: 1) }
        return out
    }

    /// The best of the four single-level encodings (1–4).
    private static func encodeSimple(_ values: UnsafeBufferPointer<Int64>, into out: inout [UInt8]) {
        let n = values.count
        guard n > 0 else {
            out.append(IntegerEncoding.frameOfReference.rawValue)
            appendFORHeader(base: 0, scale: 1, width: 0, into: &out)
            return
        }
        // Frame of reference over the whole block.
        var lo = values[0], hi = values[0]
        for v in values { lo = Swift.min(lo, v); hi = Swift.max(hi, v) }
        var forSize = Int.max
        var forScale: UInt64 = 1
        var forWidth = 0
        let (range, rangeOverflow) = hi.subtractingReportingOverflow(lo)
        if !rangeOverflow {
            forScale = commonDivisor(count: n) { UInt64(bitPattern: values[$0] &- lo) }
            forWidth = BitPacking.width(of: UInt64(range) / forScale)
            if forWidth <= BitPacking.maxWidth { forSize = 18 + BitPacking.byteCount(count: n, width: forWidth) }
        }
        // Delta, then frame of reference over the deltas.
        var deltaSize = Int.max, miniSize = Int.max
        var dLo: Int64 = 0, dScale: UInt64 = 1, dWidth = 0
        if n >= 2 {
            var ok = true
            var dHi = Int64.min
            dLo = Int64.max
            for i in 1..<n {
                let (d, overflow) = values[i].subtractingReportingOverflow(values[i - 1])
                if overflow { ok = false; break }
                dLo = Swift.min(dLo, d); dHi = Swift.max(dHi, d)
            }
            if ok {
                let (dRange, overflow) = dHi.subtractingReportingOverflow(dLo)
                if !overflow {
                    let base = dLo
                    dScale = commonDivisor(count: n - 1) { UInt64(bitPattern: (values[$0 + 1] &- values[$0]) &- base) }
                    dWidth = BitPacking.width(of: UInt64(dRange) / dScale)
                    if dWidth <= BitPacking.maxWidth {
                        deltaSize = 26 + BitPacking.byteCount(count: n - 1, width: dWidth)
                        miniSize = miniBlocks(values, minDelta: dLo, scale: dScale).size
                    }
                }
            }
        }
        let plainSize = 1 + 8 * n
        if forSize <= deltaSize && forSize <= miniSize && forSize <= plainSize {
            out.append(IntegerEncoding.frameOfReference.rawValue)
            appendFORHeader(base: lo, scale: forScale, width: forWidth, into: &out)
            let scale = forScale
            BitPacking.pack(count: n, width: forWidth, into: &out) { UInt64(bitPattern: values[$0] &- lo) / scale }
        } else if miniSize < deltaSize && miniSize <= plainSize {
            out.append(IntegerEncoding.deltaMiniBlocks.rawValue)
            appendI64(values[0], into: &out)
            appendI64(dLo, into: &out)
            withUnsafeBytes(of: dScale.littleEndian) { out.append(contentsOf: $0) }
            let base = dLo, scale = dScale
            let raw = { (i: Int) -> UInt64 in UInt64(bitPattern: (values[i + 1] &- values[i]) &- base) / scale }
            for block in miniBlocks(values, minDelta: dLo, scale: dScale).blocks {
                out.append(UInt8(block.width))
                var writer = ByteWriter(capacity: 10)
                writer.varint(block.offset)
                out.append(contentsOf: writer.bytes)
                BitPacking.pack(count: block.range.count, width: block.width, into: &out) { raw(block.range.lowerBound + $0) - block.offset }
            }
        } else if deltaSize <= plainSize {
            out.append(IntegerEncoding.delta.rawValue)
            appendI64(values[0], into: &out)
            appendFORHeader(base: dLo, scale: dScale, width: dWidth, into: &out)
            let base = dLo, scale = dScale
            BitPacking.pack(count: n - 1, width: dWidth, into: &out) {
                UInt64(bitPattern: (values[$0 + 1] &- values[$0]) &- base) / scale
            }
        } else {
            out.append(IntegerEncoding.plain.rawValue)
            for v in values { appendI64(v, into: &out) }
        }
    }

    /// `running += step + deltas[k] * scale` (each delta `width` bits), each running value written to `out` as
    /// `T` (truncated), with the bounds of what was written kept up to date. When every step is non-negative
    /// and the sum cannot wrap — times in order — the bounds follow from the first and last values, and the
    /// loop carries nothing else.
    @inlinable @inline(__always)
    static func prefixSum<T: FixedWidthInteger & BitwiseCopyable>(
        _ deltas: UncheckedBuffer<UInt64>, count: Int, width: Int, step: Int64, scale: UInt64,
        running: inout Int64, lowest: inout Int64, highest: inout Int64, into out: UncheckedBuffer<T>
    ) {
        var value = running
        let largest: UInt64 = width >= 64 ? .max : (1 << UInt64(width)) &- 1
        let (span, wide) = largest.multipliedReportingOverflow(by: scale)
        let (widest, over) = step.addingReportingOverflow(Int64(truncatingIfNeeded: span))
        let (total, tooMany) = widest.multipliedReportingOverflow(by: Int64(count))
        let (_, past) = value.addingReportingOverflow(total)
        @inline(__always) func delta(_ k: Int) -> Int64 { step &+ Int64(bitPattern: deltas[unchecked: k] &* scale) }
        if step >= 0 && !wide && span <= UInt64(Int64.max) && !over && !tooMany && !past {
            for k in 0..<count {
                value &+= delta(k)
                out[unchecked: k] = T(truncatingIfNeeded: value)
            }
            lowest = Swift.min(lowest, running)
            highest = Swift.max(highest, value)
        } else {
            var lo = lowest, hi = highest
            for k in 0..<count {
                value &+= delta(k)
                lo = Swift.min(lo, value)
                hi = Swift.max(hi, value)
                out[unchecked: k] = T(truncatingIfNeeded: value)
            }
            lowest = lo
            highest = hi
        }
        running = value
    }

    /// The mini-blocks of a `deltaMiniBlocks` encoding (delta indexes, offset, width) and the encoding's size.
    private static func miniBlocks(_ values: UnsafeBufferPointer<Int64>, minDelta: Int64, scale: UInt64)
        -> (blocks: [(range: Range<Int>, offset: UInt64, width: Int)], size: Int) {
        let deltas = values.count - 1
        var blocks: [(range: Range<Int>, offset: UInt64, width: Int)] = []
        var size = 25
        for start in stride(from: 0, to: deltas, by: miniBlock) {
            let end = Swift.min(deltas, start + miniBlock)
            var lo = UInt64.max, hi: UInt64 = 0
            for i in start..<end {
                let raw = UInt64(bitPattern: (values[i + 1] &- values[i]) &- minDelta) / scale
                lo = Swift.min(lo, raw); hi = Swift.max(hi, raw)
            }
            let width = BitPacking.width(of: hi - lo)
            blocks.append((start..<end, lo, width))
            size += 1 + (lo < 128 ? 1 : (64 - lo.leadingZeroBitCount + 6) / 7) + BitPacking.byteCount(count: end - start, width: width)
        }
        return (blocks, size)
    }

    /// Decodes `count` values into `out`, each narrowed to `T` (Int64 itself, or a narrower type for codes);
    /// returns whether every decoded value lies in `allowed` (always true without it), for callers that must
    /// check values (dictionary codes) without a pass of their own: bit-packed values are compared with the
    /// limit as they are unpacked, and only when their width could pass it.
    /// Throws on any inconsistency between the header and the bytes available.
    @inlinable @discardableResult
    package static func decode<T: FixedWidthInteger & BitwiseCopyable>(
        _ payload: UnsafeRawBufferPointer, count: Int, into out: UnsafeMutablePointer<T>,
        within allowed: ClosedRange<Int64>? = nil
    ) throws -> Bool {
        try decode(payload, count: count, into: out, level: 0, workspace: nil, within: allowed)
    }

    /// `decode` with `workspace` for the temporaries of encodings 5 and 6 (stream buffers, the value table),
    /// so that a scan does not allocate and fault in fresh pages for every block; without one, or when it is
    /// too small, they are allocated.
    @inlinable @discardableResult
    package static func decode<T: FixedWidthInteger & BitwiseCopyable>(
        _ payload: UnsafeRawBufferPointer, count: Int, into out: UnsafeMutablePointer<T>,
        workspace: UnsafeMutableRawBufferPointer?, within allowed: ClosedRange<Int64>? = nil
    ) throws -> Bool {
        try decode(payload, count: count, into: out, level: 0, workspace: workspace, within: allowed)
    }

    /// The largest raw value of a frame-of-reference block (`base + raw * scale`) that stays in `allowed`;
    /// nil when none does.
    @inlinable
    static func rawLimit(base: Int64, scale: UInt64, within allowed: ClosedRange<Int64>?) -> UInt64? {
        guard let allowed else { return .max }
        guard allowed.contains(base) else { return nil }
        return UInt64(bitPattern: allowed.upperBound &- base) / scale
    }

    /// The parameters of a frame-of-reference block after its encoding byte: base, scale, width, packed bytes.
    @inlinable
    static func readFrameOfReferenceHeader(_ reader: inout ByteReader, count: Int) throws
        -> (base: Int64, scale: UInt64, width: Int, packed: UnsafeRawBufferPointer) {
        let base = try reader.i64()
        let scale = try reader.u64()
        let width = Int(try reader.u8())
        guard width <= BitPacking.maxWidth, scale > 0 else { throw ByteReader.OutOfBounds() }
        return (base, scale, width, try reader.bytes(BitPacking.byteCount(count: count, width: width)))
    }

    /// The parameters of a `delta` block after its encoding byte: the first value, the least delta, scale and
    /// width, and the `count - 1` packed deltas.
    @inlinable
    static func readDeltaHeader(_ reader: inout ByteReader, count: Int) throws
        -> (first: Int64, minDelta: Int64, scale: UInt64, width: Int, packed: UnsafeRawBufferPointer) {
        let first = try reader.i64()
        let minDelta = try reader.i64()
        let scale = try reader.u64()
        let width = Int(try reader.u8())
        guard width <= BitPacking.maxWidth, scale > 0, count > 0 else { throw ByteReader.OutOfBounds() }
        return (first, minDelta, scale, width, try reader.bytes(BitPacking.byteCount(count: count - 1, width: width)))
    }

    /// The parameters of a `deltaMiniBlocks` block after its encoding byte: the first value, the least delta
    /// and the scale (the mini-blocks follow).
    @inlinable
    static func readMiniBlocksHeader(_ reader: inout ByteReader) throws -> (first: Int64, minDelta: Int64, scale: UInt64) {
        let first = try reader.i64()
        let minDelta = try reader.i64()
        let scale = try reader.u64()
        guard scale > 0 else { throw ByteReader.OutOfBounds() }
        return (first, minDelta, scale)
    }

    /// Adds up the packed deltas `deltas` of a `delta` block (the first a multiple of 8, so that its bits
    /// start a byte) from `running`: the value after delta `d` goes to `out[d - deltas.lowerBound]` (as
    /// `T`), and the bounds of what was written are kept up to date (see `prefixSum`).
    @inlinable
    static func sumDeltas<T: FixedWidthInteger & BitwiseCopyable>(_ packed: UnsafeRawBufferPointer, width: Int, minDelta: Int64, scale: UInt64, deltas: Range<Int>,
                             running: inout Int64, lowest: inout Int64, highest: inout Int64,
                             into out: UnsafeMutablePointer<T>) throws {
        try sumDeltas(packed, width: width, minDelta: minDelta, scale: scale, deltas: deltas, running: &running, lowest: &lowest,
                      highest: &highest, into: UncheckedBuffer(UnsafeMutableBufferPointer(start: out, count: deltas.count)))
    }

    /// `sumDeltas` into `out` (room for `deltas.count` values).
    @inlinable
    static func sumDeltas<T: FixedWidthInteger & BitwiseCopyable>(_ packed: UnsafeRawBufferPointer, width: Int, minDelta: Int64, scale: UInt64, deltas: Range<Int>,
                             running: inout Int64, lowest: inout Int64, highest: inout Int64,
                             into out: UncheckedBuffer<T>) throws {
        guard !deltas.isEmpty else { return }
        // Width 0: every delta is `minDelta`.
        if width == 0 {
            for k in 0..<deltas.count {
                running &+= minDelta
                lowest = Swift.min(lowest, running)
                highest = Swift.max(highest, running)
                out[unchecked: k] = T(truncatingIfNeeded: running)
            }
            return
        }
        guard !packed.isEmpty else { throw ByteReader.OutOfBounds() }
        let packed = UncheckedBytes(packed)
        // Unpack deltas in chunks into a stack buffer, then run the prefix sum.
        let chunk = 1024
        try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: chunk) { buffer in
            let buffer = UncheckedBuffer(buffer)
            var done = deltas.lowerBound
            while done < deltas.upperBound {
                let take = Swift.min(chunk, deltas.upperBound - done)
                // Chunks start at multiples of 8 deltas: 8 * width bits is whole bytes.
                let byteOffset = (done * width) >> 3
                guard done & 7 == 0, byteOffset <= packed.count else { throw ByteReader.OutOfBounds() }
                BitPacking.unpack(packed.slice(unchecked: byteOffset..<packed.count), count: take, width: width, into: buffer) { $0 }
                let written = done - deltas.lowerBound
                prefixSum(buffer, count: take, width: width, step: minDelta, scale: scale, running: &running, lowest: &lowest,
                          highest: &highest, into: out.slice(unchecked: written..<(written + take)))
                done += take
            }
        }
    }

    /// Adds up the deltas `deltas` of a `deltaMiniBlocks` block of `total` deltas from `running`, reading its
    /// mini-blocks from the one `reader` is at (the first delta is that mini-block's first; the last is the
    /// block's or a mini-block's last): the value after delta `d` goes to `out[d - deltas.lowerBound]`, as in
    /// `sumDeltas`. `reader` is left at the next mini-block.
    @inlinable
    static func sumMiniBlocks<T: FixedWidthInteger & BitwiseCopyable>(_ reader: inout ByteReader, minDelta: Int64, scale: UInt64, deltas: Range<Int>, total: Int,
                                 running: inout Int64, lowest: inout Int64, highest: inout Int64,
                                 into out: UnsafeMutablePointer<T>) throws {
        try sumMiniBlocks(&reader, minDelta: minDelta, scale: scale, deltas: deltas, total: total, running: &running,
                          lowest: &lowest, highest: &highest,
                          into: UncheckedBuffer(UnsafeMutableBufferPointer(start: out, count: deltas.count)))
    }

    /// `sumMiniBlocks` into `out` (room for `deltas.count` values).
    @inlinable
    static func sumMiniBlocks<T: FixedWidthInteger & BitwiseCopyable>(_ reader: inout ByteReader, minDelta: Int64, scale: UInt64, deltas: Range<Int>, total: Int,
                                 running: inout Int64, lowest: inout Int64, highest: inout Int64,
                                 into out: UncheckedBuffer<T>) throws {
        guard !deltas.isEmpty else { return }
        let payload = UncheckedBytes(reader.base)
        guard !payload.isEmpty else { throw ByteReader.OutOfBounds() }
        try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: miniBlock) { buffer in
            let buffer = UncheckedBuffer(buffer)
            var done = deltas.lowerBound
            while done < deltas.upperBound {
                let take = Swift.min(miniBlock, total - done)
                let width = Int(try reader.u8())
                let offset = try reader.varint()
                guard width <= BitPacking.maxWidth, done + take <= deltas.upperBound else { throw ByteReader.OutOfBounds() }
                let start = reader.position
                _ = try reader.bytes(BitPacking.byteCount(count: take, width: width))
                // The bytes after this mini-block (the next ones') may be read and masked off: each value
                // then takes one unaligned load, up to the end of the payload.
                BitPacking.unpack(payload.slice(unchecked: start..<payload.count), count: take, width: width, into: buffer) { $0 }
                let written = done - deltas.lowerBound
                prefixSum(buffer, count: take, width: width, step: minDelta &+ Int64(bitPattern: offset &* scale),
                          scale: scale, running: &running, lowest: &lowest, highest: &highest,
                          into: out.slice(unchecked: written..<(written + take)))
                done += take
            }
        }
    }

    /// The parameters of a `dictionary` block after its encoding byte: its distinct values' count and nested
    /// encoding, the code width (the least that holds `distinct - 1`) and the packed codes.
    @inlinable
    static func readDictionaryHeader(_ reader: inout ByteReader, count: Int) throws
        -> (distinct: Int, nested: UnsafeRawBufferPointer, width: Int, packed: UnsafeRawBufferPointer) {
        let distinct = Int(try reader.u32())
        let nestedLength = Int(try reader.u32())
        guard distinct >= 1, distinct <= count else { throw ByteReader.OutOfBounds() }
        let nested = try reader.bytes(nestedLength)
        let width = Int(try reader.u8())
        guard width == BitPacking.width(of: UInt64(distinct - 1)) else { throw ByteReader.OutOfBounds() }
        return (distinct, nested, width, try reader.bytes(BitPacking.byteCount(count: count, width: width)))
    }

    /// `body` with `count` slots of `T` from the start of `workspace` (the rest of it passed on), or freshly
    /// allocated ones when it is too small.
    @inlinable
    static func withSlots<T, R>(_: T.Type, _ count: Int, in workspace: UnsafeMutableRawBufferPointer?,
                                _ body: (UnsafeMutablePointer<T>, UnsafeMutableRawBufferPointer?) throws -> R) rethrows -> R {
        let stride = MemoryLayout<T>.stride, alignment = MemoryLayout<T>.alignment
        if let workspace, let start = workspace.baseAddress {
            let aligned = (Int(bitPattern: start) + alignment - 1) & ~(alignment - 1)
            let skip = aligned - Int(bitPattern: start)
            let bytes = count * stride
            if skip + bytes <= workspace.count {
                let slots = (start + skip).bindMemory(to: T.self, capacity: count)
                let restStart = skip + bytes
                return try body(slots, UnsafeMutableRawBufferPointer(rebasing: workspace[restStart...]))
            }
        }
        return try withUnsafeTemporaryAllocation(of: T.self, capacity: count) { try body($0.baseAddress!, nil) }
    }

    /// `withSlots` handing the slots over as a buffer of `count`.
    @inlinable
    static func withSlotBuffer<T: BitwiseCopyable, R>(_: T.Type, _ count: Int, in workspace: UnsafeMutableRawBufferPointer?,
                                                      _ body: (UncheckedBuffer<T>, UnsafeMutableRawBufferPointer?) throws -> R) rethrows -> R {
        try withSlots(T.self, count, in: workspace) { try body(UncheckedBuffer(UnsafeMutableBufferPointer(start: $0, count: count)), $1) }
    }

    /// `decode` at a nesting level into `out` (room for `count` values).
    @inlinable
    static func decode<T: FixedWidthInteger & BitwiseCopyable>(
        _ payload: UnsafeRawBufferPointer, count: Int, into out: UnsafeMutablePointer<T>, level: Int,
        workspace: UnsafeMutableRawBufferPointer? = nil, within allowed: ClosedRange<Int64>? = nil
    ) throws -> Bool {
        try decode(payload, count: count, into: UncheckedBuffer(UnsafeMutableBufferPointer(start: out, count: count)), level: level,
                   workspace: workspace, within: allowed)
    }

    /// `decode` at a nesting level (see `encode(_:into:level:)`): a nested encoding the level does not allow is
    /// damage, so damaged data cannot nest without end. `out` has room for `count` values.
    @inlinable
    static func decode<T: FixedWidthInteger & BitwiseCopyable>(
        _ payload: UnsafeRawBufferPointer, count: Int, into out: UncheckedBuffer<T>, level: Int,
        workspace: UnsafeMutableRawBufferPointer? = nil, within allowed: ClosedRange<Int64>? = nil
    ) throws -> Bool {
        guard count > 0 else { return true }
        assert(count <= out.capacity, "IntegerBlockCodec.decode: output too small")
        /// Whether bounds found by a pass over the values lie in `allowed`.
        @inline(__always) func inside(_ lowest: Int64, _ highest: Int64) -> Bool {
            allowed.map { $0.contains(lowest) && $0.contains(highest) } ?? true
        }
        var reader = ByteReader(payload)
        guard let encoding = IntegerEncoding(rawValue: try reader.u8()) else { throw ByteReader.OutOfBounds() }
        switch encoding {
        case .dictionary:
            guard level < 2 else { throw ByteReader.OutOfBounds() }
            let (distinct, nested, width, packed) = try readDictionaryHeader(&reader, count: count)
            // The table has 2^width entries, so any packed code indexes it; codes past `distinct` are damage.
            // The values are the table's: checked there.
            return try withSlotBuffer(Int64.self, 1 << width, in: workspace) { entries, _ in
                let inRange = try decode(nested, count: distinct, into: entries, level: 2, within: allowed)
                entries.slice(unchecked: distinct..<(1 << width)).fill(with: entries[unchecked: 0])
                if width == 0 {
                    let v = T(truncatingIfNeeded: entries[unchecked: 0])
                    for i in 0..<count { out[unchecked: i] = v }
                    return inRange
                }
                let known = BitPacking.unpack(UncheckedBytes(packed), count: count, width: width, into: out,
                                              atMost: UInt64(distinct - 1)) {
                    T(truncatingIfNeeded: entries[unchecked: Int(truncatingIfNeeded: $0)])
                }
                guard known else { throw ByteReader.OutOfBounds() }
                return inRange
            }
        case .interleaved:
            guard level == 0 else { throw ByteReader.OutOfBounds() }
            let words = (count + 63) >> 6
            let selector = try reader.bytes(words * 8)
            var ones = 0
            for w in 0..<words {
                let word = UInt64(littleEndian: selector.loadUnaligned(fromByteOffset: w * 8, as: UInt64.self))
                if w == words - 1 && count & 63 != 0 && word >> UInt64(count & 63) != 0 { throw ByteReader.OutOfBounds() }
                ones += word.nonzeroBitCount
            }
            let runLength = Int(try reader.u32())
            let runBytes = try reader.bytes(runLength)
            let restBytes = try reader.bytes(reader.remaining)
            let rest = count - ones
            // Each stream goes to its own buffer, one slot longer than it: the merge then reads both candidates
            // for every row and keeps one without a branch.
            return try withSlotBuffer(T.self, ones + 1, in: workspace) { a, left in
                try withSlotBuffer(T.self, rest + 1, in: left) { b, left in
                    let first = try decode(runBytes, count: ones, into: a, level: 1, workspace: left, within: allowed)
                    let second = try decode(restBytes, count: rest, into: b, level: 1, workspace: left, within: allowed)
                    a[unchecked: ones] = T(truncatingIfNeeded: 0)
                    b[unchecked: rest] = T(truncatingIfNeeded: 0)
                    var ai = 0, bi = 0, i = 0
                    for w in 0..<words {
                        var word = UInt64(littleEndian: selector.loadUnaligned(fromByteOffset: w * 8, as: UInt64.self))
                        let m = Swift.min(64, count - i)
                        for _ in 0..<m {
                            let bit = Int(truncatingIfNeeded: word & 1)
                            word &>>= 1
                            let x = a[unchecked: ai], y = b[unchecked: bi]
                            out[unchecked: i] = bit != 0 ? x : y
                            ai &+= bit
                            bi &+= 1 &- bit
                            i &+= 1
                        }
                    }
                    return first && second
                }
            }
        case .frameOfReference:
            let (base, scale, width, packed) = try readFrameOfReferenceHeader(&reader, count: count)
            if width == 0 {
                let v = T(truncatingIfNeeded: base)
                for i in 0..<count { out[unchecked: i] = v }
                return inside(base, base)
            }
            let packedBytes = UncheckedBytes(packed)
            // Values are base + raw * scale: in `allowed` when base is and raw stays at most `limit` (wrapping
            // around is excluded by the limit too, as `allowed` is a range of Int64).
            let limit = rawLimit(base: base, scale: scale, within: allowed)
            if scale == 1 {
                let known = BitPacking.unpack(packedBytes, count: count, width: width, into: out, atMost: limit ?? 0) {
                    T(truncatingIfNeeded: base &+ Int64(bitPattern: $0))
                }
                return limit != nil && known
            }
            let known = BitPacking.unpack(packedBytes, count: count, width: width, into: out, atMost: limit ?? 0) {
                T(truncatingIfNeeded: base &+ Int64(bitPattern: $0 &* scale))
            }
            return limit != nil && known
        case .delta:
            let (first, minDelta, scale, width, packed) = try readDeltaHeader(&reader, count: count)
            var running = first
            var lowest = first, highest = first
            out[unchecked: 0] = T(truncatingIfNeeded: first)
            try sumDeltas(packed, width: width, minDelta: minDelta, scale: scale, deltas: 0..<(count - 1),
                          running: &running, lowest: &lowest, highest: &highest, into: out.slice(unchecked: 1..<count))
            return inside(lowest, highest)
        case .deltaMiniBlocks:
            let (first, minDelta, scale) = try readMiniBlocksHeader(&reader)
            var running = first
            var lowest = first, highest = first
            out[unchecked: 0] = T(truncatingIfNeeded: first)
            try sumMiniBlocks(&reader, minDelta: minDelta, scale: scale, deltas: 0..<(count - 1), total: count - 1,
                              running: &running, lowest: &lowest, highest: &highest, into: out.slice(unchecked: 1..<count))
            return inside(lowest, highest)
        case .plain:
            let raw = UncheckedBytes(try reader.bytes(count * 8))
            var lowest = Int64.max, highest = Int64.min
            for i in 0..<count {
                let v = Int64(littleEndian: raw.loadUnaligned(uncheckedAt: i * 8, as: Int64.self))
                lowest = Swift.min(lowest, v)
                highest = Swift.max(highest, v)
                out[unchecked: i] = T(truncatingIfNeeded: v)
            }
            return inside(lowest, highest)
        }
    }

    /// The largest of 10⁶, 10³, 100 and 10 that divides every `value(i)` (1 when none does). Whole seconds
    /// in microsecond timestamps and whole yuan in fen then cost no bits; division by constants stays cheap.
    private static func commonDivisor(count: Int, _ value: (Int) -> UInt64) -> UInt64 {
        var by1e6 = true, by1e3 = true, by100 = true, by10 = true
        for i in 0..<count {
            let v = value(i)
            by10 = by10 && v % 10 == 0
            if !by10 { return 1 }
            by100 = by100 && v % 100 == 0
            by1e3 = by1e3 && v % 1000 == 0
            by1e6 = by1e6 && v % 1_000_000 == 0
        }
        return by1e6 ? 1_000_000 : by1e3 ? 1000 : by100 ? 100 : 10
    }

    private static func appendFORHeader(base: Int64, scale: UInt64, width: Int, into out: inout [UInt8]) {
        appendI64(base, into: &out)
        withUnsafeBytes(of: scale.littleEndian) { out.append(contentsOf: $0) }
        out.append(UInt8(width))
    }

    private static func appendU32(_ value: UInt32, into out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func appendI64(_ value: Int64, into out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }
}
