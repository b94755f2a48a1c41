/// A hash join of computed rows (`LogicalPlan.hashJoin`): the build side's rows are read whole and hashed
/// on their keys (`HashJoinTable`), then each chunk of the probe side looks its keys up. An inner join
/// builds on the side expected to be smaller; a LEFT join builds on the right and gives each left row
/// without a match NULLs for the right's columns; RIGHT marks the right rows that matched and, once the left
/// side is read, gives the others NULLs for the left's columns; FULL does both. Without keys every pair is
/// tried (a nested loop). Output columns: the left's, then the right's.
final class HashJoinOperator: StreamingOperator {
    let left: PhysicalOperator
    let right: PhysicalOperator
    let spec: HashJoinSpec
    /// Whether the left input is the one hashed (inner joins only).
    let buildsLeft: Bool
    /// The build side's columns (combined index and type), for when it has no rows.
    let buildLayout: [LabelledColumn]
    /// The probe side's columns, for the NULLs of the build rows a RIGHT or FULL join keeps unmatched.
    let probeLayout: [LabelledColumn]
    let environment: ExecutionEnvironment

    init(left: PhysicalOperator, right: PhysicalOperator, spec: HashJoinSpec, buildsLeft: Bool,
         buildLayout: [LabelledColumn], probeLayout: [LabelledColumn], environment: ExecutionEnvironment) {
        self.left = left
        self.right = right
        self.spec = spec
        self.buildsLeft = buildsLeft && spec.kind == .inner
        self.buildLayout = buildLayout
        self.probeLayout = probeLayout
        self.environment = environment
    }

    /// Whether the build side's rows without a match are kept.
    private var keepsBuildRows: Bool { spec.kind == .right || spec.kind == .full }

    /// The probe side first (EXPLAIN shows the build side's operators apart).
    var inputs: [PhysicalOperator] { buildsLeft ? [right, left] : [left, right] }

    func explanation(offsetSeconds: Int) -> [String] {
        let keys = zip(spec.leftKeys, spec.rightKeys).map {
            "\($0.text(offsetSeconds: offsetSeconds)) = \($1.text(offsetSeconds: offsetSeconds))"
        }
        let head = keys.isEmpty ? "NESTED LOOP JOIN \(spec.kind.rawValue)" : "HASH JOIN \(spec.kind.rawValue) ON \(keys.joined(separator: " AND "))"
        var lines = ["\(head) (build: \(buildsLeft ? "left" : "right") side)"]
        if let condition = spec.condition { lines.append("  match only when: \(condition.text(offsetSeconds: offsetSeconds))") }
        return lines
    }

    func produce(into consume: (DataChunk) throws -> Void) throws {
        let context = environment.context
        let (probe, build) = (inputs[0], inputs[1])
        let (probeKeys, buildKeys) = buildsLeft ? (spec.rightKeys, spec.leftKeys) : (spec.leftKeys, spec.rightKeys)
        let table = try HashJoinTable(chunks: try build.run(in: context), keys: buildKeys, layout: buildLayout,
                                      offsetSeconds: environment.offsetSeconds)
        try context.hold(table.approximateBytes, for: self)
        context.release(build)
        // Without keys every build row matches every probe row: the probe chunk is taken in slices of about
        // a million pairs, so that the pairs made at once stay bounded.
        let slice = probeKeys.isEmpty ? Swift.max(1, (1 << 20) / Swift.max(1, table.rows.count)) : Int.max
        var matched = [Bool](repeating: false, count: keepsBuildRows ? table.rows.count : 0)
        try probe.stream(in: context) { whole in
            var start = 0
            while start < whole.count {
                let end = Swift.min(whole.count, start &+ slice)
                let chunk = start == 0 && end == whole.count ? whole : whole.gathered(Array(Int32(start)..<Int32(end)))
                start = end
                try probeSlice(chunk, table, probeKeys, &matched, consume)
            }
        }
        guard keepsBuildRows else { return }
        let unmatched = matched.indices.filter { !matched[$0] }.map(Int32.init)
        guard !unmatched.isEmpty else { return }
        // The probe side's columns all NULL: one row of NULLs, repeated.
        let nulls = DataChunk(columns: probeLayout.map { Vector.constant(.null, type: $0.type, count: 1) }, count: 1,
                              columnIndexes: probeLayout.map(\.index))
        try consume(joined(nulls, [Int32](repeating: 0, count: unmatched.count), table.rows, unmatched))
    }

    /// The pairs of one probe chunk and the build side (and, LEFT, the probe rows without one).
    private func probeSlice(_ chunk: DataChunk, _ table: HashJoinTable, _ probeKeys: [BoundExpression], _ matchedBuild: inout [Bool],
                            _ consume: (DataChunk) throws -> Void) throws {
        try environment.context.check()
        let evaluator = chunk.evaluator(offsetSeconds: environment.offsetSeconds)
        let keys = try probeKeys.map { try evaluator.evaluate($0, chunk.batch) }
        var probeRows: [Int32] = [], buildRows: [Int32] = []
        table.probe(keys, count: chunk.count, probeRows: &probeRows, buildRows: &buildRows)
        var joined = self.joined(chunk, probeRows, table.rows, buildRows)
        if let condition = spec.condition, joined.count > 0 {
            var batch = joined.batch
            try joined.evaluator(offsetSeconds: environment.offsetSeconds).filter(condition, &batch)
            if let selection = batch.selection {
                joined = joined.gathered(selection)
                probeRows = selection.map { probeRows[Int($0)] }
                buildRows = selection.map { buildRows[Int($0)] }
            }
        }
        if keepsBuildRows { for b in buildRows { matchedBuild[Int(b)] = true } }
        if joined.count > 0 { try consume(joined) }
        guard spec.kind == .left || spec.kind == .full else { return }
        var matched = [Bool](repeating: false, count: chunk.count)
        for r in probeRows { matched[Int(r)] = true }
        let unmatched = (0..<chunk.count).filter { !matched[$0] }.map(Int32.init)
        if !unmatched.isEmpty {
            try consume(self.joined(chunk, unmatched, table.rows, [Int32](repeating: -1, count: unmatched.count)))
        }
    }

    /// The pairs' rows as one chunk: the left side's columns, then the right's (build row -1: NULLs).
    private func joined(_ probe: DataChunk, _ probeRows: [Int32], _ build: DataChunk, _ buildRows: [Int32]) -> DataChunk {
        let target = Batch(count: probeRows.count, selection: nil)
        let probeColumns = probe.columns.map { $0.gathered(probeRows, target) }
        let buildColumns = build.columns.map { $0.gathered(buildRows, target) }
        let probeIndexes = probe.columnIndexes ?? Array(probe.columns.indices)
        let buildIndexes = build.columnIndexes ?? Array(build.columns.indices)
        if buildsLeft {
            return DataChunk(columns: buildColumns + probeColumns, count: probeRows.count, columnIndexes: buildIndexes + probeIndexes)
        }
        return DataChunk(columns: probeColumns + buildColumns, count: probeRows.count, columnIndexes: probeIndexes + buildIndexes)
    }
}
