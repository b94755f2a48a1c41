import Dispatch
import Foundation
import HuiyanParquet
import HuiyanStorage

/// `read_parquet('f.parquet')` and `'f.parquet'` in FROM: a Parquet file read through `HuiyanParquet`'s
/// reader a row group at a time (its columns decoded on several threads), handed on in chunks. Types: BOOLEAN, BIGINT,
/// DOUBLE, VARCHAR, DATE, TIMESTAMP (a time without zone is wall-clock time in the database's zone, as a
/// feed's), DECIMAL(p, s) as DECIMAL(18, s) (scale 0 as BIGINT, scale 1 as DECIMAL(18,2)).
final class ParquetFileSource: TableSource {
    let columnNames: [String]
    let columnTypes: [SQLType]
    let explanation: String
    private let reader: ParquetReader
    private let zoneOffset: Int

    var estimatedRows: Int? { reader.rowCount }

    init(path: String, explanation: String, zoneOffset: Int) throws {
        do {
            reader = try ParquetReader(path: path)
        } catch let error as ParquetReadError {
            throw QueryError(error.message)
        }
        self.explanation = explanation
        self.zoneOffset = zoneOffset
        columnNames = reader.columns.map(\.name)
        columnTypes = try reader.columns.map { column in
            switch column.kind {
            case .boolean: return .boolean
            case .int64: return .int64
            case .double: return .float64
            case .string: return .string
            case .date: return .date
            case .timestampMicrosUTC, .timestampMicrosLocal: return .timestamp
            case .decimal(_, let scale):
                if scale == 0 { return .int64 }
                guard let type = SQLType.decimal(scale: max(scale, 2)) else {
                    throw QueryError("\(path): column \"\(column.name)\" is a DECIMAL of scale \(scale), past the 18 decimals a DECIMAL holds here")
                }
                return type
            }
        }
    }

    func produce(_ environment: ExecutionEnvironment, reading read: [Bool], pruning: SourcePruning, into consume: (DataChunk) throws -> Void) throws {
        defer { environment.context.release(self) }
        // A row group is decoded whole: about 16 bytes a value at the most, within the memory limit.
        reader.largestRowGroup = (environment.context.memoryLimit ?? Int.max) / 16
        let statistics = environment.context.statistics
        for group in 0..<reader.rowGroupCount {
            try environment.context.check()
            let rows = reader.rowCount(ofGroup: group)
            if !pruning.isEmpty, excludes(group: group, rows: rows, pruning) {
                statistics.addRowGroupSkipped()
                continue
            }
            statistics.addRowGroupRead()
            // The row group's needed columns decoded side by side (each column chunk on its own), then held as
            // this source's until they are handed on.
            let wanted = columnNames.indices.filter { read[$0] }
            let decode = { (k: Int) in
                let c = wanted[k]
                return Result<Vector, any Error> {
                    do {
                        return try self.vector(try self.reader.read(group: group, column: c), column: c)
                    } catch let error as ParquetReadError {
                        throw QueryError(error.message)
                    }
                }
            }
            let decoded = environment.context.threads > 1 ? ConcurrentLoop.map(wanted.count, decode) : wanted.indices.map(decode)
            var vectors = [Vector?](repeating: nil, count: columnNames.count)
            var bytes = 0
            for (k, c) in wanted.enumerated() {
                let vector = try decoded[k].get()
                bytes += vector.count * 9 + (vector.pool?.approximateBytes ?? 0)
                vectors[c] = vector
            }
            try environment.context.hold(bytes, for: self)
            // Columns not read are NULL vectors made a chunk at a time (a row group's count is the file's word).
            var start = 0
            while start < rows {
                let end = min(rows, start + Self.chunkRows)
                let slice = vectors.indices.map { c in
                    vectors[c].map { start == 0 && end == rows ? $0 : $0.slice(start..<end) } ?? unread(c, count: end - start)
                }
                try consume(DataChunk(columns: slice, count: end - start))
                start = end
            }
            environment.context.release(self)
        }
    }

