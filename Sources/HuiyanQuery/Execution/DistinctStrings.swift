import CXXHash
import HuiyanStorage
import Foundation

/// Exact count(DISTINCT) of strings per group, over the codes each group saw in each dictionary (segment
/// dictionaries differ, so equal strings have different codes across segments).
///
/// A group that saw one dictionary only counts its codes. Otherwise every (group, string) is hashed once,
/// with strings of up to 15 bytes (visitor and order ids) copied beside their hash; the entries are
/// partitioned by the hash's top bits so that each partition's table fits in cache, and each partition is
/// counted in an open-addressing table on its own thread. Equal hashes are confirmed by comparing the
/// strings — inline ones without touching the dictionaries again — so the count is exact.
/// Memory: 32 bytes per (group, string) seen in a group's several dictionaries.
enum DistinctStrings {
    /// The codes group `group` saw in `pool`, as a bitmap.
    struct Run {
        let group: Int
        let pool: StringPool
        let bits: [UInt64]
    }

    /// Distinct strings per group (`groups` results).
    static func count(_ runs: [Run], groups: Int, threads: Int = 2) -> [Int] {
        var result = [Int](repeating: 0, count: groups)
        var runsPerGroup = [Int](repeating: 0, count: groups)
        for run in runs { runsPerGroup[run.group] += 1 }
        // Groups with one dictionary: their codes are their distinct strings.
        var hashed: [Run] = []
        for run in runs {
            if runsPerGroup[run.group] == 1 {
                result[run.group] = run.bits.reduce(0) { $0 + $1.nonzeroBitCount }
            } else {
                hashed.append(run)
            }
        }
        guard !hashed.isEmpty else { return result }
        let counted = countHashed(hashed, groups: groups, threads: threads)
        for g in 0..<groups { result[g] += counted[g] }
        return result
    }

    /// One (group, string): its hash, and the string itself when it has at most 15 bytes (`head`, then
    /// `tail` with the length in its top byte), else where its bytes are (`head` = run << 32 | code, and
    /// `tail` = `long`).
    private struct Entry {
        var hash: UInt64
        var head: UInt64
        var tail: UInt64
        var group: UInt32

        static let long = UInt64(0xFF) << 56
    }

