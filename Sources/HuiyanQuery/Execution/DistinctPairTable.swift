import Foundation
import HuiyanStorage

/// The (group, value) pairs of an exact count(DISTINCT), for one thread, kept in two phases as a
/// radix-partitioned hash aggregate keeps its rows.
///
/// - While the rows come, a pair is only appended to one of 256 partitions, picked by bits of the value's
///   key: a store at a partition's end, no probe. (One open-addressing set per group, or one table of
///   every pair, touched a random cache line of megabytes for every row: 48 % of by-spot-and-hour at 10 M visits.)
/// - When counted, each partition is deduplicated on its own: its pairs fit a set of at most `setSlots`
///   slots, which stays in the core's cache; a larger partition is first split by bits of the pair's hash.
///   Partitions are independent (equal pairs hash alike), so they are counted on every thread at once.
///
/// Memory: 12 bytes a pair held. Rows that repeat pairs are folded in place now and then (`compact`) once the
/// pairs added since the last fold outnumber the distinct ones, so the table follows the distinct pairs,
/// within a factor of two, rather than the rows; the fold stops being tried while it finds few repeats.
/// No allocation per row: each partition is one buffer grown by doubling.
final class DistinctPairTable {
    /// One pair: the value's key (`DistinctKeys`) and the group, in 12 bytes (the key as two halves, so that
    /// the pair is aligned to 4: a quarter less memory than 16).
    struct Pair {
        private var keyLow: UInt32
        private var keyHigh: UInt32
        var group: UInt32

        @inline(__always)
        init(key: UInt64, group: UInt32) {
            keyLow = UInt32(truncatingIfNeeded: key)
            keyHigh = UInt32(truncatingIfNeeded: key >> 32)
            self.group = group
        }

        var key: UInt64 {
            @inline(__always) get { UInt64(keyHigh) << 32 | UInt64(keyLow) }
        }

        /// The high half of the pair's hash: its top bits split a large partition, its low bits place the pair
        /// in a set.
        var hash: UInt32 {
            @inline(__always) get { UInt32(truncatingIfNeeded: DistinctPairTable.hash(key, group) >> 32) }
        }
    }

    static let partitionBits = 8
    static let partitionCount = 1 << partitionBits
    /// Slots of the set that deduplicates one partition or sub-partition (12 bytes each: 384 KiB, under half the
    /// core's level-2 cache); a part with more than half as many pairs is split first.
    let setSlots: Int
    /// The pairs added since the last fold before the first fold is tried (64 MiB of pairs).
    let firstFold: Int

    /// One partition's buffer: `count` pairs of `capacity` (nil until its first pair).
    struct Partition {
        var pairs: UnsafeMutablePointer<Pair>?
        var count = 0
        var capacity = 0
    }

    /// The partitions' headers, `partitionCount` of them.
    private let partitions: UnsafeMutablePointer<Partition>
    private(set) var groupCount = 0
    /// Pairs held in all, and how many of them were distinct at the last fold.
    private var held = 0
    private var heldDistinct = 0
    /// Pairs added since the last fold above which the next fold is tried.
    private var foldThreshold: Int

    /// Tests lower `setSlots` and `firstFold` to split and fold small tables.
    init(setSlots: Int = 1 << 15, firstFold: Int = 1 << 22) {
        self.setSlots = setSlots
        self.firstFold = firstFold
        foldThreshold = firstFold
        partitions = .allocate(capacity: Self.partitionCount)
        partitions.initialize(repeating: Partition(), count: Self.partitionCount)
    }

    deinit {
        for p in 0..<Self.partitionCount { free(partitions[p].pairs) }
        partitions.deallocate()
    }

    /// Room for groups `0..<count`.
    func reserve(groups count: Int) {
        groupCount = max(groupCount, count)
    }