    /// Whether the statistics of a row group's columns show that no row of it passes the tests.
    private func excludes(group: Int, rows: Int, _ pruning: SourcePruning) -> Bool {
        for c in Set(pruning.tests.map(\.column)) where c < columnNames.count {
            guard let statistics = reader.statistics(group: group, column: c) else { continue }
            let allNull = rows > 0 && statistics.nullCount == rows
            if pruning.excludes(column: c, bounds: statistics.bounds.flatMap { bounds($0, column: c) }, allNull: allNull) { return true }
        }
        return false
    }

    /// A row group's bounds as this source's values of column `c` (as `vector` converts them).
    private func bounds(_ bounds: ParquetColumnStatistics.Bounds, column c: Int) -> ValueBounds? {
        switch (bounds, columnTypes[c]) {
        case (.doubles(let lo, let hi), .float64): return .doubles(lo, hi)
        case (.bytes(let lo, let hi), .string): return .bytes(lo, hi)
        case (.ints(let lo, let hi), let type) where type != .float64 && type != .string:
            switch reader.columns[c].kind {
            case .timestampMicrosLocal:
                let shift = Int64(zoneOffset) * 1_000_000
                return .ints(lo &- shift, hi &- shift)
            case .decimal(_, 1):
                let (a, o1) = lo.multipliedReportingOverflow(by: 10), (b, o2) = hi.multipliedReportingOverflow(by: 10)
                return o1 || o2 ? nil : .ints(a, b)
            default:
                return .ints(lo, hi)
            }
        default:
            return nil
        }
    }

    /// A column chunk's values as a vector of the column's SQL type.
    private func vector(_ data: ParquetColumnData, column c: Int) throws -> Vector {
        let type = columnTypes[c]
        if type == .float64 {
            let v = Vector(type: type, count: data.count)
            v.doubles = data.doubles
            v.nulls = data.nulls
            return v
        }
        var ints = data.ints
        switch reader.columns[c].kind {
        case .timestampMicrosLocal:
            // Wall-clock time of no zone: the database's zone's.
            let shift = Int64(zoneOffset) * 1_000_000
            for i in ints.indices { ints[i] &-= shift }
        case .decimal(_, 1):
            for i in ints.indices {
                let (v, overflow) = ints[i].multipliedReportingOverflow(by: 10)
                guard !overflow else { throw QueryError("column \"\(columnNames[c])\" holds a DECIMAL past 18 digits") }
                ints[i] = v
            }
        default: break
        }
        if type == .string {
            let (dictionary, remap) = Self.sortedDictionary(data)
            // Each row's code into the sorted entries (a NULL's 0 too: the NULL mask hides it).
            remap.withUnsafeBufferPointer { remap in
                ints.withUnsafeMutableBufferPointer { codes in
                    for i in codes.indices { codes[i] = remap[Int(codes[i])] }
                }
            }
            let v = Vector(type: type, ints: ints, nulls: data.nulls)
            v.pool = StringPool(dictionary, isSorted: true)
            return v
        }
        return Vector(type: type, ints: ints, nulls: data.nulls)
    }

    /// A column chunk's strings as a dictionary sorted by bytes and free of repeats — what a segment's is, so
    /// that count(DISTINCT), grouping and comparisons take their dictionary paths once per row group instead of
    /// sorting a chunk's strings for every batch — and the new code of each entry. (A PLAIN page makes an entry
    /// per value; a dictionary page's entries need not be in order.)
    private static func sortedDictionary(_ data: ParquetColumnData) -> (StringDictionary, [Int64]) {
        let entries = data.stringStarts.count - 1
        guard entries > 0 else { return (StringDictionary(bytes: [], starts: [0, 0]), [0]) }
        let builder = StringDictionaryBuilder(expectedDistinct: entries)
        var interned = [Int64](repeating: 0, count: entries)
        data.stringBytes.withUnsafeBytes { bytes in
            data.stringStarts.withUnsafeBufferPointer { starts in
                for e in 0..<entries {
                    interned[e] = builder.intern(UnsafeRawBufferPointer(rebasing: bytes[starts[e]..<starts[e + 1]]))
                }
            }
        }
        let (dictionary, remap) = builder.finish()
        return (dictionary, interned.map { remap[Int($0)] })
    }
}
