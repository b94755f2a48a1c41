import Foundation
import HuiyanStorage

/// One scanning thread's share of ORDER BY … LIMIT over a table: the best rows so far in a bounded heap
/// whose top is the worst kept row. A batch's rows are first compared with that row on the first key (one
/// comparison each), the survivors go through a heap of the batch's own best, and only those few are turned
/// into values. A block whose zone map shows that none of its rows can beat the worst kept row is skipped.
/// Ties are broken by the rows' position in the table, so the rows are those a full sort would give.
///
/// The threads' heaps share a bound (`TopNBound`): the worst first key among the best rows any of them has
/// been offered, so each thread skips by what every thread has read, not only by its own rows.
final class TopNHeap {
    let keys: [SortKey]
    let capacity: Int
    /// The kept rows (the worst on top).
    private var heap: BoundedHeap<Row>
    /// The bound the threads of the scan share.
    private let sharedBound: TopNBound

    struct Row {
        var keys: [Value]
        /// The row's position in the table: unit, block within the unit, row within the block.
        var sequence: Int64
        var outputs: [Value]
    }

    /// A heap of `capacity` rows; the heaps of one scan's threads share `sharedBound` (one per scan).
    init(keys: [SortKey], capacity: Int, sharedBound: TopNBound? = nil) {
        self.keys = keys
        self.capacity = capacity
        self.sharedBound = sharedBound ?? TopNBound(key: keys[0], capacity: capacity)
        heap = BoundedHeap(capacity: capacity) { a, b in Self.precedes(a, b, keys) }
    }

    /// The first key past which no row can enter: the tighter of this heap's worst kept row's (once full)
    /// and the bound the threads share; nil while neither is known.
    private var bound: Value? {
        let own = heap.isFull ? heap.worst?.keys[0] : nil
        let shared = sharedBound.bound
        guard let own else { return shared }
        guard let shared else { return own }
        return Self.compare(shared, own, keys[0]) < 0 ? shared : own
    }

    /// Whether row a comes before row b: by the keys, then by position.
    static func precedes(_ a: Row, _ b: Row, _ keys: [SortKey]) -> Bool {
        for (k, key) in keys.enumerated() {
            let c = Self.compare(a.keys[k], b.keys[k], key)
            if c != 0 { return c < 0 }
        }
        return a.sequence < b.sequence
    }

    /// Negative when value a comes first under the key, positive when b does.
    static func compare(_ a: Value, _ b: Value, _ key: SortKey) -> Int {
        if a.isNull || b.isNull {
            if a.isNull && b.isNull { return 0 }
            return a.isNull == key.nullsFirst ? -1 : 1
        }
        let c = SelectExecutor.compare(a, b, nullsFirst: key.nullsFirst)
        return key.descending ? -c : c
    }

    /// Adds a batch's selected rows; `sequence` is the position of the batch's row 0.
    func add(_ evaluator: Evaluator, _ batch: Batch, outputs: [BoundExpression], sequence: Int64) throws {
        guard capacity > 0 else { return }
        let keyVectors = try keys.map { try evaluator.evaluate($0.expression, batch) }
        let candidates = prefilter(batch, first: keyVectors[0])
        guard candidates.selectedCount > 0 else { return }
        // The batch's own best rows by every key (position breaks ties: the earlier row wins).
        let chunk = [keyVectors]
        let order = RowOrder(keys: keys, vectors: chunk)
        var local = BoundedHeap<Int32>(capacity: min(capacity, candidates.selectedCount)) { a, b in
            order.precedes(0, Int(a), 0, Int(b))
        }
        candidates.forEachSelected { local.offer(Int32($0)) }
        let chosen = local.elements.sorted()
        let chosenBatch = Batch(count: batch.count, selection: chosen)
        let outputVectors = try outputs.map { try evaluator.evaluate($0, chosenBatch) }
        for r in chosen {
            let i = Int(r)
            offer(Row(keys: keyVectors.map { $0.value(i) }, sequence: sequence | Int64(i), outputs: outputVectors.map { $0.value(i) }))
        }
        sharedBound.offer(chosen.map { keyVectors[0].value(Int($0)) })
    }

