import Foundation
import HuiyanStorage

/// Reads the blocks of one table that a query needs: only its columns, only the blocks whose zone maps
/// can hold matching rows, each block decoded straight into a batch's vectors.
final class TableScanner {
    let snapshot: TableSnapshot
    let columns: [Int]
    private let tests: [ZoneTest]
    /// The filter's conjuncts, each with the index of its zone test when it has one.
    private let conjuncts: [(term: BoundExpression, test: Int?, columns: Set<Int>)]
    /// The string pools the scan's threads share.
    private let sharedPools = SharedPools()
    /// The large numeric dictionaries read a few entries at a time (`DictionaryEntries.isSmall`), by segment and
    /// column, shared by the scan's threads and kept for the whole scan: a top-N's blocks, best first, go from
    /// segment to segment and back, and each segment's dictionary is then decoded once, as far as its rows need.
    private let sharedEntries = LockedValue<[SegmentColumn: DictionaryEntries]>([:])
    /// String columns whose vectors keep the segment's dictionary codes, never a pool of the entries a block's
    /// rows use alone: an aggregation by code per segment (`DictionaryMergeAggregation`) reads them.
    var segmentCodeColumns: Set<Int> = []
    /// Of those, the columns read without a pool at all (their reader takes the segment's dictionary itself, a
    /// numeric one as numbers, never decoded into strings); none may be read by the filter.
    var poolFreeColumns: Set<Int> = []

    private struct SegmentColumn: Hashable {
        let segment: ObjectIdentifier
        let column: Int
    }

    init(snapshot: TableSnapshot, columns: [Int], filter: BoundExpression?) {
        self.snapshot = snapshot
        self.columns = columns
        var tests: [ZoneTest] = []
        var conjuncts: [(term: BoundExpression, test: Int?, columns: Set<Int>)] = []
        for c in filter?.conjuncts ?? [] {
            let test = ZoneTest(c)
            if let test { tests.append(test) }
            conjuncts.append((c, test == nil ? nil : tests.count - 1, c.columns))
        }
        self.tests = tests
        self.conjuncts = conjuncts
    }

    /// Whether every row of a block passes the filter, as its zone map shows.
    func selectsWholeBlock(_ segment: SegmentReader, _ block: Int) -> Bool {
        conjuncts.allSatisfy { $0.test.map { holdsForWholeBlock(tests[$0], segment, block) } ?? false }
    }

    /// A conjunct of the filter: its expression, its zone test (an index into `tests`) and the columns it reads.
    typealias Conjunct = (term: BoundExpression, test: Int?, columns: Set<Int>)

    /// The filter's conjuncts that a block's rows must still be tested against (those its zone map does not
    /// show to hold for every row).
    func residualConjuncts(_ segment: SegmentReader, _ block: Int) -> [Conjunct] {
        conjuncts.filter { c in !(c.test.map { holdsForWholeBlock(tests[$0], segment, block) } ?? false) }
    }

    /// Whether storage can select a block's rows for the conjunct on its own (`selectRows`): a comparison
    /// other than `<>` of a string or integer-lane column with one constant.
    func selectsInStorage(_ conjunct: Conjunct) -> Bool {
        guard let t = conjunct.test else { return false }
        let test = tests[t]
        guard test.values.count == 1, test.op != .notEqual else { return false }
        switch snapshot.schema.columns[test.column].type.lane {
        case .string: if case .string = test.values[0] { return true } else { return false }
        case .int64: return ZoneTest.integer(test.values[0]) != nil
        case .float64: return false
        }
    }

    /// The rows of a block that pass a conjunct `selectsInStorage` accepts, read from its column's packed
    /// values (a string constant becomes a range of the segment's sorted codes); nil when all rows pass.
    func selectRows(_ conjunct: Conjunct, _ segment: SegmentReader, _ block: Int, cursor: Cursor) throws -> [Int32]? {
        let test = tests[conjunct.test!]
        let rows = segment.columns[test.column].blocks[block].rowCount
        guard let range = try storedRange(conjunct, segment, cursor: cursor).values else { return [] }
        var selection = try [Int32](unsafeUninitializedCapacity: rows) { buffer, initialized in
            initialized = try segment.selectRows(column: test.column, block: block, within: range, into: buffer.baseAddress!,
                                                 validity: cursor.validity, scratch: cursor.scratch)
        }
        if selection.count == rows { return nil }
        if selection.capacity > selection.count * 4 + 64 { selection = Array(selection) }
        return selection
    }

