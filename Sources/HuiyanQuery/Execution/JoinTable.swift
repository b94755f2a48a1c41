import HuiyanStorage

/// The build side of a hash join: the joined table's needed columns for the rows that pass its filter, and
/// its key values hashed to those rows. Built once per query, then probed by every scanning thread.
final class JoinTable {
    let plan: JoinPlan
    let context: QueryContext
    /// The joined table's needed columns by its own column index, `rowCount` rows each.
    private(set) var columns: [Int: Vector] = [:]
    private(set) var rowCount = 0
    /// One map per key: key value → dense key id.
    private var keyMaps: [KeyMap] = []
    /// For several keys: (combined id of the keys before, id of the next key) → combined id.
    private var pairIDs: [[UInt64: Int32]] = []
    /// Combined key id → its first row, and row → the next row with the same key (-1 ends the chain).
    private var firstRow: [Int32] = []
    private var nextRow: [Int32] = []
    /// Row → how many rows its chain still holds (itself included): what a match multiplies a row by.
    private var chainLength: [Int32] = []
    /// Whether every key has one row: probing then never multiplies rows.
    private(set) var isUnique = true

    init(plan: JoinPlan, context: QueryContext, offsetSeconds: Int) throws {
        self.plan = plan
        self.context = context
        try collectRows(context: context, offsetSeconds: offsetSeconds)
        let evaluator = Evaluator(offsetSeconds: offsetSeconds, columns: columns)
        let all = Batch(count: rowCount, selection: nil)
        let keys = try plan.buildKeys.map { try evaluator.evaluate($0, all) }
        keyMaps = keys.map { KeyMap(type: $0.type) }
        pairIDs = Array(repeating: [:], count: max(0, keys.count - 1))
        nextRow = [Int32](repeating: -1, count: rowCount)
        chainLength = [Int32](repeating: 1, count: rowCount)
        for row in stride(from: rowCount - 1, through: 0, by: -1) {
            guard let id = insertedID(keys, row) else { continue }
            if Int(id) == firstRow.count { firstRow.append(-1) }
            if firstRow[Int(id)] >= 0 {
                isUnique = false
                chainLength[row] = chainLength[Int(firstRow[Int(id)])] + 1
            }
            nextRow[row] = firstRow[Int(id)]
            firstRow[Int(id)] = Int32(row)
        }
        try context.checkMemory(approximateBytes)
    }

    var approximateBytes: Int {
        columns.values.reduce(0) { $0 + $1.count * 9 + ($1.pool?.approximateBytes ?? 0) } + rowCount * 8 + firstRow.count * 24
    }

    /// Reads the joined table's needed columns for the rows that pass its filter into one vector each;
    /// strings of all segments are gathered into one sorted pool per column.
    private func collectRows(context: QueryContext, offsetSeconds: Int) throws {
        let scanner = TableScanner(snapshot: plan.snapshot, columns: plan.buildColumns, filter: plan.buildFilter)
        let cursor = TableScanner.Cursor()
        var collectors = Dictionary(uniqueKeysWithValues: plan.buildColumns.map {
            ($0, ColumnCollector(type: SQLType(plan.snapshot.schema.columns[$0].type)))
        })
        for segment in plan.snapshot.segments {
            for block in try scanner.blocks(of: segment) {
                try context.check()
                let vectors = try scanner.load(segment: segment, block: block, cursor: cursor)
                var batch = Batch(count: segment.columns[0].blocks[block].rowCount, selection: nil)
                if let filter = plan.buildFilter {
                    try Evaluator(offsetSeconds: offsetSeconds, columns: vectors).filter(filter, &batch)
                }
                for (column, vector) in vectors { collectors[column]!.append(vector, batch) }
                rowCount += batch.selectedCount
                try context.checkMemory(rowCount * 9 * max(1, vectors.count))
            }
        }
        columns = collectors.mapValues { $0.finish() }
    }

    /// The combined key id of one row of the build side's key vectors, given a new one if absent; nil when
    /// a key is NULL (such rows never match).
    private func insertedID(_ keys: [Vector], _ row: Int) -> Int32? {
        var combined: Int32 = 0
        for (k, key) in keys.enumerated() {
            guard let id = keyMaps[k].insert(key, row) else { return nil }
            if k == 0 { combined = id; continue }
            let pair = Self.pair(combined, id)
            if let existing = pairIDs[k - 1][pair] {
                combined = existing
            } else {
                combined = Int32(pairIDs[k - 1].count)
                pairIDs[k - 1][pair] = combined
            }
        }
        return combined
    }

