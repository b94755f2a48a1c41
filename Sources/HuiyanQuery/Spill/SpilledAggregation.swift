import Dispatch
import Foundation
import HuiyanStorage

/// The second half of an aggregation that spilled or was partitioned in memory: each partition of the rows is
/// aggregated on its own — the threads take partitions in turn — and its groups become one output chunk. A
/// partition whose groups still pass the memory limit is split again by other hash bits, up to
/// `deepestLevel` times (into files, or in memory without a spill area).
final class SpilledAggregation {
    let groupKeys: [BoundExpression]
    let aggregates: [AggregateSpec]
    let layout: AggregateSpillLayout
    let context: QueryContext
    /// Where partitions split again go (nil: they stay in memory).
    let area: SpillArea?
    let partitionsPerSplit: Int
    /// How often a partition may be split again before the statement gives up.
    static let deepestLevel = 3

    init(groupKeys: [BoundExpression], aggregates: [AggregateSpec], layout: AggregateSpillLayout, context: QueryContext,
         area: SpillArea?, partitionsPerSplit: Int) {
        self.groupKeys = groupKeys
        self.aggregates = aggregates
        self.layout = layout
        self.context = context
        self.area = area
        self.partitionsPerSplit = partitionsPerSplit
    }

    /// Aggregates the rows the writers hold, handing `consume` each partition's groups (keys, then aggregates)
    /// in partition order, one call at a time.
    func run(_ writers: [PartitionedSpillWriter], into consume: (DataChunk) throws -> Void) throws {
        let partitions = (0..<writers[0].partitionCount).map { p in writers.flatMap { $0.records[p] } }.filter { !$0.isEmpty }
        try run(partitions, level: 1, into: consume)
    }

    private func run(_ partitions: [[PartitionedSpillWriter.Record]], level: Int, into consume: (DataChunk) throws -> Void) throws {
        // A partition's records are dropped once it is aggregated (in memory, they are its rows' bytes).
        var partitions = partitions
        // Partitions finish in any order; each is handed on once those before it have been.
        var finished = [[DataChunk]?](repeating: nil, count: partitions.count)
        var handedOn = 0
        var failure: Error?
        let lock = NSLock()
        var next = 0
        let threads = min(context.threads, partitions.count)
        withoutActuallyEscaping(consume) { consume in
            let work = { (_: Int) in
                while true {
                    lock.lock()
                    let p = next
                    next += 1
                    let stop = failure != nil
                    lock.unlock()
                    guard p < partitions.count, !stop else { return }
                    do {
                        lock.lock()
                        let records = partitions[p]
                        partitions[p] = []
                        lock.unlock()
                        let chunks = try self.aggregate(records, level: level)
                        // The partition's tables are freed: their pages go back to the system, or the heap
                        // keeps the high-water mark of every partition's tables, each at other addresses
                        // (measured at a 256 MiB limit, GROUP BY visitor_id, spot: 611 → 541 MB resident).
                        AllocatorTuning.releaseFreeMemory()
                        lock.lock()
                        defer { lock.unlock() }
                        finished[p] = chunks
                        while handedOn < partitions.count, let ready = finished[handedOn], failure == nil {
                            finished[handedOn] = []
                            handedOn += 1
                            for chunk in ready { try consume(chunk) }
                        }
                    } catch {
                        lock.lock(); failure = failure ?? error; lock.unlock()
                    }
                }
            }
            ConcurrentLoop.forEach(threads, work)
        }
        if let failure { throw failure }
    }

    /// A partition's groups, one chunk (or, split again, a chunk per part).
    private func aggregated(_ partitions: [[PartitionedSpillWriter.Record]], level: Int) throws -> [DataChunk] {
        var chunks: [DataChunk] = []
        try run(partitions, level: level, into: { chunks.append($0) })
        return chunks
    }

    /// One partition's groups; split again when they do not fit.
    private func aggregate(_ records: [PartitionedSpillWriter.Record], level: Int) throws -> [DataChunk] {
        let holder = PartitionState()
        defer { context.release(holder) }
        do {
            let table = GroupTable(keyTypes: groupKeys.map(\.type))
            let accumulators = makeAccumulators(aggregates, threads: 1, spilledRows: true)
            var keyPools: [StringPool?] = []
            for record in records {
                try context.check()
                let (vectors, count) = try record.read()
                // A record's pools of an entry a row never come again; a partition's pool of key entries
                // (`EntryPartitions`) comes in the records after it.
                let pools = vectors.prefix(layout.keyCount).map(\.pool)
                if !zip(pools, keyPools).allSatisfy({ $0 === $1 }) || pools.count != keyPools.count { table.forgetPools() }
                keyPools = pools
                let batch = Batch(count: count, selection: nil)
                var groups = [Int32](repeating: 0, count: count)
                table.assign(Array(vectors.prefix(layout.keyCount)), batch, into: &groups)
                for (a, accumulator) in accumulators.enumerated() {
                    accumulator.reserve(groups: table.groupCount)
                    let selected = AggregateSpillLayout.selected(batch, filter: layout.filters[a].map { vectors[$0] })
                    try accumulator.update(layout.arguments[a].map { vectors[$0] }, groups: groups, selected)
                }
                // Twice the bytes, as in memory (`SelectExecutor.heldWhileGrowing`): tables grow by doubling.
                try context.hold(2 * (table.approximateBytes + accumulators.reduce(0) { $0 + $1.approximateBytes }), for: holder)
            }
            let n = table.groupCount
            let keys = groupKeys.indices.map { table.keyVector($0) }
            let results = accumulators.map { $0.result(groups: n) }
            return [DataChunk(columns: keys + results, count: n, groupKeyCount: keys.count)]
        } catch let error as QueryError where error.asksToSpill && level < Self.deepestLevel {
            context.release(holder)
            return try aggregated(try split(records, level: level), level: level + 1)
        }
    }

    /// What a thread's partitions' unwritten rows may take: a quarter of the limit, shared by the threads.
    static func bufferBytes(_ context: QueryContext) -> Int {
        (context.memoryLimit ?? 1 << 30) / (4 * context.threads)
    }

    /// The account a partition's state is held under in the memory budget.
    private final class PartitionState {}

    /// A partition's rows written again as partitions of their own, by other hash bits.
    private func split(_ records: [PartitionedSpillWriter.Record], level: Int) throws -> [[PartitionedSpillWriter.Record]] {
        let writer = PartitionedSpillWriter(file: try area?.makeFile(), partitionCount: partitionsPerSplit, level: level,
                                            keyCount: layout.keyCount, bufferBytes: Self.bufferBytes(context))
        let holder = PartitionState()
        defer { context.release(holder) }
        for record in records {
            try context.check()
            let (vectors, count) = try record.read()
            try writer.add(vectors, Batch(count: count, selection: nil))
            try context.hold(writer.bufferedBytes, for: holder)
        }
        try writer.finish()
        context.statistics.addSpill(bytes: 0, partitions: partitionsPerSplit)
        return writer.records.filter { !$0.isEmpty }
    }
}
