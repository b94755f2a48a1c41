import Foundation
import HuiyanBuffers
import HuiyanStorage

/// GROUP BY one string column of the scanned table whose dictionaries are large (visitor ids, order ids):
/// each segment's rows are aggregated by dictionary code into dense arrays — a code is a group, nothing is
/// hashed —, then the segments' dictionaries are merged: a string that several segments hold becomes one
/// group, and each segment's groups are folded into the merged ones. The dictionaries are sorted, so the key
/// space cuts into ranges that cover a run of codes in every segment; a range's strings meet in a hash table
/// small enough to stay in a core's cache. No hash table of millions of strings is built.
///
/// Used for count, sum, avg, min, max, the registered aggregates (whose states merge through a mapping) and
/// count(DISTINCT) of a column of few strings; the rows reach it after
/// the scan's filter. Rule `dictionary_merge`.
final class DictionaryMergeAggregation {
    let plan: SelectPlan
    let keyColumn: Int
    /// Per aggregate, whether it is a count(*) without FILTER: a segment's rows per code are its counts.
    let countsRows: [Bool]

    /// A segment's dictionaries must hold this many strings in all for the merge to pay (below it, the
    /// hash table's per-dictionary code maps are as fast and keep less state).
    static let smallestDictionaries = 4_096

    /// One segment's dense state (of one thread, or merged from several): group `code` is dictionary entry
    /// `code`, group `pool.count` the NULL key.
    final class Partial {
        let segment: Int
        let pool: StringPool
        private(set) var accumulators: [Accumulator]
        /// With a count(*) to compute, how many rows each group had (the count(*) aggregates' states, which
        /// stay empty: one array written per row instead of two); otherwise empty.
        var rows: [UInt32]
        /// Without a count(*), whether each group had a row; otherwise empty.
        var seen: [Bool]
        /// Groups: the dictionary's codes and the NULL key.
        var groups: Int { pool.count + 1 }

        init(segment: Int, pool: StringPool, plan: SelectPlan, countsRows: [Bool], threads: Int) {
            self.segment = segment
            self.pool = pool
            accumulators = makeAccumulators(plan.aggregates, threads: threads)
            for (a, counted) in zip(accumulators, countsRows) where !counted { a.reserve(groups: pool.count + 1) }
            let counting = countsRows.contains(true)
            rows = counting ? [UInt32](repeating: 0, count: pool.count + 1) : []
            seen = counting ? [] : [Bool](repeating: false, count: pool.count + 1)
        }

        /// Lets go of the states once merged: their memory serves the merged states' results.
        func release() {
            accumulators = []
            rows = []
            seen = []
        }

        /// The state's bytes and what merging it will take: the merged strings, their starts and code
        /// mapping, and merged states as large as this one (counted now, so that an aggregation too large
        /// for the memory limit spills while it scans, not after).
        var approximateBytes: Int {
            let states = accumulators.reduce(0) { $0 + $1.approximateBytes }
            return rows.count * 4 + seen.count + groups * (8 + 4) + 2 * states + pool.dictionary.bytes.count
        }
    }

    init?(plan: SelectPlan) {
        guard plan.optimizer.allows(.dictionaryMerge), plan.isAggregate, plan.joins.isEmpty, plan.groupKeys.count == 1,
              case .column(let c, _, .string) = plan.groupKeys[0], c < plan.scannedColumnCount, let snapshot = plan.snapshot,
              plan.aggregates.allSatisfy({ [.countStar, .count, .sum, .avg, .min, .max, .registered].contains($0.kind)
                  || Self.countsFewValues($0, snapshot, scannedColumns: plan.scannedColumnCount) }),
              snapshot.segments.contains(where: { $0.columns[c].dictionaryCount >= Self.smallestDictionaries }),
              snapshot.segments.allSatisfy({ $0.rowCount < Int(UInt32.max) }) else { return nil }
        self.plan = plan
        keyColumn = c
        countsRows = plan.aggregates.map { $0.kind == .countStar && $0.filter == nil }
    }