    @inline(__always)
    private static func pair(_ a: Int32, _ b: Int32) -> UInt64 { UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b)) }

    /// Per-thread probing state: each key's ids for the codes of the last string pool seen, and for a single
    /// key each code's first matching row.
    final class Cursor {
        var poolIDs: [(pool: StringPool, ids: [Int32])?] = []
        var firstRows: (pool: StringPool, rows: [Int32])?
    }

    /// Joins the selected rows of a batch: adds the joined table's columns to `vectors` (at their combined
    /// indices), drops rows without a match (inner) or gives them NULLs (left), and repeats a row once per
    /// match when keys repeat.
    func probe(_ batch: inout Batch, _ vectors: inout [Int: Vector], _ evaluator: Evaluator, _ cursor: Cursor) throws {
        let keys = try plan.probeKeys.map { try evaluator.evaluate($0, batch) }
        if cursor.poolIDs.count != keys.count { cursor.poolIDs = Array(repeating: nil, count: keys.count) }
        // Per string key, the ids of its pool's codes, looked up once per pool.
        let codeIDs: [[Int32]?] = keys.enumerated().map { k, key in
            guard let pool = key.pool else { return nil }
            if let cached = cursor.poolIDs[k], cached.pool === pool { return cached.ids }
            let ids = (0..<pool.count).map { keyMaps[k].id(of: pool.string($0)) ?? -1 }
            cursor.poolIDs[k] = (pool, ids)
            return ids
        }
        var matches = [Int32](repeating: -1, count: batch.count)
        // A LEFT JOIN's conditions on the probing rows alone decide which rows may match at all.
        var matching = batch
        if let filter = plan.probeFilter { try evaluator.filter(filter, &matching) }
        if keys.count == 1, let ids = codeIDs[0] {
            // One string key: each code's first matching row (once per pool), then one load per row.
            let key = keys[0]
            if cursor.firstRows?.pool !== key.pool {
                cursor.firstRows = (key.pool!, ids.map { $0 >= 0 ? firstRow[Int($0)] : -1 })
            }
            let firstRows = cursor.firstRows!.rows
            firstRows.withUnsafeBufferPointer { rowOf in
                key.ints.withUnsafeBufferPointer { codes in
                    matches.withUnsafeMutableBufferPointer { m in
                        if let nulls = key.nulls {
                            matching.forEachSelected { i in m[i] = nulls[i] != 0 ? -1 : rowOf[Int(codes[i])] }
                        } else {
                            matching.forEachSelected { i in m[i] = rowOf[Int(codes[i])] }
                        }
                    }
                }
            }
        } else {
            matching.forEachSelected { i in
                if let id = probeID(keys, codeIDs, i) { matches[i] = firstRow[Int(id)] }
            }
        }

        if isUnique {
            if plan.kind == .inner {
                var kept: [Int32] = []
                kept.reserveCapacity(batch.selectedCount)
                batch.forEachSelected { i in if matches[i] >= 0 { kept.append(Int32(i)) } }
                // Every row matched (a catalog covering its event table): the batch stays whole.
                if kept.count < batch.selectedCount { batch.selection = kept }
            }
            for column in plan.outputColumns { vectors[plan.columnBase + column] = columns[column]!.gathered(matches, batch) }
            return
        }
        // Keys repeat: one output row per (row, match), or (row, NULLs) for a left join without a match. The
        // limits are checked on the count before any row is made.
        var total = 0
        batch.forEachSelected { i in total += matches[i] >= 0 ? Int(chainLength[Int(matches[i])]) : (plan.kind == .left ? 1 : 0) }
        try context.check()
        try context.checkMemory(total * 9 * (vectors.count + columns.count + 2))
        var probeRows: [Int32] = [], buildRows: [Int32] = []
        probeRows.reserveCapacity(total)
        buildRows.reserveCapacity(total)
        batch.forEachSelected { i in
            var r = matches[i]
            if r < 0 {
                if plan.kind == .left { probeRows.append(Int32(i)); buildRows.append(-1) }
                return
            }
            while r >= 0 {
                probeRows.append(Int32(i))
                buildRows.append(r)
                r = nextRow[Int(r)]
            }
        }
        let expanded = Batch(count: probeRows.count, selection: nil)
        for (column, vector) in vectors { vectors[column] = vector.gathered(probeRows, expanded) }
        for column in plan.outputColumns { vectors[plan.columnBase + column] = columns[column]!.gathered(buildRows, expanded) }
        batch = expanded
    }

    private func probeID(_ keys: [Vector], _ codeIDs: [[Int32]?], _ row: Int) -> Int32? {
        var combined: Int32 = 0
        for (k, key) in keys.enumerated() {
            guard !key.isNull(row) else { return nil }
            let id: Int32
            if let ids = codeIDs[k] { id = ids[Int(key.ints[row])] } else { id = keyMaps[k].id(key, row) ?? -1 }
            guard id >= 0 else { return nil }
            if k == 0 { combined = id; continue }
            guard let next = pairIDs[k - 1][Self.pair(combined, id)] else { return nil }
            combined = next
        }
        return combined
    }
}

