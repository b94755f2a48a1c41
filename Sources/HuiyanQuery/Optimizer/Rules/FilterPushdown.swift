/// Rule filter_pushdown: conditions move as far down as they stay correct. A HAVING term on group keys
/// alone becomes a WHERE term; a WHERE term on the scanned table alone goes into the scan (where zone maps
/// prune blocks and segments by it and storage answers it from the packed values); a term on an inner-joined
/// table alone filters that table's rows before they are hashed. The rest filters after the joins.
/// Over computed rows: a term on one side of a hash join alone filters that side (for a LEFT join, the left
/// side only), an equality between the sides of an inner join becomes one of its keys (a comma list's
/// WHERE turns its nested loop into a hash join), and a term over a subquery's columns goes into the
/// subquery, below its projection.
enum FilterPushdown {
    static func apply(_ plan: LogicalPlan) -> LogicalPlan? {
        var changed = false
        let result = plan.transformedDown { node -> LogicalPlan? in
            switch node {
            case .filter(.aggregate(let input, let keys, let aggregates), let predicate) where !keys.isEmpty:
                var pushed: [BoundExpression] = [], kept: [BoundExpression] = []
                for term in predicate.conjuncts {
                    if !term.readsAggregate && term.readsGroupKey {
                        pushed.append(term.rewritten { x in
                            if case .groupKey(let i, _) = x { return keys[i] }
                            return nil
                        })
                    } else {
                        kept.append(term)
                    }
                }
                guard !pushed.isEmpty else { return nil }
                changed = true
                let aggregate = LogicalPlan.aggregate(.filter(input, .conjunction(pushed)!), keys: keys, aggregates: aggregates)
                return kept.isEmpty ? aggregate : .filter(aggregate, .conjunction(kept)!)
            case .filter(let input, let predicate) where input.isScanChain:
                guard let placed = distribute(predicate.conjuncts, over: input) else { return nil }
                changed = true
                return placed
            case .filter(.hashJoin(let left, let right, var spec), let predicate):
                var toLeft: [BoundExpression] = [], toRight: [BoundExpression] = [], kept: [BoundExpression] = []
                var keyed = false
                func side(_ e: BoundExpression) -> Int? {
                    let columns = e.columns
                    if !columns.isEmpty && columns.allSatisfy({ $0 < spec.rightColumns.lowerBound }) { return 0 }
                    if !columns.isEmpty && columns.allSatisfy(spec.rightColumns.contains) { return 1 }
                    return nil
                }
                for term in predicate.conjuncts {
                    let columns = term.columns
                    // An equality between the sides of an inner join (WHERE a.spot = b.spot over FROM a, b) is a key.
                    if spec.kind == .inner, case .comparison(.equal, let a, let b) = term, let sa = side(a), let sb = side(b), sa != sb {
                        spec.leftKeys.append(sa == 0 ? a : b)
                        spec.rightKeys.append(sa == 0 ? b : a)
                        keyed = true
                    } else if (spec.kind == .inner || spec.kind == .left) && !columns.isEmpty && columns.allSatisfy({ $0 < spec.rightColumns.lowerBound }) {
                        toLeft.append(term)
                    } else if spec.kind == .inner && !columns.isEmpty && columns.allSatisfy(spec.rightColumns.contains) {
                        toRight.append(term)
                    } else {
                        kept.append(term)
                    }
                }
                guard !toLeft.isEmpty || !toRight.isEmpty || keyed else { return nil }
                changed = true
                let join = LogicalPlan.hashJoin(filtered(left, toLeft), filtered(right, toRight), spec)
                return filtered(join, kept)
            case .filter(.derived(.project(let input, let outputs), let table), let predicate):
                guard predicate.columns.allSatisfy(table.owns) else { return nil }
                // The subquery's column i is its projection's output i: over its input, that output's expression.
                let inner = predicate.rewritten { e in
                    if case .column(let i, _, _) = e { return outputs[i - table.base] }
                    return nil
                }
                changed = true
                return .derived(.project(.filter(input, inner), outputs), table)
            default:
                return nil
            }
        }
        return changed ? result : nil
    }

    /// The plan under a filter of the terms (none: the plan itself).
    private static func filtered(_ plan: LogicalPlan, _ terms: [BoundExpression]) -> LogicalPlan {
        guard let predicate = BoundExpression.conjunction(terms) else { return plan }
        return .filter(plan, predicate)
    }

    /// The chain with the terms placed: into the scan, into inner joins' build filters, or above the joins.
    /// nil when no term moves.
    private static func distribute(_ terms: [BoundExpression], over chain: LogicalPlan) -> LogicalPlan? {
        var terms = terms
        var joins: [JoinPlan] = []
        var node = chain
        // Filters already inside the chain join the terms.
        while true {
            if case .filter(let x, let p) = node { terms += p.conjuncts; node = x; continue }
            if case .join(let x, let j) = node { joins.insert(j.copy(), at: 0); node = x; continue }
            break
        }
        var moved = false
        var above: [BoundExpression] = []
        var scanTerms: [BoundExpression] = []
        var scanColumns = 0
        if case .scan(let s) = node { scanColumns = s.base + s.columnCount }
        for term in terms {
            let columns = term.columns
            if case .scan = node, columns.allSatisfy({ $0 < scanColumns }) {
                scanTerms.append(term)
                moved = true
            } else if let join = joins.first(where: { $0.kind == .inner && columns.allSatisfy($0.owns) && !columns.isEmpty }) {
                join.buildFilter = .conjunction((join.buildFilter?.conjuncts ?? []) + [term.mapColumns { $0 - join.columnBase }])
                moved = true
            } else {
                above.append(term)
            }
        }
        guard moved else { return nil }
        var plan = node
        if case .scan(var s) = node {
            s.filter = .conjunction((s.filter?.conjuncts ?? []) + scanTerms)
            plan = .scan(s)
        }
        for join in joins { plan = .join(plan, join) }
        if let filter = BoundExpression.conjunction(above) { plan = .filter(plan, filter) }
        return plan
    }
}

extension BoundExpression {
    /// Whether the expression reads an aggregate's result.
    var readsAggregate: Bool {
        if case .aggregate = self { return true }
        return children.contains(where: \.readsAggregate)
    }

    /// Whether the expression reads a group key.
    var readsGroupKey: Bool {
        if case .groupKey = self { return true }
        return children.contains(where: \.readsGroupKey)
    }
}
