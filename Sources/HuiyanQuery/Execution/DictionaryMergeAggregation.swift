import Foundation
import HuiyanStorage

/// GROUP BY one string column of the scanned table whose dictionaries are large (visitor ids, order ids):
/// each segment's rows are aggregated by dictionary code into dense arrays — a code is a group, nothing is
/// hashed —, then the segments' dictionaries, each sorted, are merged in byte order: a string that several
/// segments hold becomes one group, and each segment's groups are folded into the merged ones in ascending
/// order. No hash table of millions of strings is built, and the result comes out sorted by the key.
///
/// Used for count, sum, avg, min, max and the registered aggregates (whose states merge through a mapping); the rows reach it after
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
              plan.aggregates.allSatisfy({ [.countStar, .count, .sum, .avg, .min, .max, .registered].contains($0.kind) }),
              snapshot.segments.contains(where: { $0.columns[c].dictionaryCount >= Self.smallestDictionaries }) else { return nil }
        self.plan = plan
        keyColumn = c
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
        // used codes in ascending (byte) order, a heap of the segments' cursors.
        let sources = segments.map { MergeSource($0) }
        defer { for source in sources { source.release() } }
        var mappings = segments.map { [Int32](repeating: -1, count: $0.seen.count) }
        let pivots = Self.pivots(sources, parts: context.threads)
        var ranges = [MergedRange](repeating: MergedRange(), count: pivots.count + 1)
        var failure: Error?
        let lock = NSLock()
        mappings.withUnsafeMutableBufferPointer { all in
            let mapped = all.indices.map { all[$0].withUnsafeMutableBufferPointer { $0.baseAddress! } }
            ranges.withUnsafeMutableBufferPointer { out in
                let out = out
                let work = { (r: Int) in
                    do {
                        out[r] = try Self.mergeRange(sources, from: r == 0 ? nil : pivots[r - 1], to: r == pivots.count ? nil : pivots[r],
                                                     mappings: mapped, context: context)
                    } catch { lock.lock(); failure = failure ?? error; lock.unlock() }
                }
                if out.count == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: out.count, execute: work) }
            }
        }
        if let failure { throw failure }
        // Each range numbered its groups from 0: shift them by the groups of the ranges before.
        var arena: [UInt8] = []
        var starts: [Int] = [0]
        var base: Int32 = 0
        for (r, range) in ranges.enumerated() {
            if base > 0 {
                for (s, source) in sources.enumerated() {
                    let (lo, hi) = range.codes[s]
                    for c in lo..<hi where mappings[s][c] >= 0 && c < source.count { mappings[s][c] += base }
                }
            }
            let shift = arena.count
            arena += range.arena
            starts += range.starts.dropFirst().map { $0 + shift }
            base += range.groups
            if r & 7 == 7 { try context.check() }
        }
        let groups = base
        let hasNull = segments.contains { $0.seen[$0.pool.count] }
        let nullGroup = groups
        let total = Int(groups) + (hasNull ? 1 : 0)
        let trash = Int32(total)
        for (s, p) in segments.enumerated() {
            mappings[s][p.pool.count] = hasNull ? nullGroup : trash
            for c in 0..<mappings[s].count where mappings[s][c] < 0 { mappings[s][c] = trash }
        }

        let accumulators = makeAccumulators(plan.aggregates, threads: context.threads)
        for a in accumulators { a.reserve(groups: total + 1) }
        for (s, p) in segments.enumerated() {
            try context.check()
            for (a, b) in zip(accumulators, p.accumulators) { try a.merge(b, mapping: mappings[s]) }
        }
        try context.hold(arena.count + starts.count * 8 + accumulators.reduce(0) { $0 + $1.approximateBytes }
                         + segments.reduce(0) { $0 + $1.approximateBytes + $1.seen.count * 5 }, for: self)

        let key = Vector(type: .string, count: total)
        for g in 0..<Int(groups) { key.ints[g] = Int64(g) }
        if hasNull {
            key.ints[total - 1] = 0
            key.setNull(total - 1)
        }
        key.pool = StringPool(StringDictionary(bytes: arena, starts: starts), isSorted: true)
        let results = accumulators.map { $0.result(groups: total) }
        context.release(self)
        return [DataChunk(columns: [key] + results, count: total, groupKeyCount: 1)]
    }

    /// One segment's dictionary and used codes, in raw memory for the merge's comparisons.
    struct MergeSource {
        let count: Int
        let bytes: UnsafeMutablePointer<UInt8>
        let starts: UnsafeMutablePointer<Int>
        let seen: UnsafeMutablePointer<Bool>

        init(_ partial: Partial) {
            let dictionary = partial.pool.dictionary
            let n = dictionary.count
            let b = UnsafeMutablePointer<UInt8>.allocate(capacity: dictionary.bytes.count + 8)
            b.initialize(repeating: 0, count: dictionary.bytes.count + 8)
            dictionary.bytes.withUnsafeBufferPointer { if let p = $0.baseAddress { b.update(from: p, count: $0.count) } }
            let st = UnsafeMutablePointer<Int>.allocate(capacity: n + 1)
            dictionary.starts.withUnsafeBufferPointer { st.initialize(from: $0.baseAddress!, count: n + 1) }
            let sn = UnsafeMutablePointer<Bool>.allocate(capacity: n + 1)
            partial.seen.withUnsafeBufferPointer { sn.initialize(from: $0.baseAddress!, count: n + 1) }
            count = n
            bytes = b
            starts = st
            seen = sn
        }

        func release() {
            bytes.deallocate()
            starts.deallocate()
            seen.deallocate()
        }

        /// The first 8 bytes of entry `c`, big-endian (zero-padded): their order is the strings' order
        /// unless they are equal.
        @inline(__always)
        func prefix(_ c: Int) -> UInt64 {
            let start = starts[c], length = starts[c + 1] - start
            var word = UInt64(bigEndian: UnsafeRawPointer(bytes + start).loadUnaligned(as: UInt64.self))
            if length < 8 { word &= ~(UInt64.max >> (UInt64(length) * 8)) }
            return word
        }

        /// Byte order of entry `a` of this source and entry `b` of another.
        @inline(__always)
        func compare(_ a: Int, _ other: MergeSource, _ b: Int) -> Int {
            let x = prefix(a), y = other.prefix(b)
            if x != y { return x < y ? -1 : 1 }
            let sa = starts[a], la = starts[a + 1] - sa, sb = other.starts[b], lb = other.starts[b + 1] - sb
            let n = min(la, lb)
            if n > 8 {
                let c = memcmp(bytes + sa + 8, other.bytes + sb + 8, n - 8)
                if c != 0 { return c < 0 ? -1 : 1 }
            }
            return la < lb ? -1 : (la > lb ? 1 : 0)
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

    /// One range's merged strings, their groups numbered from 0, and the code range it covered per source.
    struct MergedRange {
        var arena: [UInt8] = []
        var starts: [Int] = [0]
        var groups: Int32 = 0
        var codes: [(Int, Int)] = []
    }

    /// Strings that cut the key space into `parts` ranges of about equal size (from the largest source).
    static func pivots(_ sources: [MergeSource], parts: Int) -> [(source: MergeSource, code: Int)] {
        guard parts > 1, let largest = sources.max(by: { $0.count < $1.count }), largest.count >= parts * 1024 else { return [] }
        return (1..<parts).map { (largest, largest.count * $0 / parts) }
    }

    /// Merges the used codes of every source between two pivots (nil: no bound): a heap of the sources'
    /// cursors ordered by their strings' first 8 bytes (cached per cursor), bytes compared only on a tie.
    static func mergeRange(_ sources: [MergeSource], from lower: (source: MergeSource, code: Int)?, to upper: (source: MergeSource, code: Int)?,
                           mappings: [UnsafeMutablePointer<Int32>], context: QueryContext) throws -> MergedRange {
        var range = MergedRange()
        range.codes = sources.map { s in (lower.map { s.lowerBound($0) } ?? 0, upper.map { s.lowerBound($0) } ?? s.count) }
        let k = sources.count
        let src = UnsafeMutablePointer<MergeSource>.allocate(capacity: max(k, 1))
        src.initialize(from: sources, count: k)
        let cursor = UnsafeMutablePointer<Int>.allocate(capacity: max(k, 1))
        let end = UnsafeMutablePointer<Int>.allocate(capacity: max(k, 1))
        let key = UnsafeMutablePointer<UInt64>.allocate(capacity: max(k, 1))
        let heap = UnsafeMutablePointer<Int>.allocate(capacity: max(k, 1))
        let map = UnsafeMutablePointer<UnsafeMutablePointer<Int32>>.allocate(capacity: max(k, 1))
        map.initialize(from: mappings, count: k)
        defer { src.deallocate(); cursor.deallocate(); end.deallocate(); key.deallocate(); heap.deallocate(); map.deallocate() }
        var count = 0
        /// Moves cursor `s` to its next used code; false when it has none left.
        @inline(__always) func settle(_ s: Int) -> Bool {
            var c = cursor[s]
            let e = end[s], seen = src[s].seen
            while c < e && !seen[c] { c += 1 }
            cursor[s] = c
            if c < e { key[s] = src[s].prefix(c); return true }
            return false
        }
        @inline(__always) func less(_ a: Int, _ b: Int) -> Bool {
            let x = key[a], y = key[b]
            if x != y { return x < y }
            return src[a].compare(cursor[a], src[b], cursor[b]) < 0
        }
        @inline(__always) func siftDown(_ i: Int) {
            var i = i
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < count && less(heap[l], heap[m]) { m = l }
                if r < count && less(heap[r], heap[m]) { m = r }
                if m == i { return }
                let t = heap[i]; heap[i] = heap[m]; heap[m] = t
                i = m
            }
        }
        for s in 0..<k {
            cursor[s] = range.codes[s].0
            end[s] = range.codes[s].1
            if settle(s) { heap[count] = s; count += 1 }
        }
        var i = count / 2 - 1
        while i >= 0 { siftDown(i); i -= 1 }
        var steps = 0
        var group: Int32 = 0
        while count > 0 {
            // A new group: the smallest string; every cursor on an equal string joins it.
            let top = heap[0]
            let source = src[top], code = cursor[top], topKey = key[top]
            let start = source.starts[code], stop = source.starts[code + 1]
            range.arena.append(contentsOf: UnsafeBufferPointer(start: source.bytes + start, count: stop - start))
            range.starts.append(range.arena.count)
            repeat {
                let s = heap[0]
                map[s][cursor[s]] = group
                cursor[s] += 1
                if !settle(s) {
                    count -= 1
                    heap[0] = heap[count]
                }
                if count > 0 { siftDown(0) }
            } while count > 0 && key[heap[0]] == topKey && src[heap[0]].compare(cursor[heap[0]], source, code) == 0
            group += 1
            steps &+= 1
            if steps & 0xFFFF == 0 { try context.check() }
        }
        range.groups = group
        return range
    }
}