    /// The column of a conjunct `selectsInStorage` accepts and the stored values that pass it: for a string
    /// column a range of the segment's sorted codes, else of integer-lane values; nil values when none pass.
    func storedRange(_ conjunct: Conjunct, _ segment: SegmentReader, cursor: Cursor) throws -> (column: Int, values: ClosedRange<Int64>?) {
        let test = tests[conjunct.test!]
        switch test.values[0] {
        case .string(let s):
            // Segment pools are sorted, and `<>` is not taken: a range of codes, or none.
            guard case .some(let codes) = try pool(segment, test.column, cursor).codeRange(test.op ?? .equal, s) else {
                throw QueryError("internal error: no code range for a string comparison")
            }
            return (test.column, codes)
        default:
            return (test.column, Self.valueRange(test.op ?? .equal, ZoneTest.integer(test.values[0])!))
        }
    }

    /// The integers `x` with `x op c`; nil when there are none.
    private static func valueRange(_ op: ComparisonOperator, _ c: Int64) -> ClosedRange<Int64>? {
        switch op {
        case .equal: return c...c
        case .less: return c == .min ? nil : Int64.min...(c - 1)
        case .lessOrEqual: return Int64.min...c
        case .greater: return c == .max ? nil : (c + 1)...Int64.max
        case .greaterOrEqual: return c...Int64.max
        case .notEqual: return nil
        }
    }

    /// Whether a test holds for every row of a block, as its zone map shows: a comparison of an integer-lane
    /// column (times, numbers) with a constant, no NULL in the block there, and the comparison holds at the
    /// block's minimum and maximum (so for every value between).
    private func holdsForWholeBlock(_ test: ZoneTest, _ segment: SegmentReader, _ block: Int) -> Bool {
        let info = segment.columns[test.column]
        guard info.definition.type.lane == .int64, let op = test.op, op != .notEqual, test.values.count == 1,
              let c = ZoneTest.integer(test.values[0]) else { return false }
        let zone = info.blocks[block]
        return zone.nullCount == 0 && op.holds(zone.min, c) && op.holds(zone.max, c)
    }

    /// The blocks of a segment that may hold matching rows (all blocks have the same rows in every column).
    func blocks(of segment: SegmentReader) throws -> [Int] {
        guard let first = segment.columns.first else { return [] }
        let count = first.blocks.count
        var keep = [Bool](repeating: true, count: count)
        for test in tests {
            let info = segment.columns[test.column]
            let type = info.definition.type
            // For strings: the constants as code ranges of this segment's sorted dictionary.
            var codeRanges: [(Int64, Int64)]?
            if type == .string {
                let dictionary = try segment.dictionary(column: test.column)
                codeRanges = Self.codeRanges(test, dictionary)
                if codeRanges!.isEmpty { return [] }
            }
            for b in 0..<count where keep[b] {
                let block = info.blocks[b]
                if block.nullCount == block.rowCount { keep[b] = false; continue }
                if let codeRanges {
                    keep[b] = codeRanges.contains { $0.0 <= block.max && $0.1 >= block.min }
                } else if type == .float64 {
                    let lo = Double(bitPattern: UInt64(bitPattern: block.min)), hi = Double(bitPattern: UInt64(bitPattern: block.max))
                    keep[b] = test.values.contains { v in v.doubleValue.map { ZoneTest.mayHold(test.op, lo, hi, $0) } ?? true }
                } else {
                    keep[b] = test.values.contains { v in ZoneTest.integer(v).map { ZoneTest.mayHold(test.op, block.min, block.max, $0) } ?? true }
                }
            }
        }
        return (0..<count).filter { keep[$0] }
    }

    /// The code ranges (inclusive) of a sorted dictionary that satisfy the test; empty when none can.
    private static func codeRanges(_ test: ZoneTest, _ dictionary: StringDictionary) -> [(Int64, Int64)] {
        guard dictionary.count > 0 else { return [] }
        let pool = StringPool(dictionary, isSorted: true)
        let strings = test.values.compactMap { v -> String? in if case .string(let s) = v { return s } else { return nil } }
        guard let op = test.op, op != .notEqual else {
            if test.op == .notEqual { return [(0, Int64(dictionary.count) - 1)] }
            return strings.compactMap { dictionary.code(of: $0).map { (Int64($0), Int64($0)) } }
        }
        guard let s = strings.first, case .some(let range) = pool.codeRange(op, s) else { return [(0, Int64(dictionary.count) - 1)] }
        return range.map { [($0.lowerBound, $0.upperBound)] } ?? []
    }