    /// Whether `spec` is a count(DISTINCT) of a scanned string column whose every dictionary holds few
    /// strings: its states stay masks of a bit per value (`SmallDomainDistinct`), which merge through the
    /// groups' mapping as cheaply as counts. (A count(DISTINCT) of many values would keep a set per group of
    /// every segment until the merge.)
    static func countsFewValues(_ spec: AggregateSpec, _ snapshot: TableSnapshot, scannedColumns: Int) -> Bool {
        guard spec.kind == .countDistinct, spec.filter == nil, case .column(let c, _, .string)? = spec.argument, c < scannedColumns else { return false }
        // Few in each segment: the union of ids of one kind (spots, counties) stays within the masks' limit.
        return snapshot.segments.allSatisfy { $0.columns[c].dictionaryCount <= 64 }
    }

    /// Adds a batch of a segment to that segment's partial state (made on first use).
    func add(_ evaluator: Evaluator, _ batch: Batch, key: Vector, segment: Int, partials: inout [Int: Partial], threads: Int) throws {
        let pool = key.pool!
        let partial: Partial
        if let p = partials[segment], p.pool === pool {
            partial = p
        } else {
            partial = Partial(segment: segment, pool: pool, plan: plan, countsRows: countsRows, threads: threads)
            partials[segment] = partial
        }
        var groups = [Int32](repeating: 0, count: batch.count)
        let nullGroup = Int32(pool.count)
        groups.withUnsafeMutableBufferPointer { g in
            key.ints.withUnsafeBufferPointer { codes in
                if partial.rows.isEmpty {
                    partial.seen.withUnsafeMutableBufferPointer { seen in
                        if let nulls = key.nulls {
                            batch.forEachSelected { i in let x = nulls[i] != 0 ? nullGroup : Int32(truncatingIfNeeded: codes[i]); g[i] = x; seen[Int(x)] = true }
                        } else {
                            batch.forEachSelected { i in let x = Int32(truncatingIfNeeded: codes[i]); g[i] = x; seen[Int(x)] = true }
                        }
                    }
                } else {
                    partial.rows.withUnsafeMutableBufferPointer { rows in
                        if let nulls = key.nulls {
                            batch.forEachSelected { i in let x = nulls[i] != 0 ? nullGroup : Int32(truncatingIfNeeded: codes[i]); g[i] = x; rows[Int(x)] &+= 1 }
                        } else {
                            batch.forEachSelected { i in let x = Int32(truncatingIfNeeded: codes[i]); g[i] = x; rows[Int(x)] &+= 1 }
                        }
                    }
                }
            }
        }
        for (spec, (accumulator, counted)) in zip(plan.aggregates, zip(partial.accumulators, countsRows)) where !counted {
            var selected = batch
            if let filter = spec.filter { try evaluator.filter(filter, &selected) }
            try accumulator.update(spec, evaluator, groups: groups, selected)
        }
    }

