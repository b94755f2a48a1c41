import HuiyanStorage

/// The byte form of columns of rows written to a spill file, and back.
///
/// A record is the row count, then per column its type, a NULL flag byte per row when any row is NULL, and
/// the values: eight bytes a row for integer-lane types and doubles; for strings the end offset of each
/// row's bytes (eight bytes a row), then the bytes; for intervals the total, then the months and days (eight
/// bytes a row each). Read back, a string column is one pool with an entry a row.
enum SpilledChunk {
    /// Columns of rows being gathered for one record (the rows of one partition).
    struct Builder {
        private(set) var types: [SQLType]
        private(set) var rowCount = 0
        private var ints: [[Int64]]
        private var doubles: [[Double]]
        private var nulls: [[UInt8]]
        private var anyNull: [Bool]
        private var bytes: [[UInt8]]
        private var ends: [[Int64]]
        /// Rows kept in memory (`takeVectors`) may keep a string column as codes into one pool: the column
        /// `codedColumn` always (a partition's pool of key entries), another while its pool is small. Per
        /// column, that pool (nil: the strings' bytes are copied).
        private let codesStrings: Bool
        private let codedColumn: Int?
        private var codedPools: [StringPool?]
        private var decided: [Bool]
        /// Pools of at most this many entries are kept as codes (route, spot, platform, county).
        static let smallPoolEntries = 4_096

        /// `codesStrings`: the rows stay in memory (`takeVectors`), not encoded for a file.
        init(types: [SQLType], codesStrings: Bool = false, codedColumn: Int? = nil) {
            self.types = types
            let n = types.count
            ints = Array(repeating: [], count: n)
            doubles = Array(repeating: [], count: n)
            nulls = Array(repeating: [], count: n)
            anyNull = Array(repeating: false, count: n)
            bytes = Array(repeating: [], count: n)
            ends = Array(repeating: [], count: n)
            self.codesStrings = codesStrings
            self.codedColumn = codedColumn
            codedPools = Array(repeating: nil, count: n)
            decided = Array(repeating: false, count: n)
        }

        /// Whether rows of `vectors` can join the gathered ones: each string column kept as codes still has
        /// the same pool (else the builder must be emptied first).
        func accepts(_ vectors: [Vector]) -> Bool {
            for (k, pool) in codedPools.enumerated() where pool != nil && vectors[k].pool !== pool { return false }
            return true
        }

        /// Bytes the gathered rows take.
        private(set) var approximateBytes = 0

        /// Appends rows `rows` of `vectors` (one vector per column, of this builder's types).
        mutating func append(_ vectors: [Vector], rows: UnsafeBufferPointer<Int32>) {
            for (k, v) in vectors.enumerated() {
                if let nullFlags = v.nulls {
                    var any = false
                    nullFlags.withUnsafeBufferPointer { flags in
                        Self.gather(flags, rows, into: &nulls[k])
                        for r in rows where flags[Int(r)] != 0 { any = true; break }
                    }
                    anyNull[k] = anyNull[k] || any
                } else {
                    nulls[k].append(contentsOf: repeatElement(0, count: rows.count))
                }
                switch types[k] {
                case .float64:
                    v.doubles.withUnsafeBufferPointer { Self.gather($0, rows, into: &doubles[k]) }
                case .string:
                    if !decided[k] {
                        decided[k] = true
                        if codesStrings, let pool = v.pool, k == codedColumn || pool.count <= Self.smallPoolEntries { codedPools[k] = pool }
                    }
                    if codedPools[k] != nil {
                        v.ints.withUnsafeBufferPointer { Self.gather($0, rows, into: &ints[k]) }
                    } else {
                        appendStrings(v, rows: rows, column: k)
                    }
                default:
                    v.ints.withUnsafeBufferPointer { Self.gather($0, rows, into: &ints[k]) }
                    // An interval's months and days (`ends` holds them: intervals have no bytes).
                    if types[k] == .interval {
                        for r in rows { ends[k].append(v.isNull(Int(r)) ? 0 : v.interval(Int(r)).packed) }
                    }
                }
            }
            rowCount += rows.count
            approximateBytes = types.indices.reduce(0) { $0 + ints[$1].count * 8 + doubles[$1].count * 8 + nulls[$1].count + bytes[$1].count + ends[$1].count * 8 }
        }

