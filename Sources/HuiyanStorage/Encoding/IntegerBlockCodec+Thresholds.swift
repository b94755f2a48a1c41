import HuiyanBuffers

extension IntegerBlockCodec {
    /// For a block whose values never decrease — a `delta` or `deltaMiniBlocks` block whose least step is not
    /// negative, as a feed's times in order are stored —, the first row whose value is at least each of
    /// `thresholds` (ascending), with that row's value; a threshold above every value gives row `count` and the
    /// last value. nil for any other block, or one whose sums would leave Int64: the caller decodes it instead.
    /// A stretch of deltas (a mini-block, or 1,024 deltas of a `delta` block) that holds no threshold's row is
    /// added up without being written out (`BitPacking.sum`); only the stretches that do are decoded.
    package static func firstRows(_ payload: UnsafeRawBufferPointer, count: Int, atLeast thresholds: [Int64]) throws
        -> [(row: Int, value: Int64)]? {
        guard count > 0 else { return nil }
        var reader = ByteReader(payload)
        let encoding = IntegerEncoding(rawValue: try reader.u8())
        guard encoding == .delta || encoding == .deltaMiniBlocks else { return nil }
        var found: [(row: Int, value: Int64)] = []
        found.reserveCapacity(thresholds.count)
        var next = 0
        /// Places every threshold not above `value`, the value of row `row`.
        func place(_ row: Int, _ value: Int64) {
            while next < thresholds.count, thresholds[next] <= value {
                found.append((row, value))
                next += 1
            }
        }
        let chunk = 1024
        let complete = try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: chunk) { deltas -> Bool in
            try withUnsafeTemporaryAllocation(of: Int64.self, capacity: chunk) { values -> Bool in
                let deltas = UncheckedBuffer(deltas), values = UncheckedBuffer(values)
                var value: Int64 = 0    // the value of row `done`, after `done` deltas
                var done = 0
                /// The `take` deltas of `width` bits packed from `packed`'s start, each `step + delta · scale`:
                /// added up, and decoded when a threshold's row lies among them. False when a sum leaves Int64.
                func stretch(_ packed: UncheckedBytes, take: Int, width: Int, step: Int64, scale: UInt64) -> Bool {
                    // `BitPacking.sum` cannot wrap below 54 bits: wider deltas (never times in order) are decoded.
                    guard width <= 53 else { return false }
                    let sum = width == 0 ? 0 : BitPacking.sum(packed, count: take, width: width)
                    let (scaled, wide) = sum.multipliedReportingOverflow(by: scale)
                    let (steps, many) = step.multipliedReportingOverflow(by: Int64(take))
                    guard !wide, scaled <= UInt64(Int64.max), !many else { return false }
                    let (partial, over) = value.addingReportingOverflow(steps)
                    let (end, past) = partial.addingReportingOverflow(Int64(scaled))
                    guard !over, !past else { return false }
                    if next < thresholds.count, thresholds[next] <= end {
                        if width == 0 {
                            deltas.slice(unchecked: 0..<take).fill(with: 0)
                        } else {
                            BitPacking.unpack(packed, count: take, width: width, into: deltas) { $0 }
                        }
                        var running = value, lowest = value, highest = value
                        prefixSum(deltas, count: take, width: width, step: step, scale: scale, running: &running,
                                  lowest: &lowest, highest: &highest, into: values)
                        // Each threshold lies above the stretch's first value and not above its last: a search
                        // of the decoded values finds its row.
                        while next < thresholds.count, thresholds[next] <= end {
                            var lo = 0, hi = take - 1
                            while lo < hi {
                                let mid = (lo + hi) >> 1
                                if values[unchecked: mid] < thresholds[next] { lo = mid + 1 } else { hi = mid }
                            }
                            found.append((done + 1 + lo, values[unchecked: lo]))
                            next += 1
                        }
                    }
                    value = end
                    done += take
                    return true
                }
                if encoding == .delta {
                    let (first, minDelta, scale, width, packed) = try readDeltaHeader(&reader, count: count)
                    guard minDelta >= 0 else { return false }
                    value = first
                    place(0, first)
                    let bytes = UncheckedBytes(packed)
                    while done < count - 1, next < thresholds.count {
                        // Stretches start at multiples of 8 deltas: their bits start a byte.
                        let byteOffset = (done * width) >> 3
                        guard byteOffset <= bytes.count else { throw ByteReader.OutOfBounds() }
                        let take = Swift.min(chunk, count - 1 - done)
                        guard stretch(bytes.slice(unchecked: byteOffset..<bytes.count), take: take, width: width, step: minDelta,
                                      scale: scale) else { return false }
                    }
                } else {
                    let (first, minDelta, scale) = try readMiniBlocksHeader(&reader)
                    guard minDelta >= 0 else { return false }
                    value = first
                    place(0, first)
                    let payloadBytes = UncheckedBytes(reader.base)
                    while done < count - 1, next < thresholds.count {
                        let take = Swift.min(miniBlock, count - 1 - done)
                        let width = Int(try reader.u8())
                        let offset = try reader.varint()
                        guard width <= BitPacking.maxWidth else { throw ByteReader.OutOfBounds() }
                        let start = reader.position
                        _ = try reader.bytes(BitPacking.byteCount(count: take, width: width))
                        let (lift, wide) = offset.multipliedReportingOverflow(by: scale)
                        let (step, over) = minDelta.addingReportingOverflow(Int64(bitPattern: lift))
                        guard !wide, lift <= UInt64(Int64.max), !over,
                              stretch(payloadBytes.slice(unchecked: start..<payloadBytes.count), take: take, width: width,
                                      step: step, scale: scale) else { return false }
                    }
                }
                // Thresholds above every value: past the last row.
                while next < thresholds.count {
                    found.append((count, value))
                    next += 1
                }
                return true
            }
        }
        return complete ? found : nil
    }
}
