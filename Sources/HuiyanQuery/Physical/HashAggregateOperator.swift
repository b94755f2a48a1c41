/// GROUP BY over computed rows (a subquery's, a hash join's): each chunk's rows numbered by group in a
/// `GroupTable`, the aggregates' accumulators updated by those numbers; the state is held in the budget as
/// it grows (twice its bytes, as the scan pipeline's: arrays double while they grow). Groups that outgrow
/// the memory limit spill: the input runs again and its rows go to disk by partition of their keys, each
/// partition then aggregated alone (`SpilledAggregation`), as the scan pipeline's aggregation does.
final class HashAggregateOperator: PhysicalOperator {
    let input: PhysicalOperator
    let keys: [BoundExpression]
    let aggregates: [AggregateSpec]
    let environment: ExecutionEnvironment
    /// After a run that spilled: into how many partitions (EXPLAIN ANALYZE says so).
    private(set) var spilledPartitions = 0

    init(input: PhysicalOperator, keys: [BoundExpression], aggregates: [AggregateSpec], environment: ExecutionEnvironment) {
        self.input = input
        self.keys = keys
        self.aggregates = aggregates
        self.environment = environment
    }

    var inputs: [PhysicalOperator] { [input] }

    func explanation(offsetSeconds: Int) -> [String] {
        let groups = keys.map { $0.text(offsetSeconds: offsetSeconds) }.joined(separator: ", ")
        let line = "HASH AGGREGATE groups [\(groups)] aggregates [\(aggregates.map(\.text).joined(separator: ", "))] over computed rows"
        return spilledPartitions > 0 ? [line, "  spilled: its input's rows in \(spilledPartitions) partitions (groups over the memory limit)"] : [line]
    }

    func execute() throws -> [DataChunk] {
        let context = environment.context
        let canSpill = !keys.isEmpty && context.spillArea != nil
        if canSpill && context.spillsAlways { return try spilled(partitions: 16) }
        do {
            return try inMemory()
        } catch let error as QueryError where error.asksToSpill && canSpill {
            context.release(self)
            AllocatorTuning.releaseFreeMemory()
            return try spilled(partitions: 64)
        }
    }

    /// The input's rows written to partitions on disk by their keys, then each partition's groups.
    private func spilled(partitions: Int) throws -> [DataChunk] {
        let context = environment.context
        let area = context.spillArea!
        let layout = AggregateSpillLayout(keys: keys, aggregates: aggregates)
        let writer = PartitionedSpillWriter(file: try area.makeFile(), partitionCount: partitions, level: 0, keyCount: layout.keyCount,
                                            bufferBytes: SpilledAggregation.bufferBytes(context))
        try input.stream(in: context) { chunk in
            try context.check()
            guard chunk.count > 0 else { return }
            try writer.add(try layout.evaluate(chunk.evaluator(offsetSeconds: environment.offsetSeconds), chunk.batch), chunk.batch)
            try context.hold(writer.bufferedBytes, for: self)
        }
        try writer.finish()
        context.release(self)
        spilledPartitions = partitions
        let aggregation = SpilledAggregation(groupKeys: keys, aggregates: aggregates, layout: layout, context: context, area: area,
                                             partitionsPerSplit: 16)
        var chunks: [DataChunk] = []
        try aggregation.run([writer], into: { chunks.append($0) })
        context.statistics.addSpill(bytes: area.bytesWritten, partitions: partitions)
        return chunks
    }

    /// The groups in one table in memory.
    private func inMemory() throws -> [DataChunk] {
        let context = environment.context
        let table = GroupTable(keyTypes: keys.map(\.type), shortcuts: environment.optimizer.allows(.bucketAggregation))
        let accumulators = makeAccumulators(aggregates, threads: 1, distinctBudgets: context.distinctBudgets)
        var groups: [Int32] = []
        try input.stream(in: context) { chunk in
            try context.check()
            guard chunk.count > 0 else { return }
            let evaluator = chunk.evaluator(offsetSeconds: environment.offsetSeconds)
            let batch = chunk.batch
            let keyVectors = try keys.map { try evaluator.evaluate($0, batch) }
            if groups.count < chunk.count { groups = [Int32](repeating: 0, count: chunk.count) }
            table.assign(keyVectors, batch, into: &groups)
            for (spec, accumulator) in zip(aggregates, accumulators) {
                accumulator.reserve(groups: table.groupCount)
                var selected = batch
                if let filter = spec.filter { try evaluator.filter(filter, &selected) }
                try accumulator.update(spec, evaluator, groups: groups, selected)
            }
            try context.hold(2 * (table.approximateBytes + accumulators.reduce(0) { $0 + $1.approximateBytes }), for: self)
        }
        // Without GROUP BY, no rows still make one group (count 0, sum NULL).
        if keys.isEmpty && table.groupCount == 0 {
            var one = [Int32](repeating: 0, count: 1)
            table.assign([], Batch(count: 1, selection: nil), into: &one)
            for accumulator in accumulators { accumulator.reserve(groups: 1) }
        }
        let n = table.groupCount
        try context.checkMemory(n * 8 * (keys.count + aggregates.count))
        let columns = keys.indices.map { table.keyVector($0) } + accumulators.map { $0.result(groups: n) }
        return [DataChunk(columns: columns, count: n, groupKeyCount: keys.count)]
    }
}
