/// Rule constant_folding: every subexpression whose operands are all constants is computed once, at
/// planning, and a filter whose condition folds to true is dropped. A subexpression whose computation fails
/// (an overflow, a division by zero) is left as it is: it fails at run time only if a row reaches it.
struct ConstantFolding {
    let offsetSeconds: Int

    func apply(_ plan: LogicalPlan) -> LogicalPlan? {
        var changed = false
        let folded = plan.mapExpressions { e -> BoundExpression in
            let f = fold(e)
            if f != e { changed = true }
            return f
        }.transformedUp { node -> LogicalPlan? in
            if case .filter(let input, .constant(.bool(true), _)) = node { changed = true; return input }
            return nil
        }
        return changed ? folded : nil
    }

    /// The expression with its constant subexpressions computed.
    func fold(_ e: BoundExpression) -> BoundExpression {
        switch e {
        case .column, .constant, .groupKey, .aggregate: return e
        default: break
        }
        let withFoldedOperands = e.mappingOperands(fold)
        guard withFoldedOperands.children.allSatisfy(\.isConstant), !withFoldedOperands.children.isEmpty else { return withFoldedOperands }
        guard let vector = try? Evaluator(offsetSeconds: offsetSeconds).evaluate(withFoldedOperands, Batch(count: 1, selection: nil)) else {
            return withFoldedOperands
        }
        return .constant(vector.value(0), type: e.type)
    }
}