    /// The rows of a batch that may enter the heap: those whose first key is not after the worst kept row's
    /// nor the bound the threads share, and while the heap is not full, not after the batch's own
    /// `capacity`-th best either (a block's first rows then read their other columns for a handful of rows,
    /// not the block). That best is looked for among the rows the bounds let through alone: a thread whose
    /// heap the shared bound keeps from filling would otherwise rank every row of every block it reads.
    func candidates(_ evaluator: Evaluator, _ batch: Batch) throws -> Batch {
        let first = try evaluator.evaluate(keys[0].expression, batch)
        let passing = prefilter(batch, first: first)
        if heap.isFull || passing.selectedCount <= 2 * capacity { return passing }
        if let worst = numericWorstOfBest(first, passing) { return prefilter(passing, first: first, worst: first.value(worst)) }
        let order = RowOrder(keys: [keys[0]], vectors: [[first]])
        var best = BoundedHeap<Int32>(capacity: capacity) { a, b in order.precedes(0, Int(a), 0, Int(b)) }
        passing.forEachSelected { best.offer(Int32($0)) }
        guard let worst = best.worst else { return passing }
        return prefilter(passing, first: first, worst: first.value(Int(worst)))
    }

    /// The most rows `numericWorstOfBest` keeps in order (it inserts into a sorted array).
    static let numericSelectionCapacity = 256

    /// A row of a batch whose first key is the `capacity`-th best of the batch's, when the key is a number of
    /// the integer lane and NULLs come last: the best keys so far in a small sorted array that a row enters
    /// only when it beats the worst of them (after a few thousand rows, hardly ever), no comparison through
    /// values. nil otherwise, or when fewer rows than `capacity` have a key.
    private func numericWorstOfBest(_ v: Vector, _ batch: Batch) -> Int? {
        switch v.type {
        case .int64, .money, .decimal, .timestamp, .date: break
        default: return nil
        }
        let key = keys[0], k = capacity
        guard k > 0, k <= Self.numericSelectionCapacity, v.nulls == nil || !key.nullsFirst else { return nil }
        let nulls = v.nulls ?? []
        var best: [Int32] = []
        best.reserveCapacity(k + 1)
        v.ints.withUnsafeBufferPointer { x in
            let descending = key.descending
            /// Whether key a comes strictly before key b.
            @inline(__always) func before(_ a: Int64, _ b: Int64) -> Bool { descending ? a > b : a < b }
            var worst = Int64.max
            batch.forEachSelected { i in
                if !nulls.isEmpty && nulls[i] != 0 { return }
                let value = x[i]
                guard best.count < k || before(value, worst) else { return }
                var at = best.count
                while at > 0 && before(value, x[Int(best[at - 1])]) { at -= 1 }
                best.insert(Int32(i), at: at)
                if best.count > k { best.removeLast() }
                if best.count == k { worst = x[Int(best[k - 1])] }
            }
        }
        return best.count == k ? Int(best[k - 1]) : nil
    }

    private func prefilter(_ batch: Batch, first v: Vector) -> Batch {
        guard let bound else { return batch }
        return prefilter(batch, first: v, worst: bound)
    }

    /// The rows of a batch whose first key is not after `worst`.
    private func prefilter(_ batch: Batch, first v: Vector, worst: Value) -> Batch {
        var candidates = batch
        do {
            let key = keys[0]
            var kept: [Int32] = []
            if case .string(let w) = worst, let pool = v.pool, pool.isSorted {
                // In a sorted dictionary the strings not after the worst kept one are a range of codes.
                let passing = key.descending ? pool.lowerBound(w, inclusive: false)..<pool.count : 0..<pool.lowerBound(w, inclusive: true)
                let lo = Int64(passing.lowerBound), hi = Int64(passing.upperBound), nullsPass = key.nullsFirst
                v.ints.withUnsafeBufferPointer { codes in
                    if let nulls = v.nulls {
                        batch.forEachSelected { i in
                            if nulls[i] != 0 ? nullsPass : (codes[i] >= lo && codes[i] < hi) { kept.append(Int32(i)) }
                        }
                    } else {
                        batch.forEachSelected { i in if codes[i] >= lo && codes[i] < hi { kept.append(Int32(i)) } }
                    }
                }
            } else if let y = worst.integerLane {
                // Numbers compared in their lane, as `compare` does, without a value per row.
                let descending = key.descending, nullsPass = key.nullsFirst
                v.ints.withUnsafeBufferPointer { x in
                    if let nulls = v.nulls {
                        batch.forEachSelected { i in
                            if nulls[i] != 0 ? nullsPass : (descending ? x[i] >= y : x[i] <= y) { kept.append(Int32(i)) }
                        }
                    } else {
                        batch.forEachSelected { i in if descending ? x[i] >= y : x[i] <= y { kept.append(Int32(i)) } }
                    }
                }
            } else if case .double(let d) = worst {
                let descending = key.descending, nullsPass = key.nullsFirst
                let nulls = v.nulls ?? []
                v.doubles.withUnsafeBufferPointer { x in
                    // NaN compares equal to every value in `compare`: it passes either way.
                    batch.forEachSelected { i in
                        if !nulls.isEmpty && nulls[i] != 0 ? nullsPass : (descending ? !(x[i] < d) : !(x[i] > d)) { kept.append(Int32(i)) }
                    }
                }
            } else {
                batch.forEachSelected { i in
                    if Self.compare(v, i, worst, key) <= 0 { kept.append(Int32(i)) }
                }
            }
            candidates.selection = kept
        }
        return candidates
    }