    /// A 64-bit mix of a pair (with `group` 0, of a key alone).
    @inline(__always)
    static func hash(_ key: UInt64, _ group: UInt32) -> UInt64 {
        var h = key ^ (UInt64(group) &* 0x9E37_79B9_7F4A_7C15)
        h ^= h >> 33; h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33; h &*= 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    /// The partition of a key: all pairs of one value lie in one partition, whatever their groups (so that
    /// a merge that renumbers groups keeps every pair in its partition).
    @inline(__always)
    static func partition(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - partitionBits))
    }

    /// Adds the pair (group `g`, `key`); a pair already held is folded when the table is counted.
    @inline(__always)
    func insert(group g: Int, key: UInt64) {
        let part = partitions + Self.partition(key)
        let n = part.pointee.count
        if n == part.pointee.capacity { Self.grow(part, to: Swift.max(8, n * 2)) }
        part.pointee.pairs.unsafelyUnwrapped[n] = Pair(key: key, group: UInt32(truncatingIfNeeded: g))
        part.pointee.count = n &+ 1
        held &+= 1
        if held &- heldDistinct >= foldThreshold && held &- heldDistinct >= heldDistinct { compactForMemory() }
    }

    private static func grow(_ part: UnsafeMutablePointer<Partition>, to capacity: Int) {
        guard let grown = realloc(part.pointee.pairs, capacity * MemoryLayout<Pair>.stride) else { fatalError("out of memory") }
        part.pointee.pairs = grown.assumingMemoryBound(to: Pair.self)
        part.pointee.capacity = capacity
    }

    /// Moves every pair of `other` here, its group `g` becoming `mapping[g]` and its keys `translate`d (long
    /// strings' keys are each thread's own); partitions on up to `threads` threads at once. `other` is left
    /// empty: each of its partitions is freed once moved (a merge holds both tables' pairs no longer than that).
    func absorb(_ other: DistinctPairTable, mapping: [Int32], translate: ((UInt64) -> UInt64)? = nil, threads: Int = 1) {
        defer {
            other.held = 0
            other.heldDistinct = 0
        }
        if let translate {
            mapping.withUnsafeBufferPointer { mapping in
                for p in 0..<Self.partitionCount {
                    let from = other.partitions + p
                    for i in 0..<from.pointee.count {
                        let pair = from.pointee.pairs![i]
                        insert(group: Int(mapping[Int(pair.group)]), key: translate(pair.key))
                    }
                    Self.empty(from)
                }
            }
            return
        }
        // Keys unchanged: each partition's pairs go to the same partition here, renumbered.
        let workers = Swift.max(1, Swift.min(threads, Self.partitionCount))
        let partitions = self.partitions
        mapping.withUnsafeBufferPointer { mapping in
            ConcurrentLoop.forEach(workers) { w in
                for p in stride(from: w, to: Self.partitionCount, by: workers) {
                    let from = other.partitions + p
                    let moving = from.pointee.count
                    guard moving > 0 else { continue }
                    let part = partitions + p
                    let n = part.pointee.count
                    if n + moving > part.pointee.capacity { Self.grow(part, to: Swift.max(8, n + moving, part.pointee.capacity * 2)) }
                    let to = part.pointee.pairs! + n, source = from.pointee.pairs!
                    for i in 0..<moving {
                        let pair = source[i]
                        to[i] = Pair(key: pair.key, group: UInt32(bitPattern: mapping[Int(pair.group)]))
                    }
                    part.pointee.count = n + moving
                    Self.empty(from)
                }
            }
        }
        held += other.held
        if held - heldDistinct >= foldThreshold && held - heldDistinct >= heldDistinct { compactForMemory() }
    }

    /// Frees a partition's buffer.
    private static func empty(_ part: UnsafeMutablePointer<Partition>) {
        free(part.pointee.pairs)
        part.pointee = Partition()
    }

    /// Folds every partition to its distinct pairs (between rows, to keep the memory to the distinct pairs), when
    /// that pays. The largest partition is folded first: its pairs are picked by their keys' hash, so its repeats
    /// stand for the table's (and a value repeated very often lands in it). When under a quarter of its new pairs
    /// were repeats, or after a whole fold that found as few, the rest wait: the next fold waits for twice as many
    /// new pairs. (Random ids by spot and day repeat rarely: folding the whole table there was a third of the
    /// count's work, for nothing.)
    private func compactForMemory() {
        let before = held
        let newShare = Double(held - heldDistinct) / Double(held)
        var largest = 0
        for p in 1..<Self.partitionCount where partitions[p].count > partitions[largest].count { largest = p }
        let sampled = partitions[largest].count
        var folder = PartitionFolder(setSlots: setSlots)
        partitions[largest].count = folder.fold(partitions[largest].pairs!, sampled, level: 0, tally: nil)
        folder.release()
        held -= sampled - partitions[largest].count
        if Double(sampled - partitions[largest].count) * 4 < Double(sampled) * newShare {
            foldThreshold *= 2
            heldDistinct = held
            return
        }
        _ = compact(threads: 1, counting: false)
        if (before - held) * 4 < before - heldDistinct { foldThreshold *= 2 }
        heldDistinct = held
    }

    /// Distinct values of each group `0..<groups` (after folding the table to its distinct pairs).
    func distinctCounts(groups: Int, threads: Int) -> [Int64] {
        Array(compact(threads: threads, counting: true, groups: Swift.max(groups, groupCount)).prefix(groups))
    }

    /// Folds every partition to its distinct pairs, on up to `threads` threads; with `counting`, returns each
    /// group's count of them (groups `0..<groups`).
    private func compact(threads: Int, counting: Bool, groups: Int = 0) -> [Int64] {
        let workers = Swift.max(1, Swift.min(threads, Self.partitionCount))
        var perWorker = [[Int64]](repeating: [], count: workers)
        let partitions = self.partitions
        perWorker.withUnsafeMutableBufferPointer { perWorker in
            let perWorker = perWorker
            ConcurrentLoop.forEach(workers) { w in
                var tally = counting ? [Int64](repeating: 0, count: groups) : []
                var folder = PartitionFolder(setSlots: setSlots)
                defer { folder.release() }
                tally.withUnsafeMutableBufferPointer { tally in
                    for p in stride(from: w, to: Self.partitionCount, by: workers) {
                        guard let pairs = partitions[p].pairs else { continue }
                        partitions[p].count = folder.fold(pairs, partitions[p].count, level: 0, tally: counting ? tally.baseAddress : nil)
                    }
                }
                perWorker[w] = tally
            }
        }
        held = (0..<Self.partitionCount).reduce(0) { $0 + partitions[$1].count }
        guard counting else { return [] }
        var total = perWorker[0]
        for w in perWorker.dropFirst() { for g in 0..<groups { total[g] += w[g] } }
        return total
    }

    /// Bytes held (for the memory limit).
    var approximateBytes: Int {
        (0..<Self.partitionCount).reduce(0) { $0 + partitions[$1].capacity } * MemoryLayout<Pair>.stride + Self.partitionCount * 24
    }
}

