/// Rows passed between physical operators: columns of equal length, every row live (no selection).
/// String columns of one chunk may point into different pools than another chunk's.
struct DataChunk {
    var columns: [Vector]
    var count: Int
    /// Set on an aggregate's output: its first `groupKeyCount` columns are the group keys
    /// (`.groupKey(i)`), the rest the aggregates (`.aggregate(i)`). nil: `.column(i)` is column `i`.
    var groupKeyCount: Int?
    /// Rows of FROM's tables between computed operators (a subquery's, a hash join's): the combined column
    /// index each column stands for (`.column(columnIndexes[i])` is column `i`). nil: column `i` is `.column(i)`.
    var columnIndexes: [Int]?
    /// Set on a window operator's output: its last `windowCount` columns are the window functions' results
    /// (`.window(i)`); the columns before them are its input's, as the fields above say.
    var windowCount = 0

    init(columns: [Vector], count: Int, groupKeyCount: Int? = nil, columnIndexes: [Int]? = nil, windowCount: Int = 0) {
        self.columns = columns
        self.count = count
        self.groupKeyCount = groupKeyCount
        self.columnIndexes = columnIndexes
        self.windowCount = windowCount
    }

    /// A chunk of other rows with the same columns: what the fields say of them is kept.
    func withColumns(_ columns: [Vector], count: Int) -> DataChunk {
        DataChunk(columns: columns, count: count, groupKeyCount: groupKeyCount, columnIndexes: columnIndexes, windowCount: windowCount)
    }

    /// An evaluator of expressions over this chunk's columns.
    func evaluator(offsetSeconds: Int) -> Evaluator {
        let own = windowCount == 0 ? columns : Array(columns.dropLast(windowCount))
        var evaluator: Evaluator
        if let k = groupKeyCount {
            evaluator = Evaluator(offsetSeconds: offsetSeconds, groupKeys: Array(own[..<k]), aggregates: Array(own[k...]))
        } else {
            var byIndex: [Int: Vector] = [:]
            for (i, v) in own.enumerated() { byIndex[columnIndexes?[i] ?? i] = v }
            evaluator = Evaluator(offsetSeconds: offsetSeconds, columns: byIndex)
        }
        if windowCount > 0 { evaluator.windows = Array(columns.suffix(windowCount)) }
        return evaluator
    }

    /// Bytes the chunk's own values take (string pools are shared, not counted).
    var approximateBytes: Int { columns.reduce(0) { $0 + $1.count * 8 + ($1.nulls == nil ? 0 : $1.count) } }

    /// All rows, unselected.
    var batch: Batch { Batch(count: count, selection: nil) }

    /// The chunk of the rows `rows` (in that order).
    func gathered(_ rows: [Int32]) -> DataChunk {
        let target = Batch(count: rows.count, selection: nil)
        return withColumns(columns.map { $0.gathered(rows, target) }, count: rows.count)
    }

    /// The given rows as a chunk of their own: strings copied into new pools of those rows' strings alone,
    /// so that a few rows kept from a chunk do not keep its whole pools alive.
    func compacted(_ rows: [Int32]) -> DataChunk {
        let positions = rows.map { (chunk: Int32(0), row: $0) }
        let target = Batch(count: rows.count, selection: nil)
        return withColumns(columns.map { $0.type == .string ? Vector.concatenated([$0], positions, copyingStrings: true) : $0.gathered(rows, target) },
                           count: rows.count)
    }

    /// The rows of the chunk as values, the first `width` columns.
    func rows(width: Int) -> [[Value]] {
        (0..<count).map { r in columns.prefix(width).map { $0.value(r) } }
    }

    /// About how many bytes the first `width` columns' strings take as values (their pools' bytes, each at
    /// most once per row).
    func stringBytes(width: Int) -> Int {
        columns.prefix(width).reduce(0) { total, column in
            guard let pool = column.pool, pool.count > 0 else { return total }
            return total + count * (pool.averageLength + 16)
        }
    }
}

/// One column of the rows of FROM a computed operator outputs: its combined index, name and type.
struct LabelledColumn {
    let index: Int
    let name: String
    let type: SQLType
}
