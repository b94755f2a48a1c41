import CXXHash
import Dispatch
import HuiyanStorage

/// The state of one aggregate for every group of a thread's table.
protocol Accumulator: AnyObject {
    /// Grows the state to `count` groups.
    func reserve(groups count: Int)
    /// Adds the selected rows: row `i` goes to group `groups[i]`; `input` is nil for count(*).
    func update(_ input: Vector?, groups: [Int32], _ batch: Batch) throws
    /// Adds another thread's state: its group `g` is this state's group `mapping[g]`.
    func merge(_ other: Accumulator, mapping: [Int32]) throws
    /// The result of every group.
    func result(groups: Int) -> Vector
    var approximateBytes: Int { get }
}

/// Makes the accumulator of an aggregate.
func makeAccumulator(_ spec: AggregateSpec) -> Accumulator {
    let inputType = spec.argument?.type ?? .int64
    switch spec.kind {
    case .countStar: return CountAccumulator(countsNulls: true)
    case .count: return CountAccumulator(countsNulls: false)
    case .sum: return inputType == .float64 ? SumDoubleAccumulator(average: false) : SumIntegerAccumulator(type: spec.type, average: false, inputType: inputType)
    case .avg: return inputType == .float64 ? SumDoubleAccumulator(average: true) : SumIntegerAccumulator(type: .float64, average: true, inputType: inputType)
    case .min: return ExtremeAccumulator(type: inputType, isMax: false)
    case .max: return ExtremeAccumulator(type: inputType, isMax: true)
    case .countDistinct: return DistinctAccumulator(type: inputType)
    case .approxCountDistinct: return HyperLogLogAccumulator(type: inputType)
    }
}

final class CountAccumulator: Accumulator {
    let countsNulls: Bool
    var counts: [Int64] = []
    init(countsNulls: Bool) { self.countsNulls = countsNulls }

    func reserve(groups count: Int) { if counts.count < count { counts.append(contentsOf: repeatElement(0, count: count - counts.count)) } }

    func update(_ input: Vector?, groups: [Int32], _ batch: Batch) throws {
        counts.withUnsafeMutableBufferPointer { c in
            if let nulls = input?.nulls, !countsNulls {
                batch.forEachSelected { i in if nulls[i] == 0 { c[Int(groups[i])] &+= 1 } }
            } else {
                batch.forEachSelected { c[Int(groups[$0])] &+= 1 }
            }
        }
    }

    /// Adds `n` rows to group `g` (per-code histograms).
    func add(group g: Int, count n: Int64) { counts[g] &+= n }

    func merge(_ other: Accumulator, mapping: [Int32]) throws {
        let o = other as! CountAccumulator
        for (g, v) in o.counts.enumerated() { counts[Int(mapping[g])] &+= v }
    }

    func result(groups: Int) -> Vector {
        let v = Vector(type: .int64, count: groups)
        for g in 0..<groups { v.ints[g] = g < counts.count ? counts[g] : 0 }
        return v
    }

    var approximateBytes: Int { counts.count * 8 }
}

/// Exact sums (and averages) of integers and money, with overflow detected.
final class SumIntegerAccumulator: Accumulator {
    let type: SQLType
    let average: Bool
    let inputType: SQLType
    var sums: [Int64] = []
    var counts: [Int64] = []

    init(type: SQLType, average: Bool, inputType: SQLType) {
        self.type = type
        self.average = average
        self.inputType = inputType
    }

    func reserve(groups count: Int) {
        if sums.count < count {
            sums.append(contentsOf: repeatElement(0, count: count - sums.count))
            counts.append(contentsOf: repeatElement(0, count: count - counts.count))
        }
    }

