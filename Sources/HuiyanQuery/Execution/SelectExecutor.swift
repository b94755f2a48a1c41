import Foundation
import HuiyanStorage

/// Runs a bound SELECT: segments are scanned on every core (each thread takes the next segment, or the next
/// range of blocks when few segments are kept), each thread filters and aggregates (or projects) its blocks
/// into its own state, and the states are merged.
final class SelectExecutor {
    let plan: SelectPlan
    let context: QueryContext
    let offsetSeconds: Int

    init(plan: SelectPlan, context: QueryContext, offsetSeconds: Int) {
        self.plan = plan
        self.context = context
        self.offsetSeconds = offsetSeconds
        // Found before any scanning thread starts (a lazy property set by two threads at once would race).
        wholeBlocksFromFooter = plan.optimizer.allows(.statisticsAggregates) && WholeBlockAggregates.apply(to: plan)
        dictionaryMerge = DictionaryMergeAggregation(plan: plan)
        buckets = plan.optimizer.allows(.bucketAggregation) && dictionaryMerge == nil ? BucketAggregation(plan: plan, offsetSeconds: offsetSeconds) : nil
    }

    /// Per-thread state.
    private final class Worker {
        let cursor = TableScanner.Cursor()
        var table: GroupTable?
        var accumulators: [Accumulator] = []
        var chunks: [(unit: Int, chunks: [DataChunk])] = []
        var topN: TopNHeap?
        var partials: [Int: DictionaryMergeAggregation.Partial] = [:]
        /// Rows this thread's projection holds (for the memory budget).
        var heldRows = 0
        var joinCursors: [JoinTable.Cursor] = []
        /// Where the rows go when the aggregation spills.
        var spill: PartitionedSpillWriter?
        /// Whether the thread's aggregate state passed the memory limit (the aggregation may spill).
        var aggregateOverflowed = false
        var failure: Error?
    }

    /// How far the last scan got before it stopped: the share of its units of work begun.
    private(set) var scannedShare = 1.0
    /// Where a spilled aggregation hands each partition's groups as they are made (nil: they are returned).
    var consume: ((DataChunk) throws -> Void)?
    /// The threads' spilled rows, after a scan that spilled.
    private var spilledRows: [PartitionedSpillWriter] = []

    /// Runs the pipeline: an aggregate's output (one chunk, group keys then aggregates), or the projected rows.
    func run() throws -> [DataChunk] {
        if let snapshot = plan.snapshot { return try scan(snapshot) }
        // SELECT without FROM: one row, no columns.
        if plan.isAggregate { return try aggregateWithoutTable() }
        let batch = try oneRow()
        guard batch.selectedCount > 0 else { return [] }
        return [try project(Evaluator(offsetSeconds: offsetSeconds), batch)]
    }

    private func aggregateWithoutTable() throws -> [DataChunk] {
        // Aggregates without FROM (e.g. SELECT count(*)) run over one row, through the same path as scans.
        let worker = Worker()
        worker.table = GroupTable(keyTypes: plan.groupKeys.map(\.type), shortcuts: plan.optimizer.allows(.bucketAggregation))
        worker.accumulators = makeAccumulators(plan.aggregates, threads: context.threads, distinctBudgets: context.distinctBudgets)
        let batch = try oneRow()
        if batch.selectedCount > 0 { try aggregate(Evaluator(offsetSeconds: offsetSeconds), batch, worker) }
        addEmptyGroup(worker.table!, worker.accumulators)
        return try finishAggregation(worker.table!, worker.accumulators)
    }

    /// The one row of a SELECT without FROM, selected if WHERE holds for it.
    private func oneRow() throws -> Batch {
        var batch = Batch(count: 1, selection: nil)
        for filter in [plan.filter, plan.postJoinFilter].compactMap({ $0 }) where batch.selectedCount > 0 {
            try Evaluator(offsetSeconds: offsetSeconds).filter(filter, &batch)
        }
        return batch
    }

    /// An aggregate without GROUP BY over no rows still has one result row (count 0, sum NULL): added
    /// when `table` has no group yet.
    private func addEmptyGroup(_ table: GroupTable, _ accumulators: [Accumulator]) {
        guard plan.groupKeys.isEmpty, table.groupCount == 0 else { return }
        var groups = [Int32](repeating: 0, count: 1)
        table.assign([], Batch(count: 1, selection: nil), into: &groups)
        for a in accumulators { a.reserve(groups: 1) }
    }