    /// Merges every thread's partials: one chunk of the groups in key order (NULL last), keys then aggregates.
    func finish(_ threadPartials: [[Int: Partial]], context: QueryContext) throws -> [DataChunk] {
        // A segment read by several threads (ranges of its blocks) has one dictionary: same codes, same groups.
        var bySegment: [Int: Partial] = [:]
        for partials in threadPartials {
            for (segment, partial) in partials {
                guard let first = bySegment[segment] else { bySegment[segment] = partial; continue }
                let identity = (0..<Int32(partial.groups)).map { $0 }
                for ((a, b), counted) in zip(zip(first.accumulators, partial.accumulators), countsRows) where !counted {
                    try a.merge(b, mapping: identity)
                }
                for g in 0..<partial.rows.count { first.rows[g] &+= partial.rows[g] }
                for g in 0..<partial.seen.count where partial.seen[g] { first.seen[g] = true }
            }
        }
        let segments = bySegment.keys.sorted().map { bySegment[$0]! }
        try context.check()

        // The merge, in ranges of the key space of a few thousand strings each, spread over the threads: in a
        // range, every segment's used codes meet in a small hash table of the range's strings (it stays in the
        // core's cache), and equal strings become one group. Each range writes its strings and their ends into
        // its own region of one arena (sized by the codes it covers), and the regions are then closed up in
        // place: no second copy of millions of strings.
        let sources = segments.map { MergeSource($0) }
        // Written by the ranges (every code they cover) and the NULL key's slot by the rebase, on every thread.
        var mappings = segments.map { p in [Int32](unsafeUninitializedCapacity: p.groups) { $1 = p.groups } }
        let entries = sources.reduce(0) { $0 + $1.count }
        let pivots = Self.pivots(sources, parts: Swift.max(context.threads, entries / Self.rangeEntries))
        // Where each pivot falls in each source: binary searches that miss the cache, one source per thread.
        let bounds = ConcurrentLoop.map(sources.count) { s in pivots.map { sources[s].lowerBound($0) } }
        var ranges = (0...pivots.count).map { r in
            MergedRange(sources, codes: sources.indices.map { s in
                (r == 0 ? 0 : bounds[s][r - 1], r == pivots.count ? sources[s].count : bounds[s][r])
            })
        }
        for r in ranges.indices.dropFirst() {
            ranges[r].byteOffset = ranges[r - 1].byteOffset + ranges[r - 1].byteBound + MergedRange.slack
            ranges[r].groupOffset = ranges[r - 1].groupOffset + ranges[r - 1].groupBound
        }
        let byteCapacity = ranges.last!.byteOffset + ranges.last!.byteBound + MergedRange.slack
        let groupCapacity = ranges.last!.groupOffset + ranges.last!.groupBound + 1
        var groups: Int32 = 0
        var failure: Error?
        var starts: [Int] = []
        let arena = [UInt8](unsafeUninitializedCapacity: byteCapacity) { arenaOut, arenaCount in
            starts = [Int](unsafeUninitializedCapacity: groupCapacity) { startsOut, startsCount in
                // starts[1 + k] is where group k's string ends; starts[0] = 0.
                let arenaBase = arenaOut.baseAddress!, endsBase = startsOut.baseAddress! + 1
                mappings.withUnsafeMutableBufferPointer { all in
                    let mapped = all.indices.map { all[$0].withUnsafeMutableBufferPointer { $0.baseAddress! } }
                    ranges.withUnsafeMutableBufferPointer { out in
                        let out = out
                        // Consecutive ranges in a few batches per thread; a batch reuses one table.
                        let batches = Swift.min(out.count, context.threads * 8)
                        do {
                            try Parallel.forEach(0..<batches, threads: context.threads) { b in
                                let batch = out.count * b / batches..<out.count * (b + 1) / batches
                                let table = RangeTable(groups: batch.map { out[$0].groupBound }.max() ?? 0)
                                defer { table.deallocate() }
                                for r in batch {
                                    try context.check()
                                    Self.groupRange(sources, &out[r], table: table, arena: arenaBase, ends: endsBase, mappings: mapped)
                                }
                            }
                        } catch {
                            failure = error
                        }
                    }
                }
                startsOut[0] = 0
                guard failure == nil else { startsCount = 1; return }
                // Close the regions up, in order (each moves down, never over one not yet moved).
                var used = 0, n = 0
                for range in ranges {
                    let shift = range.byteOffset - used
                    if shift > 0 { (arenaBase + used).update(from: arenaBase + range.byteOffset, count: range.bytes) }
                    for k in 0..<Int(range.groups) { endsBase[n + k] = endsBase[range.groupOffset + k] - shift }
                    used += range.bytes
                    n += Int(range.groups)
                }
                startsCount = n + 1
                arenaCount = used
                groups = Int32(n)
            }
        }
        if let failure { throw failure }
        let hasNull = segments.contains { $0.rows.isEmpty ? $0.seen[$0.pool.count] : $0.rows[$0.pool.count] != 0 }
        let nullGroup = groups
        let total = Int(groups) + (hasNull ? 1 : 0)
        let trash = Int32(total)
        // Each source's mapping from range numbers to merged ones: every range's groups follow the previous
        // ranges'. Codes without rows go to a trash group past the last.
        let bases = ranges.reduce(into: [Int32(0)]) { $0.append($0.last! + $1.groups) }
        try mappings.withUnsafeMutableBufferPointer { all in
            let mapped = all.indices.map { all[$0].withUnsafeMutableBufferPointer { $0 } }
            try Parallel.forEach(sources.indices, threads: context.threads) { s in
                try context.check()
                let mapping = mapped[s]
                for (r, range) in ranges.enumerated() {
                    let base = bases[r]
                    for c in range.codes[s].0..<range.codes[s].1 { mapping[c] = mapping[c] < 0 ? trash : mapping[c] + base }
                }
                mapping[segments[s].pool.count] = hasNull ? nullGroup : trash
            }
        }

        let accumulators = makeAccumulators(plan.aggregates, threads: context.threads)
        // Each aggregate's states are made and merged on their own thread (they share nothing).
        try Parallel.forEach(accumulators.indices, threads: context.threads) { a in
            accumulators[a].reserve(groups: total + 1)
            for (s, p) in segments.enumerated() {
                try context.check()
                if countsRows[a] {
                    (accumulators[a] as! CountAccumulator).add(p.rows, mapping: mappings[s])
                } else {
                    try accumulators[a].merge(p.accumulators[a], mapping: mappings[s])
                }
            }
        }
        try context.hold(arena.count + starts.count * 8 + accumulators.reduce(0) { $0 + $1.approximateBytes }
                         + segments.reduce(0) { $0 + $1.approximateBytes + $1.groups * 4 }, for: self)
        for p in segments { p.release() }

        let key = Vector(type: .string, ints: [Int64](unsafeUninitializedCapacity: total) { codes, count in
            for g in 0..<total { codes[g] = Int64(g) }
            if hasNull { codes[total - 1] = 0 }
            count = total
        })
        if hasNull { key.setNull(total - 1) }
        key.pool = StringPool(StringDictionary(bytes: arena, starts: starts), isSorted: false)
        let results = accumulators.map { $0.result(groups: total) }
        context.release(self)
        return [DataChunk(columns: [key] + results, count: total, groupKeyCount: 1)]
    }

