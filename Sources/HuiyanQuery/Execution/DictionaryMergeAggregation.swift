import Foundation
import HuiyanBuffers
import HuiyanStorage

/// GROUP BY one string column of the scanned table whose dictionaries are large (visitor ids, order ids):
/// each segment's rows are aggregated by dictionary code into dense arrays — a code is a group, nothing is
/// hashed —, then the segments' dictionaries are merged: a string that several segments hold becomes one
/// group, and each segment's groups are folded into the merged ones. The dictionaries are sorted, so the key
/// space cuts into ranges that cover a run of codes in every segment; a range's strings meet in a hash table
/// small enough to stay in a core's cache. No hash table of millions of strings is built. Ids written as one
/// prefix and a fixed count of digits in every segment (numeric dictionaries, §7.1 of FORMAT.md) are merged as
/// their numbers, never decoded into strings: only the merged groups are written out as text.
///
/// Used for count, sum, avg, min, max, the registered aggregates (whose states merge through a mapping) and
/// count(DISTINCT) of a column of few strings; the rows reach it after
/// the scan's filter. Rule `dictionary_merge`.
final class DictionaryMergeAggregation {
    let plan: SelectPlan
    let keyColumn: Int
    /// Per aggregate, whether it is a count(*) without FILTER: a segment's rows per code are its counts.
    let countsRows: [Bool]
    /// Whether only the grouping reads the key column (not the filter, no aggregate): the scan then reads its
    /// codes without a string pool (`TableScanner.poolFreeColumns`), and each segment's dictionary is taken
    /// here, a numeric one as its numbers.
    let readsCodesAlone: Bool
    /// Each segment's key dictionary, taken once for the threads that read its blocks.
    private let segmentKeys = LockedValue<[Int: SegmentKeys]>([:])

    /// A segment's key dictionary: its strings, or the numbers of a numeric one.
    enum SegmentKeys {
        case strings(StringDictionary)
        case numbers(NumericEntries)

        var count: Int {
            switch self {
            case .strings(let d): return d.count
            case .numbers(let n): return n.count
            }
        }

        var bytes: Int {
            switch self {
            case .strings(let d): return d.bytes.count + d.starts.count * 8
            case .numbers(let n): return n.count * 8
            }
        }

        /// The entries as strings (a numeric dictionary's written out).
        var strings: StringDictionary {
            switch self {
            case .strings(let d): return d
            case .numbers(let n): return n.dictionary
            }
        }
    }

    /// A segment's dictionaries must hold this many strings in all for the merge to pay (below it, the
    /// hash table's per-dictionary code maps are as fast and keep less state).
    static let smallestDictionaries = 4_096

    /// One segment's dense state (of one thread, or merged from several): group `code` is dictionary entry
    /// `code`, group `pool.count` the NULL key.
    final class Partial {
        let segment: Int
        private(set) var keys: SegmentKeys
        private(set) var accumulators: [Accumulator]
        /// With a count(*) to compute, how many rows each group had (the count(*) aggregates' states, which
        /// stay empty: one array written per row instead of two); otherwise empty.
        var rows: [UInt32]
        /// Without a count(*), whether each group had a row; otherwise empty.
        var seen: [Bool]
        /// Groups: the dictionary's codes and the NULL key (`keys.count`).
        let groups: Int

        init(segment: Int, keys: SegmentKeys, plan: SelectPlan, countsRows: [Bool], threads: Int) {
            self.segment = segment
            self.keys = keys
            groups = keys.count + 1
            accumulators = makeAccumulators(plan.aggregates, threads: threads)
            for (a, counted) in zip(accumulators, countsRows) where !counted { a.reserve(groups: groups) }
            let counting = countsRows.contains(true)
            rows = counting ? [UInt32](repeating: 0, count: groups) : []
            seen = counting ? [] : [Bool](repeating: false, count: groups)
        }

        /// Whether the NULL key had a row.
        var hasNullRows: Bool { rows.isEmpty ? seen[groups - 1] : rows[groups - 1] != 0 }

