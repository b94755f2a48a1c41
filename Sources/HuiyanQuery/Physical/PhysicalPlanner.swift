/// Turns an optimized logical plan into physical operators: the bottom of the plan — a scan under filters
/// and joins, with the aggregate, projection, cut-short projection or top-N above it — becomes one fused
/// scan pipeline; the operators above it run on its output chunks.
struct PhysicalPlanner {
    let environment: ExecutionEnvironment
    let settings: OptimizerSettings
    /// The rules the physical choices used (projection_pruning, limit_pushdown, top_n in the scan).
    private(set) var used: [OptimizerRule] = []

    /// A top-N heap inside the scan keeps at most this many rows per thread; beyond, sort and limit.
    static let largestTopNInScan = 65_536

    init(environment: ExecutionEnvironment, settings: OptimizerSettings) {
        self.environment = environment
        self.settings = settings
    }

    mutating func physicalOperator(for plan: LogicalPlan) throws -> PhysicalOperator {
        switch plan {
        case .aggregate(let input, let keys, let aggregates) where input.isScanChain:
            let pipeline = try scanPipeline(input)
            pipeline.isAggregate = true
            pipeline.groupKeys = keys
            pipeline.aggregates = aggregates
            prune(pipeline)
            if settings.allows(.aggregationBelowJoin), AggregationBelowJoin(plan: pipeline) != nil { note(.aggregationBelowJoin) }
            if DictionaryMergeAggregation(plan: pipeline) != nil { note(.dictionaryMerge) }
            if settings.allows(.statisticsAggregates), pipeline.snapshot != nil, pipeline.joins.isEmpty,
               WholeBlockAggregates.apply(to: pipeline) || BucketAggregation(plan: pipeline, offsetSeconds: environment.offsetSeconds) != nil {
                note(.statisticsAggregates)
            }
            if settings.allows(.bucketAggregation), BucketAggregation(plan: pipeline, offsetSeconds: environment.offsetSeconds) != nil {
                note(.bucketAggregation)
            }
            return ScanPipelineOperator(plan: pipeline, environment: environment)
        case .project(let input, let expressions) where input.isScanChain:
            return try projection(input, expressions, sink: .collect)
        case .limit(.project(let input, let expressions), let limit?, let offset)
            where input.isScanChain && settings.allows(.limitPushdown):
            let (rows, overflow) = limit.addingReportingOverflow(offset)
            note(.limitPushdown)
            let scan = try projection(input, expressions, sink: .firstRows(overflow ? Int.max : rows))
            return LimitOperator(input: scan, limit: limit, offset: offset, environment: environment)
        case .topN(.project(let input, let expressions), let keys, let limit, let offset)
            where input.isScanChain && limit.addingReportingOverflow(offset).partialValue <= Self.largestTopNInScan
                && !limit.addingReportingOverflow(offset).overflow:
            // The keys read the projection's outputs: over the table they are those outputs' expressions.
            let tableKeys = keys.map { key in
                key.mapExpression { e in
                    e.rewritten { x in
                        if case .column(let i, _, _) = x { return expressions[i] }
                        return nil
                    }
                }
            }
            return try projection(input, expressions, sink: .topN(keys: tableKeys, limit: limit, offset: offset))
        case .filter(let input, let predicate):
            let filter = FilterOperator(input: try physicalOperator(for: input), predicate: predicate, environment: environment)
            filter.names = aggregateNames(input)
            return filter
        case .project(let input, let expressions):
            let project = ProjectOperator(input: try physicalOperator(for: input), expressions: expressions, environment: environment)
            project.names = aggregateNames(input)
            return project
        case .distinct(let input):
            return HashDistinctOperator(input: try physicalOperator(for: input), environment: environment)
        case .sort(let input, let keys):
            return SortOperator(input: try physicalOperator(for: input), keys: keys, environment: environment)
        case .topN(let input, let keys, let limit, let offset):
            return TopNOperator(input: try physicalOperator(for: input), keys: keys, limit: limit, offset: offset, environment: environment)
        case .limit(let input, let limit, let offset):
            return LimitOperator(input: try physicalOperator(for: input), limit: limit, offset: offset, environment: environment)
        case .scan, .singleRow, .join, .aggregate:
            throw QueryError("this query needs an operator that is not built yet (\(plan.operatorName) over a computed input)")
        }
    }