    /// One segment's dictionary and used codes, read in place for the merge's comparisons.
    struct MergeSource {
        let count: Int
        /// The bytes of the dictionary's strings, and their count.
        let bytes: UnsafePointer<UInt8>
        let byteCount: Int
        let starts: UnsafePointer<Int>
        /// Each code's rows (0: the code had none after the filter).
        let rows: UnsafePointer<UInt32>?
        /// Or whether each code had a row (`Partial.seen`).
        let seen: UnsafePointer<Bool>?

        /// Valid while `partial` lives and is not mutated: it holds the dictionary's arrays and `rows` (native
        /// Swift arrays, whose storage neither moves nor is freed while held and unmutated). `finish` keeps
        /// every partial alive, and writes none of them, until its last use of the sources.
        init(_ partial: Partial) {
            let dictionary = partial.pool.dictionary
            count = dictionary.count
            byteCount = dictionary.bytes.count
            bytes = dictionary.bytes.withUnsafeBufferPointer { $0.baseAddress ?? UnsafePointer(bitPattern: 1)! }
            starts = dictionary.starts.withUnsafeBufferPointer { $0.baseAddress! }
            rows = partial.rows.isEmpty ? nil : partial.rows.withUnsafeBufferPointer { $0.baseAddress! }
            seen = partial.seen.isEmpty ? nil : partial.seen.withUnsafeBufferPointer { $0.baseAddress! }
        }

        /// Whether code `c` had a row.
        @inline(__always)
        func isUsed(_ c: Int) -> Bool {
            if let rows { return rows[c] != 0 }
            return seen.unsafelyUnwrapped[c]
        }