    /// Scans the table; an aggregation whose state outgrows the memory limit starts again and spills its rows
    /// to disk by partition.
    private func scan(_ snapshot: TableSnapshot) throws -> [DataChunk] {
        if context.spillsAlways, canSpill, let area = context.spillArea { return try spilled(snapshot, area: area, partitions: 16) }
        if context.spillsAlways, !canSpill, distinctByPartition != nil, let area = context.spillArea {
            return try countDistinctByPartition(snapshot, area: area)
        }
        // Groups by string columns whose dictionaries already say the state cannot fit: spill at once.
        let expected = expectedStateBytes(snapshot)
        if canSpill, let area = context.spillArea, let limit = context.memoryLimit, let expected, expected > limit {
            return try spilled(snapshot, area: area, partitions: partitionCount(forStateBytes: expected))
        }
        do {
            if let expected, partitionsInMemory(expected: expected) {
                return try spilled(snapshot, area: nil, partitions: partitionCount(forStateBytes: expected))
            }
            return try scan(snapshot, spilling: nil)
        } catch let error as QueryError where error.asksToSpill && !canSpill && distinctByPartition != nil {
            guard let area = context.spillArea else { throw error }
            AllocatorTuning.releaseFreeMemory()
            return try countDistinctByPartition(snapshot, area: area)
        } catch let error as QueryError where error.asksToSpill && canSpill {
            guard let area = context.spillArea else { throw error }
            if let dictionaryMerge { context.release(dictionaryMerge) }
            // The first attempt's state is freed: give its pages back to the system before spilling.
            AllocatorTuning.releaseFreeMemory()
            // The whole state, guessed from how far the scan got before its state passed the limit.
            let expected = Double(context.memoryLimit ?? 1 << 30) / max(scannedShare, 1.0 / 4096)
            return try spilled(snapshot, area: area, partitions: partitionCount(forStateBytes: Int(min(expected, 1e15))))
        }
    }

    /// Partitions for a state of about `bytes`: each small enough to aggregate in cache-friendly tables
    /// (32 MiB) and, on every thread at once, within a quarter of the limit; 16 to 1,024.
    func partitionCount(forStateBytes bytes: Int) -> Int {
        let perPartition = max(1 << 20, min(32 << 20, (context.memoryLimit ?? 1 << 30) / (4 * context.threads)))
        let wanted = max(1, bytes / perPartition)
        return min(1024, max(16, 1 << (Int.bitWidth - (wanted - 1).leadingZeroBitCount)))
    }

    /// The group key that is a string column with the most dictionary entries in the table's segments (at
    /// least `DictionaryMergeAggregation.smallestDictionaries` in one): partitioned by it alone, the rows
    /// spread as its values do. nil without one.
    private func largestStringKey(_ snapshot: TableSnapshot) -> Int? {
        let sizes = plan.groupKeys.enumerated().compactMap { k, key -> (key: Int, entries: Int, largest: Int)? in
            guard case .column(let c, _, .string) = key, c < plan.scannedColumnCount else { return nil }
            let entries = snapshot.segments.map { Self.dictionarySize($0.columns[c]).entries }
            return (k, entries.reduce(0, +), entries.max() ?? 0)
        }
        guard let best = sizes.max(by: { $0.entries < $1.entries }), best.largest >= DictionaryMergeAggregation.smallestDictionaries else { return nil }
        return best.key
    }

    /// For GROUP BY string columns (and other keys) of the whole table: about what the groups would take,
    /// from the segments' dictionaries of the key column with the most entries (every entry a group: its
    /// bytes, as long as the column's strings are on average, about 96 bytes of tables, code maps and output,
    /// 24 per aggregate and 16 per other key — what the dictionary merge was seen to hold at 10 M visits:
    /// 1.5 GiB for 9 M entries). Across segments an entry may repeat, but with other keys a value makes
    /// several groups: an estimate, not a bound. nil without such a key.
    private func expectedStateBytes(_ snapshot: TableSnapshot) -> Int? {
        // A filter may keep a few of the rows: then only trying tells.
        guard plan.filter == nil, plan.postJoinFilter == nil, plan.joins.isEmpty else { return nil }
        let perGroup = 96 + 24 * plan.aggregates.count + 16 * (plan.groupKeys.count - 1)
        let estimates = plan.groupKeys.compactMap { key -> Int? in
            guard case .column(let c, _, .string) = key, c < plan.scannedColumnCount else { return nil }
            return snapshot.segments.reduce(0) { total, segment in
                let dictionary = Self.dictionarySize(segment.columns[c])
                return total + dictionary.entries * (perGroup + dictionary.averageBytes)
            }
        }
        return estimates.max()
    }

    /// The aggregation by partitions: the scan writes each row's keys and aggregate inputs to partitions by
    /// key — to disk (`area`), or kept in memory —, then each partition is aggregated alone
    /// (`SpilledAggregation`).
    func spilled(_ snapshot: TableSnapshot, area: SpillArea?, partitions: Int) throws -> [DataChunk] {
        let entryKey = area == nil ? largestStringKey(snapshot) : nil
        let spill = SpillPlan(area: area, layout: AggregateSpillLayout(keys: plan.groupKeys, aggregates: plan.aggregates), partitions: partitions,
                              entryKey: entryKey,
                              entryPartitions: entryKey.map { _ in EntryPartitionCache(partitionCount: partitions, salt: PartitionedSpillWriter.salt(level: 0)) })
        _ = try scan(snapshot, spilling: spill)
        let aggregation = SpilledAggregation(groupKeys: plan.groupKeys, aggregates: plan.aggregates, layout: spill.layout,
                                             context: context, area: area, partitionsPerSplit: 16)
        // Rows kept in memory stay in the budget until the partitions are aggregated.
        let rows = PartitionedRows()
        defer { context.release(rows) }
        try context.hold(spilledRows.reduce(0) { $0 + $1.memoryBytes }, for: rows)
        defer { spilledRows = [] }
        var chunks: [DataChunk] = []
        try aggregation.run(spilledRows, into: consume ?? { chunks.append($0) })
        if let area {
            context.statistics.addSpill(bytes: area.bytesWritten, partitions: partitions)
        } else {
            context.statistics.addPartitionsInMemory(partitions)
        }
        return chunks
    }