        /// Appends `source[r]` for each row `r` of `rows` to `target`, copied in one pass into room made once.
        @inline(__always)
        private static func gather<T>(_ source: UnsafeBufferPointer<T>, _ rows: UnsafeBufferPointer<Int32>, into target: inout [T]) {
            target.append(contentsOf: rows.lazy.map { source[Int($0)] })
        }

        /// Appends the strings of rows `rows` of string vector `v` to column `k`: their lengths first, then
        /// the bytes copied into place in one pass (no call per string).
        private mutating func appendStrings(_ v: Vector, rows: UnsafeBufferPointer<Int32>, column k: Int) {
            let dictionary = v.pool!.dictionary
            let nullFlags = v.nulls
            dictionary.bytes.withUnsafeBufferPointer { source in
                dictionary.starts.withUnsafeBufferPointer { starts in
                    v.ints.withUnsafeBufferPointer { codes in
                        var total = 0
                        for r in rows where nullFlags?[Int(r)] ?? 0 == 0 {
                            let c = Int(codes[Int(r)])
                            total += starts[c + 1] - starts[c]
                        }
                        var at = bytes[k].count
                        bytes[k].append(contentsOf: repeatElement(0, count: total))
                        ends[k].reserveCapacity(ends[k].count + rows.count)
                        bytes[k].withUnsafeMutableBufferPointer { target in
                            for r in rows {
                                if nullFlags?[Int(r)] ?? 0 == 0 {
                                    let c = Int(codes[Int(r)])
                                    var from = starts[c]
                                    let end = starts[c + 1]
                                    while from < end { target[at] = source[from]; at += 1; from += 1 }
                                }
                                ends[k].append(Int64(at))
                            }
                        }
                    }
                }
            }
        }

        /// The gathered rows as vectors (no selection); the builder is then empty.
        mutating func takeVectors() -> (vectors: [Vector], count: Int) {
            let vectors = types.indices.map { k -> Vector in
                let v: Vector
                switch types[k] {
                case .float64:
                    v = Vector(doubles: doubles[k], nulls: anyNull[k] ? nulls[k] : nil)
                case .string where codedPools[k] == nil:
                    // An entry a row, as a record read back from a file.
                    v = Vector(type: .string, ints: (0..<Int64(rowCount)).map { $0 }, nulls: anyNull[k] ? nulls[k] : nil)
                    var starts = [Int](repeating: 0, count: rowCount + 1)
                    for i in 0..<rowCount { starts[i + 1] = Int(ends[k][i]) }
                    v.pool = StringPool(StringDictionary(bytes: bytes[k], starts: starts), isSorted: false)
                default:
                    v = Vector(type: types[k], ints: ints[k], nulls: anyNull[k] ? nulls[k] : nil)
                    v.pool = codedPools[k]
                    if types[k] == .interval { v.intervalParts = ends[k] }
                }
                return v
            }
            let count = rowCount
            self = Builder(types: types, codesStrings: codesStrings, codedColumn: codedColumn)
            return (vectors, count)
        }