/// Dense ids for the distinct values of one join key.
private struct KeyMap {
    let type: SQLType
    private var strings: [ByteKey: Int32] = [:]
    private var integers: [Int64: Int32] = [:]

    init(type: SQLType) { self.type = type }

    /// The id of a string value, if present.
    func id(of string: String) -> Int32? { strings[ByteKey(string)] }

    /// The id of row `row`'s value; nil for NULL or a value not present.
    func id(_ vector: Vector, _ row: Int) -> Int32? {
        if vector.isNull(row) { return nil }
        if let pool = vector.pool { return strings[ByteKey(pool.string(Int(vector.ints[row])))] }
        return integers[integerKey(vector, row)]
    }

    /// The id of row `row`'s value, given a new one if absent; nil for NULL.
    mutating func insert(_ vector: Vector, _ row: Int) -> Int32? {
        if vector.isNull(row) { return nil }
        let next = Int32(strings.count + integers.count)
        if let pool = vector.pool {
            let s = ByteKey(pool.string(Int(vector.ints[row])))
            if let id = strings[s] { return id }
            strings[s] = next
        } else {
            let key = integerKey(vector, row)
            if let id = integers[key] { return id }
            integers[key] = next
        }
        return next
    }

    /// Integer-lane values as they are; doubles by bit pattern, with -0 read as 0 (they are equal).
    private func integerKey(_ vector: Vector, _ row: Int) -> Int64 {
        type == .float64 ? Int64(bitPattern: (vector.doubles[row] + 0.0).bitPattern) : vector.ints[row]
    }
}

/// Appends the selected rows of a column's batches; strings of every pool into one sorted pool at the end.
private struct ColumnCollector {
    let type: SQLType
    private var ints: [Int64] = []
    private var doubles: [Double] = []
    private var nulls: [UInt8] = []
    private var hasNulls = false
    // Strings: their ids in order of first sight, and each pool's codes mapped to them.
    private var stringIDs: [ByteKey: Int32] = [:]
    private var strings: [String] = []
    private var lastPool: (pool: StringPool, ids: [Int32])?

    init(type: SQLType) { self.type = type }

    mutating func append(_ vector: Vector, _ batch: Batch) {
        var poolIDs: [Int32] = []
        if let pool = vector.pool {
            if let last = lastPool, last.pool === pool { poolIDs = last.ids }
            else { poolIDs = [Int32](repeating: -1, count: pool.count) }
        }
        batch.forEachSelected { i in
            let null = vector.isNull(i)
            nulls.append(null ? 1 : 0)
            hasNulls = hasNulls || null
            if type == .float64 { doubles.append(null ? 0 : vector.doubles[i]); return }
            guard let pool = vector.pool, !null else { ints.append(null ? 0 : vector.ints[i]); return }
            let code = Int(vector.ints[i])
            if poolIDs[code] < 0 {
                let s = pool.string(code)
                if let id = stringIDs[ByteKey(s)] { poolIDs[code] = id } else {
                    poolIDs[code] = Int32(strings.count)
                    stringIDs[ByteKey(s)] = poolIDs[code]
                    strings.append(s)
                }
            }
            ints.append(Int64(poolIDs[code]))
        }
        if let pool = vector.pool { lastPool = (pool, poolIDs) }
    }

    func finish() -> Vector {
        let out = Vector(type: type, count: nulls.count)
        if type == .float64 { out.doubles = doubles } else { out.ints = ints }
        if hasNulls { out.nulls = nulls }
        if type == .string {
            // Codes in byte order, so that the pool is sorted like a segment's dictionary.
            let order = strings.indices.sorted { Evaluator.byteOrder(strings[$0], strings[$1]) < 0 }
            var rank = [Int64](repeating: 0, count: strings.count)
            for (position, id) in order.enumerated() { rank[id] = Int64(position) }
            for i in out.ints.indices where out.nulls?[i] != 1 { out.ints[i] = rank[Int(out.ints[i])] }
            out.pool = StringPool(strings: order.map { strings[$0] }, isSorted: true)
            _ = out.pool!.strings  // decoded now: the pool is then only read by the probing threads
        }
        return out
    }
}