    /// The account of the rows a partitioned aggregation keeps in memory.
    private final class PartitionedRows {}

    /// Whether an aggregation of this many expected bytes of groups is partitioned in memory
    /// (`partitioned_aggregation`): a table of every group stops fitting in cache long before the limit
    /// (count(DISTINCT spot) by 6.5 M visitor ids: 2.8 GB in one table, 0.6× the time in partitions). Not
    /// when the dictionary merge serves the query (it hashes nothing), nor when the state passes the limit
    /// (then the partitions go to disk).
    private func partitionsInMemory(expected: Int) -> Bool {
        plan.optimizer.allows(.partitionedAggregation) && dictionaryMerge == nil && canSpill
            && expected >= context.smallestPartitionedState && expected <= (context.memoryLimit ?? Int.max)
    }

    /// What a scan that spills needs: where its files go, what it writes of a row, into how many partitions.
    private struct SpillPlan {
        /// nil: the partitions stay in memory.
        let area: SpillArea?
        let layout: AggregateSpillLayout
        let partitions: Int
        /// In memory: the string key whose entries choose the partition (`EntryPartitions`), nil: the hash of
        /// every key.
        let entryKey: Int?
        let entryPartitions: EntryPartitionCache?
    }

    /// Whether the aggregate can spill when its state outgrows the memory limit: it has group keys (the
    /// partitions are by key), reads a table, and is not aggregated below a join.
    private var canSpill: Bool {
        plan.isAggregate && !plan.groupKeys.isEmpty && plan.snapshot != nil
            && !(plan.optimizer.allows(.aggregationBelowJoin) && AggregationBelowJoin(plan: plan) != nil)
    }

