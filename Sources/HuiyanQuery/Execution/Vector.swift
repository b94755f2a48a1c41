import HuiyanStorage

/// A column of values for the rows of one batch. Integer-lane types (BIGINT, DECIMAL in fen, TIMESTAMP in µs,
/// DATE in days, BOOLEAN as 0/1) live in `ints`, DOUBLE in `doubles`, VARCHAR as `ints` codes into `pool`.
/// `nulls[i] != 0` marks NULL; nil when the batch has none. Rows outside the batch's selection are undefined.
final class Vector {
    let type: SQLType
    let count: Int
    var ints: [Int64]
    var doubles: [Double]
    var nulls: [UInt8]?
    var pool: StringPool?
    /// INTERVAL only: each row's months and days (`Interval.packed`) beside the total in `ints`; nil when
    /// every row has none (a day count is then read from the total, as a lane that lost them).
    var intervalParts: [Int64]?

    /// A vector whose values are not initialized: every operator writes the rows it selects, and rows
    /// outside a batch's selection are never read (no memset of 512 KiB per column and block).
    init(type: SQLType, count: Int) {
        self.type = type
        self.count = count
        if type == .float64 {
            ints = []
            doubles = [Double](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        } else {
            ints = [Int64](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
            doubles = []
        }
    }

    /// A vector of the given integer lane values (`count` of them, shared, not copied) and NULL flags.
    init(type: SQLType, ints: [Int64], nulls: [UInt8]? = nil) {
        precondition(type != .float64 && nulls.map { $0.count == ints.count } ?? true)
        self.type = type
        self.count = ints.count
        self.ints = ints
        self.doubles = []
        self.nulls = nulls
    }

    /// A DOUBLE vector of the given values (shared, not copied) and NULL flags.
    init(doubles: [Double], nulls: [UInt8]? = nil) {
        precondition(nulls.map { $0.count == doubles.count } ?? true)
        type = .float64
        count = doubles.count
        ints = []
        self.doubles = doubles
        self.nulls = nulls
    }

    /// A vector holding one constant value in every row.
    static func constant(_ value: Value, type: SQLType, count: Int) -> Vector {
        let v = Vector(type: type == .null ? .int64 : type, count: count)
        switch value {
        case .null:
            v.nulls = [UInt8](repeating: 1, count: count)
            // A string vector always has a pool (grouping and hashing read it), NULLs too.
            if type == .string {
                v.fill(0)
                v.pool = StringPool(strings: [""])
            }
        case .bool(let b): v.fill(b ? 1 : 0)
        case .int(let i), .money(let i), .decimal(let i, _), .timestamp(let i), .date(let i): v.fill(i)
        case .interval(let x):
            v.fill(x.key)
            v.intervalParts = [Int64](repeating: x.packed, count: count)
        case .double(let d): for i in 0..<count { v.doubles[i] = d }
        case .string(let s):
            v.fill(0)
            v.pool = StringPool(strings: [s])
        }
        return v
    }

    /// A vector holding `values` (each of `type`, or NULL); strings get a pool of their own, in row order.
    static func of(_ values: [Value], type: SQLType) -> Vector {
        let v = Vector(type: type == .null ? .int64 : type, count: values.count)
        var strings: [String] = []
        for (row, value) in values.enumerated() {
            switch value {
            case .null: v.setNull(row)
            case .double(let d): v.doubles[row] = d
            case .bool(let b): v.ints[row] = b ? 1 : 0
            case .int(let x), .money(let x), .decimal(let x, _), .timestamp(let x), .date(let x): v.ints[row] = x
            case .interval(let x): v.setInterval(row, x)
            case .string(let s): v.ints[row] = Int64(strings.count); strings.append(s)
            }
        }
        if type == .string { v.pool = StringPool(strings: strings) }
        return v
    }

    /// Writes an interval (checked) into a row of an INTERVAL vector.
    @inline(__always) func setInterval(_ row: Int, _ x: Interval) {
        ints[row] = x.key
        setParts(row, x.packed)
    }

    /// Writes a row's packed months and days, making the lane on first use.
    @inline(__always) private func setParts(_ row: Int, _ packed: Int64) {
        if intervalParts == nil {
            intervalParts = [Int64](repeating: 0, count: count)
            // Rows written before without parts: keep them read as they were (days from the total).
            for r in 0..<row where !isNull(r) { intervalParts![r] = Interval(key: ints[r]).packed }
        }
        intervalParts![row] = packed
    }

    /// Copies row `from` of `source` (of this vector's type, not VARCHAR, not NULL) into row `row`.
    @inline(__always) func copy(_ row: Int, from source: Vector, _ from: Int) {
        if type == .float64 { doubles[row] = source.doubles[from]; return }
        ints[row] = source.ints[from]
        if type == .interval, intervalParts != nil || source.intervalParts != nil {
            setParts(row, source.intervalParts?[from] ?? Interval(key: source.ints[from]).packed)
        }
    }

    /// The interval of a row of an INTERVAL vector (not NULL).
    @inline(__always) func interval(_ row: Int) -> Interval {
        intervalParts.map { Interval(key: ints[row], packed: $0[row]) } ?? Interval(key: ints[row])
    }

    /// An INTERVAL vector's parts lane for every row, made when missing.
    func ensureIntervalParts() {
        guard type == .interval, intervalParts == nil else { return }
        intervalParts = [Int64](unsafeUninitializedCapacity: count) { buffer, initialized in
            for r in 0..<count { buffer[r] = Interval(key: ints[r]).packed }
            initialized = count
        }
    }

    private func fill(_ value: Int64) {
        for i in 0..<count { ints[i] = value }
    }

    @inline(__always) func isNull(_ row: Int) -> Bool { nulls.map { $0[row] != 0 } ?? false }

    /// Marks a row NULL.
    func setNull(_ row: Int) {
        if nulls == nil { nulls = [UInt8](repeating: 0, count: count) }
        nulls![row] = 1
    }

    /// The rows `rows[i]` of this vector at the selected positions `i` of `batch` (-1: NULL), sharing its pool.
    func gathered(_ rows: [Int32], _ batch: Batch) -> Vector {
        let out = Vector(type: type, count: batch.count)
        out.pool = pool
        var missing = false
        rows.withUnsafeBufferPointer { rows in
            if type == .float64 {
                out.doubles.withUnsafeMutableBufferPointer { o in
                    doubles.withUnsafeBufferPointer { d in
                        batch.forEachSelected { i in let r = Int(rows[i]); if r >= 0 { o[i] = d[r] } else { missing = true } }
                    }
                }
            } else {
                out.ints.withUnsafeMutableBufferPointer { o in
                    ints.withUnsafeBufferPointer { v in
                        batch.forEachSelected { i in let r = Int(rows[i]); o[i] = r >= 0 ? v[r] : 0; missing = missing || r < 0 }
                    }
                }
                if let parts = intervalParts {
                    var p = [Int64](repeating: 0, count: batch.count)
                    batch.forEachSelected { i in let r = Int(rows[i]); if r >= 0 { p[i] = parts[r] } }
                    out.intervalParts = p
                }
            }
            if nulls != nil || missing {
                var flags = [UInt8](repeating: 0, count: batch.count)
                batch.forEachSelected { i in let r = Int(rows[i]); flags[i] = r < 0 || isNull(r) ? 1 : 0 }
                out.nulls = flags
            }
        }
        return out
    }

    /// One vector of the rows `positions` (vector `chunk`, row `row`) of vectors of one type. Strings share
    /// the pool when every vector has the same one; otherwise the chosen rows' strings get a pool of their own.
    static func concatenated(_ vectors: [Vector], _ positions: [(chunk: Int32, row: Int32)], copyingStrings: Bool = false) -> Vector {
        let type = vectors[0].type
        let out = Vector(type: type, count: positions.count)
        if type == .interval && vectors.contains(where: { $0.intervalParts != nil }) {
            out.intervalParts = positions.map { p in
                let v = vectors[Int(p.chunk)], r = Int(p.row)
                return v.isNull(r) ? 0 : v.intervalParts?[r] ?? Interval(key: v.ints[r]).packed
            }
        }
        let sharedPool = !copyingStrings && vectors.allSatisfy { $0.pool === vectors[0].pool }
        // Strings of several pools: the chosen rows' bytes copied into one new pool, an entry a row.
        var bytes: [UInt8] = []
        var starts: [Int] = []
        if type == .string && !sharedPool { starts.reserveCapacity(positions.count + 1); starts.append(0) }
        for (i, p) in positions.enumerated() {
            let v = vectors[Int(p.chunk)], r = Int(p.row)
            if v.isNull(r) {
                out.setNull(i)
                if type != .float64 { out.ints[i] = 0 }
                if type == .string && !sharedPool { out.ints[i] = Int64(starts.count - 1); starts.append(bytes.count) }
                continue
            }
            if type == .float64 {
                out.doubles[i] = v.doubles[r]
            } else if type == .string && !sharedPool {
                out.ints[i] = Int64(starts.count - 1)
                v.pool!.withBytes(at: Int(v.ints[r])) { bytes.append(contentsOf: $0) }
                starts.append(bytes.count)
            } else {
                out.ints[i] = v.ints[r]
            }
        }
        if type == .string { out.pool = sharedPool ? vectors[0].pool : StringPool(StringDictionary(bytes: bytes, starts: starts), isSorted: false) }
        return out
    }

    /// The value of one row.
    func value(_ row: Int) -> Value {
        if isNull(row) { return .null }
        switch type {
        case .boolean: return .bool(ints[row] != 0)
        case .int64: return .int(ints[row])
        case .float64: return .double(doubles[row])
        case .money: return .money(ints[row])
        case .decimal(let scale): return .decimal(ints[row], scale: scale)
        case .string: return .string(pool!.string(Int(ints[row])))
        case .timestamp: return .timestamp(ints[row])
        case .date: return .date(ints[row])
        case .interval: return .interval(interval(row))
        case .null: return .null
        }
    }
}

/// The rows of one block being processed, and which of them are still selected.
struct Batch {
    let count: Int
    /// Selected row indices in increasing order; nil = all rows.
    var selection: [Int32]?

    var selectedCount: Int { selection?.count ?? count }

    /// Calls `body` with every selected row index.
    @inline(__always)
    func forEachSelected(_ body: (Int) -> Void) {
        if let selection {
            for i in selection { body(Int(i)) }
        } else {
            for i in 0..<count { body(i) }
        }
    }
}
