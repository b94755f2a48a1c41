import Foundation
import HuiyanStorage

/// GROUP BY one string column of the scanned table whose dictionaries are large (visitor ids, order ids):
/// each segment's rows are aggregated by dictionary code into dense arrays — a code is a group, nothing is
/// hashed —, then the segments' dictionaries, each sorted, are merged in byte order: a string that several
/// segments hold becomes one group, and each segment's groups are folded into the merged ones in ascending
/// order. No hash table of millions of strings is built, and the result comes out sorted by the key.
///
/// Used for count, sum, avg, min, max, the registered aggregates (whose states merge through a mapping) and
/// count(DISTINCT) of a column of few strings; the rows reach it after
/// the scan's filter. Rule `dictionary_merge`.
final class DictionaryMergeAggregation {
    let plan: SelectPlan
    let keyColumn: Int

    /// A segment's dictionaries must hold this many strings in all for the merge to pay (below it, the
    /// hash table's per-dictionary code maps are as fast and keep less state).
    static let smallestDictionaries = 4_096

    /// One segment's dense state (of one thread, or merged from several): group `code` is dictionary entry
    /// `code`, group `pool.count` the NULL key.
    final class Partial {
        let segment: Int
        let pool: StringPool
        let accumulators: [Accumulator]
        /// Whether each group had a row.
        var seen: [Bool]

        init(segment: Int, pool: StringPool, plan: SelectPlan, threads: Int) {
            self.segment = segment
            self.pool = pool
            accumulators = makeAccumulators(plan.aggregates, threads: threads)
            for a in accumulators { a.reserve(groups: pool.count + 1) }
            seen = [Bool](repeating: false, count: pool.count + 1)
        }

        /// The state's bytes and what merging it will take: the merged strings, their starts and code
        /// mapping, and merged states as large as this one (counted now, so that an aggregation too large
        /// for the memory limit spills while it scans, not after).
        var approximateBytes: Int {
            let states = accumulators.reduce(0) { $0 + $1.approximateBytes }
            return seen.count * (1 + 8 + 4) + 2 * states + pool.dictionary.bytes.count
        }
    }