    private func scan(_ snapshot: TableSnapshot, spilling: SpillPlan?) throws -> [DataChunk] {
        if spilling == nil, plan.optimizer.allows(.aggregationBelowJoin), let below = AggregationBelowJoin(plan: plan) {
            let table = GroupTable(keyTypes: plan.groupKeys.map(\.type), shortcuts: plan.optimizer.allows(.bucketAggregation))
            let accumulators = makeAccumulators(plan.aggregates, threads: context.threads, distinctBudgets: context.distinctBudgets)
            try below.aggregate(context: context, offsetSeconds: offsetSeconds, table: table, accumulators: accumulators)
            addEmptyGroup(table, accumulators)
            return try finishAggregation(table, accumulators)
        }
        let scanner = TableScanner(snapshot: snapshot, columns: plan.scanColumns, filter: plan.filter)
        if spilling == nil { dictionaryMerge?.configure(scanner) }
        let joins = try plan.joins.map { try JoinTable(plan: $0, context: context, offsetSeconds: offsetSeconds) }
        let segments = snapshot.segments
        var units = try workUnits(scanner, segments)
        if case .topN(let keys, _, _) = plan.sink, !plan.isAggregate { units = bestFirst(units, keys[0], segments) }
        // The string dictionaries the scan decodes are memory it makes too (6.5 M visitor ids: about 180 MB).
        let dictionaries = DecodedDictionaries()
        defer { context.release(dictionaries) }
        try context.hold(decodedDictionaryBytes(segments, units: units), for: dictionaries)
        let threadCount = min(context.threads, max(1, units.count))
        let workers = (0..<threadCount).map { _ in Worker() }

        // The threads' states are given back to the budget once their output is made.
        defer { for worker in workers { context.release(worker) } }
        let next = NSLock()
        var nextUnit = 0
        // A projection cut short stops once its first rows are in hand.
        let earlyStop: Int?
        let topN: (keys: [SortKey], capacity: Int)?
        switch plan.sink {
        case .firstRows(let n) where !plan.isAggregate:
            earlyStop = n
            topN = nil
        case .topN(let keys, let limit, let offset) where !plan.isAggregate:
            let (capacity, overflow) = limit.addingReportingOverflow(offset)
            earlyStop = nil
            topN = (keys, overflow ? Int.max : capacity)
        default:
            earlyStop = nil
            topN = nil
        }
        // A top-N's heaps share the bound of the best rows any of them has been offered.
        let topNBound = topN.map { TopNBound(key: $0.keys[0], capacity: $0.capacity) }
        let produced = NSLock()
        var producedRows = 0
        // A projection read by a consumer (`consume`) hands each unit's chunks on in table order as soon as
        // the units before it are handed on, so that what waits is a few units, not the table.
        let streams = consume != nil && !plan.isAggregate && topN == nil && earlyStop == nil
        // Streamed, a unit is one block, and a thread takes a unit only while it is fewer than `window` units
        // ahead of the next to hand on: what waits for the units before it is a few blocks, whatever the
        // threads' speeds (one descheduled thread let the others buffer hundreds of megabytes).
        if streams {
            units = units.flatMap { unit in unit.blocks.indices.map { (segment: unit.segment, blocks: unit.blocks[$0...$0]) } }
        }
        let window = 2 * threadCount
        var finishedUnits = [[DataChunk]?](repeating: nil, count: units.count)
        var handedOn = 0
        var waitingRows = 0
        // Guards the hand-on state; signalled when units are handed on or a thread fails.
        let handOn = NSCondition()
        var abandoned = false
        let handOnAccount = Worker()
        defer { context.release(handOnAccount) }

        let dictionaryMerge = spilling == nil ? self.dictionaryMerge : nil
        let work = { (index: Int) in
            let worker = workers[index]
            worker.joinCursors = joins.map { _ in JoinTable.Cursor() }
            if let spilling {
                do {
                    worker.spill = PartitionedSpillWriter(file: try spilling.area?.makeFile(), partitionCount: spilling.partitions, level: 0,
                                                          keyCount: spilling.layout.keyCount,
                                                          bufferBytes: SpilledAggregation.bufferBytes(self.context),
                                                          entryKey: spilling.entryKey, entryPartitions: spilling.entryPartitions)
                } catch {
                    worker.failure = error
                    return
                }
            }
            if let topN { worker.topN = TopNHeap(keys: topN.keys, capacity: topN.capacity, sharedBound: topNBound) }
            if self.plan.isAggregate {
                worker.table = GroupTable(keyTypes: self.plan.groupKeys.map(\.type), shortcuts: self.plan.optimizer.allows(.bucketAggregation))
                worker.accumulators = makeAccumulators(self.plan.aggregates, threads: self.context.threads,
                                                       distinctBudgets: self.context.distinctBudgets)
            }
            do {
                while true {
                    next.lock()
                    let u = nextUnit
                    nextUnit += 1
                    next.unlock()
                    guard u < units.count else { break }
                    if streams {
                        handOn.lock()
                        while u >= handedOn + window && !abandoned {
                            handOn.unlock()
                            try self.context.check()
                            handOn.lock()
                            if u >= handedOn + window && !abandoned { _ = handOn.wait(until: Date(timeIntervalSinceNow: 0.05)) }
                        }
                        let stop = abandoned
                        handOn.unlock()
                        if stop { break }
                    }
                    if let earlyStop {
                        produced.lock(); let enough = producedRows >= earlyStop; produced.unlock()
                        if enough { break }
                    }
                    let segment = segments[units[u].segment]
                    var unitChunks: [DataChunk] = []
                    var unitRows = 0
                    for block in units[u].blocks {
                        try self.context.check()
                        if let heap = worker.topN, heap.rulesOut(segment, block, scannedColumns: self.plan.scannedColumnCount) {
                            self.context.statistics.addBlockSkippedByTopN()
                            continue
                        }
                        self.context.statistics.addBlockScanned()
                        if self.plan.isAggregate, spilling == nil, dictionaryMerge == nil,
                           try self.aggregateWithoutVectors(scanner, segment, block, worker) { continue }
                        if let heap = worker.topN, self.plan.joins.isEmpty, self.plan.postJoinFilter == nil {
                            guard let (vectors, candidates) = try self.readForTopN(scanner, segment, block, worker.cursor, heap) else { continue }
                            try heap.add(Evaluator(offsetSeconds: self.offsetSeconds, columns: vectors), candidates, outputs: self.plan.outputs,
                                         sequence: Int64(units[u].segment) << 32 | Int64(block) << 16)
                            continue
                        }
                        var (vectors, batch) = try self.read(scanner, segment, block, worker.cursor)
                        guard batch.selectedCount > 0 else { continue }
                        var evaluator = Evaluator(offsetSeconds: self.offsetSeconds, columns: vectors)
                        for (join, cursor) in zip(joins, worker.joinCursors) where batch.selectedCount > 0 {
                            try join.probe(&batch, &vectors, evaluator, cursor)
                            evaluator = Evaluator(offsetSeconds: self.offsetSeconds, columns: vectors)
                        }
                        if let filter = self.plan.postJoinFilter, batch.selectedCount > 0 { try evaluator.filter(filter, &batch) }
                        guard batch.selectedCount > 0 else { continue }
                        if let spill = worker.spill, let spilling {
                            try spill.add(try spilling.layout.evaluate(evaluator, batch), batch)
                            // Rows partitioned in memory are the aggregation's state: past the limit, it spills.
                            if spilling.area == nil {
                                try self.holdAggregateState(spill.bufferedBytes, for: worker)
                            } else {
                                try self.context.hold(spill.bufferedBytes, for: worker)
                            }
                        } else if let merge = dictionaryMerge {
                            try merge.add(evaluator, batch, key: vectors[merge.keyColumn]!, segment: units[u].segment, reader: segment,
                                          partials: &worker.partials, threads: self.context.threads)
                            try self.holdAggregateState(worker.partials.values.reduce(0) { $0 + $1.approximateBytes }, for: worker)
                        } else if self.plan.isAggregate {
                            try self.aggregate(evaluator, batch, worker)
                        } else if let heap = worker.topN {
                            try heap.add(evaluator, batch, outputs: self.plan.outputs, sequence: Int64(units[u].segment) << 32 | Int64(block) << 16)
                        } else {
                            let out = try self.project(evaluator, batch)
                            unitChunks.append(out)
                            unitRows += out.count
                            produced.lock(); producedRows += out.count; produced.unlock()
                            worker.heldRows += out.count
                            try self.context.hold(worker.heldRows * 9 * max(1, self.plan.outputs.count), for: worker)
                            if let earlyStop, unitRows >= earlyStop { break }
                        }
                    }
                    if streams {
                        worker.heldRows = 0
                        try self.context.hold(0, for: worker)
                        handOn.lock()
                        defer { handOn.unlock() }
                        finishedUnits[u] = unitChunks
                        waitingRows += unitRows
                        while handedOn < units.count, let ready = finishedUnits[handedOn] {
                            finishedUnits[handedOn] = []
                            handedOn += 1
                            for chunk in ready {
                                waitingRows -= chunk.count
                                try self.consume!(chunk)
                            }
                        }
                        try self.context.hold(waitingRows * 9 * max(1, self.plan.outputs.count), for: handOnAccount)
                        handOn.broadcast()
                    } else if !unitChunks.isEmpty {
                        worker.chunks.append((u, unitChunks))
                    }
                }
            } catch {
                worker.failure = error
                // The unit this thread held is never handed on: the threads waiting for it stop.
                handOn.lock()
                abandoned = true
                handOn.broadcast()
                handOn.unlock()
            }
        }
        ConcurrentLoop.forEach(threadCount, work)
        scannedShare = units.isEmpty ? 1 : min(1, Double(nextUnit) / Double(units.count))
        if let failure = workers.compactMap(\.failure).first {
            // Only an aggregate state over the limit makes the aggregation spill; any other state (a join's
            // table, rows held for output) stays over it.
            // (A whole-table count(DISTINCT) may spill by partitions of its argument, whatever state passed.)
            if let error = failure as? QueryError, error.kind == .memoryLimitExceeded, !workers.contains(where: \.aggregateOverflowed),
               distinctByPartition == nil || spilling != nil {
                var error = error
                error.beyondSpilling = true
                throw error
            }
            throw failure
        }
        if spilling != nil {
            for worker in workers { try worker.spill!.finish() }
            spilledRows = workers.map { $0.spill! }
            return []
        }

        if let dictionaryMerge {
            // The merged groups are held as the operator's output from here on.
            defer { context.release(dictionaryMerge) }
            return try dictionaryMerge.finish(workers.map(\.partials), context: context)
        }
        if plan.isAggregate {
            let main = workers[0]
            for other in workers.dropFirst() {
                try context.check()
                let table = other.table!
                let mapping = (0..<table.groupCount).map { main.table!.adopt(group: $0, from: table) }
                for (a, b) in zip(main.accumulators, other.accumulators) {
                    a.reserve(groups: main.table!.groupCount)
                    try a.merge(b, mapping: mapping)
                }
                context.release(other)
                other.table = nil
                other.accumulators = []
                try holdAggregateState(Self.heldWhileGrowing(main), for: main)
            }
            addEmptyGroup(main.table!, main.accumulators)
            return try finishAggregation(main.table!, main.accumulators)
        }
        if case .topN(_, let limit, let offset) = plan.sink, let first = workers[0].topN {
            for other in workers.dropFirst() { if let heap = other.topN { first.merge(heap) } }
            return first.result(limit: limit, offset: offset, types: plan.outputs.map(\.type))
        }
        let chunks = workers.flatMap(\.chunks).sorted { $0.unit < $1.unit }.flatMap(\.chunks)
        if let earlyStop { return LimitOperator.slice(chunks, limit: earlyStop, offset: 0) }
        return chunks
    }

