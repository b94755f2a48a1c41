/// Rule distinct_to_aggregate: SELECT DISTINCT over table rows becomes a grouping by the select list
/// without aggregates, which the aggregate's fast paths serve (dictionary codes, dense buckets, a hash
/// table per thread) instead of hashing every projected row.
enum DistinctToAggregate {
    static func apply(_ plan: LogicalPlan) -> LogicalPlan? {
        var changed = false
        let result = plan.transformedUp { node -> LogicalPlan? in
            guard case .distinct(.project(let input, let expressions)) = node, input.isScanChain else { return nil }
            changed = true
            let keys = expressions.indices.map { BoundExpression.groupKey($0, type: expressions[$0].type) }
            return .project(.aggregate(input, keys: expressions, aggregates: []), keys)
        }
        return changed ? result : nil
    }
}

extension LogicalPlan {
    /// Whether this is a scan (or the single row) under filters and joins alone: what one scan pipeline runs.
    var isScanChain: Bool {
        switch self {
        case .scan, .singleRow: return true
        case .filter(let x, _), .join(let x, _): return x.isScanChain
        default: return false
        }
    }
}
