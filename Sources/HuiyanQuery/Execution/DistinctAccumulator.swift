import HuiyanStorage

/// Exact count(DISTINCT x), held per thread in one of three forms.
///
/// - Small domain (`SmallDomainDistinct`, the first form of every state not made for spilled rows): while x
///   has taken at most 256 values in all, a bit per value and a mask per group.
/// - Code bitmaps (strings, while they stay small): per group and string pool, a bitmap of the codes seen
///   (a bit a dictionary entry, one OR a row); at the end `DistinctStrings` counts each group's strings
///   across pools. Fast and small when groups are few (a global count, by route, by month).
/// - Pairs: a `DistinctPairTable`: (group, value key) pairs, appended to hash partitions as rows come and
///   deduplicated a partition at a time when counted. A value's key is exact across segments and dictionaries
///   (`DistinctKeys`); memory follows the distinct pairs, not groups × dictionary entries.
///
/// The rule: a state starts in the small-domain form and leaves it, for good, at the first value past its
/// limit — strings for bitmaps unless the groups with values would need more than a pool's budget of them,
/// numbers for pairs. From there, a batch that would bring the bitmaps of its pool above
/// `budgets.poolBitmapBytes` — (groups that saw the pool) × (entries / 8 + `runOverhead`) bytes — or all of
/// the thread's bitmaps above `budgets.bitmapBytes` switches the thread's state to pairs for good (its bitmaps are
/// poured into the table first). Numbers always use pairs. A merge of a bitmap state with a pair state
/// pours the bitmaps into the pairs.
final class DistinctAccumulator: Accumulator {
    let type: SQLType
    /// Threads for counting strings at the end.
    let threads: Int

    /// When a thread's strings switch from bitmaps to pairs (a statement's `QueryContext` carries them:
    /// tests lower them to run every form).
    struct Budgets: Sendable {
        /// Bytes of one dictionary's bitmaps above which a thread switches to pairs (2^27 bits). Measured at
        /// 10 M random visitor ids (segments of 1 M rows, ~1 M entries): by spot (28 groups, 3.5 MiB a
        /// dictionary) bitmaps took 0.8 s and pairs 1.5 s; by spot and weekday (189 groups, 24 MiB) bitmaps
        /// 1.95 s, pairs 1.4 s; by spot and day (~1,000 groups a segment) bitmaps 4.3 s and 3.2 GB, pairs under 1 s.
        var poolBitmapBytes = 16 << 20
        /// Bytes of all bitmaps above which a thread switches to pairs.
        var bitmapBytes = 256 << 20
        /// Values the small-domain form holds before the state leaves it (0: the state starts as bitmaps or
        /// pairs).
        var smallDomainValues = 256
    }
    let budgets: Budgets
    /// Bytes a (group, pool) bitmap costs beyond its bits: objects, array and dictionary entries.
    static let runOverhead = 128

    // Bitmap form.
    /// Per group: the pools seen and their code bitmaps.
    private var runs: [[(pool: StringPool, bits: CodeBitmap)]] = []
    private var runIndex: [[ObjectIdentifier: Int]] = []
    /// Per pool with bitmaps, how many groups have one (the pools are kept alive by `runs`).
    private var poolRuns: [ObjectIdentifier: Int] = [:]
    private var bitmapBytes = 0
    /// Bytes of the pools the runs keep alive.
    private var poolBytes = 0
    /// Per group, the last batch that saw it (counting a batch's groups without a bitmap for its pool).
    private var stamps: [UInt32] = []
    private var batchNumber: UInt32 = 0

    // Small-domain form.
    private var small: SmallDomainDistinct?

    // Pair form.
    private var pairs: DistinctPairTable?
    private let keys = DistinctKeys()
    /// The keys of a batch's rows.
    private var scratch = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
    private var scratchCapacity = 1

    private var groupCount = 0

    /// `pairsOnly`: strings go to pairs from the start (rows read back from a spill file come in pools of an
    /// entry a row, where code bitmaps would be one per group and record).
    init(type: SQLType, threads: Int, pairsOnly: Bool = false, budgets: Budgets = Budgets()) {
        self.type = type
        self.threads = threads
        self.budgets = budgets
        if type != .string || pairsOnly { pairs = DistinctPairTable() }
        if !pairsOnly && budgets.smallDomainValues > 0 { small = SmallDomainDistinct(type: type, limit: budgets.smallDomainValues) }
    }