    /// The blocks to read as units of work for the threads, in table order: the blocks of each segment that
    /// the zone maps keep (found on every thread: string tests decode dictionaries), a unit per segment;
    /// when fewer segments than threads hold any, their blocks are cut into contiguous ranges so that no
    /// thread idles (a week of tickets lies in one segment).
    /// A top-N's units as one block each, the blocks whose zone maps allow the best first key first (table
    /// order among equals), so that the heaps fill with good rows early and rule out most later blocks;
    /// `units` as they are when the first key is not a numeric column of the table.
    private func bestFirst(_ units: [(segment: Int, blocks: ArraySlice<Int>)], _ key: SortKey,
                           _ segments: [SegmentReader]) -> [(segment: Int, blocks: ArraySlice<Int>)] {
        var ranked: [(segment: Int, block: Int, best: Value)] = []
        for unit in units {
            for block in unit.blocks {
                guard let best = TopNHeap.best(key, segments[unit.segment], block, scannedColumns: plan.scannedColumnCount) else { return units }
                ranked.append((unit.segment, block, best))
            }
        }
        ranked.sort { a, b in
            let c = TopNHeap.compare(a.best, b.best, key)
            return c != 0 ? c < 0 : (a.segment, a.block) < (b.segment, b.block)
        }
        return ranked.map { (segment: $0.segment, blocks: [$0.block][...]) }
    }

