import HuiyanStorage

/// An aggregate over a sliding frame: rows enter at the frame's end and leave at its start, each once per
/// partition (frames' starts and ends only move forward), so a partition costs O(rows) whatever the frame.
protocol WindowAggregateState: AnyObject {
    /// Empties the frame (a new partition).
    func reset()
    /// Data row `row` enters the frame.
    func add(_ row: Int)
    /// Data row `row` leaves the frame (the earliest that entered and has not left).
    func remove(_ row: Int)
    /// The aggregate of the frame as it is, as the result of data row `row`.
    func write(_ row: Int) throws
    /// The results of every data row.
    func finish() -> Vector
}

/// Makes the state of a window aggregate over `count` data rows. `values` is its argument over the rows
/// (nil for count(*)); `included` whether each row passes its FILTER (nil: every row).
func makeWindowAggregateState(_ kind: AggregateKind, type: SQLType, values: Vector?, included: [Bool]?, count: Int) -> WindowAggregateState {
    switch kind {
    case .sum, .avg:
        if values!.type == .float64 { return WindowDoubleSumState(values: values!, included: included, average: kind == .avg, count: count) }
        return WindowIntegerSumState(values: values!, included: included, type: type, average: kind == .avg, count: count)
    case .min, .max:
        return WindowExtremeState(values: values!, included: included, isMax: kind == .max, count: count)
    default:
        return WindowCountState(values: kind == .countStar ? nil : values, included: included, count: count)
    }
}

/// count(*) and count(x) of the frame.
final class WindowCountState: WindowAggregateState {
    let values: Vector?
    let included: [Bool]?
    let out: Vector
    var n: Int64 = 0

    init(values: Vector?, included: [Bool]?, count: Int) {
        self.values = values
        self.included = included
        out = Vector(type: .int64, count: count)
    }

    @inline(__always) private func counts(_ row: Int) -> Bool {
        (included?[row] ?? true) && !(values?.isNull(row) ?? false)
    }

    func reset() { n = 0 }
    func add(_ row: Int) { if counts(row) { n += 1 } }
    func remove(_ row: Int) { if counts(row) { n -= 1 } }
    func write(_ row: Int) { out.ints[row] = n }
    func finish() -> Vector { out }
}

/// sum and avg of an integer lane (BIGINT, money, DECIMAL) over the frame, exact: the running sum is
/// 128 bits wide, and a result outside BIGINT is an overflow error, as the aggregate's.
final class WindowIntegerSumState: WindowAggregateState {
    let values: Vector
    let included: [Bool]?
    let average: Bool
    let out: Vector
    let scale: Double
    var sum: Int128 = 0
    var n: Int64 = 0

    init(values: Vector, included: [Bool]?, type: SQLType, average: Bool, count: Int) {
        self.values = values
        self.included = included
        self.average = average
        out = Vector(type: type, count: count)
        scale = values.type == .money ? 100 : 1
    }

    @inline(__always) private func counts(_ row: Int) -> Bool { (included?[row] ?? true) && !values.isNull(row) }

    func reset() { sum = 0; n = 0 }
    func add(_ row: Int) { if counts(row) { sum += Int128(values.ints[row]); n += 1 } }
    func remove(_ row: Int) { if counts(row) { sum -= Int128(values.ints[row]); n -= 1 } }

    func write(_ row: Int) throws {
        guard n > 0 else { out.setNull(row); return }
        if average {
            out.doubles[row] = Double(sum) / scale / Double(n)
            return
        }
        guard let fits = Int64(exactly: sum) else { throw ExactSum.overflow("sum", of: values.type) }
        out.ints[row] = fits
    }

    func finish() -> Vector { out }
}

/// sum and avg of DOUBLE over the frame.
final class WindowDoubleSumState: WindowAggregateState {
    let values: Vector
    let included: [Bool]?
    let average: Bool
    let out: Vector
    var sum = 0.0
    var n: Int64 = 0

    init(values: Vector, included: [Bool]?, average: Bool, count: Int) {
        self.values = values
        self.included = included
        self.average = average
        out = Vector(type: .float64, count: count)
    }

    @inline(__always) private func counts(_ row: Int) -> Bool { (included?[row] ?? true) && !values.isNull(row) }

    func reset() { sum = 0; n = 0 }
    func add(_ row: Int) { if counts(row) { sum += values.doubles[row]; n += 1 } }
    func remove(_ row: Int) {
        guard counts(row) else { return }
        n -= 1
        // An empty frame starts again from 0 (no rounding left over from the rows that left).
        sum = n == 0 ? 0 : sum - values.doubles[row]
    }

    func write(_ row: Int) {
        guard n > 0 else { out.setNull(row); return }
        out.doubles[row] = average ? sum / Double(n) : sum
    }

    func finish() -> Vector { out }
}

/// min and max over the frame: a queue of the rows that may still become the extreme (each better than
/// every later one), so that the front is the frame's extreme; a row enters and leaves it once.
final class WindowExtremeState: WindowAggregateState {
    let values: Vector
    let included: [Bool]?
    let isMax: Bool
    /// The data row whose value is each row's result (-1: NULL).
    var sources: [Int32]
    var queue: [Int32] = []
    var head = 0

    init(values: Vector, included: [Bool]?, isMax: Bool, count: Int) {
        self.values = values
        self.included = included
        self.isMax = isMax
        sources = [Int32](repeating: -1, count: count)
    }

    @inline(__always) private func counts(_ row: Int) -> Bool {
        (included?[row] ?? true) && !values.isNull(row) && !(values.type == .float64 && values.doubles[row].isNaN)
    }

    func reset() { queue.removeAll(keepingCapacity: true); head = 0 }

    func add(_ row: Int) {
        guard counts(row) else { return }
        // Rows no better than the new one can never be the extreme again: the new one outlives them.
        while queue.count > head {
            let c = RowOrder.compareValues(values, Int(queue[queue.count - 1]), values, row)
            if isMax ? c > 0 : c < 0 { break }
            queue.removeLast()
        }
        queue.append(Int32(row))
    }

    func remove(_ row: Int) {
        if head < queue.count && Int(queue[head]) == row { head += 1 }
        if head > 4096 && head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
    }

    func write(_ row: Int) { sources[row] = head < queue.count ? queue[head] : -1 }

    func finish() -> Vector { values.gathered(sources, Batch(count: sources.count, selection: nil)) }
}
