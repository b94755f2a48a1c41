import HuiyanStorage

/// Aggregates of a whole block read from its segment's footer instead of its values: count(*) is the
/// block's rows, count(x) its rows less x's NULLs, and sum(x) and avg(x) of an integer or money column
/// the block's recorded sum (format 3). For a block that the filter selects whole and whose rows all fall
/// in one group (no GROUP BY, or time buckets the block lies inside). From the segment's totals per code
/// (`CodeSummary`), also the rows of a block whose string column passes a comparison with a constant.
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

    /// What each aggregate reads of a block's totals per code of string column `key`: nil for the rows
    /// (count(*), count of the key), else the index of the measure it counts or sums; nil when one cannot
    /// be answered there (a column the totals do not sum, a sum that left Int64, another accumulator).
    static func measures(_ plan: SelectPlan, _ summary: CodeSummary, _ block: Int, key: Int, accumulators: [Accumulator]) -> [Int?]? {
        var measureOf: [Int?] = []
        for (spec, accumulator) in zip(plan.aggregates, accumulators) {
            guard case .column(let column, _, _)? = spec.argument, column != key else {
                guard accumulator is CountAccumulator else { return nil }
                measureOf.append(nil)
                continue
            }
            guard let m = summary.measures.firstIndex(of: column), spec.kind == .count || summary.blocks[block].exact[m],
                  spec.kind == .count ? accumulator is CountAccumulator : accumulator is SumIntegerAccumulator else { return nil }
            measureOf.append(m)
        }
        return measureOf
    }

    /// Adds to group `group` the rows of block `block` whose string column `key` holds a code in `codes`,
    /// read from the segment's totals per code (`CodeSummary`): a filter on one string column of a block
    /// the other conjuncts select whole (arrivals at one spot in a month). False, with nothing added, when
    /// the totals cannot answer an aggregate (a column they do not sum, a sum that leaves Int64).
    static func add(_ plan: SelectPlan, _ summary: CodeSummary, _ block: Int, key: Int, codes: ClosedRange<Int64>?, group: Int,
                    accumulators: [Accumulator]) throws -> Bool {
        let totals = summary.blocks[block]
        // The entries whose code passes (the NULL entry never does).
        let passing = totals.codes.indices.filter { k in
            codes.map { totals.codes[k] != CodeSummary.nullCode && $0.contains(Int64(totals.codes[k])) } ?? false
        }
        var values: [(count: Int64, sum: Int64)] = []
        guard let measureOf = measures(plan, summary, block, key: key, accumulators: accumulators),
              Self.values(of: passing, totals, plan, measures: measureOf, into: &values) else { return false }
        try add(values, group: group, accumulators: accumulators)
        return true
    }

    /// Each aggregate's count and sum over entries `entries` of a block's totals per code, read as `measures`
    /// says (count(*) counts the NULL entry's rows, count of the key does not), written to `values` (its
    /// storage kept from call to call); false when a sum leaves Int64 (never for a single entry).
    static func values<S: Sequence<Int>>(of entries: S, _ totals: CodeSummary.Block, _ plan: SelectPlan, measures: [Int?],
                                         into values: inout [(count: Int64, sum: Int64)]) -> Bool {
        values.removeAll(keepingCapacity: true)
        for (a, measure) in measures.enumerated() {
            var count: Int64 = 0, sum: Int64 = 0
            for k in entries {
                guard let m = measure else {
                    if plan.aggregates[a].kind == .countStar || totals.codes[k] != CodeSummary.nullCode { count += totals.rows[k] }
                    continue
                }
                let (s, overflow) = sum.addingReportingOverflow(totals.sums[m][k])
                guard !overflow else { return false }
                sum = s
                count += totals.counts[m][k]
            }
            values.append((count, sum))
        }
        return true
    }

    /// Adds each aggregate's count (and sum) to group `group` of its accumulator.
    static func add(_ values: [(count: Int64, sum: Int64)], group: Int, accumulators: [Accumulator]) throws {
        for (value, accumulator) in zip(values, accumulators) {
            if let counter = accumulator as? CountAccumulator {
                counter.add(group: group, count: value.count)
            } else {
                try (accumulator as! SumIntegerAccumulator).add(group: group, sum: value.sum, count: value.count)
            }
        }
    }
}