    private func workUnits(_ scanner: TableScanner, _ segments: [SegmentReader]) throws -> [(segment: Int, blocks: ArraySlice<Int>)] {
        var kept = [[Int]](repeating: [], count: segments.count)
        try kept.withUnsafeMutableBufferPointer { out in
            let out = out
            try Parallel.forEach(segments.indices, threads: context.threads) { s in out[s] = try scanner.blocks(of: segments[s]) }
        }
        var units = kept.indices.filter { !kept[$0].isEmpty }.map { (segment: $0, blocks: kept[$0][...]) }
        context.statistics.addBlocksPlanned(units.reduce(0) { $0 + $1.blocks.count })
        let threads = context.threads
        if !units.isEmpty && units.count < threads {
            let parts = (threads + units.count - 1) / units.count
            units = units.flatMap { unit -> [(segment: Int, blocks: ArraySlice<Int>)] in
                let n = unit.blocks.count, pieces = min(parts, n)
                return (0..<pieces).map { p in
                    (unit.segment, unit.blocks[(unit.blocks.startIndex + p * n / pieces)..<(unit.blocks.startIndex + (p + 1) * n / pieces)])
                }
            }
        }
        return units
    }

    /// Reads a block and applies the filter. Conjuncts that the block's zone map shows to hold for every row
    /// are skipped. A comparison of a column that nothing reads after the filter with a constant is answered
    /// by storage from the packed values (the column is never decoded into a vector); the remaining
    /// conjuncts' columns are read next. When the filter keeps half of the rows or fewer, the other columns
    /// are read for the kept rows (where the block's encoding reads a row alone), and when it keeps an eighth
    /// or fewer every vector is made dense as well (the batch then has no selection; measured: at 15 % and
    /// 45 % kept, gathering cost more than it saved).
    private func read(_ scanner: TableScanner, _ segment: SegmentReader, _ block: Int, _ cursor: TableScanner.Cursor) throws -> ([Int: Vector], Batch) {
        let rows = segment.columns.first!.blocks[block].rowCount
        var batch = Batch(count: rows, selection: nil)
        var residual = plan.filter == nil ? [] : scanner.residualConjuncts(segment, block)
        if residual.isEmpty {
            return (try scanner.load(segment: segment, block: block, cursor: cursor), batch)
        }
        if let k = residual.indices.first(where: { k in
            scanner.selectsInStorage(residual[k]) && residual[k].columns.isDisjoint(with: plan.columnsAfterFilter)
                && residual.indices.allSatisfy { $0 == k || residual[$0].columns.isDisjoint(with: residual[k].columns) }
        }) {
            batch.selection = try scanner.selectRows(residual[k], segment, block, cursor: cursor)
            residual.remove(at: k)
            guard batch.selectedCount > 0 else { return ([:], batch) }
        }
        var vectors = try applyResidual(residual, scanner, segment, block, cursor, &batch)
        guard batch.selectedCount > 0 else { return (vectors, batch) }
        let rest = plan.columnsAfterFilter.filter { vectors[$0] == nil }
        let kept = batch.selection.flatMap { $0.count * 2 <= rows ? $0 : nil }
        for (column, vector) in try scanner.load(segment: segment, block: block, cursor: cursor, columns: rest, rows: kept, sparseStrings: true) {
            vectors[column] = vector
        }
        guard let kept, kept.count * 8 <= rows else { return (vectors, batch) }
        let compact = Batch(count: kept.count, selection: nil)
        var dense: [Int: Vector] = [:]
        for column in plan.columnsAfterFilter { dense[column] = vectors[column]!.gathered(kept, compact) }
        return (dense, compact)
    }

    /// Reads the columns of a block's remaining filter conjuncts and filters the batch by them; the vectors read.
    private func applyResidual(_ residual: [TableScanner.Conjunct], _ scanner: TableScanner, _ segment: SegmentReader, _ block: Int,
                               _ cursor: TableScanner.Cursor, _ batch: inout Batch) throws -> [Int: Vector] {
        guard let filter = BoundExpression.conjunction(residual.map(\.term)) else { return [:] }
        let filterColumns = residual.reduce(into: Set<Int>()) { $0.formUnion($1.columns) }
        let vectors = try scanner.load(segment: segment, block: block, cursor: cursor, columns: filterColumns.sorted())
        try Evaluator(offsetSeconds: offsetSeconds, columns: vectors).filter(filter, &batch)
        return vectors
    }

    /// Reads a block for a top-N heap: the filter's columns and the first sort key's first, then the other
    /// columns for the rows that may enter the heap alone (a block of random spends whose largest are all
    /// kept already decodes its visitor ids for a handful of rows). Row positions stay the block's (ties are
    /// broken by them). nil when no row of the block can enter.
    private func readForTopN(_ scanner: TableScanner, _ segment: SegmentReader, _ block: Int, _ cursor: TableScanner.Cursor,
                             _ heap: TopNHeap) throws -> ([Int: Vector], Batch)? {
        let rows = segment.columns.first!.blocks[block].rowCount
        var batch = Batch(count: rows, selection: nil)
        let residual = plan.filter == nil ? [] : scanner.residualConjuncts(segment, block)
        var vectors = try applyResidual(residual, scanner, segment, block, cursor, &batch)
        guard batch.selectedCount > 0 else { return nil }
        let first = heap.keys[0].expression.columns.filter { $0 < plan.scannedColumnCount && vectors[$0] == nil }.sorted()
        for (column, vector) in try scanner.load(segment: segment, block: block, cursor: cursor, columns: first) { vectors[column] = vector }
        let candidates = try heap.candidates(Evaluator(offsetSeconds: offsetSeconds, columns: vectors), batch)
        guard candidates.selectedCount > 0 else { return nil }
        let rest = plan.columnsAfterFilter.filter { vectors[$0] == nil }
        let kept = candidates.selection.flatMap { $0.count * 2 <= rows ? $0 : nil }
        for (column, vector) in try scanner.load(segment: segment, block: block, cursor: cursor, columns: rest, rows: kept, sparseStrings: true) {
            vectors[column] = vector
        }
        return (vectors, candidates)
    }