        /// The first 16 bytes of entry `c` as two big-endian words, zero-padded: their order is the strings'
        /// order unless they are equal (then `compareTail` decides).
        @inline(__always)
        func words(_ c: Int) -> (UInt64, UInt64) {
            let start = starts[c], length = starts[c + 1] - start
            var high: UInt64, low: UInt64
            if start + 16 <= byteCount {
                high = UInt64(bigEndian: UnsafeRawPointer(bytes + start).loadUnaligned(as: UInt64.self))
                low = UInt64(bigEndian: UnsafeRawPointer(bytes + start + 8).loadUnaligned(as: UInt64.self))
            } else {
                high = 0
                low = 0
                for k in 0..<Swift.min(length, 16) {
                    let byte = UInt64(bytes[start + k])
                    if k < 8 { high |= byte << (56 - 8 * k) } else { low |= byte << (120 - 8 * k) }
                }
                return (high, low)
            }
            if length < 16 {
                if length <= 8 {
                    low = 0
                    if length < 8 { high &= ~(UInt64.max >> (UInt64(length) * 8)) }
                } else {
                    low &= ~(UInt64.max >> (UInt64(length - 8) * 8))
                }
            }
            return (high, low)
        }

        /// Byte order of entry `a` of this source and entry `b` of another whose first 16 bytes are equal.
        @inline(__always)
        func compareTail(_ a: Int, _ other: MergeSource, _ b: Int) -> Int {
            let sa = starts[a], la = starts[a + 1] - sa, sb = other.starts[b], lb = other.starts[b + 1] - sb
            let n = Swift.min(la, lb)
            if n > 16 {
                let c = memcmp(bytes + sa + 16, other.bytes + sb + 16, n - 16)
                if c != 0 { return c < 0 ? -1 : 1 }
            }
            return la < lb ? -1 : (la > lb ? 1 : 0)
        }

        /// Byte order of entry `a` of this source and entry `b` of another.
        @inline(__always)
        func compare(_ a: Int, _ other: MergeSource, _ b: Int) -> Int {
            let x = words(a), y = other.words(b)
            if x.0 != y.0 { return x.0 < y.0 ? -1 : 1 }
            if x.1 != y.1 { return x.1 < y.1 ? -1 : 1 }
            return compareTail(a, other, b)
        }