    deinit { scratch.deallocate() }

    /// Whether this state holds pairs (else code bitmaps or the small domain).
    var usesPairs: Bool { pairs != nil && small == nil }
    /// Whether this state is still in the small-domain form.
    var usesSmallDomain: Bool { small != nil }

    func reserve(groups count: Int) {
        guard count > groupCount else { return }
        groupCount = count
        if let small { return small.reserve(groups: count) }
        reserveGeneralForm(count)
    }

    /// Grows the bitmap or pair form to `count` groups.
    private func reserveGeneralForm(_ count: Int) {
        if let pairs {
            pairs.reserve(groups: count)
        } else {
            while runs.count < count { runs.append([]); runIndex.append([:]) }
            stamps.append(contentsOf: repeatElement(0, count: count - stamps.count))
        }
    }

    /// Bytes of one (group, pool) bitmap.
    private static func runBytes(_ pool: StringPool) -> Int { runOverhead + (pool.count + 63) / 64 * 8 }

    /// The run of group `g` for `pool`, created empty on first sight.
    private func run(_ g: Int, _ pool: StringPool) -> Int {
        let key = ObjectIdentifier(pool)
        if let r = runIndex[g][key] { return r }
        runs[g].append((pool, CodeBitmap(codes: pool.count)))
        runIndex[g][key] = runs[g].count - 1
        poolRuns[key, default: 0] += 1
        bitmapBytes += Self.runBytes(pool)
        // The runs keep their pools alive: a pool computed for a batch (strings made by an expression) is
        // this state's memory too.
        if poolRuns[key] == 1 { poolBytes += pool.approximateBytes }
        return runs[g].count - 1
    }

    func update(_ input: Vector?, groups: [Int32], _ batch: Batch) throws {
        guard let input else { return }
        if let small {
            if small.add(input, groups: groups, batch) { return }
            leaveSmallDomain()
        }
        if type == .string, pairs == nil {
            if !bitmapsWouldOutgrow(input, groups, batch) { return updateBitmaps(input, groups, batch) }
            switchToPairs()
        }
        let table = pairs!
        groups.withUnsafeBufferPointer { gs in
            switch type {
            case .string:
                // The rows' keys first, in a loop of independent loads (a segment's code → key array is
                // megabytes, read at random: the loads overlap), then the inserts.
                let keys = self.keys
                if scratchCapacity < batch.count {
                    scratch.deallocate()
                    scratchCapacity = batch.count
                    scratch = .allocate(capacity: scratchCapacity)
                }
                let rowKeys = scratch
                // (A NULL row's code may lie outside the pool: it is not read.)
                keys.withPool(input.pool!, rows: batch.selectedCount) { view in
                    input.ints.withUnsafeBufferPointer { codes in
                        if let nulls = input.nulls {
                            batch.forEachSelected { i in if nulls[i] == 0 { rowKeys[i] = keys.key(code: Int(codes[i]), view) } }
                        } else {
                            batch.forEachSelected { i in rowKeys[i] = keys.key(code: Int(codes[i]), view) }
                        }
                    }
                }
                if let nulls = input.nulls {
                    batch.forEachSelected { i in if nulls[i] == 0 { table.insert(group: Int(gs[i]), key: rowKeys[i]) } }
                } else {
                    batch.forEachSelected { i in table.insert(group: Int(gs[i]), key: rowKeys[i]) }
                }
            case .float64:
                input.doubles.withUnsafeBufferPointer { v in
                    batch.forEachSelected { i in
                        if !input.isNull(i) { table.insert(group: Int(gs[i]), key: DistinctKeys.key(double: v[i])) }
                    }
                }
            default:
                input.ints.withUnsafeBufferPointer { v in
                    batch.forEachSelected { i in
                        if !input.isNull(i) { table.insert(group: Int(gs[i]), key: UInt64(bitPattern: v[i])) }
                    }
                }
            }
        }
    }