    /// Aggregates a block without reading it into vectors, when it can: counts, sums and averages of a
    /// block the filter selects whole, without groups or by time buckets the block lies in, from its footer
    /// entries (row and NULL counts, zone maps, block sums), or by one string column from its segment's
    /// totals per code; or counts by one string column, counted by storage from the packed codes; or by runs
    /// of time placed in the stored times, the other columns read as usual (`BucketAggregation`).
    private func aggregateWithoutVectors(_ scanner: TableScanner, _ segment: SegmentReader, _ block: Int, _ worker: Worker) throws -> Bool {
        guard plan.joins.isEmpty else { return false }
        let whole = plan.filter == nil || scanner.selectsWholeBlock(segment, block)
        if plan.groupKeys.isEmpty, whole, wholeBlocksFromFooter,
           WholeBlockAggregates.canAdd(plan, segment, block, accumulators: worker.accumulators) {
            let table = worker.table!
            addEmptyGroup(table, worker.accumulators)
            for acc in worker.accumulators { acc.reserve(groups: table.groupCount) }
            try WholeBlockAggregates.add(plan, segment, block, group: 0, accumulators: worker.accumulators)
            return true
        }
        if plan.groupKeys.isEmpty, !whole, wholeBlocksFromFooter, try aggregateFromSummary(scanner, segment, block, worker) { return true }
        guard let buckets else { return false }
        if plan.optimizer.allows(.statisticsAggregates), try buckets.aggregateFromZoneMap(segment, block, wholeBlock: whole, table: worker.table!, accumulators: worker.accumulators) {
            return true
        }
        if plan.optimizer.allows(.statisticsAggregates), try buckets.aggregateFromSummary(segment, block, wholeBlock: whole, scanner: scanner, cursor: worker.cursor,
                                            table: worker.table!, accumulators: worker.accumulators) {
            return true
        }
        // Counts in storage read only packed codes: before runs of time, which read the other columns.
        if try buckets.countInStorage(segment, block, wholeBlock: whole, scanner: scanner, cursor: worker.cursor,
                                      table: worker.table!, accumulators: worker.accumulators) {
            return true
        }
        return try buckets.aggregateByRunsInStorage(segment, block, scanner: scanner, cursor: worker.cursor, table: worker.table!,
                                                    accumulators: worker.accumulators)
    }

    /// Aggregates without groups of a block whose filter, apart from conjuncts its zone maps show to hold
    /// for every row, is one comparison of a string column with a constant (arrivals at one spot in a
    /// week's whole blocks): the passing codes' entries in the segment's totals per code. False when the
    /// block, its column or its aggregates do not allow it.
    private func aggregateFromSummary(_ scanner: TableScanner, _ segment: SegmentReader, _ block: Int, _ worker: Worker) throws -> Bool {
        let residual = scanner.residualConjuncts(segment, block)
        guard residual.count == 1, scanner.selectsInStorage(residual[0]), let key = residual[0].columns.first,
              segment.columns[key].definition.type == .string, let summary = try segment.codeSummary(column: key) else { return false }
        let (_, codes) = try scanner.storedRange(residual[0], segment, cursor: worker.cursor)
        let table = worker.table!
        addEmptyGroup(table, worker.accumulators)
        for acc in worker.accumulators { acc.reserve(groups: table.groupCount) }
        return try WholeBlockAggregates.add(plan, summary, block, key: key, codes: codes, group: 0, accumulators: worker.accumulators)
    }

    /// Whether the aggregates can be read from a whole block's footer entries (`WholeBlockAggregates`).
    private let wholeBlocksFromFooter: Bool

    /// The bucket fast paths, when the query's shape allows them.
    private let buckets: BucketAggregation?

    /// GROUP BY one string column of large dictionaries, by code per segment, then merged (`dictionary_merge`).
    private let dictionaryMerge: DictionaryMergeAggregation?

    private func aggregate(_ evaluator: Evaluator, _ batch: Batch, _ worker: Worker) throws {
        if let buckets, try buckets.aggregate(evaluator, batch, table: worker.table!, accumulators: worker.accumulators) { return }
        let keys = try plan.groupKeys.map { try evaluator.evaluate($0, batch) }
        var groups = [Int32](repeating: 0, count: batch.count)
        worker.table!.assign(keys, batch, into: &groups)
        let groupCount = worker.table!.groupCount
        for (spec, acc) in zip(plan.aggregates, worker.accumulators) {
            acc.reserve(groups: groupCount)
            var selected = batch
            if let filter = spec.filter { try evaluator.filter(filter, &selected) }
            try acc.update(spec, evaluator, groups: groups, selected)
        }
        try holdAggregateState(Self.heldWhileGrowing(worker), for: worker)
    }

