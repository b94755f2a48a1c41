import HuiyanStorage

/// Aggregates of a whole block read from its segment's footer instead of its values: count(*) is the
/// block's rows, count(x) its rows less x's NULLs, and sum(x) and avg(x) of an integer or money column
/// the block's recorded sum (format 3). For a block that the filter selects whole and whose rows all fall
/// in one group (no GROUP BY, or time buckets the block lies inside).
enum WholeBlockAggregates {
    /// Whether the plan's aggregates are all of these kinds, over the scanned table alone (a block may
    /// still lack a recorded sum: `canAdd`).
    static func apply(to plan: SelectPlan) -> Bool {
        guard plan.joins.isEmpty, plan.postJoinFilter == nil else { return false }
        return plan.aggregates.allSatisfy { spec in
            guard spec.filter == nil else { return false }
            switch (spec.kind, spec.argument) {
            case (.countStar, _), (.count, .column?): return true
            case (.sum, .column(_, _, let type)?), (.avg, .column(_, _, let type)?): return type == .int64 || type == .money
            default: return false
            }
        }
    }

    /// Whether block `block` of `segment` has what the aggregates need (a recorded sum for each sum and avg)
    /// and the accumulators are the kinds these aggregates make.
    static func canAdd(_ plan: SelectPlan, _ segment: SegmentReader, _ block: Int, accumulators: [Accumulator]) -> Bool {
        zip(plan.aggregates, accumulators).allSatisfy { spec, accumulator in
            switch (spec.kind, spec.argument) {
            case (.countStar, _), (.count, _): return accumulator is CountAccumulator
            case (_, .column(let column, _, _)?):
                return accumulator is SumIntegerAccumulator && segment.columns[column].blocks[block].sum != nil
            default: return false
            }
        }
    }

    /// Adds block `block` of `segment` to group `group` (the accumulators reserved for it); `canAdd` must hold.
    static func add(_ plan: SelectPlan, _ segment: SegmentReader, _ block: Int, group: Int, accumulators: [Accumulator]) throws {
        let rows = Int64(segment.columns[0].blocks[block].rowCount)
        for (spec, accumulator) in zip(plan.aggregates, accumulators) {
            guard case .column(let column, _, _)? = spec.argument else {
                (accumulator as! CountAccumulator).add(group: group, count: rows)
                continue
            }
            let info = segment.columns[column].blocks[block]
            let values = rows - Int64(info.nullCount)
            if spec.kind == .count {
                (accumulator as! CountAccumulator).add(group: group, count: values)
            } else {
                try (accumulator as! SumIntegerAccumulator).add(group: group, sum: info.sum!, count: values)
            }
        }
    }
}