    /// Compares row `i` of a key vector with a value under the key (negative: the row comes first).
    private static func compare(_ v: Vector, _ i: Int, _ value: Value, _ key: SortKey) -> Int {
        let isNull = v.isNull(i)
        if isNull || value.isNull {
            if isNull && value.isNull { return 0 }
            return isNull == key.nullsFirst ? -1 : 1
        }
        var c: Int
        switch value {
        case .double(let d):
            let x = v.doubles[i]
            c = x < d ? -1 : (x > d ? 1 : 0)
        case .string(let s):
            c = v.pool!.withBytes(at: Int(v.ints[i])) { a in
                var s = s
                return s.withUTF8 { Evaluator.byteOrder(a, UnsafeRawBufferPointer($0)) }
            }
        case .bool(let b):
            let x = v.ints[i], y: Int64 = b ? 1 : 0
            c = x < y ? -1 : (x > y ? 1 : 0)
        case .int, .money, .decimal, .timestamp, .date, .interval:
            let x = v.ints[i], y = value.integerLane!
            c = x < y ? -1 : (x > y ? 1 : 0)
        case .null:
            c = 0
        }
        return key.descending ? -c : c
    }

    /// Keeps a row if it is among the best `capacity` so far.
    func offer(_ row: Row) { heap.offer(row) }

    /// Takes another thread's rows.
    func merge(_ other: TopNHeap) {
        for row in other.heap.elements { offer(row) }
    }

    /// Whether no row of a block can enter: the heap is full and the block's zone map puts its best value of
    /// the first key (a numeric column of the scanned table) strictly after the worst kept row's.
    func rulesOut(_ segment: SegmentReader, _ block: Int, scannedColumns: Int) -> Bool {
        guard capacity > 0, let worst = bound else { return false }
        guard !worst.isNull, let best = Self.best(keys[0], segment, block, scannedColumns: scannedColumns) else { return false }
        return Self.compare(best, worst, keys[0]) > 0
    }

    /// The best value of `key` a block's zone map allows (NULL when every row is NULL), when the key is a
    /// numeric column of the scanned table and the block's NULLs cannot come first; nil otherwise.
    static func best(_ key: SortKey, _ segment: SegmentReader, _ block: Int, scannedColumns: Int) -> Value? {
        guard case .column(let c, _, let type) = key.expression, c < scannedColumns else { return nil }
        let info = segment.columns[c].blocks[block]
        if info.nullCount > 0 && key.nullsFirst { return nil }
        if info.nullCount == info.rowCount { return .null }
        switch type {
        case .float64: return .double(Double(bitPattern: UInt64(bitPattern: key.descending ? info.max : info.min)))
        case .money: return .money(key.descending ? info.max : info.min)
        case .timestamp: return .timestamp(key.descending ? info.max : info.min)
        case .date: return .date(key.descending ? info.max : info.min)
        case .int64: return .int(key.descending ? info.max : info.min)
        default: return nil
        }
    }

    /// The kept rows in order, after `offset`, at most `limit`, as one chunk of the outputs.
    func result(limit: Int, offset: Int, types: [SQLType]) -> [DataChunk] {
        let ordered = heap.sorted()
        guard ordered.count > offset else { return [] }
        let chosen = ordered[offset...].prefix(limit)
        let columns = types.enumerated().map { k, type in Vector.of(chosen.map { $0.outputs[k] }, type: type) }
        return [DataChunk(columns: columns, count: chosen.count)]
    }
}