    /// For each byte of a validity bitmap, the eight NULL flags it stands for (1 where the bit is 0).
    private static let nullBytes: [UInt64] = (0..<256).map { (byte: Int) -> UInt64 in
        var word: UInt64 = 0
        for bit in 0..<8 where byte & (1 << bit) == 0 { word |= UInt64(1) << UInt64(8 * bit) }
        return word
    }

    /// A validity bitmap expanded to one NULL flag byte per row, eight rows per table lookup.
    static func nullMask(_ validity: UnsafeMutablePointer<UInt64>, rows: Int) -> [UInt8] {
        var mask = [UInt8](repeating: 0, count: (rows + 7) & ~7)
        let table = nullBytes
        mask.withUnsafeMutableBytes { out in
            validity.withMemoryRebound(to: UInt8.self, capacity: (rows + 7) / 8) { bits in
                for b in 0..<((rows + 7) / 8) {
                    out.storeBytes(of: table[Int(bits[b])], toByteOffset: b * 8, as: UInt64.self)
                }
            }
        }
        mask.removeLast(mask.count - rows)
        return mask
    }

    /// Per-thread decoding state.
    final class Cursor {
        let scratch = BlockScratch()
        let validity = UnsafeMutablePointer<UInt64>.allocate(capacity: SegmentFormat.blockRows / 64)
        var pools: [Int: StringPool] = [:]
        /// Large dictionaries read a few entries at a time (`sparseStrings`), of the same segment as `pools`.
        var entries: [Int: DictionaryEntries] = [:]
        var poolSegment: ObjectIdentifier?

        deinit {
            validity.deallocate()
        }

        /// Keeps the pools and entries of `segment`, dropping those of the segment read before.
        func keep(_ segment: SegmentReader) {
            guard poolSegment != ObjectIdentifier(segment) else { return }
            pools = [:]
            entries = [:]
            poolSegment = ObjectIdentifier(segment)
        }
    }

    /// Dictionaries up to this many entries are decoded whole even for a few rows (as the reader caches them).
    static let sparseDictionaryEntries = 1 << 16

    /// The dictionary of a column of `segment` for reading a few of its entries: the cursor's, the scan's
    /// shared one, or made (and shared when small).
    private func sparseEntries(_ segment: SegmentReader, _ column: Int, _ cursor: Cursor) throws -> DictionaryEntries {
        cursor.keep(segment)
        if let kept = cursor.entries[column] { return kept }
        let key = SegmentColumn(segment: ObjectIdentifier(segment), column: column)
        var entries: DictionaryEntries
        if let shared = sharedEntries.withLock({ $0[key] }) {
            entries = shared
        } else {
            entries = try segment.dictionaryEntries(column: column)
            // Two threads may make one at once (cheap for the small ones): the first shared wins.
            if entries.isSmall {
                let made = entries
                entries = sharedEntries.withLock { shared in
                    if let first = shared[key] { return first }
                    shared[key] = made
                    return made
                }
            }
        }
        cursor.entries[column] = entries
        return entries
    }