    private static func countHashed(_ runs: [Run], groups: Int, threads: Int) -> [Int] {
        // The distinct dictionaries (groups share their segments' pools), and each run's.
        var poolIndex: [ObjectIdentifier: Int] = [:]
        var dictionaries: [StringDictionary] = []
        let dictionaryOf = runs.map { run -> Int in
            if let i = poolIndex[ObjectIdentifier(run.pool)] { return i }
            dictionaries.append(run.pool.dictionary)
            poolIndex[ObjectIdentifier(run.pool)] = dictionaries.count - 1
            return dictionaries.count - 1
        }
        return withDictionaryBytes(dictionaries) { poolBytes, poolStarts in
            let bytes = dictionaryOf.map { poolBytes[$0] }, starts = dictionaryOf.map { poolStarts[$0] }
            let ends = dictionaryOf.map { dictionaries[$0].bytes.count }
            // Hash every (group, string) once, each thread its share of the runs, into its own partitions:
            // as many as keep a partition's entries and table within a core's cache (about 16,000 entries).
            let total = runs.reduce(0) { $0 + $1.bits.reduce(0) { $0 + $1.nonzeroBitCount } }
            var bits = 6
            while bits < 14 && total >> bits > 16_384 { bits += 1 }
            let partitions = 1 << bits, shift = UInt64(64 - bits)
            let workers = max(1, min(threads, runs.count))
            let expected = total / (partitions * workers)
            var hashed = [[EntryBuffer]](repeating: [], count: workers)
            defer { for share in hashed { for buffer in share { buffer.free() } } }
            hashed.withUnsafeMutableBufferPointer { out in
                let results = out
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    var local = (0..<partitions).map { _ in EntryBuffer(capacity: expected + expected / 4 + 16) }
                    local.withUnsafeMutableBufferPointer { local in
                        for r in stride(from: worker, to: runs.count, by: workers) {
                            let run = runs[r]
                            let salt = UInt64(run.group) &* 0x9E37_79B9_7F4A_7C15
                            let base = bytes[r], offsets = starts[r], end = ends[r]
                            for (w, word) in run.bits.enumerated() {
                                var rest = word
                                while rest != 0 {
                                    let code = w * 64 + rest.trailingZeroBitCount
                                    rest &= rest - 1
                                    let start = offsets[code], length = offsets[code + 1] - start
                                    let hash = mix(XXH3_64bits(base + start, length) ^ salt)
                                    var entry = Entry(hash: hash, head: UInt64(r) << 32 | UInt64(code), tail: Entry.long, group: UInt32(run.group))
                                    if length <= 15 {
                                        let (head, tail) = inlineBytes(base + start, length, readable: end - start)
                                        entry.head = head
                                        entry.tail = tail | UInt64(length) << 56
                                    }
                                    local[Int(hash >> shift)].append(entry)
                                }
                            }
                        }
                    }
                    results[worker] = local
                }
            }
            // Count each partition (the threads' shares of it together) in its own table.
            var perWorker = [[Int]](repeating: [Int](repeating: 0, count: groups), count: workers)
            perWorker.withUnsafeMutableBufferPointer { out in
                let counts = out
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    var mine = [Int](repeating: 0, count: groups)
                    var table: [UInt64] = []
                    for p in stride(from: worker, to: partitions, by: workers) {
                        let shares = hashed.map { UnsafeBufferPointer(start: $0[p].base, count: $0[p].count) }
                        countPartition(shares, bytes: bytes, starts: starts, table: &table, into: &mine)
                    }
                    counts[worker] = mine
                }
            }
            return (0..<groups).map { g in perWorker.reduce(0) { $0 + $1[g] } }
        }
    }

    /// A growable buffer of entries without the uniqueness checks of a nested array's append; freed by its
    /// owner. (Staging entries per partition to move them eight at a time measured a third slower.)
    private struct EntryBuffer {
        var base: UnsafeMutablePointer<Entry>
        var count = 0
        var capacity: Int

        init(capacity: Int) {
            self.capacity = Swift.max(16, capacity)
            base = .allocate(capacity: self.capacity)
        }

        @inline(__always)
        mutating func append(_ entry: Entry) {
            if count == capacity {
                let grown = UnsafeMutablePointer<Entry>.allocate(capacity: capacity * 2)
                grown.moveInitialize(from: base, count: count)
                base.deallocate()
                base = grown
                capacity *= 2
            }
            (base + count).initialize(to: entry)
            count += 1
        }

        func free() { base.deallocate() }
    }

    /// Inserts a partition's entries (each thread's share of it) into an open-addressing table; each new
    /// (group, string) adds one to its group. A slot holds 32 bits of the hash beside the entry's number + 1
    /// (numbered across the shares), so that probing past other keys does not touch their entries.
    private static func countPartition(_ shares: [UnsafeBufferPointer<Entry>], bytes: [UnsafePointer<UInt8>],
                                       starts: [UnsafePointer<Int>], table: inout [UInt64], into counts: inout [Int]) {
        let total = shares.reduce(0) { $0 + $1.count }
        guard total > 0 else { return }
        var capacity = 16
        while capacity < total * 2 { capacity <<= 1 }
        if table.count < capacity { table = [UInt64](repeating: 0, count: capacity) }
        else { for i in 0..<capacity { table[i] = 0 } }
        let mask = capacity - 1
        func entry(_ number: Int) -> Entry {
            var n = number
            for share in shares {
                if n < share.count { return share[n] }
                n -= share.count
            }
            fatalError("entry \(number) of \(total)")
        }
        table.withUnsafeMutableBufferPointer { slots in
            var number = 0
            for share in shares {
                for e in share {
                    number += 1
                    let tag = e.hash & 0xFFFF_FFFF_0000_0000
                    var s = Int(truncatingIfNeeded: e.hash) & mask
                    while true {
                        let slot = slots[s]
                        if slot == 0 {
                            slots[s] = tag | UInt64(number)
                            counts[Int(e.group)] += 1
                            break
                        }
                        if slot & 0xFFFF_FFFF_0000_0000 == tag {
                            let other = entry(Int(slot & 0xFFFF_FFFF) - 1)
                            if other.hash == e.hash, other.group == e.group, other.tail == e.tail,
                               other.head == e.head || (e.tail == Entry.long && sameBytes(bytes, starts, other.head, e.head)) {
                                break
                            }
                        }
                        s = (s + 1) & mask
                    }
                }
            }
        }
    }

    /// Up to 15 bytes as two words, zero-padded; two unaligned loads when 16 bytes are readable (a copy
    /// through memory measured ten times slower: the loads waited for the copy's stores).
    @inline(__always)
    private static func inlineBytes(_ p: UnsafePointer<UInt8>, _ length: Int, readable: Int) -> (UInt64, UInt64) {
        if readable >= 16 {
            let raw = UnsafeRawPointer(p)
            let a = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
            let b = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            let keepA: UInt64 = length >= 8 ? ~0 : (UInt64(1) << UInt64(length * 8)) &- 1
            let keepB: UInt64 = length <= 8 ? 0 : (UInt64(1) << UInt64((length - 8) * 8)) &- 1
            return (a & keepA, b & keepB)
        }
        var a: UInt64 = 0, b: UInt64 = 0
        for i in 0..<length {
            if i < 8 { a |= UInt64(p[i]) << UInt64(i * 8) } else { b |= UInt64(p[i]) << UInt64((i - 8) * 8) }
        }
        return (a, b)
    }

    @inline(__always)
    private static func sameBytes(_ bytes: [UnsafePointer<UInt8>], _ starts: [UnsafePointer<Int>], _ a: UInt64, _ b: UInt64) -> Bool {
        let (r1, c1, r2, c2) = (Int(a >> 32), Int(a & 0xFFFF_FFFF), Int(b >> 32), Int(b & 0xFFFF_FFFF))
        let s1 = starts[r1][c1], n1 = starts[r1][c1 + 1] - s1
        let s2 = starts[r2][c2], n2 = starts[r2][c2 + 1] - s2
        return n1 == n2 && (n1 == 0 || memcmp(bytes[r1] + s1, bytes[r2] + s2, n1) == 0)
    }

    /// A final 64-bit mixer (from MurmurHash3): spreads the salted hash over every bit.
    @inline(__always)
    private static func mix(_ x: UInt64) -> UInt64 {
        var h = x
        h ^= h >> 33; h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33; h &*= 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    /// Calls `body` with stable pointers to every dictionary's bytes and string starts.
    private static func withDictionaryBytes<R>(_ dictionaries: [StringDictionary],
                                               _ body: ([UnsafePointer<UInt8>], [UnsafePointer<Int>]) -> R) -> R {
        var bytes: [UnsafePointer<UInt8>] = [], starts: [UnsafePointer<Int>] = []
        func next(_ i: Int) -> R {
            guard i < dictionaries.count else { return body(bytes, starts) }
            return dictionaries[i].bytes.withUnsafeBufferPointer { b in
                dictionaries[i].starts.withUnsafeBufferPointer { s in
                    // An empty dictionary's bytes may have no address; it is never read.
                    bytes.append(b.baseAddress ?? UnsafePointer(bitPattern: 1)!)
                    starts.append(s.baseAddress!)
                    return next(i + 1)
                }
            }
        }
        return next(0)
    }
}