    /// Whether this batch's new bitmaps would break the rule (see the type's comment).
    private func bitmapsWouldOutgrow(_ input: Vector, _ groups: [Int32], _ batch: Batch) -> Bool {
        let pool = input.pool!, key = ObjectIdentifier(pool)
        var newRuns = 0
        if runs.count == 1 {
            newRuns = runIndex[0][key] == nil ? 1 : 0
        } else {
            batchNumber &+= 1
            if batchNumber == 0 {
                for g in stamps.indices { stamps[g] = 0 }
                batchNumber = 1
            }
            let stamp = batchNumber
            stamps.withUnsafeMutableBufferPointer { s in
                batch.forEachSelected { i in
                    if input.isNull(i) { return }
                    let g = Int(groups[i])
                    if s[g] != stamp {
                        s[g] = stamp
                        if runIndex[g][key] == nil { newRuns += 1 }
                    }
                }
            }
        }
        let bytes = Self.runBytes(pool)
        return ((poolRuns[key] ?? 0) + newRuns) * bytes > budgets.poolBitmapBytes || bitmapBytes + newRuns * bytes > budgets.bitmapBytes
    }

    private func updateBitmaps(_ input: Vector, _ groups: [Int32], _ batch: Batch) {
        var input = input
        // Counting across pools needs each sorted and free of repeats (a segment's dictionary is); the
        // pool of an expression (coalesce, lower, ||, CASE) may be neither: its strings are sorted first.
        if !input.pool!.isSorted { input = Self.sortedDistinct(input, batch) }
        let pool = input.pool!
        if runs.count == 1 {
            // One group (a global count): set bits straight into its bitmap.
            let bits = runs[0][run(0, pool)].bits
            input.ints.withUnsafeBufferPointer { codes in
                if let nulls = input.nulls {
                    batch.forEachSelected { i in if nulls[i] == 0 { bits.insert(codes[i]) } }
                } else {
                    batch.forEachSelected { i in bits.insert(codes[i]) }
                }
            }
            return
        }
        // Each group's bitmap for this pool, found on the group's first row of the batch.
        var bitmaps = [CodeBitmap?](repeating: nil, count: runs.count)
        input.ints.withUnsafeBufferPointer { codes in
            batch.forEachSelected { i in
                if input.isNull(i) { return }
                let g = Int(groups[i])
                if bitmaps[g] == nil { bitmaps[g] = runs[g][run(g, pool)].bits }
                bitmaps[g]!.insert(codes[i])
            }
        }
    }

    /// The batch's string vector over a pool of the distinct strings its selected, non-NULL rows hold, in
    /// byte order (other rows keep code 0).
    private static func sortedDistinct(_ input: Vector, _ batch: Batch) -> Vector {
        let pool = input.pool!
        var used = [Bool](repeating: false, count: pool.count)
        batch.forEachSelected { i in if !input.isNull(i) { used[Int(input.ints[i])] = true } }
        // By bytes: canonically equivalent spellings are distinct strings (ByteKey).
        let distinct = Set(used.indices.lazy.filter { used[$0] }.map { ByteKey(pool.string($0)) }).map(\.string)
            .sorted { Evaluator.byteOrder($0, $1) < 0 }
        var codeOf: [ByteKey: Int64] = [:]
        for (k, string) in distinct.enumerated() { codeOf[ByteKey(string)] = Int64(k) }
        let remap = used.indices.map { used[$0] ? codeOf[ByteKey(pool.string($0))]! : 0 }
        let out = Vector(type: .string, count: input.count)
        out.nulls = input.nulls
        out.pool = StringPool(strings: distinct, isSorted: true)
        batch.forEachSelected { i in out.ints[i] = input.isNull(i) ? 0 : remap[Int(input.ints[i])] }
        return out
    }

    /// Moves the small-domain state to the general form, for good (see the type's comment).
    private func leaveSmallDomain() {
        guard let held = small else { return }
        small = nil
        reserveGeneralForm(groupCount)
        pour(held, mapping: nil)
    }

