import HuiyanStorage

/// Exact order statistics (the values at given positions of each group's ordered values) of a few large groups,
/// read straight from the collected chunks without laying the groups out: one pass counts each group's values
/// per bucket of the top bits of `value − smallest` (a table of groups × buckets small enough for a core's
/// cache); the counts name, for every position wanted, the bucket that holds it; a second pass copies only the
/// values of those buckets into one small buffer, where the positions are found by selection. Two read-only,
/// mostly branch-free passes over the values, on every thread, and no copy of the values as a whole — where
/// laying out each group (a counting sort by group) and selecting in it writes every value twice.
enum BucketSelection {
    /// Entries of one thread's count table (groups × buckets, 4 bytes each): a quarter of a 1 MiB L2 cache.
    static let tableEntries = 1 << 16
    /// The fewest buckets per group worth a pass (fewer groups get more, up to 2^16).
    static let fewestBuckets = 256

    /// Whether `values` values in `groups` groups are best selected by buckets: few groups with many values each.
    static func suits(values: Int, groups: Int) -> Bool {
        groups >= 1 && groups * fewestBuckets <= tableEntries && values >= 1 << 16 && values / groups >= 1 << 10
            && values < Int(Int32.max)
    }

    /// For each group, its count `n` and the values at `positions(n)` of its ordered values (increasing
    /// positions, each below `n`; none for a group without values). `values` is left empty, its chunks freed.
    static func select(_ values: inout GroupedValues, groups: Int, threads: Int,
                       positions: (Int) -> [Int]) -> [(count: Int, values: [Int64])] {
        let chunks = values.chunks
        let smallest = values.smallest
        let span = UInt64(bitPattern: values.largest &- smallest)
        let spanBits = 64 - span.leadingZeroBitCount
        let budgetBits = Swift.min(16, Int.bitWidth - 1 - (tableEntries / groups).leadingZeroBitCount)
        let bucketBits = Swift.min(spanBits, budgetBits)
        let shift = UInt64(spanBits - bucketBits)
        let buckets = 1 << bucketBits
        let entries = groups * buckets

        // Each thread a run of chunks, balanced by value count; the same runs in both passes.
        let stripes = Swift.max(1, Swift.min(threads, chunks.count))
        var runs: [Range<Int>] = []
        var start = 0, seen = 0
        let total = values.count
        for (i, chunk) in chunks.enumerated() {
            seen += chunk.chunk.count
            if seen * stripes >= total * (runs.count + 1) || i == chunks.count - 1 {
                runs.append(start..<(i + 1))
                start = i + 1
            }
        }
        while runs.count < stripes { runs.append(chunks.count..<chunks.count) }

        // Pass 1: counts per thread, group and bucket (thread t's table at t × entries).
        let counts = UnsafeMutableBufferPointer<Int32>.allocate(capacity: stripes * entries)
        defer { counts.deallocate() }
        counts.initialize(repeating: 0)
        ConcurrentLoop.forEach(stripes) { t in
            let table = counts.baseAddress! + t * entries
            for c in runs[t] {
                let (chunk, mapping) = chunks[c]
                forEach(chunk, mapping) { v, g in
                    table[g &* buckets &+ Int(UInt64(bitPattern: v &- smallest) >> shift)] &+= 1
                }
            }
        }
        var totals = [Int](repeating: 0, count: entries)
        for t in 0..<stripes { for e in 0..<entries { totals[e] += Int(counts[t * entries + e]) } }

        // The positions wanted, their buckets, and where each bucket's values go in the buffer.
        var wanted: [(group: Int, position: Int, entry: Int, before: Int)] = []
        var result = [(count: Int, values: [Int64])](repeating: (0, []), count: groups)
        var placed: [Int: Range<Int>] = [:]     // entry → its values' range in the buffer
        var bufferSize = 0
        for g in 0..<groups {
            let row = g * buckets
            var n = 0
            for b in 0..<buckets { n += totals[row + b] }
            guard n > 0 else { continue }
            result[g].count = n
            var b = 0, before = 0
            for p in positions(n) {
                while before + totals[row + b] <= p { before += totals[row + b]; b += 1 }
                wanted.append((g, p, row + b, before))
                if placed[row + b] == nil {
                    placed[row + b] = bufferSize..<(bufferSize + totals[row + b])
                    bufferSize += totals[row + b]
                }
            }
        }

        // Pass 2: each thread copies its values of the wanted buckets into its own part of each bucket's range
        // (its table of counts becomes its table of write positions, −1 for buckets not wanted).
        for t in 0..<stripes {
            let table = counts.baseAddress! + t * entries
            for e in 0..<entries where placed[e] == nil { table[e] = -1 }
        }
        for (entry, range) in placed {
            var at = range.lowerBound
            for t in 0..<stripes {
                let n = Int(counts[t * entries + entry])
                counts[t * entries + entry] = Int32(at)
                at += n
            }
        }
        let buffer = UnsafeMutableBufferPointer<Int64>.allocate(capacity: Swift.max(1, bufferSize))
        defer { buffer.deallocate() }
        ConcurrentLoop.forEach(stripes) { t in
            let cursor = counts.baseAddress! + t * entries
            for c in runs[t] {
                let (chunk, mapping) = chunks[c]
                forEach(chunk, mapping) { v, g in
                    let e = g &* buckets &+ Int(UInt64(bitPattern: v &- smallest) >> shift)
                    let at = cursor[e]
                    if at >= 0 {
                        buffer[Int(at)] = v
                        cursor[e] = at &+ 1
                    }
                }
            }
        }
        values = GroupedValues()

        // Selection inside each bucket, its positions in increasing order (each search above the one before).
        var selectedIn: [Int: Int] = [:]    // entry → the local position selected last
        for w in wanted {
            let bucket = UnsafeMutableBufferPointer(rebasing: buffer[placed[w.entry]!])
            let local = w.position - w.before
            let from = selectedIn[w.entry] ?? 0
            Selection.select(local - from, in: UnsafeMutableBufferPointer(rebasing: bucket[from...]))
            selectedIn[w.entry] = local
            result[w.group].values.append(bucket[local])
        }
        return result
    }

    /// Every value of a chunk and its group (`mapping` applied).
    @inline(__always)
    private static func forEach(_ chunk: ValueChunk, _ mapping: [Int32]?, _ body: (Int64, Int) -> Void) {
        let values = chunk.values, groups = chunk.groups, n = chunk.count
        if let mapping {
            mapping.withUnsafeBufferPointer { m in
                for i in 0..<n { body(values[i], Int(m[Int(groups[i])])) }
            }
        } else {
            for i in 0..<n { body(values[i], Int(groups[i])) }
        }
    }
}