        /// Lets go of the states and keys once merged: their memory serves the merged states' results.
        func release() {
            accumulators = []
            rows = []
            seen = []
            keys = .strings(.empty)
        }

        /// The state's bytes and what merging it will take: the merged strings, their starts and code
        /// mapping, and merged states as large as this one (counted now, so that an aggregation too large
        /// for the memory limit spills while it scans, not after).
        var approximateBytes: Int {
            let states = accumulators.reduce(0) { $0 + $1.approximateBytes }
            return rows.count * 4 + seen.count + groups * (8 + 4) + 2 * states + keys.bytes
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
        readsCodesAlone = !(plan.filter?.columns.contains(c) ?? false)
            && plan.aggregates.allSatisfy { spec in
                spec.arguments.allSatisfy { !$0.columns.contains(c) } && !(spec.filter?.columns.contains(c) ?? false)
            }
    }

    /// Sets `scanner` to read the key's codes as the segments' dictionaries number them, and without a pool when
    /// nothing else reads the key.
    func configure(_ scanner: TableScanner) {
        scanner.segmentCodeColumns.insert(keyColumn)
        if readsCodesAlone { scanner.poolFreeColumns.insert(keyColumn) }
    }

    /// The key dictionary of segment `segment` (`reader`): the pool the scan read the key with, or the
    /// segment's dictionary taken once (a numeric one as its numbers).
    private func keys(of segment: Int, _ reader: SegmentReader, pool: StringPool?) throws -> SegmentKeys {
        // A pool of the key is the segment's whole dictionary (`TableScanner.segmentCodeColumns`).
        if let pool { return pool.numericEntries.map { .numbers($0) } ?? .strings(pool.dictionary) }
        if let kept = segmentKeys.withLock({ $0[segment] }) { return kept }
        let made: SegmentKeys = try reader.numericEntries(column: keyColumn).map { .numbers($0) } ?? .strings(try reader.dictionary(column: keyColumn))
        return segmentKeys.withLock { kept in
            if let first = kept[segment] { return first }
            kept[segment] = made
            return made
        }
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

    /// Adds a batch of segment `segment` (read by `reader`) to that segment's partial state (made on first use).
    func add(_ evaluator: Evaluator, _ batch: Batch, key: Vector, segment: Int, reader: SegmentReader, partials: inout [Int: Partial],
             threads: Int) throws {
        let partial: Partial
        if let p = partials[segment] {
            partial = p
        } else {
            let keys = try keys(of: segment, reader, pool: key.pool)
            partial = Partial(segment: segment, keys: keys, plan: plan, countsRows: countsRows, threads: threads)
            partials[segment] = partial
        }
        var groups = [Int32](repeating: 0, count: batch.count)
        let nullGroup = Int32(partial.groups - 1)
        groups.withUnsafeMutableBufferPointer { g in
            key.ints.withUnsafeBufferPointer { codes in
                if partial.rows.isEmpty {
                    partial.seen.withUnsafeMutableBufferPointer { seen in
                        if let nulls = key.nulls {
                            batch.forEachSelected { i in let x = nulls[i] != 0 ? nullGroup : Int32(truncatingIfNeeded: codes[i]); g[i] = x; seen[Int(x)] = true }
                        } else {
                            let ahead = codes.count - prefetchDistance
                            batch.forEachSelected { i in
                                if i < ahead { prefetchForWrite(seen.baseAddress!, Int(codes[i + prefetchDistance])) }
                                let x = Int32(truncatingIfNeeded: codes[i])
                                g[i] = x
                                seen[Int(x)] = true
                            }
                        }
                    }
                } else {
                    partial.rows.withUnsafeMutableBufferPointer { rows in
                        if let nulls = key.nulls {
                            batch.forEachSelected { i in let x = nulls[i] != 0 ? nullGroup : Int32(truncatingIfNeeded: codes[i]); g[i] = x; rows[Int(x)] &+= 1 }
                        } else {
                            let ahead = codes.count - prefetchDistance
                            batch.forEachSelected { i in
                                if i < ahead { prefetchForWrite(rows.baseAddress!, Int(codes[i + prefetchDistance])) }
                                let x = Int32(truncatingIfNeeded: codes[i])
                                g[i] = x
                                rows[Int(x)] &+= 1
                            }
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

    /// Merges every thread's partials: one chunk of the groups (NULL last), keys then aggregates.
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
        segmentKeys.withLock { $0 = [:] }
        try context.check()

        // Each segment's mapping from codes to the merged groups' numbers within their range, written by the
        // ranges (every code they cover; -1 for a code without rows); the NULL key's slot is written below.
        var mappings = segments.map { p in [Int32](unsafeUninitializedCapacity: p.groups) { $1 = p.groups } }
        let numbers = segments.compactMap { p -> NumericEntries? in if case .numbers(let n) = p.keys { return n } else { return nil } }
        let (ranges, keyPool): ([MergedRange], StringPool)
        if let form = numbers.first, numbers.count == segments.count, numbers.allSatisfy({ $0.isWrittenAs(form) }) {
            (ranges, keyPool) = try mergeNumbers(segments, numbers, mappings: &mappings, context: context)
        } else {
            (ranges, keyPool) = try mergeStrings(segments, mappings: &mappings, context: context)
        }
        let groups = ranges.reduce(0) { $0 + Int($1.groups) }
        let hasNull = segments.contains { $0.hasNullRows }
        let nullGroup = Int32(groups)
        let total = groups + (hasNull ? 1 : 0)
        let trash = Int32(total)
        // Each source's mapping from range numbers to merged ones: every range's groups follow the previous
        // ranges'. Codes without rows go to a trash group past the last.
        let bases = ranges.reduce(into: [Int32(0)]) { $0.append($0.last! + $1.groups) }
        try mappings.withUnsafeMutableBufferPointer { all in
            let mapped = all.indices.map { all[$0].withUnsafeMutableBufferPointer { $0 } }
            try Parallel.forEach(segments.indices, threads: context.threads) { s in
                try context.check()
                let mapping = mapped[s]
                for (r, range) in ranges.enumerated() {
                    let base = bases[r]
                    for c in range.codes[s].0..<range.codes[s].1 { mapping[c] = mapping[c] < 0 ? trash : mapping[c] + base }
                }
                mapping[segments[s].groups - 1] = hasNull ? nullGroup : trash
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
        let keyBytes = keyPool.count * (keyPool.averageLength + 8)
        try context.hold(keyBytes + accumulators.reduce(0) { $0 + $1.approximateBytes }
                         + segments.reduce(0) { $0 + $1.approximateBytes + $1.groups * 4 }, for: self)
        for p in segments { p.release() }

        let key = Vector(type: .string, ints: [Int64](unsafeUninitializedCapacity: total) { codes, count in
            for g in 0..<total { codes[g] = Int64(g) }
            if hasNull { codes[total - 1] = 0 }
            count = total
        })
        if hasNull { key.setNull(total - 1) }
        key.pool = keyPool
        let results = accumulators.map { $0.result(groups: total) }
        context.release(self)
        return [DataChunk(columns: [key] + results, count: total, groupKeyCount: 1)]
    }

    /// The ranges of the key space, with the codes they cover per source: cut before each pivot, whose place in
    /// source `s` is `bounds[s][pivot]`; each range's groups are numbered from its `groupOffset` on.
    private static func ranges(counts: [Int], bounds: [[Int]], pivots: Int) -> [MergedRange] {
        var ranges = (0...pivots).map { r in
            MergedRange(codes: counts.indices.map { s in
                (r == 0 ? 0 : bounds[s][r - 1], r == pivots ? counts[s] : bounds[s][r])
            })
        }
        for r in ranges.indices.dropFirst() { ranges[r].groupOffset = ranges[r - 1].groupOffset + ranges[r - 1].groupBound }
        return ranges
    }

    /// How many ranges a merge of `entries` entries in all cuts the key space into.
    private static func parts(_ entries: Int, threads: Int) -> Int { Swift.max(threads, entries / rangeEntries) }

    /// Runs `body` for every range, in consecutive batches spread over the threads, each batch with the one
    /// table `makeTable` makes for its largest range (`freeTable` lets it go).
    private static func forEachRange<Table>(_ ranges: UnsafeMutableBufferPointer<MergedRange>, context: QueryContext,
                                            makeTable: (Int) -> Table, freeTable: (Table) -> Void,
                                            _ body: (inout MergedRange, Table) -> Void) throws {
        let batches = Swift.min(ranges.count, context.threads * 8)
        try Parallel.forEach(0..<batches, threads: context.threads) { b in
            let batch = ranges.count * b / batches..<ranges.count * (b + 1) / batches
            let table = makeTable(batch.map { ranges[$0].groupBound }.max() ?? 0)
            defer { freeTable(table) }
            for r in batch {
                try context.check()
                body(&ranges[r], table)
            }
        }
    }

    /// The merge of numeric dictionaries written alike: in each range of the key space, every segment's used
    /// codes meet in a small hash table of numbers, and equal numbers become one group. Only the groups'
    /// numbers are then written out as text. `forms[s]` is segment `s`'s dictionary.
    private func mergeNumbers(_ segments: [Partial], _ forms: [NumericEntries], mappings: inout [[Int32]],
                              context: QueryContext) throws -> ([MergedRange], StringPool) {
        return try withExtendedLifetime(forms) {
            let sources = zip(segments, forms).map { NumberSource($0.1, used: UsedCodes($0.0)) }
            let largest = sources.max { $0.count < $1.count }
            let parts = Swift.min(Self.parts(sources.reduce(0) { $0 + $1.count }, threads: context.threads), (largest?.count ?? 0) / 256)
            let pivots = parts > 1 ? (1..<parts).map { largest!.numbers[largest!.count * $0 / parts] } : []
            let bounds = ConcurrentLoop.map(sources.count) { s in pivots.map { sources[s].lowerBound($0) } }
            var ranges = Self.ranges(counts: sources.map(\.count), bounds: bounds, pivots: pivots.count)
            let capacity = ranges.last!.groupOffset + ranges.last!.groupBound
            let merged = try [Int](unsafeUninitializedCapacity: capacity) { out, count in
                count = 0
                let base = out.baseAddress!
                try mappings.withUnsafeMutableBufferPointer { all in
                    let mapped = all.indices.map { all[$0].withUnsafeMutableBufferPointer { $0.baseAddress! } }
                    try ranges.withUnsafeMutableBufferPointer { ranges in
                        try Self.forEachRange(ranges, context: context, makeTable: { NumberTable(groups: $0) }, freeTable: { $0.deallocate() }) {
                            Self.groupNumbers(sources, &$0, table: $1, numbers: base + $0.groupOffset, mappings: mapped)
                        }
                    }
                }
                // Close the ranges' regions up, in order (each moves down).
                for range in ranges {
                    if range.groupOffset > count { (base + count).update(from: base + range.groupOffset, count: Int(range.groups)) }
                    count += Int(range.groups)
                }
            }
            return (ranges, StringPool(numbers: forms[0].withNumbers(merged), isSorted: false))
        }
    }

    /// The merge of string dictionaries (and numeric ones written differently, as text): in each range of the key
    /// space, every segment's used codes meet in a small hash table of the range's strings (it stays in the core's
    /// cache), and equal strings become one group. Each range writes its strings and their ends into its own
    /// region of one arena (sized by the codes it covers), and the regions are then closed up in place: no
    /// second copy of millions of strings.
    private func mergeStrings(_ segments: [Partial], mappings: inout [[Int32]], context: QueryContext) throws -> ([MergedRange], StringPool) {
        let dictionaries = segments.map(\.keys.strings)
        return try withExtendedLifetime(dictionaries) {
            let sources = zip(segments, dictionaries).map { MergeSource($0.1, used: UsedCodes($0.0)) }
            let pivots = Self.pivots(sources, parts: Self.parts(sources.reduce(0) { $0 + $1.count }, threads: context.threads))
            // Where each pivot falls in each source: binary searches that miss the cache, one source per thread.
            let bounds = ConcurrentLoop.map(sources.count) { s in pivots.map { sources[s].lowerBound($0) } }
            var ranges = Self.ranges(counts: sources.map(\.count), bounds: bounds, pivots: pivots.count)
            for r in ranges.indices {
                ranges[r].byteBound = zip(sources, ranges[r].codes).reduce(0) { $0 + $1.0.starts[$1.1.1] - $1.0.starts[$1.1.0] }
                if r > 0 { ranges[r].byteOffset = ranges[r - 1].byteOffset + ranges[r - 1].byteBound + MergedRange.slack }
            }
            let byteCapacity = ranges.last!.byteOffset + ranges.last!.byteBound + MergedRange.slack
            let groupCapacity = ranges.last!.groupOffset + ranges.last!.groupBound + 1
            var starts: [Int] = []
            let arena = try [UInt8](unsafeUninitializedCapacity: byteCapacity) { arenaOut, arenaCount in
                arenaCount = 0
                let arenaBase = arenaOut.baseAddress!
                starts = try [Int](unsafeUninitializedCapacity: groupCapacity) { startsOut, startsCount in
                    // starts[1 + k] is where group k's string ends; starts[0] = 0.
                    startsOut[0] = 0
                    startsCount = 1
                    let endsBase = startsOut.baseAddress! + 1
                    try mappings.withUnsafeMutableBufferPointer { all in
                        let mapped = all.indices.map { all[$0].withUnsafeMutableBufferPointer { $0.baseAddress! } }
                        try ranges.withUnsafeMutableBufferPointer { ranges in
                            try Self.forEachRange(ranges, context: context, makeTable: { RangeTable(groups: $0) }, freeTable: { $0.deallocate() }) {
                                Self.groupRange(sources, &$0, table: $1, arena: arenaBase, ends: endsBase, mappings: mapped)
                            }
                        }
                    }
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
                }
            }
            return (ranges, StringPool(StringDictionary(bytes: arena, starts: starts), isSorted: false))
        }
    }

    /// Which codes of a segment had rows: its rows per code (`Partial.rows`) or flags (`Partial.seen`), read in
    /// place; valid while the partial lives unmutated (`finish` writes none until its last use of them).
    struct UsedCodes {
        let rows: UnsafePointer<UInt32>?
        let seen: UnsafePointer<Bool>?

        init(_ partial: Partial) {
            rows = partial.rows.isEmpty ? nil : partial.rows.withUnsafeBufferPointer { $0.baseAddress! }
            seen = partial.seen.isEmpty ? nil : partial.seen.withUnsafeBufferPointer { $0.baseAddress! }
        }

        /// Whether code `c` had a row.
        @inline(__always)
        func contains(_ c: Int) -> Bool {
            if let rows { return rows[c] != 0 }
            return seen.unsafelyUnwrapped[c]
        }
    }

    /// One segment's numeric dictionary and used codes, read in place for the merge.
    struct NumberSource {
        let count: Int
        let numbers: UnsafePointer<Int>
        let used: UsedCodes

        /// Valid while `entries` lives (a native array's storage neither moves nor is freed while held).
        init(_ entries: NumericEntries, used: UsedCodes) {
            count = entries.count
            numbers = entries.numbers.withUnsafeBufferPointer { $0.baseAddress ?? UnsafePointer(bitPattern: 8)! }
            self.used = used
        }

        /// The first code whose number is not below `pivot`.
        func lowerBound(_ pivot: Int) -> Int {
            var lo = 0, hi = count
            while lo < hi {
                let mid = (lo + hi) / 2
                if numbers[mid] < pivot { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
    }

    /// One thread's table for the numeric ranges it groups: slots of group numbers by the numbers' hash.
    struct NumberTable {
        let slots: UncheckedBuffer<Int32>
        let mask: Int
        let shift: UInt64

        /// A table for ranges of at most `groups` entries (at most half its slots are ever used).
        init(groups: Int) {
            var capacity = 16, bits: UInt64 = 4
            while capacity < 2 * groups { capacity *= 2; bits += 1 }
            slots = .allocate(capacity: capacity)
            mask = capacity - 1
            shift = 64 - bits
        }

        func deallocate() { slots.deallocate() }

        /// The slot where `number`'s search starts.
        @inline(__always)
        func start(_ number: Int) -> Int {
            Int(truncatingIfNeeded: (UInt64(bitPattern: Int64(number)) &* 0x9E37_79B9_7F4A_7C15) >> shift)
        }
    }

    /// Writes, for every code `c` of every source `s` that `range` covers, `group(s, c)` into `mappings[s][c]` when
    /// the code had rows, -1 when it had none.
    @inline(__always)
    static func forEachUsedCode(in range: MergedRange, used: [UsedCodes], mappings: [UnsafeMutablePointer<Int32>],
                                _ group: (_ source: Int, _ code: Int) -> Int32) {
        for s in range.codes.indices {
            let map = mappings[s], (lo, hi) = range.codes[s], used = used[s]
            for c in lo..<hi { map[c] = used.contains(c) ? group(s, c) : -1 }
        }
    }

    /// Gives every used code of every source in `range` its group: equal numbers one group, numbered from 0 in
    /// the order they are first met, each group's number written to `numbers`.
    static func groupNumbers(_ sources: [NumberSource], _ range: inout MergedRange, table: NumberTable, numbers: UnsafeMutablePointer<Int>,
                             mappings: [UnsafeMutablePointer<Int32>]) {
        let slots = table.slots
        slots.mutableBuffer(unchecked: 0..<(table.mask + 1)).update(repeating: -1)
        var groups = 0
        forEachUsedCode(in: range, used: sources.map(\.used), mappings: mappings) { s, c in
            let number = sources[s].numbers[c]
            var slot = table.start(number)
            while true {
                var group = slots[unchecked: slot]
                if group < 0 {
                    group = Int32(truncatingIfNeeded: groups)
                    slots[unchecked: slot] = group
                    numbers[groups] = number
                    groups += 1
                    return group
                }
                if numbers[Int(group)] == number { return group }
                slot = (slot + 1) & table.mask
            }
        }
        range.groups = Int32(groups)
    }

    /// One segment's dictionary and used codes, read in place for the merge's comparisons.
    struct MergeSource {
        let count: Int
        /// The bytes of the dictionary's strings, and their count.
        let bytes: UnsafePointer<UInt8>
        let byteCount: Int
        let starts: UnsafePointer<Int>
        let used: UsedCodes

        /// Valid while `dictionary` lives (native arrays, whose storage neither moves nor is freed while held
        /// and unmutated).
        init(_ dictionary: StringDictionary, used: UsedCodes) {
            count = dictionary.count
            byteCount = dictionary.bytes.count
            bytes = dictionary.bytes.withUnsafeBufferPointer { $0.baseAddress ?? UnsafePointer(bitPattern: 1)! }
            starts = dictionary.starts.withUnsafeBufferPointer { $0.baseAddress! }
            self.used = used
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
        let groupBound: Int
        var groupOffset = 0
        var groups: Int32 = 0
        /// Of a merge of strings: the bytes its codes' strings take, where its region starts, what it wrote.
        var byteBound = 0
        var byteOffset = 0
        var bytes = 0

        /// The range of `codes[s]` in each source `s`.
        init(codes: [(Int, Int)]) {
            self.codes = codes
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
        forEachUsedCode(in: range, used: sources.map(\.used), mappings: mappings) { s, c in
            let source = sources[s]
            let (high, low) = source.words(c)
            let start = source.starts[c], count = source.starts[c + 1] - start
            let length = UInt64(truncatingIfNeeded: Swift.min(count, 17))
            var slot = table.start(high, low, length)
            while true {
                var group = slots[unchecked: slot]
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
                    return group
                }
                let g = Int(group)
                if table.high[unchecked: g] == high && table.low[unchecked: g] == low && table.length[unchecked: g] == length
                    && (length < 17 || source.compareTail(c, sources[table.source[unchecked: g]], table.code[unchecked: g]) == 0) {
                    return group
                }
                slot = (slot + 1) & table.mask
            }
        }
        range.groups = Int32(groups)
        range.bytes = used
    }
}