    func update(_ input: Vector?, groups: [Int32], _ batch: Batch) throws {
        guard let input else { return }
        var overflow = false
        sums.withUnsafeMutableBufferPointer { s in
            counts.withUnsafeMutableBufferPointer { c in
                input.ints.withUnsafeBufferPointer { v in
                    if let nulls = input.nulls {
                        batch.forEachSelected { i in
                            if nulls[i] != 0 { return }
                            let g = Int(groups[i])
                            let (r, o) = s[g].addingReportingOverflow(v[i]); s[g] = r; overflow = overflow || o
                            c[g] &+= 1
                        }
                    } else {
                        batch.forEachSelected { i in
                            let g = Int(groups[i])
                            let (r, o) = s[g].addingReportingOverflow(v[i]); s[g] = r; overflow = overflow || o
                            c[g] &+= 1
                        }
                    }
                }
            }
        }
        if overflow { throw QueryError("\(average ? "avg" : "sum") overflowed BIGINT; cast the argument to DOUBLE") }
    }

    /// Adds a partial sum of `n` values to group `g` (per-code histograms).
    func add(group g: Int, sum: Int64, count n: Int64) throws {
        let (r, overflow) = sums[g].addingReportingOverflow(sum)
        if overflow { throw QueryError("\(average ? "avg" : "sum") overflowed BIGINT; cast the argument to DOUBLE") }
        sums[g] = r
        counts[g] &+= n
    }

    func merge(_ other: Accumulator, mapping: [Int32]) throws {
        let o = other as! SumIntegerAccumulator
        for g in 0..<o.sums.count {
            let t = Int(mapping[g])
            let (r, overflow) = sums[t].addingReportingOverflow(o.sums[g])
            if overflow { throw QueryError("sum overflowed BIGINT; cast the argument to DOUBLE") }
            sums[t] = r
            counts[t] &+= o.counts[g]
        }
    }

    func result(groups: Int) -> Vector {
        let v = Vector(type: type, count: groups)
        for g in 0..<groups {
            guard g < counts.count, counts[g] > 0 else { v.setNull(g); continue }
            if average {
                let scale = inputType == .money ? 100.0 : 1.0
                v.doubles[g] = Double(sums[g]) / scale / Double(counts[g])
            } else {
                v.ints[g] = sums[g]
            }
        }
        return v
    }

    var approximateBytes: Int { sums.count * 16 }
}

final class SumDoubleAccumulator: Accumulator {
    let average: Bool
    var sums: [Double] = []
    var counts: [Int64] = []
    init(average: Bool) { self.average = average }

    func reserve(groups count: Int) {
        if sums.count < count {
            sums.append(contentsOf: repeatElement(0, count: count - sums.count))
            counts.append(contentsOf: repeatElement(0, count: count - counts.count))
        }
    }

    func update(_ input: Vector?, groups: [Int32], _ batch: Batch) throws {
        guard let input else { return }
        batch.forEachSelected { i in
            if input.isNull(i) { return }
            let g = Int(groups[i])
            sums[g] += input.doubles[i]
            counts[g] += 1
        }
    }

    func merge(_ other: Accumulator, mapping: [Int32]) throws {
        let o = other as! SumDoubleAccumulator
        for g in 0..<o.sums.count {
            sums[Int(mapping[g])] += o.sums[g]
            counts[Int(mapping[g])] += o.counts[g]
        }
    }

    func result(groups: Int) -> Vector {
        let v = Vector(type: .float64, count: groups)
        for g in 0..<groups {
            guard g < counts.count, counts[g] > 0 else { v.setNull(g); continue }
            v.doubles[g] = average ? sums[g] / Double(counts[g]) : sums[g]
        }
        return v
    }

    var approximateBytes: Int { sums.count * 16 }
}

/// min and max of any type (strings by byte order).
final class ExtremeAccumulator: Accumulator {
    let type: SQLType
    let isMax: Bool
    var ints: [Int64] = []
    var doubles: [Double] = []
    var strings: [String] = []
    var has: [Bool] = []

    init(type: SQLType, isMax: Bool) {
        self.type = type
        self.isMax = isMax
    }

    func reserve(groups count: Int) {
        let n = count - has.count
        guard n > 0 else { return }
        has.append(contentsOf: repeatElement(false, count: n))
        switch type {
        case .float64: doubles.append(contentsOf: repeatElement(0, count: n))
        case .string: strings.append(contentsOf: repeatElement("", count: n))
        default: ints.append(contentsOf: repeatElement(0, count: n))
        }
    }

    private func better(_ a: Int64, _ b: Int64) -> Bool { isMax ? a > b : a < b }