        /// The first code whose string is not below `pivot` (entry `code` of `source`).
        func lowerBound(_ pivot: (source: MergeSource, code: Int)) -> Int {
            var lo = 0, hi = count
            while lo < hi {
                let mid = (lo + hi) / 2
                if compare(mid, pivot.source, pivot.code) < 0 { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
    }

    /// One range of the key space: the codes it covers per source, its region of the shared arena and of the
    /// strings' ends (bounded by those codes), and what it wrote there: its groups, numbered from 0.
    struct MergedRange {
        /// Bytes past a region's bound that a short string's 16-byte store may write into.
        static let slack = 16
        var codes: [(Int, Int)]
        let byteBound: Int
        let groupBound: Int
        var byteOffset = 0
        var groupOffset = 0
        var bytes = 0
        var groups: Int32 = 0

        /// The range of `codes[s]` in each source `s`.
        init(_ sources: [MergeSource], codes: [(Int, Int)]) {
            self.codes = codes
            byteBound = zip(sources, codes).reduce(0) { $0 + $1.0.starts[$1.1.1] - $1.0.starts[$1.1.0] }
            groupBound = codes.reduce(0) { $0 + $1.1 - $1.0 }
        }
    }

    /// Strings that cut the key space into `parts` ranges of about equal size (from the largest source).
    static func pivots(_ sources: [MergeSource], parts: Int) -> [(source: MergeSource, code: Int)] {
        guard parts > 1, let largest = sources.max(by: { $0.count < $1.count }), largest.count >= 1024 else { return [] }
        let parts = Swift.min(parts, largest.count / 256)
        return (1..<parts).map { (largest, largest.count * $0 / parts) }
    }

    /// About how many dictionary entries a range of the merge covers: its table and strings stay in a core's
    /// cache.
    static let rangeEntries = 4_096

    /// One thread's table for the ranges it groups: slots of group numbers by the strings' hash, and each
    /// group's first 16 bytes, capped length and first entry.
    struct RangeTable {
        let slots: UncheckedBuffer<Int32>
        let mask: Int
        let high: UncheckedBuffer<UInt64>
        let low: UncheckedBuffer<UInt64>
        let length: UncheckedBuffer<UInt64>
        let source: UncheckedBuffer<Int>
        let code: UncheckedBuffer<Int>

        /// A table for ranges of at most `groups` entries (at most half its slots are ever used).
        init(groups: Int) {
            var capacity = 16
            while capacity < 2 * groups { capacity *= 2 }
            slots = .allocate(capacity: capacity)
            mask = capacity - 1
            high = .allocate(capacity: groups)
            low = .allocate(capacity: groups)
            length = .allocate(capacity: groups)
            source = .allocate(capacity: groups)
            code = .allocate(capacity: groups)
        }

        func deallocate() {
            slots.deallocate(); high.deallocate(); low.deallocate(); length.deallocate(); source.deallocate(); code.deallocate()
        }

        /// The slot where a string with these words starts its search.
        @inline(__always)
        func start(_ high: UInt64, _ low: UInt64, _ length: UInt64) -> Int {
            var h = (high &* 0x9E37_79B9_7F4A_7C15) ^ (low &+ length &* 0xC2B2_AE3D_27D4_EB4F)
            h = (h ^ (h >> 31)) &* 0xBF58_476D_1CE4_E5B9
            return Int(truncatingIfNeeded: h >> 32) & mask
        }
    }

    /// Gives every used code of every source in `range` its group: equal strings one group, numbered from 0 in
    /// the order they are first met, each string written once to the range's region of the arena.
    static func groupRange(_ sources: [MergeSource], _ range: inout MergedRange, table: RangeTable, arena: UnsafeMutablePointer<UInt8>,
                           ends: UnsafeMutablePointer<Int>, mappings: [UnsafeMutablePointer<Int32>]) {
        let slots = table.slots
        slots.mutableBuffer(unchecked: 0..<(table.mask + 1)).update(repeating: -1)
        let regionBytes = arena + range.byteOffset, regionEnds = ends + range.groupOffset
        var groups = 0, used = 0
        for s in sources.indices {
            let source = sources[s], map = mappings[s], (lo, hi) = range.codes[s]
            for c in lo..<hi {
                guard source.isUsed(c) else {
                    map[c] = -1
                    continue
                }
                let (high, low) = source.words(c)
                let start = source.starts[c], count = source.starts[c + 1] - start
                let length = UInt64(truncatingIfNeeded: Swift.min(count, 17))
                var slot = table.start(high, low, length)
                var group: Int32
                while true {
                    group = slots[unchecked: slot]
                    if group < 0 {
                        // A new group: its words, its first entry, its string.
                        group = Int32(truncatingIfNeeded: groups)
                        slots[unchecked: slot] = group
                        table.high[unchecked: groups] = high
                        table.low[unchecked: groups] = low
                        table.length[unchecked: groups] = length
                        table.source[unchecked: groups] = s
                        table.code[unchecked: groups] = c
                        let to = regionBytes + used
                        if count <= 16 && start + 16 <= source.byteCount {
                            // Two word stores (the region has slack past its bound for the bytes beyond).
                            let from = UnsafeRawPointer(source.bytes + start)
                            UnsafeMutableRawPointer(to).storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
                            UnsafeMutableRawPointer(to).storeBytes(of: from.loadUnaligned(fromByteOffset: 8, as: UInt64.self), toByteOffset: 8, as: UInt64.self)
                        } else {
                            to.update(from: source.bytes + start, count: count)
                        }
                        used += count
                        regionEnds[groups] = range.byteOffset + used
                        groups += 1
                        break
                    }
                    let g = Int(group)
                    if table.high[unchecked: g] == high && table.low[unchecked: g] == low && table.length[unchecked: g] == length
                        && (length < 17 || source.compareTail(c, sources[table.source[unchecked: g]], table.code[unchecked: g]) == 0) {
                        break
                    }
                    slot = (slot + 1) & table.mask
                }
                map[c] = group
            }
        }
        range.groups = Int32(groups)
        range.bytes = used
    }
}
