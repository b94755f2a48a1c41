import HuiyanStorage

/// Turns an optimized logical plan into physical operators: the bottom of the plan — a scan under filters
/// and joins, with the aggregate, projection, cut-short projection or top-N above it — becomes one fused
/// scan pipeline; the operators above it run on its output chunks.
struct PhysicalPlanner {
    let environment: ExecutionEnvironment
    let settings: OptimizerSettings
    /// The rules the physical choices used (projection_pruning, limit_pushdown, top_n in the scan).
    private(set) var used: [OptimizerRule] = []
    /// The combined columns the SELECT being planned reads of its FROM (nil until its root is planned):
    /// what a scan read as rows under computed operators outputs.
    private var fromColumns: Set<Int>?

    /// A top-N heap inside the scan keeps at most this many rows per thread; beyond, sort and limit.
    static let largestTopNInScan = 65_536

    init(environment: ExecutionEnvironment, settings: OptimizerSettings) {
        self.environment = environment
        self.settings = settings
    }

    mutating func physicalOperator(for plan: LogicalPlan) throws -> PhysicalOperator {
        if fromColumns == nil { fromColumns = plan.fromColumns }
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
        case .filter(.derived(.tableFunction(let function), let table), let predicate) where settings.allows(.filterPushdown):
            // The source skips what the WHERE terms on its columns rule out (row groups, partitions); the
            // filter still runs over what it reads.
            let pruning = SourcePruning(predicate, table: table, types: function.source.columnTypes)
            if !pruning.isEmpty { note(.filterPushdown) }
            let filter = FilterOperator(input: tableFunction(function, table, pruning: pruning), predicate: predicate, environment: environment)
            filter.names = aggregateNames(.derived(.tableFunction(function), table))
            return filter
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
        case .window(let input, let functions):
            let window = WindowOperator(input: try physicalOperator(for: input), functions: functions, environment: environment)
            window.names = aggregateNames(input)
            return window
        case .aggregate(let input, let keys, let aggregates):
            return HashAggregateOperator(input: try physicalOperator(for: input), keys: keys, aggregates: aggregates, environment: environment)
        case .derived(.tableFunction(let function), let table):
            return tableFunction(function, table, pruning: .none)
        case .derived(let inner, let table):
            // The subquery is a SELECT of its own: its FROM's columns are its own.
            let outer = fromColumns
            fromColumns = inner.fromColumns
            defer { fromColumns = outer }
            return SubqueryOperator(input: try physicalOperator(for: inner), table: table, environment: environment)
        case .hashJoin(let left, let right, let spec):
            let buildsLeft = spec.kind == .inner && (left.estimatedRows ?? Int.max) < (right.estimatedRows ?? Int.max)
            return HashJoinOperator(left: try physicalOperator(for: left), right: try physicalOperator(for: right), spec: spec,
                                    buildsLeft: buildsLeft, buildLayout: layout(buildsLeft ? left : right),
                                    probeLayout: layout(buildsLeft ? right : left), environment: environment)
        case .union(let left, let right, let width):
            let outer = fromColumns
            defer { fromColumns = outer }
            let inputs = try [left, right].map { input -> PhysicalOperator in
                fromColumns = input.fromColumns
                return try physicalOperator(for: input)
            }
            return UnionOperator(left: inputs[0], right: inputs[1], width: width, environment: environment)
        case .tableFunction(let function):
            return TableFunctionOperator(source: function.source, read: function.source.columnNames.map { _ in true }, environment: environment)
        case .scan, .singleRow, .join:
            return try rows(plan)
        }
    }

    /// A table function's rows as a table of FROM: only the columns the query reads (projection_pruning).
    private mutating func tableFunction(_ function: TableFunctionScan, _ table: DerivedTable, pruning: SourcePruning) -> PhysicalOperator {
        var read = Array(repeating: true, count: table.width)
        if settings.allows(.projectionPruning), let columns = fromColumns {
            read = (0..<table.width).map { columns.contains(table.base + $0) }
            note(.projectionPruning)
        }
        return SubqueryOperator(input: TableFunctionOperator(source: function.source, read: read, pruning: pruning, environment: environment),
                                table: table, environment: environment)
    }

    /// A scan chain read as rows of FROM: its columns the query reads, labelled with their combined indexes.
    private mutating func rows(_ chain: LogicalPlan) throws -> PhysicalOperator {
        let columns = layout(chain)
        // A pipeline scans its table from column 0: a table after a computed one (a scan under filters alone)
        // is read with its columns shifted there.
        let base = chain.scanBase
        let pipeline = try scanPipeline(base == 0 ? chain : chain.mapScanColumns { $0 - base })
        pipeline.outputs = columns.map { .column($0.index - base, name: $0.name, type: $0.type) }
        prune(pipeline)
        let scan = ScanPipelineOperator(plan: pipeline, environment: environment)
        scan.columnIndexes = columns.map(\.index)
        return scan
    }

    /// The columns (combined index, name, type) the rows of a part of FROM carry, in the order its operator
    /// outputs them.
    private func layout(_ plan: LogicalPlan) -> [LabelledColumn] {
        switch plan {
        case .filter(let x, _): return layout(x)
        case .derived(_, let table):
            return table.columnNames.indices.map {
                LabelledColumn(index: table.base + $0, name: table.columnNames[$0], type: table.columnTypes[$0])
            }
        case .hashJoin(let l, let r, _): return layout(l) + layout(r)
        default:
            // A scan chain: of the scanned and joined tables' columns, those the query reads.
            var tables: [(base: Int, schema: TableSchema)] = []
            var node = plan
            while true {
                switch node {
                case .filter(let x, _): node = x; continue
                case .join(let x, let join): tables.append((join.columnBase, join.snapshot.schema)); node = x; continue
                case .scan(let scan): tables.append((scan.base, scan.snapshot.schema))
                default: break
                }
                break
            }
            var columns: [LabelledColumn] = []
            for (base, schema) in tables.sorted(by: { $0.base < $1.base }) {
                for (i, column) in schema.columns.enumerated() where fromColumns?.contains(base + i) ?? true {
                    columns.append(LabelledColumn(index: base + i, name: column.name, type: SQLType(column.type)))
                }
            }
            return columns
        }
    }

    /// How EXPLAIN names the keys and aggregates of the aggregate a plan is (under filters), if it is one.
    private func aggregateNames(_ plan: LogicalPlan) -> AggregateNames? {
        switch plan {
        case .filter(let x, _): return aggregateNames(x)
        case .window(let x, let functions):
            var names = aggregateNames(x) ?? AggregateNames(keys: [], aggregates: [])
            names.windows = functions.map(\.text)
            return names
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
            for a in spec.arguments { columns.formUnion(a.columns) }
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
        case .tableFunction: return "table function"
        case .filter: return "filter"
        case .join: return "join"
        case .aggregate: return "aggregate"
        case .project: return "projection"
        case .distinct: return "distinct"
        case .sort: return "sort"
        case .topN: return "top-N"
        case .limit: return "limit"
        case .derived: return "subquery"
        case .hashJoin: return "hash join"
        case .union: return "union"
        case .window: return "window"
        }
    }

    /// The combined index of the scanned table's column 0, for a scan chain.
    var scanBase: Int {
        switch self {
        case .scan(let scan): return scan.base
        case .filter(let x, _), .join(let x, _): return x.scanBase
        default: return 0
        }
    }

    /// A scan under filters with every column index passed through `map` (joins of stored tables keep
    /// theirs: they come only after a scan from column 0).
    func mapScanColumns(_ map: @escaping (Int) -> Int) -> LogicalPlan {
        switch self {
        case .scan(let scan):
            return .scan(LogicalScan(snapshot: scan.snapshot, tableName: scan.tableName, base: map(scan.base),
                                     filter: scan.filter?.mapColumns(map)))
        case .filter(let x, let p): return .filter(x.mapScanColumns(map), p.mapColumns(map))
        default: return self
        }
    }

    /// The combined columns of FROM that this SELECT's operators read (not its subqueries': theirs are
    /// their own), down from the projection or aggregate.
    var fromColumns: Set<Int> {
        var columns = Set<Int>()
        func collect(_ e: BoundExpression?) { if let e { columns.formUnion(e.columns) } }
        func visit(_ node: LogicalPlan, aboveProjection: Bool) {
            switch node {
            case .distinct(let x), .sort(let x, _), .topN(let x, _, _, _), .limit(let x, _, _):
                visit(x, aboveProjection: aboveProjection)
            case .project(let x, let expressions):
                expressions.forEach(collect)
                visit(x, aboveProjection: false)
            case .window(let x, let functions):
                functions.flatMap(\.expressions).forEach(collect)
                visit(x, aboveProjection: false)
            case .filter(let x, let p):
                if !aboveProjection { collect(p) }
                visit(x, aboveProjection: aboveProjection)
            case .aggregate(let x, let keys, let aggregates):
                keys.forEach(collect)
                for a in aggregates { a.arguments.forEach(collect); collect(a.filter) }
                visit(x, aboveProjection: false)
            case .join(let x, let join):
                join.probeKeys.forEach(collect)
                collect(join.probeFilter)
                visit(x, aboveProjection: false)
            case .hashJoin(let l, let r, let spec):
                (spec.leftKeys + spec.rightKeys).forEach(collect)
                collect(spec.condition)
                visit(l, aboveProjection: false)
                visit(r, aboveProjection: false)
            case .scan(let scan): collect(scan.filter)
            case .singleRow, .tableFunction, .derived, .union: break
            }
        }
        visit(self, aboveProjection: true)
        return columns
    }

    /// About how many rows the operator outputs, when known: a table's rows, bounded by limits, aggregates
    /// (a guess) and joins' sides (for choosing a hash join's build side).
    var estimatedRows: Int? {
        switch self {
        case .scan(let scan): return scan.snapshot.rowCount
        case .singleRow: return 1
        case .tableFunction(let function): return function.source.estimatedRows
        case .aggregate(_, let keys, _) where keys.isEmpty: return 1
        // Groups are fewer than rows: a tenth, as a guess (a subquery's GROUP BY is usually a summary).
        case .aggregate(let x, _, _): return x.estimatedRows.map { max(1, $0 / 10) }
        case .topN(let x, _, let limit, _), .limit(let x, let limit?, _):
            return min(limit, x.estimatedRows ?? limit)
        case .hashJoin(let l, let r, _):
            guard let a = l.estimatedRows, let b = r.estimatedRows else { return nil }
            return max(a, b)
        case .union(let l, let r, _):
            guard let a = l.estimatedRows, let b = r.estimatedRows else { return nil }
            return a + b
        default: return inputs.first?.estimatedRows
        }
    }
}
