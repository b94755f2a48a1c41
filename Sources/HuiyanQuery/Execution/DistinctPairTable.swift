import Foundation

/// The distinct (group, value) pairs of an exact count(DISTINCT), for one thread: per group, an
/// open-addressing set of 64-bit value keys (`DistinctKeys`; linear probing, doubled when 3/4 full), each
/// set a region of one arena of keys. No allocation per row: regions come from the arena's end or from a
/// free list of regions of the same size that groups grew out of.
///
/// A group's values lie together: rows of a few groups at a time (time-ordered data — a block holds an hour
/// or a day of a few dozen spots) touch a few small regions that stay in cache, where one table hashed by
/// (group, value) would touch a random place of a table of every pair for every row (measured: 4× slower at
/// 10 M visits by spot and day).
final class DistinctPairTable {
    /// A free slot. A group holding this very key says so in `GroupSet.holdsEmptyKey`.
    static let empty = UInt64.max

    struct GroupSet {
        /// Where the region starts in the arena.
        var offset = 0
        /// Keys in the region.
        var stored: UInt32 = 0
        /// log2 of the region's slots; 0: no region yet.
        var capacityLog: UInt8 = 0
        var holdsEmptyKey: UInt8 = 0

        var count: Int { Int(stored) + Int(holdsEmptyKey) }
    }

    private(set) var sets: UnsafeMutablePointer<GroupSet>
    private var setCapacity: Int
    private(set) var groupCount = 0
    private var arena: UnsafeMutablePointer<UInt64>
    private var arenaCapacity: Int
    private var arenaUsed = 0
    /// Per size (log2), the first free region (its first slot holds the next one's offset), or -1.
    private var freeRegions = [Int](repeating: -1, count: 64)
    /// Groups whose values are still another table's group, lent at a merge instead of copied (its `stored`
    /// and `holdsEmptyKey` copied, no region of its own until something is added).
    private var lent: [Int: (table: DistinctPairTable, group: Int)] = [:]

    init() {
        setCapacity = 16
        sets = .allocate(capacity: setCapacity)
        arenaCapacity = 1 << 12
        arena = malloc(arenaCapacity * 8)!.assumingMemoryBound(to: UInt64.self)
    }

    deinit {
        sets.deallocate()
        free(arena)
    }

    /// Room for groups `0..<count`.
    func reserve(groups count: Int) {
        guard count > groupCount else { return }
        if count > setCapacity {
            var capacity = setCapacity * 2
            while capacity < count { capacity *= 2 }
            let grown = UnsafeMutablePointer<GroupSet>.allocate(capacity: capacity)
            grown.moveInitialize(from: sets, count: groupCount)
            sets.deallocate()
            sets = grown
            setCapacity = capacity
        }
        (sets + groupCount).initialize(repeating: GroupSet(), count: count - groupCount)
        groupCount = count
    }

    /// Distinct values of group `g`.
    @inline(__always)
    func count(group g: Int) -> Int { sets[g].count }

    @inline(__always)
    private static func hash(_ key: UInt64) -> Int {
        var h = key
        h ^= h >> 33; h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33; h &*= 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return Int(truncatingIfNeeded: h)
    }

    /// Adds `key` to group `g`'s set; true when it was not there.
    @inline(__always)
    func insert(group g: Int, key: UInt64) -> Bool {
        let set = sets + g
        if key == Self.empty {
            if set.pointee.holdsEmptyKey != 0 { return false }
            set.pointee.holdsEmptyKey = 1
            return true
        }
        let log = set.pointee.capacityLog
        if log == 0 {
            if set.pointee.stored > 0 {
                materialize(group: g)
                return insert(group: g, key: key)
            }
            set.pointee.offset = allocate(log: 4)
            set.pointee.capacityLog = 4
            place(key, in: set)
            return true
        }
        let mask = (1 << Int(log)) &- 1
        let base = arena + set.pointee.offset
        var s = Self.hash(key) & mask
        while true {
            let k = base[s]
            if k == key { return false }
            if k == Self.empty { break }
            s = (s &+ 1) & mask
        }
        if (Int(set.pointee.stored) &+ 1) &* 4 > (mask &+ 1) &* 3 {
            grow(set)
            place(key, in: set)
        } else {
            base[s] = key
            set.pointee.stored &+= 1
        }
        return true
    }

    /// Stores a key known to be absent from a set with room for it.
    @inline(__always)
    private func place(_ key: UInt64, in set: UnsafeMutablePointer<GroupSet>) {
        let mask = (1 << Int(set.pointee.capacityLog)) &- 1
        let base = arena + set.pointee.offset
        var s = Self.hash(key) & mask
        while base[s] != Self.empty { s = (s &+ 1) & mask }
        base[s] = key
        set.pointee.stored &+= 1
    }

