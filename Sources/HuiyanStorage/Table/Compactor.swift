/// What a compaction did.
package struct CompactionReport: Sendable {
    package var table: String
    package var segmentsBefore: Int
    package var segmentsAfter: Int
    package var rows: Int
    package var bytesBefore: Int
    package var bytesAfter: Int
}

extension DatabaseWriter {
    /// Merges runs of adjacent small segments (under `targetRows` rows) into segments of up to `targetRows`,
    /// keeping row order, rewriting segments of an older format version whatever their size, then swaps the
    /// manifest once and deletes the merged files. A crash at any moment
    /// leaves either the old or the new set of segments live, never both.
    package func compact(table: String, targetRows: Int = 1 << 20) throws -> CompactionReport {
        let name = try database.resolveTableName(table)
        let directory = database.tablePath(name)
        let manifest = try database.manifest(of: name)
        let append = TableAppend(directory: directory, manifest: manifest)
        var segments: [Manifest.SegmentEntry] = []
        var replaced: [String] = []
        var run: [Manifest.SegmentEntry] = []

        /// Segments written by an older format (without block sums and totals per code), each opened once:
        /// they are rewritten even when large enough.
        let older = Set(manifest.segments.filter { entry in
            ((try? SegmentReader(path: FileIO.join(directory, entry.file)))?.version ?? SegmentFormat.version) < SegmentFormat.version
        }.map(\.file))
        func outdated(_ entry: Manifest.SegmentEntry) -> Bool { older.contains(entry.file) }

        func flushRun() throws {
            defer { run = [] }
            guard run.count > 1 || run.contains(where: outdated) else { segments += run; return }
            var builder = SegmentBuilder(schema: manifest.schema, capacity: min(targetRows, run.reduce(0) { $0 + $1.rows }))
            let before = append.pendingSegments
            for entry in run {
                let reader = try SegmentReader(path: FileIO.join(directory, entry.file))
                try builder.append(contentsOf: reader)
                if builder.rowCount >= targetRows {
                    try append.write(builder)
                    builder = SegmentBuilder(schema: manifest.schema, capacity: targetRows)
                }
                replaced.append(entry.file)
            }
            try append.write(builder)
            segments += append.pendingEntries.suffix(append.pendingSegments - before)
        }

        for entry in manifest.segments {
            if entry.rows >= targetRows && !outdated(entry) {
                try flushRun()
                segments.append(entry)
            } else {
                run.append(entry)
                if run.reduce(0, { $0 + $1.rows }) >= targetRows { try flushRun() }
            }
        }
        try flushRun()
        let report = CompactionReport(table: name, segmentsBefore: manifest.segments.count, segmentsAfter: segments.count,
                                      rows: manifest.rowCount, bytesBefore: manifest.byteCount,
                                      bytesAfter: segments.reduce(0) { $0 + $1.bytes })
        guard !replaced.isEmpty else { return report }
        CrashPoints.hit("compaction-before-manifest")
        try append.commitReplacing(segments: segments)
        CrashPoints.hit("compaction-after-manifest")
        for file in replaced { try? FileIO.remove(FileIO.join(directory, file)) }
        return report
    }
}

extension SegmentBuilder {
    /// Appends every row of a segment with the same schema (compaction).
    package func append(contentsOf reader: SegmentReader) throws {
        let scratch = BlockScratch()
        let decoded = DecodedBlock()
        for builder in columns {
            guard let source = reader.columnIndex(builder.definition.name),
                  reader.columns[source].definition.type == builder.definition.type else {
                throw StorageError.invalidSchema("segment \(reader.path) does not match the table's schema at column \"\(builder.definition.name)\"")
            }
            let dictionary = builder.definition.type.lane == .string ? try reader.dictionary(column: source) : nil
            for block in reader.columns[source].blocks.indices {
                let rows = reader.columns[source].blocks[block].rowCount
                let nulls = try reader.decodeBlock(column: source, block: block, into: decoded, scratch: scratch)
                for row in 0..<rows {
                    if nulls > 0 && !decoded.isValid(unchecked: row) {
                        builder.appendNull()
                        continue
                    }
                    switch builder.definition.type.lane {
                    case .int64: builder.appendInt64(decoded.ints[unchecked: row])
                    case .float64: builder.appendDouble(decoded.doubles[unchecked: row])
                    case .string: dictionary!.withBytes(at: Int(decoded.ints[unchecked: row])) { builder.appendString($0) }
                    }
                }
            }
        }
    }
}