    /// Holds a thread's aggregate state; over the limit, marks the thread so that the aggregation spills.
    private func holdAggregateState(_ bytes: Int, for worker: Worker) throws {
        do {
            try context.hold(bytes, for: worker)
        } catch let error as QueryError where error.kind == .memoryLimitExceeded {
            worker.aggregateOverflowed = true
            throw error
        }
    }

    /// A string column's dictionary in a segment: its entries, and their average length as the column's
    /// strings are on average (the footer keeps no dictionary byte count).
    private static func dictionarySize(_ column: SegmentColumnInfo) -> (entries: Int, averageBytes: Int) {
        let rows = max(1, column.blocks.reduce(0) { $0 + $1.rowCount })
        return (column.dictionaryCount, column.plainBytes / rows)
    }

    /// The account of the dictionaries a scan decodes.
    private final class DecodedDictionaries {}

    /// About what the dictionaries of the scanned string columns take decoded, in the segments with blocks to
    /// read: an 8-byte start and the column's average string length an entry. A top-N reads the columns
    /// that are neither filtered nor its first key for its candidate rows alone (`readForTopN`): of their
    /// large dictionaries it keeps the numbers, 8 bytes an entry.
    private func decodedDictionaryBytes(_ segments: [SegmentReader], units: [(segment: Int, blocks: ArraySlice<Int>)]) -> Int {
        var readForCandidates = Set<Int>()
        if case .topN(let keys, _, _) = plan.sink, !plan.isAggregate, plan.joins.isEmpty, plan.postJoinFilter == nil {
            readForCandidates = Set(plan.columnsAfterFilter).subtracting(keys[0].expression.columns).subtracting(plan.filter?.columns ?? [])
        }
        let read = Set(units.map(\.segment))
        return read.reduce(0) { total, s in
            plan.scanColumns.reduce(total) { total, c in
                let column = segments[s].columns[c]
                guard column.definition.type == .string else { return total }
                let dictionary = Self.dictionarySize(column)
                if readForCandidates.contains(c) && dictionary.entries > TableScanner.sparseDictionaryEntries {
                    return total + dictionary.entries * 8
                }
                return total + dictionary.entries * (8 + dictionary.averageBytes)
            }
        }
    }

    /// What a thread's groups hold in the budget: twice their bytes. A table and its states grow by doubling
    /// arrays (old and new live at once while copied) and are copied again into the output, so a state of
    /// half the limit is as large as the process can let one grow in memory (measured: at 1024 MiB, two
    /// threads' tables counted at 905 MiB had the process at 1.8 GB); past it the aggregation spills.
    private static func heldWhileGrowing(_ worker: Worker) -> Int {
        2 * (worker.table!.approximateBytes + worker.accumulators.reduce(0) { $0 + $1.approximateBytes })
    }

    /// Evaluates the outputs for the selected rows: a chunk of those rows alone.
    private func project(_ evaluator: Evaluator, _ batch: Batch) throws -> DataChunk {
        let vectors = try plan.outputs.map { try evaluator.evaluate($0, batch) }
        let chunk = DataChunk(columns: vectors, count: batch.count)
        guard let selection = batch.selection else { return chunk }
        return chunk.gathered(selection)
    }

    /// The aggregate's output: one chunk of the group keys' vectors, then the aggregates' results.
    private func finishAggregation(_ table: GroupTable, _ accumulators: [Accumulator]) throws -> [DataChunk] {
        let n = table.groupCount
        // The output is made while the groups are still held: room for both, or the aggregation spills.
        let strings = plan.groupKeys.contains { $0.type == .string } ? table.strings.approximateBytes : 0
        try context.checkMemory(n * 8 * (plan.groupKeys.count + accumulators.count) + strings)
        let keyVectors: [Vector] = plan.groupKeys.indices.map { table.keyVector($0) }
        try context.check()
        let aggregateVectors = try accumulators.map { accumulator -> Vector in
            let vector = accumulator.result(groups: n)
            try context.check()
            return vector
        }
        return [DataChunk(columns: keyVectors + aggregateVectors, count: n, groupKeyCount: keyVectors.count)]
    }

    /// Orders values of one type; NULLs first or last.
    static func compare(_ a: Value, _ b: Value, nullsFirst: Bool) -> Int {
        switch (a, b) {
        case (.null, .null): return 0
        case (.null, _): return nullsFirst ? -1 : 1
        case (_, .null): return nullsFirst ? 1 : -1
        case (.string(let x), .string(let y)): return Evaluator.byteOrder(x, y)
        case (.double(let x), .double(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (!x ? -1 : 1)
        case (.int(let x), .int(let y)), (.money(let x), .money(let y)), (.decimal(let x, _), .decimal(let y, _)), (.timestamp(let x), .timestamp(let y)),
             (.date(let x), .date(let y)):
            return x < y ? -1 : (x > y ? 1 : 0)
        case (.interval(let p), .interval(let q)):
            return p.key < q.key ? -1 : (p.key > q.key ? 1 : 0)
        default:
            let x = a.doubleValue ?? 0, y = b.doubleValue ?? 0
            return x < y ? -1 : (x > y ? 1 : 0)
        }
    }
}
