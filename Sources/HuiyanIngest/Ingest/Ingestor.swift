import Foundation
import HuiyanStorage

/// Ingests CSV and NDJSON files into a table: every row is parsed and validated, bad rows go to a rejects
/// file with their reasons, good rows are written into segments as they come (bounded memory) and the whole
/// command is published in one manifest swap at the end — all of its accepted rows, or none.
public final class Ingestor {
    public let database: Database

    public init(database: Database) { self.database = database }

    /// Runs one ingest command. `progress` is called now and then from the ingesting thread.
    public func ingest(table: String, files: [String], options: IngestOptions = IngestOptions(),
                       progress: ((IngestProgress) -> Void)? = nil) throws -> IngestSummary {
        let started = Date()
        let writer = try database.writer(command: options.command)
        defer { writer.close() }
        let append = try writer.beginAppend(to: table)
        let schema = append.schema

        // Before any row: every file exists, has a known format and was not ingested before.
        var plans: [(path: String, format: InputFormat, size: Int, hash: String)] = []
        for path in files {
            guard FileIO.exists(path), !FileIO.isDirectory(path) else { throw IngestError.fileNotFound(path: path) }
            guard let format = options.format ?? InputFormat(fileName: path) else { throw IngestError.unknownFormat(path: path) }
            let hash = try Self.contentHash(path)
            if !options.force {
                if let earlier = append.earlierIngest(contentHash: hash) {
                    throw IngestError.alreadyIngested(path: path, earlierName: earlier.name, committedAt: earlier.committedAt)
                }
                if let twin = plans.first(where: { $0.hash == hash }) {
                    throw IngestError.alreadyIngested(path: path, earlierName: twin.path, committedAt: "in this same command")
                }
            }
            plans.append((path, format, try FileIO.fileSize(path), hash))
        }
        // Headers are checked for every file before any row is read.
        let sources: [RecordSource] = try plans.map { plan in
            switch plan.format {
            case .csv: return try CSVRecordSource(path: plan.path, schema: schema, ignoreUnknownColumns: options.ignoreUnknownColumns)
            case .ndjson: return try NDJSONRecordSource(path: plan.path, schema: schema, ignoreUnknownColumns: options.ignoreUnknownColumns)
            }
        }

        let rejects = RejectsWriter(path: options.rejectsPath ?? defaultRejectsPath(table: schema.name))
        let background = BackgroundSegmentWriter(append: append)
        let converter = RowConverter(schema: schema, localOffsetSeconds: database.settings.utcOffsetSeconds)
        var builder = SegmentBuilder(schema: schema, capacity: options.segmentRows)
        var results: [IngestSummary.FileResult] = []
        var totalAccepted = 0, totalRejected = 0
        let totalBytes = plans.reduce(0) { $0 + $1.size }
        var bytesBefore: Int64 = 0
        let slots = UnsafeMutableBufferPointer<FieldSlot>.allocate(capacity: schema.columns.count)
        slots.initialize(repeating: FieldSlot())
        defer { slots.deallocate() }

        do {
            for (fileIndex, plan) in plans.enumerated() {
                let source = sources[fileIndex]
                var accepted = 0, rejected = 0
                var nextReport = 0
                while try source.next() {
                    if let failure = source.bind(into: slots) {
                        let column = failure.columnName
                        try rejects.write(Rejection(file: plan.path, line: source.lineNumber, field: failure.position == 0 ? nil : failure.position,
                                                    column: column, value: nil, reason: failure.reason), record: source.recordText)
                        rejected += 1
                    } else if let failure = converter.convert(slots, into: builder) {
                        let slot = slots[failure.column]
                        let value = slot.state == .text || slot.state == .quotedText ? Self.printable(slot.bytes) : nil
                        try rejects.write(Rejection(file: plan.path, line: source.lineNumber, field: slot.position == 0 ? nil : slot.position,
                                                    column: schema.columns[failure.column].name, value: value, reason: failure.reason),
                                          record: source.recordText)
                        rejected += 1
                    } else {
                        accepted += 1
                        if builder.rowCount >= options.segmentRows {
                            let next = builder.successor(capacity: options.segmentRows)
                            try background.submit(builder)
                            builder = next
                        }
                    }
                    if let progress, accepted + rejected >= nextReport {
                        nextReport = accepted + rejected + 65_536
                        progress(IngestProgress(file: plan.path, fileIndex: fileIndex, fileCount: plans.count,
                                                bytesRead: bytesBefore + source.bytesConsumed, bytesTotal: Int64(totalBytes),
                                                rowsAccepted: totalAccepted + accepted, rowsRejected: totalRejected + rejected,
                                                seconds: Date().timeIntervalSince(started)))
                    }
                }
                bytesBefore += Int64(plan.size)
                totalAccepted += accepted
                totalRejected += rejected
                results.append(.init(path: plan.path, format: plan.format, bytes: plan.size, accepted: accepted, rejected: rejected))
            }
            try rejects.close()
            if options.strict && totalRejected > 0 {
                try background.finish()
                append.abort()
                throw IngestError.strictRejected(rejected: totalRejected, rejectsPath: rejects.path)
            }
            try background.submit(builder)
            try background.finish()
            let now = ISO8601DateFormatter().string(from: Date())
            try append.commit(ingestedFiles: zip(plans, results).map { plan, result in
                Manifest.IngestedFile(contentHash: plan.hash, name: plan.path, bytes: plan.size,
                                      acceptedRows: result.accepted, rejectedRows: result.rejected, committedAt: now)
            })
        } catch {
            try? background.finish()
            append.abort()
            throw error
        }
        let seconds = Date().timeIntervalSince(started)
        return IngestSummary(table: schema.name, files: results, accepted: totalAccepted, rejected: totalRejected,
                             bytes: totalBytes, seconds: seconds,
                             rowsPerSecond: seconds > 0 ? Double(totalAccepted + totalRejected) / seconds : 0,
                             committed: true, segmentsWritten: append.lastCommittedSegments.count,
                             bytesOnDisk: append.lastCommittedSegments.reduce(0) { $0 + $1.bytes },
                             rejectsPath: totalRejected > 0 ? rejects.path : nil,
                             sampleRejections: rejects.first.map(\.description))
    }

    private func defaultRejectsPath(table: String) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(secondsFromGMT: database.settings.utcOffsetSeconds)
        return FileIO.join(database.path, "rejects", "\(table)-\(formatter.string(from: Date()))-\(getpid()).csv")
    }

    /// XXH3-128 of a file's bytes, read in 1 MiB pieces.
    public static func contentHash(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw IngestError.fileNotFound(path: path) }
        defer { try? handle.close() }
        let hasher = ContentHasher()
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw IngestError.io(path: path, message: "cannot read: \(error.localizedDescription)")
            }
            if chunk.isEmpty { break }
            chunk.withUnsafeBytes { hasher.update($0) }
        }
        return hasher.hexDigest()
    }

    /// A value as text for messages: invalid UTF-8 bytes shown as \xNN, long values shortened.
    static func printable(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let limit = 200
        let slice = UnsafeBufferPointer(rebasing: bytes[0..<min(bytes.count, limit)])
        var text: String
        if ValueParsing.isValidUTF8(slice) {
            text = String(decoding: slice, as: UTF8.self)
        } else {
            text = slice.map { $0 < 0x80 ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16, uppercase: true) }.joined()
        }
        if bytes.count > limit { text += "…" }
        return text
    }
}
