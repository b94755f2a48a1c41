import HuiyanStorage

/// count(DISTINCT x) per group while x has taken few values in all (at most `limit`, 256 by default): each
/// value gets a bit, each group a mask of `words` 64-bit words, and a row is one OR. Counting a low-cardinality
/// column in many groups (spots per visitor, counties per product) costs 8 bytes a group instead of a set a
/// group, and two states merge by OR through the groups' mapping — so the dictionary merge can take it.
///
/// Values are identified by their bytes (strings) or their 64-bit key (numbers, as `DistinctKeys` makes them),
/// the same on every thread and segment. A string pool's codes are translated to bits once per pool (a cache
/// of the last pool). When a value past the limit arrives, `add` says so and the owner moves the state to
/// its general form (`DistinctAccumulator`'s bitmaps or pairs), through `forEachValue`.
final class SmallDomainDistinct {
    /// Values beyond which the state gives up.
    let limit: Int
    let type: SQLType
    /// Words of each group's mask: 1, 2 or 4.
    private(set) var words = 1
    /// groups × words.
    private(set) var masks: [UInt64] = []
    private(set) var groupCount = 0

    /// The values in bit order: a string's bytes and where it was first seen (for the general form), or a
    /// number's key.
    private(set) var strings: [(bytes: [UInt8], pool: StringPool, code: Int)] = []
    private(set) var numbers: [UInt64] = []
    private var bitOfString: [[UInt8]: Int] = [:]
    /// Open addressing over number keys: slot → bit + 1 (0: empty).
    private var numberSlots = [Int32](repeating: 0, count: 1024)

    /// The last pool's code → bit + 1 (0: not looked up yet).
    private var cachedPool: StringPool?
    private var poolBits: [UInt16] = []
    /// A batch's rows' bits (0xFFFF: NULL or not selected).
    private var rowBits: [UInt16] = []

    init(type: SQLType, limit: Int = 256) {
        self.type = type
        self.limit = min(limit, 256)
    }

    var valueCount: Int { type == .string ? strings.count : numbers.count }

    func reserve(groups count: Int) {
        guard count > groupCount else { return }
        masks.append(contentsOf: repeatElement(0, count: (count - groupCount) * words))
        groupCount = count
    }

    var approximateBytes: Int { masks.count * 8 + poolBits.count * 2 + rowBits.count * 2 + strings.count * 64 + numberSlots.count * 4 }

    /// Adds the selected rows; false when they hold a value past the limit (nothing is lost: rows already
    /// set stay set, and adding them again in another form is harmless).
    func add(_ input: Vector, groups: [Int32], _ batch: Batch) -> Bool {
        if rowBits.count < batch.count { rowBits = [UInt16](repeating: 0, count: batch.count) }
        guard resolve(input, batch) else { return false }
        let w = words
        masks.withUnsafeMutableBufferPointer { m in
            rowBits.withUnsafeBufferPointer { bits in
                groups.withUnsafeBufferPointer { g in
                    if w == 1 {
                        let ahead = g.count - prefetchDistance
                        batch.forEachSelected { i in
                            if i < ahead { prefetchForWrite(m.baseAddress!, Int(g[i + prefetchDistance])) }
                            let b = bits[i]
                            if b != 0xFFFF { m[Int(g[i])] |= 1 &<< UInt64(b) }
                        }
                    } else {
                        batch.forEachSelected { i in
                            let b = bits[i]
                            if b != 0xFFFF { m[Int(g[i]) &* w &+ Int(b &>> 6)] |= 1 &<< UInt64(b & 63) }
                        }
                    }
                }
            }
        }
        return true
    }

    /// Each selected row's bit into `rowBits`, new values given bits; false past the limit.
    private func resolve(_ input: Vector, _ batch: Batch) -> Bool {
        var ok = true
        switch type {
        case .string:
            let pool = input.pool!
            if cachedPool !== pool {
                cachedPool = pool
                poolBits.removeAll(keepingCapacity: true)
                poolBits.append(contentsOf: repeatElement(0, count: pool.count))
            }
            input.ints.withUnsafeBufferPointer { codes in
                batch.forEachSelected { i in
                    guard ok else { return }
                    if input.isNull(i) { rowBits[i] = 0xFFFF; return }
                    let code = Int(codes[i])
                    var b = poolBits[code]
                    if b == 0 {
                        guard let bit = bit(ofEntry: code, pool) else { ok = false; return }
                        b = UInt16(bit + 1)
                        poolBits[code] = b
                    }
                    rowBits[i] = b - 1
                }
            }
        case .float64:
            input.doubles.withUnsafeBufferPointer { v in
                batch.forEachSelected { i in
                    guard ok else { return }
                    if input.isNull(i) { rowBits[i] = 0xFFFF; return }
                    guard let bit = bit(ofNumber: DistinctKeys.key(double: v[i])) else { ok = false; return }
                    rowBits[i] = UInt16(bit)
                }
            }
        default:
            input.ints.withUnsafeBufferPointer { v in
                batch.forEachSelected { i in
                    guard ok else { return }
                    if input.isNull(i) { rowBits[i] = 0xFFFF; return }
                    guard let bit = bit(ofNumber: UInt64(bitPattern: v[i])) else { ok = false; return }
                    rowBits[i] = UInt16(bit)
                }
            }
        }
        return ok
    }

