import HuiyanStorage

/// A sort larger than its share of the memory limit: the rows are sorted a part at a time, each part
/// written to a spill file as a run of records (`SpilledChunk`), and the runs merged as they are read back,
/// one record per run in memory. Ties go to the earlier run, and each run is sorted stably, so the merge
/// keeps the input's order among equal keys, as the sort in memory does.
struct SortedRuns {
    let keys: [SortKey]
    let offsetSeconds: Int
    let context: QueryContext
    let area: SpillArea
    private(set) var runs: [[PartitionedSpillWriter.Record]] = []

    /// Rows a record of a run holds (and a merged output chunk).
    static let recordRows = 4_096

    init(keys: [SortKey], offsetSeconds: Int, context: QueryContext, area: SpillArea) {
        self.keys = keys
        self.offsetSeconds = offsetSeconds
        self.context = context
        self.area = area
    }

    /// Sorts `chunks` and writes them as one run.
    mutating func add(_ chunks: [DataChunk]) throws {
        let sorted = try SortOperator.sorted(chunks, keys: keys, offsetSeconds: offsetSeconds, context: context)
        let file = try area.makeFile()
        var run: [PartitionedSpillWriter.Record] = []
        var start = 0
        while start < sorted.count {
            try context.check()
            let end = min(sorted.count, start + Self.recordRows)
            var builder = SpilledChunk.Builder(types: sorted.columns.map(\.type))
            let rows = (Int32(start)..<Int32(end)).map { $0 }
            rows.withUnsafeBufferPointer { builder.append(sorted.columns, rows: $0) }
            let bytes = builder.encode()
            let offset = try bytes.withUnsafeBytes { try file.append($0) }
            run.append(PartitionedSpillWriter.Record(file: file, offset: offset, length: bytes.count))
            start = end
        }
        runs.append(run)
        context.statistics.addSortRun()
    }

    /// One run being read back: its current record and the next row in it.
    private struct Cursor {
        var records: ArraySlice<PartitionedSpillWriter.Record>
        var chunk: DataChunk
        var keyVectors: [Vector]
        var row = 0
    }

    /// Merges the runs, handing `consume` chunks of the rows in order, their columns described as those of
    /// `input` (its group keys and column indexes; its rows are not read).
    func merge(like input: DataChunk, into consume: (DataChunk) throws -> Void) throws {
        var cursors: [Cursor] = []
        for run in runs {
            guard let cursor = try next(records: run[...]) else { continue }
            cursors.append(cursor)
        }
        var order = RowOrder(keys: keys, vectors: cursors.map(\.keyVectors))
        // A heap of the runs with rows left, the run whose next row comes first on top.
        var heap = Array(cursors.indices)
        let before = { (a: Int, b: Int) -> Bool in order.precedes(a, cursors[a].row, b, cursors[b].row) }
        func siftDown(_ i: Int) {
            var i = i
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && before(heap[l], heap[m]) { m = l }
                if r < heap.count && before(heap[r], heap[m]) { m = r }
                if m == i { return }
                heap.swapAt(i, m)
                i = m
            }
        }
        for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(i) }
        // The output's rows, as positions in the chunks they come from.
        var sources: [DataChunk] = []
        var sourceOfRun = [Int](repeating: -1, count: cursors.count)
        var positions: [(chunk: Int32, row: Int32)] = []
        func flush() throws {
            guard !positions.isEmpty else { return }
            let gathered = SortOperator.gather(sources, positions)
            let chunk = input.withColumns(gathered.columns, count: gathered.count)
            positions = []
            sources = []
            for i in sourceOfRun.indices { sourceOfRun[i] = -1 }
            try consume(chunk)
        }
        while let top = heap.first {
            if sourceOfRun[top] < 0 {
                sourceOfRun[top] = sources.count
                sources.append(cursors[top].chunk)
            }
            positions.append((Int32(sourceOfRun[top]), Int32(cursors[top].row)))
            cursors[top].row += 1
            if cursors[top].row == cursors[top].chunk.count {
                if let following = try next(records: cursors[top].records) {
                    cursors[top] = following
                    sourceOfRun[top] = -1
                    order = RowOrder(keys: keys, vectors: cursors.map(\.keyVectors))
                } else {
                    heap[0] = heap[heap.count - 1]
                    heap.removeLast()
                }
            }
            if !heap.isEmpty { siftDown(0) }
            if positions.count == Self.recordRows {
                try context.check()
                try flush()
            }
        }
        try flush()
    }

    /// The cursor at the first record of `records` (nil when none is left).
    private func next(records: ArraySlice<PartitionedSpillWriter.Record>) throws -> Cursor? {
        guard let record = records.first else { return nil }
        let (vectors, count) = try record.read()
        let chunk = DataChunk(columns: vectors, count: count)
        let keyVectors = try RowOrder(keys: keys, chunks: [chunk], offsetSeconds: offsetSeconds).vectors[0]
        return Cursor(records: records.dropFirst(), chunk: chunk, keyVectors: keyVectors)
    }
}