    /// Adds a small-domain state (this one's, or another's whose group `g` is this state's `mapping[g]`) to
    /// the bitmaps or pairs. Bitmaps take it when the groups with values fit a pool's budget of them and the
    /// values' pools are sorted; otherwise the state turns to pairs first.
    private func pour(_ held: SmallDomainDistinct, mapping: [Int32]?) {
        if type == .string, pairs == nil {
            let largest = held.strings.map { Self.runBytes($0.pool) }.max() ?? 0
            if held.groupsWithValues * largest > budgets.poolBitmapBytes || held.strings.contains(where: { !$0.pool.isSorted }) {
                switchToPairs()
            }
        }
        if let table = pairs {
            let keys = self.keys
            let valueKeys = type == .string
                ? held.strings.map { v in keys.withPool(v.pool, rows: 0) { keys.key(code: v.code, $0) } }
                : held.numbers
            held.forEachGroup(mapping: mapping) { g, bits in for b in bits { table.insert(group: g, key: valueKeys[b]) } }
            return
        }
        held.forEachGroup(mapping: mapping) { g, bits in
            for b in bits {
                let v = held.strings[b]
                runs[g][run(g, v.pool)].bits.insert(Int64(v.code))
            }
        }
        if bitmapBytes > budgets.bitmapBytes { switchToPairs() }
    }

    /// Turns this state's bitmaps into pairs, for good.
    private func switchToPairs() {
        let table = DistinctPairTable()
        table.reserve(groups: groupCount)
        pairs = table
        let held = runs
        runs = []; runIndex = []; poolRuns = [:]; bitmapBytes = 0; poolBytes = 0; stamps = []
        pour(held, mapping: nil)
    }

    /// Adds bitmaps (of this state or another's, whose group `g` is this state's `mapping[g]`) to the pairs,
    /// a pool at a time (each pool's keys are computed once).
    private func pour(_ bitmapRuns: [[(pool: StringPool, bits: CodeBitmap)]], mapping: [Int32]?) {
        var byPool: [ObjectIdentifier: (pool: StringPool, runs: [(group: Int, bits: CodeBitmap)])] = [:]
        for (g, list) in bitmapRuns.enumerated() {
            let t = mapping.map { Int($0[g]) } ?? g
            for run in list { byPool[ObjectIdentifier(run.pool), default: (run.pool, [])].runs.append((t, run.bits)) }
        }
        let table = pairs!, keys = self.keys
        for (_, entry) in byPool {
            keys.withPool(entry.pool, rows: 0) { view in
                for (g, bits) in entry.runs {
                    bits.forEach { code in table.insert(group: g, key: keys.key(code: code, view)) }
                }
            }
        }
    }

    func merge(_ other: Accumulator, mapping: [Int32]) throws {
        let o = other as! DistinctAccumulator
        if let small, let theirs = o.small, small.merge(theirs, mapping: mapping) { return }
        leaveSmallDomain()
        if let theirs = o.small { return pour(theirs, mapping: mapping) }
        if pairs == nil && o.pairs == nil {
            for g in 0..<o.runs.count {
                let t = Int(mapping[g])
                for other in o.runs[g] {
                    runs[t][run(t, other.pool)].bits.formUnion(other.bits)
                }
            }
            return
        }
        if pairs == nil { switchToPairs() }
        if o.pairs == nil {
            pour(o.runs, mapping: mapping)
        } else {
            mergePairs(o, mapping: mapping)
        }
    }

    /// Moves another thread's pairs here, their groups mapped (and long strings' keys, each thread's own,
    /// translated); the other state's pairs are gone after.
    private func mergePairs(_ o: DistinctAccumulator, mapping: [Int32]) {
        let translates = type == .string && o.keys.long.count > 0
        let keys = self.keys, theirs = o.keys
        pairs!.absorb(o.pairs!, mapping: mapping, translate: translates ? { keys.translate($0, from: theirs) } : nil, threads: threads)
    }

    func result(groups: Int) -> Vector {
        if let small { return Vector(type: .int64, ints: small.counts(groups: groups)) }
        let v = Vector(type: .int64, count: groups)
        if let pairs {
            let counts = pairs.distinctCounts(groups: groups, threads: threads)
            v.ints.withUnsafeMutableBufferPointer { out in for g in 0..<groups { out[g] = counts[g] } }
        } else {
            let all = runs.prefix(groups).enumerated().flatMap { g, list in list.map { DistinctStrings.Run(group: g, pool: $0.pool, bits: $0.bits.words) } }
            let counts = DistinctStrings.count(all, groups: groups, threads: threads)
            for g in 0..<groups { v.ints[g] = Int64(counts[g]) }
        }
        return v
    }

    var approximateBytes: Int {
        if let small { return small.approximateBytes }
        if let pairs { return pairs.approximateBytes + keys.approximateBytes + scratchCapacity * 8 }
        return bitmapBytes + poolBytes + runs.count * 24
    }
}
