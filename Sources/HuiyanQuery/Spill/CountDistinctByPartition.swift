import HuiyanStorage

/// count(DISTINCT x) over a whole table (no GROUP BY) whose distinct values outgrow the memory limit: the
/// rows are partitioned by x's hash (as a GROUP BY x that spills), each partition's distinct values counted
/// alone — they are disjoint, so the counts add up — and the other aggregates (count, sum, min, max) folded
/// from the per-value partial states of every partition.
extension SelectExecutor {
    /// The argument of the plan's count(DISTINCT …) aggregates when the plan can be answered by partitions:
    /// no group keys, every count(DISTINCT) over that one argument without FILTER, the other aggregates
    /// count, sum, min or max.
    var distinctByPartition: BoundExpression? {
        guard plan.isAggregate, plan.groupKeys.isEmpty, plan.snapshot != nil else { return nil }
        let distinct = plan.aggregates.filter { $0.kind == .countDistinct }
        guard let argument = distinct.first?.argument,
              distinct.allSatisfy({ $0.argument == argument && $0.filter == nil }),
              plan.aggregates.allSatisfy({ [.countDistinct, .countStar, .count, .sum, .min, .max].contains($0.kind) }) else { return nil }
        return argument
    }

    /// The plan's one result row, its state spilled to `area` by partitions of the distinct argument.
    func countDistinctByPartition(_ snapshot: TableSnapshot, area: SpillArea) throws -> [DataChunk] {
        guard let argument = distinctByPartition else { throw QueryError("count(DISTINCT) cannot be partitioned here") }
        let inner = plan.regrouped(keys: [argument], aggregates: plan.aggregates.filter { $0.kind != .countDistinct })

        var distinct: Int64 = 0
        var folded = [Value](repeating: .null, count: inner.aggregates.count)
        let executor = SelectExecutor(plan: inner, context: context, offsetSeconds: offsetSeconds)
        executor.consume = { chunk in
            let keys = chunk.columns[0]
            for row in 0..<chunk.count where !keys.isNull(row) { distinct += 1 }
            for (a, spec) in inner.aggregates.enumerated() {
                let partials = chunk.columns[1 + a]
                for row in 0..<chunk.count {
                    folded[a] = try Self.fold(folded[a], partials.value(row), spec)
                }
            }
            try self.context.check()
        }
        // The whole state, guessed from how far the first try got before it passed the limit.
        let expected = Double(context.memoryLimit ?? 1 << 30) / max(scannedShare, 1.0 / 4096)
        _ = try executor.spilled(snapshot, area: area, partitions: partitionCount(forStateBytes: Int(min(expected, 1e15))))

        var next = folded.makeIterator()
        let columns = plan.aggregates.map { spec -> Vector in
            let value: Value
            switch spec.kind {
            case .countDistinct: value = .int(distinct)
            case .countStar, .count: value = next.next().flatMap { $0.isNull ? nil : $0 } ?? .int(0)
            default: value = next.next() ?? .null
            }
            return Vector.of([value], type: spec.type)
        }
        return [DataChunk(columns: columns, count: 1, groupKeyCount: 0)]
    }

    /// One partial state folded into the total: counts and sums add (exactly, an overflow is an error),
    /// min and max keep the extreme; NULL partials are skipped.
    private static func fold(_ total: Value, _ partial: Value, _ spec: AggregateSpec) throws -> Value {
        if partial.isNull { return total }
        if total.isNull { return partial }
        let add = { (x: Int64, y: Int64) throws -> Int64 in
            let (sum, overflow) = x.addingReportingOverflow(y)
            if overflow { throw ExactSum.overflow(spec.kind.rawValue, of: spec.type) }
            return sum
        }
        switch spec.kind {
        case .min: return compare(partial, total, nullsFirst: false) < 0 ? partial : total
        case .max: return compare(partial, total, nullsFirst: false) > 0 ? partial : total
        default:
            switch (total, partial) {
            case (.double(let x), .double(let y)): return .double(x + y)
            case (.int(let x), .int(let y)): return .int(try add(x, y))
            case (.money(let x), .money(let y)): return .money(try add(x, y))
            case (.decimal(let x, let scale), .decimal(let y, _)): return .decimal(try add(x, y), scale: scale)
            default: throw QueryError("cannot add \(partial) to \(total) while folding partitions")
            }
        }
    }
}