    init?(plan: SelectPlan) {
        guard plan.optimizer.allows(.dictionaryMerge), plan.isAggregate, plan.joins.isEmpty, plan.groupKeys.count == 1,
              case .column(let c, _, .string) = plan.groupKeys[0], c < plan.scannedColumnCount, let snapshot = plan.snapshot,
              plan.aggregates.allSatisfy({ [.countStar, .count, .sum, .avg, .min, .max, .registered].contains($0.kind)
                  || Self.countsFewValues($0, snapshot, scannedColumns: plan.scannedColumnCount) }),
              snapshot.segments.contains(where: { $0.columns[c].dictionaryCount >= Self.smallestDictionaries }) else { return nil }
        self.plan = plan
        keyColumn = c
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
            partial = Partial(segment: segment, pool: pool, plan: plan, threads: threads)
            partials[segment] = partial
        }
        var groups = [Int32](repeating: 0, count: batch.count)
        let nullGroup = Int32(pool.count)
        groups.withUnsafeMutableBufferPointer { g in
            key.ints.withUnsafeBufferPointer { codes in
                partial.seen.withUnsafeMutableBufferPointer { seen in
                    if let nulls = key.nulls {
                        batch.forEachSelected { i in let x = nulls[i] != 0 ? nullGroup : Int32(truncatingIfNeeded: codes[i]); g[i] = x; seen[Int(x)] = true }
                    } else {
                        batch.forEachSelected { i in let x = Int32(truncatingIfNeeded: codes[i]); g[i] = x; seen[Int(x)] = true }
                    }
                }
            }
        }
        for (spec, accumulator) in zip(plan.aggregates, partial.accumulators) {
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
                let identity = (0..<Int32(partial.seen.count)).map { $0 }
                for (a, b) in zip(first.accumulators, partial.accumulators) { try a.merge(b, mapping: identity) }
                for g in 0..<partial.seen.count where partial.seen[g] { first.seen[g] = true }
            }
        }
        let segments = bySegment.keys.sorted().map { bySegment[$0]! }
        try context.check()

        // The merge, in as many ranges of the key space as threads, each on its own thread: every segment's
        // used codes in ascending (byte) order, a heap of the segments' cursors. Each range writes its strings
        // and their ends into its own region of one arena (sized by the codes it covers), and the regions are
        // then closed up in place: no second copy of millions of strings.
        let sources = segments.map { MergeSource($0) }
        var mappings = segments.map { [Int32](repeating: -1, count: $0.seen.count) }
        let pivots = Self.pivots(sources, parts: context.threads)
        var ranges = (0...pivots.count).map { r in
            MergedRange(sources, from: r == 0 ? nil : pivots[r - 1], to: r == pivots.count ? nil : pivots[r])
        }
        for r in ranges.indices.dropFirst() {
            ranges[r].byteOffset = ranges[r - 1].byteOffset + ranges[r - 1].byteBound
            ranges[r].groupOffset = ranges[r - 1].groupOffset + ranges[r - 1].groupBound
        }
        let byteCapacity = max(1, ranges.last!.byteOffset + ranges.last!.byteBound)
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
                        do {
                            try Parallel.forEach(out.indices, threads: context.threads) { r in
                                try Self.mergeRange(sources, &out[r], arena: arenaBase, ends: endsBase, mappings: mapped, context: context)
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
        let hasNull = segments.contains { $0.seen[$0.pool.count] }
        let nullGroup = groups
        let total = Int(groups) + (hasNull ? 1 : 0)
        let trash = Int32(total)
        for s in sources.indices {
            try context.check()
            let nullCode = segments[s].pool.count
            mappings[s].withUnsafeMutableBufferPointer { mapping in
                var base: Int32 = 0
                for range in ranges {
                    let (lo, hi) = range.codes[s]
                    if base > 0 { for c in lo..<hi where mapping[c] >= 0 { mapping[c] += base } }
                    base += range.groups
                }
                for c in mapping.indices where mapping[c] < 0 { mapping[c] = trash }
                mapping[nullCode] = hasNull ? nullGroup : trash
            }
        }

        let accumulators = makeAccumulators(plan.aggregates, threads: context.threads)
        // Each aggregate's states are made and merged on their own thread (they share nothing).
        try Parallel.forEach(accumulators.indices, threads: context.threads) { a in
            accumulators[a].reserve(groups: total + 1)
            for (s, p) in segments.enumerated() {
                try context.check()
                try accumulators[a].merge(p.accumulators[a], mapping: mappings[s])
            }
        }
        try context.hold(arena.count + starts.count * 8 + accumulators.reduce(0) { $0 + $1.approximateBytes }
                         + segments.reduce(0) { $0 + $1.approximateBytes + $1.seen.count * 5 }, for: self)

        let key = Vector(type: .string, count: total)
        key.ints.withUnsafeMutableBufferPointer { codes in for g in 0..<Int(groups) { codes[g] = Int64(g) } }
        if hasNull {
            key.ints[total - 1] = 0
            key.setNull(total - 1)
        }
        key.pool = StringPool(StringDictionary(bytes: arena, starts: starts), isSorted: true)
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
        let seen: UnsafePointer<Bool>

        /// Valid while `partial` lives and is not mutated: it holds the dictionary's arrays and `seen` (native
        /// Swift arrays, whose storage neither moves nor is freed while held and unmutated). `finish` keeps
        /// every partial alive, and writes none of them, until its last use of the sources.
        init(_ partial: Partial) {
            let dictionary = partial.pool.dictionary
            count = dictionary.count
            byteCount = dictionary.bytes.count
            bytes = dictionary.bytes.withUnsafeBufferPointer { $0.baseAddress ?? UnsafePointer(bitPattern: 1)! }
            starts = dictionary.starts.withUnsafeBufferPointer { $0.baseAddress! }
            seen = partial.seen.withUnsafeBufferPointer { $0.baseAddress! }
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
        var codes: [(Int, Int)]
        let byteBound: Int
        let groupBound: Int
        var byteOffset = 0
        var groupOffset = 0
        var bytes = 0
        var groups: Int32 = 0

        init(_ sources: [MergeSource], from lower: (source: MergeSource, code: Int)?, to upper: (source: MergeSource, code: Int)?) {
            codes = sources.map { s in (lower.map { s.lowerBound($0) } ?? 0, upper.map { s.lowerBound($0) } ?? s.count) }
            byteBound = zip(sources, codes).reduce(0) { $0 + $1.0.starts[$1.1.1] - $1.0.starts[$1.1.0] }
            groupBound = codes.reduce(0) { $0 + $1.1 - $1.0 }
        }
    }

    /// Strings that cut the key space into `parts` ranges of about equal size (from the largest source).
    static func pivots(_ sources: [MergeSource], parts: Int) -> [(source: MergeSource, code: Int)] {
        guard parts > 1, let largest = sources.max(by: { $0.count < $1.count }), largest.count >= parts * 1024 else { return [] }
        return (1..<parts).map { (largest, largest.count * $0 / parts) }
    }

    /// Merges the used codes of every source between two pivots (nil: no bound) through a tree of losers
    /// (each step replays one path of about log2(sources) matches) over the cursors' strings, ordered by
    /// their first 16 bytes (cached per cursor) and by the rest only when those tie.
    static func mergeRange(_ sources: [MergeSource], _ range: inout MergedRange, arena: UnsafeMutablePointer<UInt8>,
                           ends: UnsafeMutablePointer<Int>, mappings: [UnsafeMutablePointer<Int32>], context: QueryContext) throws {
        let k = sources.count
        guard k > 0 else { return }
        let src = UnsafeMutablePointer<MergeSource>.allocate(capacity: k)
        src.initialize(from: sources, count: k)
        let cursor = UnsafeMutablePointer<Int>.allocate(capacity: k)
        let end = UnsafeMutablePointer<Int>.allocate(capacity: k)
        // A cursor's string's first 16 bytes; an exhausted cursor's are all 0xFF, above any UTF-8 string.
        let high = UnsafeMutablePointer<UInt64>.allocate(capacity: k)
        let low = UnsafeMutablePointer<UInt64>.allocate(capacity: k)
        // tree[0]: the cursor whose string comes first; tree[1..<k]: the loser of each match.
        let tree = UnsafeMutablePointer<Int>.allocate(capacity: k)
        let map = UnsafeMutablePointer<UnsafeMutablePointer<Int32>>.allocate(capacity: k)
        map.initialize(from: mappings, count: k)
        defer { src.deallocate(); cursor.deallocate(); end.deallocate(); high.deallocate(); low.deallocate(); tree.deallocate(); map.deallocate() }
        /// Moves cursor `s` to its next used code (or marks it exhausted) and caches its words.
        @inline(__always) func settle(_ s: Int) {
            var c = cursor[s]
            let e = end[s], seen = src[s].seen
            while c < e && !seen[c] { c += 1 }
            cursor[s] = c
            if c < e { (high[s], low[s]) = src[s].words(c) } else { high[s] = .max; low[s] = .max }
        }
        @inline(__always) func less(_ a: Int, _ b: Int) -> Bool {
            let x = high[a], y = high[b]
            if x != y { return x < y }
            let x1 = low[a], y1 = low[b]
            if x1 != y1 { return x1 < y1 }
            if x == .max { return false }
            return src[a].compareTail(cursor[a], src[b], cursor[b]) < 0
        }
        /// Plays cursor `s` up from its leaf: at each match the loser stays, the winner goes on.
        @inline(__always) func replay(_ s: Int) {
            var winner = s
            var node = (s + k) >> 1
            while node > 0 {
                let other = tree[node]
                if other >= 0 && less(other, winner) {
                    tree[node] = winner
                    winner = other
                } else if other < 0 {
                    // Building: the first to arrive waits here for its opponent.
                    tree[node] = winner
                    return
                }
                node >>= 1
            }
            tree[0] = winner
        }
        for s in 0..<k {
            cursor[s] = range.codes[s].0
            end[s] = range.codes[s].1
            settle(s)
            tree[s] = -1
        }
        for s in (0..<k).reversed() { replay(s) }
        // The range's strings and ends go to its region: at most every covered string, each once.
        let regionBytes = arena + range.byteOffset, regionEnds = ends + range.groupOffset
        var groups = 0, used = 0
        defer { range.groups = Int32(groups); range.bytes = used }
        while high[tree[0]] != .max || low[tree[0]] != .max {
            // A new group: the smallest string; every cursor on an equal string joins it.
            let first = tree[0]
            let source = src[first], code = cursor[first], firstHigh = high[first], firstLow = low[first]
            let start = source.starts[code], length = source.starts[code + 1] - start
            (regionBytes + used).update(from: source.bytes + start, count: length)
            used += length
            regionEnds[groups] = range.byteOffset + used
            let group = Int32(groups)
            var s = first
            repeat {
                map[s][cursor[s]] = group
                cursor[s] += 1
                settle(s)
                replay(s)
                s = tree[0]
            } while high[s] == firstHigh && low[s] == firstLow && src[s].compareTail(cursor[s], source, code) == 0
            groups += 1
            if groups & 0xFFFF == 0 { try context.check() }
        }
    }
}
