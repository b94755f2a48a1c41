/// Rule top_n: ORDER BY with LIMIT becomes one top-N operator, which keeps the first rows in a bounded
/// heap instead of sorting every row (and, right above a scan, skips blocks by their zone maps).
enum SortLimitToTopN {
    static func apply(_ plan: LogicalPlan) -> LogicalPlan? {
        var changed = false
        let result = plan.transformedUp { node -> LogicalPlan? in
            guard case .limit(.sort(let input, let keys), let limit?, let offset) = node else { return nil }
            changed = true
            return .topN(input, keys, limit: limit, offset: offset)
        }
        return changed ? result : nil
    }
}