    /// How EXPLAIN names the keys and aggregates of the aggregate a plan is (under filters), if it is one.
    private func aggregateNames(_ plan: LogicalPlan) -> AggregateNames? {
        switch plan {
        case .filter(let x, _): return aggregateNames(x)
        case .aggregate(_, let keys, let aggregates):
            return AggregateNames(keys: keys.map { $0.text(offsetSeconds: environment.offsetSeconds) }, aggregates: aggregates.map(\.text))
        default: return nil
        }
    }

    private mutating func note(_ rule: OptimizerRule) {
        if !used.contains(rule) { used.append(rule) }
    }

    private mutating func projection(_ input: LogicalPlan, _ expressions: [BoundExpression], sink: SelectPlan.Sink) throws -> PhysicalOperator {
        let pipeline = try scanPipeline(input)
        pipeline.outputs = expressions
        pipeline.sink = sink
        if case .topN = sink { note(.topN) }
        prune(pipeline)
        return ScanPipelineOperator(plan: pipeline, environment: environment)
    }

    /// The scan, joins and filters of a chain as a pipeline (without what it feeds).
    private func scanPipeline(_ chain: LogicalPlan) throws -> SelectPlan {
        let p = SelectPlan()
        p.optimizer = settings
        var filters: [BoundExpression] = []
        var node = chain
        while true {
            switch node {
            case .filter(let x, let predicate): filters = predicate.conjuncts + filters; node = x; continue
            case .join(let x, let join): p.joins.insert(join, at: 0); node = x; continue
            case .scan(let scan):
                p.snapshot = scan.snapshot
                p.tableName = scan.tableName
                p.scannedColumnCount = scan.columnCount
                p.filter = scan.filter
            case .singleRow: break
            default: throw QueryError("internal error: not a scan chain")
            }
            break
        }
        p.postJoinFilter = .conjunction(filters)
        return p
    }

    /// The columns each table of the pipeline reads: those the query needs (projection_pruning), or all.
    private mutating func prune(_ p: SelectPlan) {
        let pruning = settings.allows(.projectionPruning)
        if pruning && p.snapshot != nil { note(.projectionPruning) }
        var columns = p.postJoinFilter?.columns ?? []
        for join in p.joins {
            for key in join.probeKeys { columns.formUnion(key.columns) }
            columns.formUnion(join.probeFilter?.columns ?? [])
        }
        for key in p.groupKeys { columns.formUnion(key.columns) }
        for spec in p.aggregates {
            columns.formUnion(spec.argument?.columns ?? [])
            columns.formUnion(spec.filter?.columns ?? [])
        }
        for o in p.outputs { columns.formUnion(o.columns) }
        if case .topN(let keys, _, _) = p.sink { for k in keys { columns.formUnion(k.expression.columns) } }
        if !pruning {
            columns.formUnion(0..<p.scannedColumnCount)
            for join in p.joins { columns.formUnion(join.columnBase..<(join.columnBase + join.columnCount)) }
        }
        let scanned = { (set: Set<Int>) in set.filter { $0 < p.scannedColumnCount }.sorted() }
        p.columnsAfterFilter = scanned(columns)
        columns.formUnion(p.filter?.columns ?? [])
        p.scanColumns = scanned(columns)
        for join in p.joins {
            var own = Set(columns.filter(join.owns).map { $0 - join.columnBase })
            join.outputColumns = own.sorted()
            for key in join.buildKeys { own.formUnion(key.columns) }
            own.formUnion(join.buildFilter?.columns ?? [])
            join.buildColumns = own.sorted()
        }
    }
}

extension LogicalPlan {
    /// The operator's name, for messages.
    var operatorName: String {
        switch self {
        case .scan: return "scan"
        case .singleRow: return "values"
        case .filter: return "filter"
        case .join: return "join"
        case .aggregate: return "aggregate"
        case .project: return "projection"
        case .distinct: return "distinct"
        case .sort: return "sort"
        case .topN: return "top-N"
        case .limit: return "limit"
        }
    }
}