    func update(_ input: Vector?, groups: [Int32], _ batch: Batch) throws {
        guard let input else { return }
        switch type {
        case .float64:
            batch.forEachSelected { i in
                if input.isNull(i) || input.doubles[i].isNaN { return }
                let g = Int(groups[i]), v = input.doubles[i]
                if !has[g] || (isMax ? v > doubles[g] : v < doubles[g]) { doubles[g] = v; has[g] = true }
            }
        case .string:
            // Per group, the extreme code first (codes of a sorted pool are in byte order), strings at the end.
            let pool = input.pool!
            var bestCode: [Int: Int64] = [:]
            batch.forEachSelected { i in
                if input.isNull(i) { return }
                let g = Int(groups[i]), code = input.ints[i]
                if let current = bestCode[g] {
                    if pool.isSorted ? better(code, current) : Evaluator.byteOrder(pool.strings[Int(code)], pool.strings[Int(current)]) == (isMax ? 1 : -1) {
                        bestCode[g] = code
                    }
                } else {
                    bestCode[g] = code
                }
            }
            for (g, code) in bestCode { offer(pool.string(Int(code)), group: g) }
        default:
            batch.forEachSelected { i in
                if input.isNull(i) { return }
                let g = Int(groups[i]), v = input.ints[i]
                if !has[g] || better(v, ints[g]) { ints[g] = v; has[g] = true }
            }
        }
    }

    private func offer(_ s: String, group g: Int) {
        if !has[g] || Evaluator.byteOrder(s, strings[g]) == (isMax ? 1 : -1) { strings[g] = s; has[g] = true }
    }

    func merge(_ other: Accumulator, mapping: [Int32]) throws {
        let o = other as! ExtremeAccumulator
        for g in 0..<o.has.count where o.has[g] {
            let t = Int(mapping[g])
            switch type {
            case .float64:
                if !has[t] || (isMax ? o.doubles[g] > doubles[t] : o.doubles[g] < doubles[t]) { doubles[t] = o.doubles[g]; has[t] = true }
            case .string: offer(o.strings[g], group: t)
            default:
                if !has[t] || better(o.ints[g], ints[t]) { ints[t] = o.ints[g]; has[t] = true }
            }
        }
    }

    func result(groups: Int) -> Vector {
        let v = Vector(type: type, count: groups)
        if type == .string {
            v.pool = StringPool(strings: (0..<groups).map { $0 < strings.count ? strings[$0] : "" })
        }
        for g in 0..<groups {
            guard g < has.count, has[g] else { v.setNull(g); continue }
            switch type {
            case .float64: v.doubles[g] = doubles[g]
            case .string: v.ints[g] = Int64(g)
            default: v.ints[g] = ints[g]
            }
        }
        return v
    }

    var approximateBytes: Int { has.count * 24 + strings.reduce(0) { $0 + $1.utf8.count } }
}

/// Exact count(DISTINCT x). Numbers: a set per group. Strings: per group and per string pool, a bitmap of
/// the codes seen (a bit a dictionary entry, one OR a row); at the end the set bits of each pool are its
/// distinct codes in order, and since segment dictionaries are sorted, the runs of all segments are merged
/// like sorted runs — equal strings meet — to count without hashing a string or holding more than the
/// bitmaps and the dictionaries already in memory.
/// The codes of one dictionary a group saw, one bit each; a reference, so that setting bits goes through
/// no array's copy-on-write check.
final class CodeBitmap {
    let wordCount: Int
    private let storage: UnsafeMutablePointer<UInt64>

    init(codes: Int) {
        wordCount = (codes + 63) / 64
        storage = .allocate(capacity: max(1, wordCount))
        storage.initialize(repeating: 0, count: max(1, wordCount))
    }

    deinit { storage.deallocate() }

    @inline(__always)
    func insert(_ code: Int64) { storage[Int(code >> 6)] |= 1 << UInt64(code & 63) }

    func formUnion(_ other: CodeBitmap) {
        for w in 0..<min(wordCount, other.wordCount) { storage[w] |= other.storage[w] }
    }