/// Folds a run of pairs to its distinct ones, in place: by a set that fits the cache, or, for a run too large
/// for one, by splitting it on four more bits of the pairs' hash into 16 parts first. One per thread: its set and
/// its split buffer are reused from run to run.
struct PartitionFolder {
    typealias Pair = DistinctPairTable.Pair
    let setSlots: Int
    /// The set (`slotCapacity` slots, grown to what runs need, up to `setSlots`).
    private var slots: UnsafeMutablePointer<Pair>?
    private var slotCapacity = 0
    private var scratch: [UnsafeMutablePointer<Pair>?] = []
    private var scratchCapacity: [Int] = []

    init(setSlots: Int) { self.setSlots = setSlots }

    /// The number of distinct pairs, now `run[0..<result]`; each new pair adds one to `tally[group]`.
    mutating func fold(_ run: UnsafeMutablePointer<Pair>, _ count: Int, level: Int, tally: UnsafeMutablePointer<Int64>?) -> Int {
        fold(UnsafePointer(run), count, into: run, level: level, tally: tally)
    }

    /// Folds `count` pairs from `source` into `target` (which may be `source`: a pair is written no later
    /// than it is read); the number of distinct pairs written.
    private mutating func fold(_ source: UnsafePointer<Pair>, _ count: Int, into target: UnsafeMutablePointer<Pair>, level: Int,
                               tally: UnsafeMutablePointer<Int64>?) -> Int {
        // Four bits of the pair's hash a level, from the top, while they stay clear of the set's bits.
        let shift = 28 - 4 * level
        if count * 2 <= setSlots || shift < 16 { return foldBySet(source, count, into: target, tally: tally) }
        if scratch.count <= level {
            scratch.append(nil)
            scratchCapacity.append(0)
        }
        if scratchCapacity[level] < count {
            free(scratch[level])
            // The parts' pairs, then a byte a pair: its part (the hash is computed once).
            guard let memory = malloc(count * (MemoryLayout<Pair>.stride + 1)) else { fatalError("out of memory") }
            scratch[level] = memory.assumingMemoryBound(to: Pair.self)
            scratchCapacity[level] = count
        }
        let parts = scratch[level]!
        let partOf = UnsafeMutableRawPointer(parts + scratchCapacity[level]).assumingMemoryBound(to: UInt8.self)
        // Counting sort by the 4 bits (sizes, then each part's start and end), then each part folded into
        // the target, one after another.
        var bounds = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &bounds) { raw -> Int in
            let start = raw.baseAddress!.assumingMemoryBound(to: Int.self), end = start + 16
            let bits = UInt32(shift)
            for i in 0..<count {
                let b = UInt8(truncatingIfNeeded: source[i].hash >> bits) & 15
                partOf[i] = b
                start[Int(b)] += 1
            }
            var offset = 0
            for b in 0..<16 {
                let size = start[b]
                start[b] = offset
                end[b] = offset
                offset += size
            }
            for i in 0..<count {
                let b = Int(partOf[i])
                parts[end[b]] = source[i]
                end[b] += 1
            }
            var kept = 0
            for b in 0..<16 {
                kept += fold(parts + start[b], end[b] - start[b], into: target + kept, level: level + 1, tally: tally)
            }
            return kept
        }
    }

    /// Folds pairs through an open-addressing set placed by the low bits of their hash's high half (runs of at most
    /// `setSlots / 2` pairs; a run that cannot be split further gets a set of its own size).
    private mutating func foldBySet(_ source: UnsafePointer<Pair>, _ count: Int, into target: UnsafeMutablePointer<Pair>,
                                    tally: UnsafeMutablePointer<Int64>?) -> Int {
        guard count > 1 else {
            if count == 1 {
                target[0] = source[0]
                if let tally { tally[Int(source[0].group)] += 1 }
            }
            return count
        }
        var capacity = 16
        while capacity < count * 2 { capacity *= 2 }
        let set: UnsafeMutablePointer<Pair>
        if capacity <= setSlots {
            if slotCapacity < capacity {
                slots?.deallocate()
                slots = .allocate(capacity: capacity)
                slotCapacity = capacity
            }
            set = slots!
        } else {
            set = .allocate(capacity: capacity)
        }
        defer { if capacity > setSlots { set.deallocate() } }
        // A set larger than the high half's free bits is placed by the whole hash.
        let whole = capacity > 1 << 16
        let empty = UInt32.max
        for s in 0..<capacity { set[s].group = empty }
        let mask = capacity - 1
        var kept = 0
        for i in 0..<count {
            let pair = source[i]
            var s = (whole ? Int(truncatingIfNeeded: DistinctPairTable.hash(pair.key, pair.group)) : Int(pair.hash)) & mask
            while true {
                let slot = set[s]
                if slot.group == empty {
                    set[s] = pair
                    target[kept] = pair
                    kept += 1
                    if let tally { tally[Int(pair.group)] += 1 }
                    break
                }
                if slot.group == pair.group && slot.key == pair.key { break }
                s = (s &+ 1) & mask
            }
        }
        return kept
    }

    /// Frees the set and the split buffers.
    mutating func release() {
        slots?.deallocate()
        slots = nil
        slotCapacity = 0
        for buffer in scratch { free(buffer) }
        scratch = []
        scratchCapacity = []
    }
}
