/// Rewrites a logical plan with its named rules, in a fixed order, each only when the settings allow it,
/// and records which rules changed the plan (EXPLAIN lists them).
struct Optimizer {
    let settings: OptimizerSettings
    let offsetSeconds: Int
    /// The rules that changed the plan, in the order they ran.
    private(set) var applied: [OptimizerRule] = []

    init(settings: OptimizerSettings, offsetSeconds: Int) {
        self.settings = settings
        self.offsetSeconds = offsetSeconds
    }

    mutating func optimize(_ plan: LogicalPlan) -> LogicalPlan {
        var plan = plan
        let folding = ConstantFolding(offsetSeconds: offsetSeconds)
        plan = run(.constantFolding, plan) { folding.apply($0) }
        plan = run(.filterPushdown, plan) { FilterPushdown.apply($0) }
        plan = run(.distinctToAggregate, plan) { DistinctToAggregate.apply($0) }
        plan = run(.topN, plan) { SortLimitToTopN.apply($0) }
        return plan
    }

    /// Runs one rule when allowed; the rule returns nil when it changed nothing.
    private mutating func run(_ rule: OptimizerRule, _ plan: LogicalPlan, _ body: (LogicalPlan) -> LogicalPlan?) -> LogicalPlan {
        guard settings.allows(rule), let changed = body(plan) else { return plan }
        note(rule)
        return changed
    }

    /// Records a rule as used (also for the physical planner's choices).
    mutating func note(_ rule: OptimizerRule) {
        if !applied.contains(rule) { applied.append(rule) }
    }
}