    /// The bitmap's words.
    var words: [UInt64] { Array(UnsafeBufferPointer(start: storage, count: wordCount)) }
}

final class DistinctAccumulator: Accumulator {
    let type: SQLType
    var numbers: [Set<Int64>] = []
    /// Per group: the pools seen and their code bitmaps.
    var runs: [[(pool: StringPool, bits: CodeBitmap)]] = []
    private var runIndex: [[ObjectIdentifier: Int]] = []

    init(type: SQLType) { self.type = type }

    func reserve(groups count: Int) {
        if type == .string {
            while runs.count < count { runs.append([]); runIndex.append([:]) }
        } else {
            while numbers.count < count { numbers.append([]) }
        }
    }

    /// The run of group `g` for `pool`, created empty on first sight.
    private func run(_ g: Int, _ pool: StringPool) -> Int {
        let key = ObjectIdentifier(pool)
        if let r = runIndex[g][key] { return r }
        runs[g].append((pool, CodeBitmap(codes: pool.count)))
        runIndex[g][key] = runs[g].count - 1
        return runs[g].count - 1
    }

    func update(_ input: Vector?, groups: [Int32], _ batch: Batch) throws {
        guard let input else { return }
        switch type {
        case .string:
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
        case .float64:
            batch.forEachSelected { i in
                if !input.isNull(i) { numbers[Int(groups[i])].insert(Int64(bitPattern: input.doubles[i].bitPattern)) }
            }
        default:
            batch.forEachSelected { i in if !input.isNull(i) { numbers[Int(groups[i])].insert(input.ints[i]) } }
        }
    }

    func merge(_ other: Accumulator, mapping: [Int32]) throws {
        let o = other as! DistinctAccumulator
        for g in 0..<o.numbers.count { numbers[Int(mapping[g])].formUnion(o.numbers[g]) }
        for g in 0..<o.runs.count {
            let t = Int(mapping[g])
            for other in o.runs[g] {
                runs[t][run(t, other.pool)].bits.formUnion(other.bits)
            }
        }
    }

    func result(groups: Int) -> Vector {
        let v = Vector(type: .int64, count: groups)
        if type == .string {
            let all = runs.prefix(groups).enumerated().flatMap { g, list in list.map { DistinctStrings.Run(group: g, pool: $0.pool, bits: $0.bits.words) } }
            let counts = DistinctStrings.count(all, groups: groups)
            for g in 0..<groups { v.ints[g] = Int64(counts[g]) }
        } else {
            for g in 0..<groups { v.ints[g] = g < numbers.count ? Int64(numbers[g].count) : 0 }
        }
        return v
    }

    var approximateBytes: Int {
        numbers.reduce(0) { $0 + $1.count * 16 } + runs.reduce(0) { $0 + $1.reduce(0) { $0 + $1.bits.wordCount * 8 + 64 } }
    }
}

/// approx_count_distinct: HyperLogLog with 2^14 registers per group (standard error about 0.8 %).
/// Registers of all groups live in one flat array; a string is hashed once per dictionary entry, and for
/// a single group each entry is added once per segment.
final class HyperLogLogAccumulator: Accumulator {
    static let precision = 14
    static let registerCount = 1 << precision
    let type: SQLType
    /// Per group, the offset of its registers in `registers` (-1: none yet).
    var offsets: [Int] = []
    var registers: [UInt8] = []

    init(type: SQLType) { self.type = type }

    func reserve(groups count: Int) { while offsets.count < count { offsets.append(-1) } }

    private func base(_ g: Int) -> Int {
        if offsets[g] < 0 {
            offsets[g] = registers.count
            registers.append(contentsOf: repeatElement(0, count: Self.registerCount))
        }
        return offsets[g]
    }

