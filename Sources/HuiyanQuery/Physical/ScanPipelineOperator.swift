import HuiyanStorage

/// A fused scan pipeline (`SelectPlan`): segments scanned on every core with zone maps, filters, join
/// probes, and an aggregate, a projection, a cut-short projection or a top-N heap at the end.
final class ScanPipelineOperator: PhysicalOperator {
    let plan: SelectPlan
    let environment: ExecutionEnvironment
    /// For a scan read as rows of FROM under computed operators (a hash join's side): the combined column
    /// index of each output, set on every chunk.
    var columnIndexes: [Int]?

    init(plan: SelectPlan, environment: ExecutionEnvironment) {
        self.plan = plan
        self.environment = environment
    }

    var inputs: [PhysicalOperator] { [] }

    func execute() throws -> [DataChunk] {
        try SelectExecutor(plan: plan, context: environment.context, offsetSeconds: environment.offsetSeconds).run().map(labelled)
    }

    private func labelled(_ chunk: DataChunk) -> DataChunk {
        guard let columnIndexes else { return chunk }
        var chunk = chunk
        chunk.columnIndexes = columnIndexes
        return chunk
    }

    /// A spilled aggregation hands on each partition's groups as they are made; anything else at the end.
    func produce(into consume: (DataChunk) throws -> Void) throws {
        try withoutActuallyEscaping(consume) { consume in
            let executor = SelectExecutor(plan: plan, context: environment.context, offsetSeconds: environment.offsetSeconds)
            executor.consume = { try consume(self.labelled($0)) }
            // What the pipeline did not hand on as it went (an aggregate's groups) it hands on now, held.
            let chunks = try executor.run()
            try environment.context.hold(chunks.reduce(0) { $0 + $1.approximateBytes }, for: self)
            for chunk in chunks { try consume(labelled(chunk)) }
        }
    }

    func explanation(offsetSeconds: Int) throws -> [String] {
        var lines: [String] = []
        func text(_ e: BoundExpression) -> String { e.text(offsetSeconds: offsetSeconds) }
        if let snapshot = plan.snapshot {
            let scanner = TableScanner(snapshot: snapshot, columns: plan.scanColumns, filter: plan.filter)
            var segments = 0, blocks = 0, totalBlocks = 0
            for segment in snapshot.segments {
                let kept = try scanner.blocks(of: segment)
                if !kept.isEmpty { segments += 1 }
                blocks += kept.count
                totalBlocks += segment.columns.first?.blocks.count ?? 0
            }
            let names = plan.scanColumns.map { snapshot.schema.columns[$0].name }
            lines.append("SCAN \(plan.tableName!) columns [\(names.joined(separator: ", "))]")
            lines.append("  segments: \(segments) of \(snapshot.segments.count) scanned, \(snapshot.segments.count - segments) pruned by zone maps")
            lines.append("  blocks: \(blocks) of \(totalBlocks) scanned, \(totalBlocks - blocks) pruned by zone maps")
            if let filter = plan.filter { lines.append("  filter: \(text(filter))") }
            if plan.optimizer.allows(.aggregationBelowJoin), let below = AggregationBelowJoin(plan: plan) { lines.append(below.explanation) }
            for join in plan.joins {
                let keys = zip(join.probeKeys, join.buildKeys).map { "\($0) = \($1)" }.joined(separator: " AND ")
                let names = join.buildColumns.map { join.snapshot.schema.columns[$0].name }
                lines.append("HASH JOIN \(join.kind.rawValue) \(join.tableName) ON \(keys)")
                lines.append("  build: \(join.tableName) columns [\(names.joined(separator: ", "))], \(join.snapshot.rowCount) rows")
                if let filter = join.buildFilter { lines.append("  build filter: \(text(filter))") }
                if let filter = join.probeFilter { lines.append("  match only when: \(text(filter))") }
            }
        } else {
            lines.append("VALUES (one row)")
        }
        if let filter = plan.postJoinFilter { lines.append("FILTER \(text(filter))") }
        if plan.isAggregate {
            lines.append("HASH AGGREGATE groups [\(plan.groupKeys.map(text).joined(separator: ", "))] aggregates [\(plan.aggregates.map(\.text).joined(separator: ", "))]")
            var paths: [String] = []
            if DictionaryMergeAggregation(plan: plan) != nil { paths.append("by dictionary code per segment, dictionaries merged by key ranges (dictionary_merge)") }
            if plan.optimizer.allows(.statisticsAggregates) && plan.joins.isEmpty { paths.append("footer totals and code summaries where blocks allow (statistics_aggregates)") }
            if plan.optimizer.allows(.bucketAggregation), let buckets = BucketAggregation(plan: plan, offsetSeconds: offsetSeconds) {
                if case .codes = buckets.shape {
                    paths.append("dense buckets by dictionary codes (bucket_aggregation)")
                } else {
                    paths.append("dense buckets by runs of time, placed in the stored times where blocks allow (bucket_aggregation)")
                }
            }
            if !paths.isEmpty { lines.append("  also: " + paths.joined(separator: "; ")) }
        } else {
            switch plan.sink {
            case .collect: lines.append("PROJECT [\(plan.outputs.map(text).joined(separator: ", "))]")
            case .firstRows(let n): lines.append("PROJECT [\(plan.outputs.map(text).joined(separator: ", "))], scan stops after \(n) row(s) (limit_pushdown)")
            case .topN(let keys, let limit, let offset):
                lines.append("PROJECT [\(plan.outputs.map(text).joined(separator: ", "))]")
                lines.append("TOP \(limit)" + (offset > 0 ? " OFFSET \(offset)" : "") + " [\(SortKey.text(keys, offsetSeconds: offsetSeconds))] per thread, blocks skipped by zone maps (top_n)")
            }
        }
        return lines
    }
}
