import HuiyanParquet

/// Gives a query's rows to a `RowGroupBuilder`, a column at a time: one thread's tool for filling the row
/// groups of a Parquet export (`ParquetChunkWriter`), kept from one row group to the next.
final class RowGroupFiller {
    let builder: RowGroupBuilder
    private let types: [SQLType]
    /// The row groups this filler has begun (a stamp in `codeMaps`).
    private var group: Int64 = 0
    /// For each string column, the Parquet code of each code of the pool last seen, valid within one row
    /// group: `group << 32 | code`, stale when the stamp is another row group's. A pool's string is interned
    /// once a row group, not once a row, and a new row group clears nothing.
    private var codeMaps: [(pool: StringPool?, codes: [Int64])]
    private var scratch: [Int64] = []

    init(columns: [ParquetColumn], types: [SQLType]) {
        builder = RowGroupBuilder(columns: columns)
        self.types = types
        codeMaps = Array(repeating: (nil, []), count: types.count)
    }

    /// Gives `rows` of each piece's first columns to the builder: the rows of one row group, in order.
    func fill(_ pieces: [(chunk: DataChunk, rows: Range<Int>)]) {
        group += 1
        for (chunk, rows) in pieces {
            for c in types.indices { append(chunk.columns[c], column: c, rows: rows) }
            builder.endRows(rows.count)
        }
    }

    private func append(_ vector: Vector, column c: Int, rows: Range<Int>) {
        if types[c] == .null || vector.type == .null {
            let nulls = [UInt8](repeating: 1, count: rows.count)
            let zeros = [Int64](repeating: 0, count: rows.count)
            return nulls.withUnsafeBufferPointer { n in zeros.withUnsafeBufferPointer { builder.appendInts(c, $0, nulls: n) } }
        }
        func withNulls(_ body: (UnsafeBufferPointer<UInt8>?) -> Void) {
            guard let nulls = vector.nulls else { return body(nil) }
            nulls.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[rows])) }
        }
        switch vector.type {
        case .float64:
            vector.doubles.withUnsafeBufferPointer { values in withNulls { builder.appendDoubles(c, UnsafeBufferPointer(rebasing: values[rows]), nulls: $0) } }
        case .string:
            appendStrings(vector, column: c, rows: rows)
            scratch.withUnsafeBufferPointer { codes in withNulls { builder.appendStringCodes(c, codes, nulls: $0) } }
        default:
            vector.ints.withUnsafeBufferPointer { values in withNulls { builder.appendInts(c, UnsafeBufferPointer(rebasing: values[rows]), nulls: $0) } }
        }
    }

    /// The Parquet codes of `rows` of a string vector into `scratch` (0 for NULL), interning each of the
    /// pool's strings the first time this row group meets it.
    private func appendStrings(_ vector: Vector, column c: Int, rows: Range<Int>) {
        let pool = vector.pool!
        var map = codeMaps[c]
        codeMaps[c] = (nil, [])  // (not shared while it is changed)
        // (The pool is held with its map: another pool never reuses its address meanwhile.)
        if !pool.sharesDictionary(with: map.pool) {
            map = (pool, [Int64](repeating: 0, count: pool.count))
        }
        var out = scratch
        scratch = []
        out.removeAll(keepingCapacity: true)
        let nulls = vector.nulls
        let stamp = group << 32
        pool.dictionary.bytes.withUnsafeBytes { bytes in
            vector.ints.withUnsafeBufferPointer { codes in
                map.codes.withUnsafeMutableBufferPointer { parquetCodes in
                    for row in rows {
                        if let nulls, nulls[row] != 0 { out.append(0); continue }
                        let code = Int(codes[row])
                        if parquetCodes[code] & ~0xFFFF_FFFF != stamp {
                            let starts = pool.dictionary.starts
                            let interned = builder.internString(c, UnsafeRawBufferPointer(rebasing: bytes[starts[code]..<starts[code + 1]]))
                            parquetCodes[code] = stamp | interned
                        }
                        out.append(parquetCodes[code] & 0xFFFF_FFFF)
                    }
                }
            }
        }
        codeMaps[c] = map
        scratch = out
    }
}