    @inline(__always)
    private static func add(_ hash: UInt64, into r: UnsafeMutablePointer<UInt8>) {
        let index = Int(hash >> UInt64(64 - precision))
        let rank = UInt8(min(64 - precision, (hash << UInt64(precision)).leadingZeroBitCount) + 1)
        if r[index] < rank { r[index] = rank }
    }

    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The pool seen last (a segment's blocks share it): its entries' hashes, and for one group, which
    /// entries were added already.
    private var hashedPool: StringPool?
    private var hashes: [UInt64] = []
    private var added: [Bool] = []

    func update(_ input: Vector?, groups: [Int32], _ batch: Batch) throws {
        guard let input else { return }
        if type == .string {
            let pool = input.pool!
            if hashedPool !== pool {
                hashedPool = pool
                hashes = [UInt64](repeating: 0, count: pool.count)
                added = [Bool](repeating: false, count: pool.count)
                let dictionary = pool.dictionary
                dictionary.bytes.withUnsafeBytes { bytes in
                    dictionary.starts.withUnsafeBufferPointer { starts in
                        hashes.withUnsafeMutableBufferPointer { h in
                            for c in 0..<pool.count { h[c] = XXH3_64bits(bytes.baseAddress.map { $0 + starts[c] }, starts[c + 1] - starts[c]) }
                        }
                    }
                }
            }
            if offsets.count == 1 {
                let b = base(0)
                registers.withUnsafeMutableBufferPointer { r in
                    hashes.withUnsafeBufferPointer { h in
                        added.withUnsafeMutableBufferPointer { seen in
                            batch.forEachSelected { i in
                                if input.isNull(i) { return }
                                let c = Int(input.ints[i])
                                if seen[c] { return }
                                seen[c] = true
                                Self.add(h[c], into: r.baseAddress! + b)
                            }
                        }
                    }
                }
                return
            }
            let bases = registerBases(input, groups, batch)
            registers.withUnsafeMutableBufferPointer { r in
                hashes.withUnsafeBufferPointer { h in
                    input.ints.withUnsafeBufferPointer { codes in
                        batch.forEachSelected { i in
                            if input.isNull(i) { return }
                            Self.add(h[Int(codes[i])], into: r.baseAddress! + bases[Int(groups[i])])
                        }
                    }
                }
            }
        } else {
            let bases = registerBases(input, groups, batch)
            registers.withUnsafeMutableBufferPointer { r in
                batch.forEachSelected { i in
                    if input.isNull(i) { return }
                    let bits = type == .float64 ? input.doubles[i].bitPattern : UInt64(bitPattern: input.ints[i])
                    Self.add(Self.mix(bits), into: r.baseAddress! + bases[Int(groups[i])])
                }
            }
        }
    }

    /// Each group's register offset, its registers made on its first non-NULL row of the batch (before any
    /// register is written: they only grow here).
    private func registerBases(_ input: Vector, _ groups: [Int32], _ batch: Batch) -> [Int] {
        var bases = [Int](repeating: -1, count: offsets.count)
        batch.forEachSelected { i in
            let g = Int(groups[i])
            if bases[g] < 0 && !input.isNull(i) { bases[g] = base(g) }
        }
        return bases
    }

    func merge(_ other: Accumulator, mapping: [Int32]) throws {
        let o = other as! HyperLogLogAccumulator
        for g in 0..<o.offsets.count where o.offsets[g] >= 0 {
            let t = base(Int(mapping[g])), s = o.offsets[g]
            for k in 0..<Self.registerCount where o.registers[s + k] > registers[t + k] { registers[t + k] = o.registers[s + k] }
        }
    }

    func result(groups: Int) -> Vector {
        let v = Vector(type: .int64, count: groups)
        let m = Double(Self.registerCount)
        let alpha = 0.7213 / (1 + 1.079 / m)
        for g in 0..<groups {
            guard g < offsets.count, offsets[g] >= 0 else { v.ints[g] = 0; continue }
            var sum = 0.0
            var zeros = 0
            for k in 0..<Self.registerCount {
                let r = registers[offsets[g] + k]
                sum += pow(2.0, -Double(r))
                if r == 0 { zeros += 1 }
            }
            var estimate = alpha * m * m / sum
            if estimate <= 2.5 * m && zeros > 0 { estimate = m * log(m / Double(zeros)) }
            v.ints[g] = Int64(estimate.rounded())
        }
        return v
    }

    var approximateBytes: Int { registers.count + offsets.count * 8 }
}

#if canImport(Glibc)
import Glibc
#endif