    /// A pool of the dictionary entries the rows of `vector` use (`rows`, or all `count`), its codes rewritten
    /// to the pool's: the pool keeps the dictionary's order, so it is sorted too.
    private func sparsePool(_ segment: SegmentReader, _ column: Int, _ cursor: Cursor, _ vector: Vector,
                            rows: [Int32]?, count: Int) throws -> StringPool {
        let entries = try sparseEntries(segment, column, cursor)
        let limit = Int64(entries.count)
        var used: [Int] = []
        vector.ints.withUnsafeMutableBufferPointer { buffer in
            let codes = buffer
            // Slots of NULL rows hold no code of meaning: clamped into range, they are never read.
            let clamp = { (r: Int) in if codes[r] < 0 || codes[r] >= limit { codes[r] = 0 } }
            if let rows { for r in rows { clamp(Int(r)) } } else { for r in 0..<count { clamp(r) } }
            used.reserveCapacity(rows?.count ?? count)
            if let rows { for r in rows { used.append(Int(codes[Int(r)])) } } else { for r in 0..<count { used.append(Int(codes[r])) } }
            used.sort()
            var unique = 0
            for i in used.indices where unique == 0 || used[i] != used[unique - 1] {
                used[unique] = used[i]
                unique += 1
            }
            used.removeLast(used.count - unique)
            let rewrite = { (r: Int) in
                var lo = 0, hi = used.count
                let code = Int(codes[r])
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if used[mid] < code { lo = mid + 1 } else { hi = mid }
                }
                codes[r] = Int64(lo)
            }
            if let rows { for r in rows { rewrite(Int(r)) } } else { for r in 0..<count { rewrite(r) } }
        }
        return StringPool(try entries.subset(used), isSorted: true)
    }

    /// Decodes the needed columns of one block into vectors, keyed by table column index.
    func load(segment: SegmentReader, block: Int, cursor: Cursor) throws -> [Int: Vector] {
        try load(segment: segment, block: block, cursor: cursor, columns: columns)
    }

    /// Decodes `columns` of one block into vectors the size of the block; with `rows` (increasing), blocks
    /// that can read a row on its own read only those rows, into their own slots (the other slots are then
    /// undefined: the caller's selection must exclude them). With `sparseStrings`, a string column whose
    /// dictionary is much larger than the rows read gets a pool of the entries those rows use alone, so that
    /// the codes are no longer the segment's (for a caller that reads the strings, not the codes).
    func load(segment: SegmentReader, block: Int, cursor: Cursor, columns: [Int], rows selected: [Int32]? = nil,
              sparseStrings: Bool = false) throws -> [Int: Vector] {
        var vectors: [Int: Vector] = [:]
        for column in columns {
            let info = segment.columns[column]
            let rows = info.blocks[block].rowCount
            let vector = Vector(type: SQLType(info.definition.type), count: rows)
            let nulls: Int
            switch info.definition.type.lane {
            case .float64:
                // Floats have one plain encoding: always decoded whole.
                nulls = try vector.doubles.withUnsafeMutableBufferPointer {
                    try segment.decodeDoubles(column: column, block: block, into: $0.baseAddress!, validity: cursor.validity, scratch: cursor.scratch)
                }
            case .int64, .string:
                nulls = try vector.ints.withUnsafeMutableBufferPointer { values in
                    if let selected {
                        return try selected.withUnsafeBufferPointer {
                            try segment.decodeRows(column: column, block: block, rows: $0, into: values.baseAddress!,
                                                   validity: cursor.validity, scratch: cursor.scratch)
                        }
                    }
                    return info.definition.type.lane == .string
                        ? try segment.decodeCodes(column: column, block: block, into: values.baseAddress!, validity: cursor.validity, scratch: cursor.scratch)
                        : try segment.decodeIntegers(column: column, block: block, into: values.baseAddress!, validity: cursor.validity, scratch: cursor.scratch)
                }
                if info.definition.type.lane == .string, !poolFreeColumns.contains(column) {
                    if sparseStrings, !segmentCodeColumns.contains(column), info.dictionaryCount > Self.sparseDictionaryEntries,
                       info.dictionaryCount > 4 * (selected?.count ?? rows) {
                        vector.pool = try sparsePool(segment, column, cursor, vector, rows: selected, count: rows)
                    } else {
                        vector.pool = try pool(segment, column, cursor)
                    }
                }
            }
            if nulls > 0 { vector.nulls = Self.nullMask(cursor.validity, rows: rows) }
            vectors[column] = vector
        }
        return vectors
    }

    /// The string pool of a column of the cursor's current segment (made once per segment).
    func pool(_ segment: SegmentReader, _ column: Int, _ cursor: Cursor) throws -> StringPool {
        cursor.keep(segment)
        if let pool = cursor.pools[column] { return pool }
        let pool = try sharedPools.pool(segment, column) {
            // A numeric dictionary (ids) stays numbers until a reader needs its text: count(DISTINCT) and the
            // dictionary merge read the numbers alone.
            if let numbers = try segment.numericEntries(column: column) { return StringPool(numbers: numbers, isSorted: true) }
            return StringPool(try segment.dictionary(column: column), isSorted: true)
        }
        cursor.pools[column] = pool
        return pool
    }
}