    /// The bit of a pool's entry, given one if new; nil past the limit.
    private func bit(ofEntry code: Int, _ pool: StringPool) -> Int? {
        let bytes = pool.withBytes(at: code) { Array($0.bindMemory(to: UInt8.self)) }
        if let b = bitOfString[bytes] { return b }
        guard strings.count < limit else { return nil }
        strings.append((bytes, pool, code))
        bitOfString[bytes] = strings.count - 1
        widenIfNeeded()
        return strings.count - 1
    }

    /// The bit of a number's key, given one if new; nil past the limit.
    @inline(__always)
    private func bit(ofNumber key: UInt64) -> Int? {
        let mask = numberSlots.count - 1
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 54) & mask
        while true {
            let entry = Int(numberSlots[slot])
            if entry == 0 { break }
            if numbers[entry - 1] == key { return entry - 1 }
            slot = (slot + 1) & mask
        }
        guard numbers.count < limit else { return nil }
        numbers.append(key)
        numberSlots[slot] = Int32(numbers.count)
        widenIfNeeded()
        return numbers.count - 1
    }

    /// Doubles the masks' words when the values outgrow them.
    private func widenIfNeeded() {
        let needed = (valueCount + 63) / 64
        guard needed > words else { return }
        let wider = needed <= 2 ? 2 : 4
        var grown = [UInt64](repeating: 0, count: groupCount * wider)
        for g in 0..<groupCount {
            for w in 0..<words { grown[g * wider + w] = masks[g * words + w] }
        }
        masks = grown
        words = wider
    }

    /// Distinct values per group.
    func counts(groups: Int) -> [Int64] {
        var out = [Int64](repeating: 0, count: groups)
        let w = words
        masks.withUnsafeBufferPointer { m in
            for g in 0..<min(groups, groupCount) {
                var n = 0
                for k in 0..<w { n += m[g * w + k].nonzeroBitCount }
                out[g] = Int64(n)
            }
        }
        return out
    }

    /// Adds another state: its group `g` is this state's group `mapping[g]`; false when the values together
    /// pass the limit (then nothing was changed).
    func merge(_ other: SmallDomainDistinct, mapping: [Int32]) -> Bool {
        // The other's bits in this state's numbering: new values are given bits first.
        let total = type == .string
            ? strings.count + other.strings.filter { bitOfString[$0.bytes] == nil }.count
            : numbers.count + other.numbers.filter { !contains(number: $0) }.count
        guard total <= limit else { return false }
        let remap: [Int] = type == .string
            ? other.strings.map { s in bitOfString[s.bytes] ?? { strings.append(s); bitOfString[s.bytes] = strings.count - 1; return strings.count - 1 }() }
            : other.numbers.map { bit(ofNumber: $0)! }
        widenIfNeeded()
        if let top = mapping.prefix(other.groupCount).max() { reserve(groups: Int(top) + 1) }
        let w = words, ow = other.words
        let identity = remap.enumerated().allSatisfy { $0.offset == $0.element }
        masks.withUnsafeMutableBufferPointer { m in
            other.masks.withUnsafeBufferPointer { o in
                let groups = min(other.groupCount, mapping.count)
                for g in 0..<groups {
                    if g + prefetchDistance < groups { prefetchForWrite(m.baseAddress!, Int(mapping[g + prefetchDistance]) * w) }
                    let t = Int(mapping[g])
                    if identity {
                        for k in 0..<ow { m[t * w + k] |= o[g * ow + k] }
                        continue
                    }
                    for k in 0..<ow {
                        var bits = o[g * ow + k]
                        while bits != 0 {
                            let b = remap[k * 64 + bits.trailingZeroBitCount]
                            m[t * w + (b >> 6)] |= 1 << UInt64(b & 63)
                            bits &= bits - 1
                        }
                    }
                }
            }
        }
        return true
    }

    private func contains(number key: UInt64) -> Bool {
        let mask = numberSlots.count - 1
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 54) & mask
        while numberSlots[slot] != 0 {
            if numbers[Int(numberSlots[slot]) - 1] == key { return true }
            slot = (slot + 1) & mask
        }
        return false
    }

    /// Calls `body` with every group that has values (mapped through `mapping` when given) and the bits of
    /// its values, for moving the state to another form.
    func forEachGroup(mapping: [Int32]?, _ body: (_ group: Int, _ bits: [Int]) -> Void) {
        var bits: [Int] = []
        for g in 0..<groupCount {
            bits.removeAll(keepingCapacity: true)
            for k in 0..<words {
                var word = masks[g * words + k]
                while word != 0 {
                    bits.append(k * 64 + word.trailingZeroBitCount)
                    word &= word - 1
                }
            }
            if !bits.isEmpty { body(mapping.map { Int($0[g]) } ?? g, bits) }
        }
    }

    /// Groups that have at least one value.
    var groupsWithValues: Int {
        var n = 0
        for g in 0..<groupCount where (0..<words).contains(where: { masks[g * words + $0] != 0 }) { n += 1 }
        return n
    }
}