    /// Moves a set into a region four times as large while below 1,024 slots, twice above (or `2^log`);
    /// the old region goes to its free list. (Growing by four while small cut the rehashing of a group of
    /// 1,000 values by a third.)
    private func grow(_ set: UnsafeMutablePointer<GroupSet>, toLog: Int? = nil) {
        let oldLog = Int(set.pointee.capacityLog), oldOffset = set.pointee.offset
        let newLog = toLog ?? (oldLog < 10 ? oldLog + 2 : oldLog + 1)
        let offset = allocate(log: newLog)
        let old = arena + oldOffset, mask = (1 << newLog) - 1
        let base = arena + offset
        for i in 0..<(1 << oldLog) where old[i] != Self.empty {
            var s = Self.hash(old[i]) & mask
            while base[s] != Self.empty { s = (s &+ 1) & mask }
            base[s] = old[i]
        }
        release(offset: oldOffset, log: oldLog)
        set.pointee.offset = offset
        set.pointee.capacityLog = UInt8(newLog)
    }

    /// Grows group `g`'s region, before a merge adds `incoming` keys from a region of `2^log` slots, to hold
    /// them all below 3/4 and to be no smaller than that region: keys taken from a region in slot order come
    /// in the order of their hash, and put into a smaller region of the same hash they would pile up into
    /// one ever longer run (quadratic: a merge of two 350,000-value groups took over a minute).
    func prepareMerge(group g: Int, incoming: Int, log: Int) {
        materialize(group: g)
        let set = sets + g
        var want = max(4, log)
        while (Int(set.pointee.stored) + incoming) * 4 > (1 << want) * 3 { want += 1 }
        if set.pointee.capacityLog == 0 {
            set.pointee.offset = allocate(log: want)
            set.pointee.capacityLog = UInt8(want)
        } else if Int(set.pointee.capacityLog) < want {
            grow(set, toLog: want)
        }
    }

    /// log2 of group `g`'s region (0: none).
    func capacityLog(group g: Int) -> Int { Int(sets[g].capacityLog) }

    /// A region of 2^log empty slots.
    private func allocate(log: Int) -> Int {
        let size = 1 << log
        var offset = freeRegions[log]
        if offset >= 0 {
            freeRegions[log] = Int(bitPattern: UInt(arena[offset]))
        } else {
            if arenaUsed + size > arenaCapacity {
                var capacity = arenaCapacity * 2
                while capacity < arenaUsed + size { capacity *= 2 }
                arena = realloc(arena, capacity * 8)!.assumingMemoryBound(to: UInt64.self)
                arenaCapacity = capacity
            }
            offset = arenaUsed
            arenaUsed += size
        }
        (arena + offset).update(repeating: Self.empty, count: size)
        return offset
    }

    private func release(offset: Int, log: Int) {
        arena[offset] = UInt64(bitPattern: Int64(freeRegions[log]))
        freeRegions[log] = offset
    }

    /// Calls `body` with every key of group `g` (not the empty key: see `holdsEmptyKey`).
    func forEachKey(group g: Int, _ body: (UInt64) -> Void) {
        let set = sets[g]
        if set.capacityLog == 0, set.stored > 0, let lender = lent[g] { return lender.table.forEachKey(group: lender.group, body) }
        guard set.capacityLog > 0 else { return }
        let base = arena + set.offset
        for i in 0..<(1 << Int(set.capacityLog)) where base[i] != Self.empty { body(base[i]) }
    }

    /// Group `g` of `other` becomes this table's group `t` when `t` holds nothing yet: lent, not copied
    /// (`other` must not change afterwards; keys hash alike in both tables). False when `t` is not empty.
    func adopt(group g: Int, of other: DistinctPairTable, into t: Int) -> Bool {
        let from = other.sets[g], set = sets + t
        guard set.pointee.count == 0 else { return false }
        if from.capacityLog == 0, from.stored > 0, let lender = other.lent[g] {
            lent[t] = lender
        } else if from.stored > 0 {
            lent[t] = (other, g)
        }
        set.pointee.stored = from.stored
        set.pointee.holdsEmptyKey = from.holdsEmptyKey
        return true
    }

    /// Gives a lent group a copy of its values in a region of its own.
    private func materialize(group g: Int) {
        let set = sets + g
        guard set.pointee.capacityLog == 0, set.pointee.stored > 0, let lender = lent.removeValue(forKey: g) else { return }
        let from = lender.table.sets[lender.group]
        let offset = allocate(log: Int(from.capacityLog))
        (arena + offset).update(from: lender.table.arena + from.offset, count: 1 << Int(from.capacityLog))
        set.pointee.offset = offset
        set.pointee.capacityLog = from.capacityLog
    }

    /// Whether group `g` holds `empty` as a value.
    func holdsEmptyKey(group g: Int) -> Bool { sets[g].holdsEmptyKey != 0 }

    /// Bytes held (for the memory limit).
    var approximateBytes: Int { arenaCapacity * 8 + setCapacity * MemoryLayout<GroupSet>.stride }
}