        /// The record of the gathered rows; the builder is then empty.
        mutating func encode() -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(approximateBytes + 16 + types.count * 2)
            Self.put(Int64(rowCount), &out)
            for k in types.indices {
                out.append(types[k].spillTag)
                out.append(anyNull[k] ? 1 : 0)
                if anyNull[k] { out.append(contentsOf: nulls[k]) }
                switch types[k] {
                case .float64: doubles[k].withUnsafeBytes { out.append(contentsOf: $0) }
                case .string:
                    ends[k].withUnsafeBytes { out.append(contentsOf: $0) }
                    out.append(contentsOf: bytes[k])
                default:
                    ints[k].withUnsafeBytes { out.append(contentsOf: $0) }
                    if types[k] == .interval { ends[k].withUnsafeBytes { out.append(contentsOf: $0) } }
                }
            }
            self = Builder(types: types)
            return out
        }

        private static func put(_ x: Int64, _ out: inout [UInt8]) {
            withUnsafeBytes(of: x.littleEndian) { out.append(contentsOf: $0) }
        }
    }

    /// The columns of a record (each vector as long as the record's rows, no selection).
    static func decode(_ record: [UInt8]) throws -> (vectors: [Vector], count: Int) {
        try record.withUnsafeBytes { raw in
            var at = 0
            func int64() throws -> Int64 {
                guard at + 8 <= raw.count else { throw damaged }
                defer { at += 8 }
                return Int64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int64.self))
            }
            func byte() throws -> UInt8 {
                guard at < raw.count else { throw damaged }
                defer { at += 1 }
                return raw[at]
            }
            func take(_ n: Int) throws -> UnsafeRawBufferPointer {
                guard n >= 0, at + n <= raw.count else { throw damaged }
                defer { at += n }
                return UnsafeRawBufferPointer(rebasing: raw[at..<(at + n)])
            }
            let count = Int(try int64())
            guard count >= 0 else { throw damaged }
            var vectors: [Vector] = []
            while at < raw.count {
                guard let type = SQLType(spillTag: try byte()) else { throw damaged }
                let v = Vector(type: type, count: count)
                if try byte() != 0 { v.nulls = Array(try take(count)) }
                switch type {
                case .float64:
                    let values = try take(count * 8)
                    v.doubles.withUnsafeMutableBytes { $0.copyMemory(from: values) }
                case .string:
                    let endBytes = try take(count * 8)
                    var starts = [Int](repeating: 0, count: count + 1)
                    for i in 0..<count { starts[i + 1] = Int(endBytes.loadUnaligned(fromByteOffset: i * 8, as: Int64.self)) }
                    guard starts.last! >= 0 else { throw damaged }
                    let bytes = Array(try take(starts.last!))
                    for i in 0..<count { v.ints[i] = Int64(i) }
                    v.pool = StringPool(StringDictionary(bytes: bytes, starts: starts), isSorted: false)
                default:
                    let values = try take(count * 8)
                    v.ints.withUnsafeMutableBytes { $0.copyMemory(from: values) }
                    if type == .interval {
                        let parts = try take(count * 8)
                        var lane = [Int64](repeating: 0, count: count)
                        lane.withUnsafeMutableBytes { $0.copyMemory(from: parts) }
                        v.intervalParts = lane
                    }
                }
                vectors.append(v)
            }
            return (vectors, count)
        }
    }

    private static var damaged: QueryError { QueryError("internal error: a temporary spill file was damaged") }
}

extension SQLType {
    /// The type's byte in a spill record.
    var spillTag: UInt8 {
        switch self {
        case .null: return 0
        case .boolean: return 1
        case .int64: return 2
        case .float64: return 3
        case .money: return 4
        case .string: return 5
        case .timestamp: return 6
        case .date: return 7
        case .decimal(let scale): return 8 + UInt8(scale)     // 11…26
        case .interval: return 27
        }
    }

    init?(spillTag: UInt8) {
        let all: [SQLType] = [.null, .boolean, .int64, .float64, .money, .string, .timestamp, .date]
        if spillTag == 27 { self = .interval; return }
        if spillTag >= 8, let type = SQLType.decimal(scale: Int(spillTag) - 8) { self = type; return }
        guard Int(spillTag) < all.count else { return nil }
        self = all[Int(spillTag)]
    }
}
