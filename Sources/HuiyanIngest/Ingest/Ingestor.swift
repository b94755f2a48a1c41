import Foundation
import HuiyanStorage
import HuiyanValues

/// Ingests CSV and NDJSON files into a table: every row is parsed and validated, bad rows go to a rejects
/// file with their reasons, good rows are written into segments as they come (bounded memory) and the whole
/// command is published in one manifest swap at the end — all of its accepted rows, or none.
///
/// A large file is split at record boundaries and parsed on every core, each thread writing its own
/// segments; they are published in file order.
public final class Ingestor {
    public let database: Database
    public init(database: Database) { self.database = database }

    private struct Plan {
        var path: String
        var format: InputFormat
        /// The file's size as stored (of standard input: known once it is read).
        var size: Int
        /// The content hash of the bytes as stored (of standard input: made while it is read).
        var hash: String
        var decoding: InputDecoding
        /// Where the file is cut for parsing on several threads, found while its content was hashed.
        var chunks: [FileChunk]?
    }

    /// Runs one ingest command. `progress` is called now and then, from the ingesting threads.
    public func ingest(table: String, files: [String], options: IngestOptions = IngestOptions(),
                       progress: ((IngestProgress) -> Void)? = nil) throws -> IngestSummary {
        let started = Date()
        // A rejects path the user names is checked before any work: outside every database, in a folder that
        // exists, and not over an existing file unless replacing.
        if let path = options.rejectsPath {
            try UserOutputFile.check(path, replacing: options.replaceRejects, what: "rejects file")
        }
        let writer = try database.writer(command: options.command)
        defer { writer.close() }
        let append = try writer.beginAppend(to: table)
        let schema = append.schema

        // Before any row: every file exists, has a known format, a good header, and was not ingested before.
        var plans: [Plan] = []
        for path in files {
            let decoding = InputDecoding(gzip: InputDecoding.isGzipName(path), encoding: options.encoding)
            if path == Self.standardInput {
                // Standard input is read once, as it comes: hashed while it is parsed, checked for a repeat at the end.
                guard let format = options.format else { throw IngestError.unknownFormat(path: path) }
                guard !plans.contains(where: { $0.path == path }) else {
                    throw IngestError.givenTwice(path: path, earlierPath: path)
                }
                plans.append(Plan(path: path, format: format, size: 0, hash: "", decoding: decoding, chunks: nil))
                continue
            }
            guard FileIO.exists(path), !FileIO.isDirectory(path) else { throw IngestError.fileNotFound(path: path) }
            guard let format = options.format ?? InputFormat(fileName: InputDecoding.uncompressedName(path)) else {
                throw IngestError.unknownFormat(path: path)
            }
            let size = try FileIO.fileSize(path)
            if !decoding.gzip, let encoding = Self.utf16Encoding(path) {
                throw IngestError.fileRejected(path: path, line: 1, reason: "the file is \(encoding) (it starts with that byte-order mark); "
                    + "feeds are UTF-8: convert it first, e.g. iconv -f \(encoding) -t UTF-8 FILE > FILE.utf8")
            }
            // A file parsed on several threads is split (a pass over its first part) while it is hashed (a pass
            // over all of it): two reads of the file side by side on two cores instead of one after the other.
            // (A decoded file is read on one thread: its text's offsets are not the file's.)
            let parts = size >= options.parallelThreshold && decoding.isPlain ? max(1, options.threads) : 1
            let split = LockedValue<Result<[FileChunk], any Error>?>(nil)
            let splitting = DispatchGroup()
            if parts > 1 {
                DispatchQueue.global().async(group: splitting) {
                    let chunks = Result { try FileSplitter.split(path: path, parts: parts, quoteAware: format == .csv) }
                    split.withLock { $0 = chunks }
                }
            }
            let hashed = Result { try Self.contentHash(path, cancellation: options.cancellation) }
            splitting.wait()
            let hash = try hashed.get()
            if !options.force {
                // A file that held no row (a header alone, or nothing) changed nothing: the same again is no repeat.
                if let earlier = append.earlierIngest(contentHash: hash), earlier.acceptedRows + earlier.rejectedRows > 0 {
                    throw IngestError.alreadyIngested(path: path, earlierName: earlier.name, committedAt: earlier.committedAt)
                }
                if let twin = plans.first(where: { $0.hash == hash }) {
                    throw IngestError.givenTwice(path: path, earlierPath: twin.path)
                }
            }
            plans.append(Plan(path: path, format: format, size: size, hash: hash, decoding: decoding, chunks: try split.current?.get()))
        }
        let headers: [CSVRecordSource?] = try plans.map { plan in
            plan.format == .csv ? try CSVRecordSource(path: plan.path, schema: schema, ignoreUnknownColumns: options.ignoreUnknownColumns,
                                                      decoding: plan.decoding) : nil
        }

        let rejectsPath = options.rejectsPath ?? defaultRejectsPath(table: schema.name)
        let tracker = IngestTracker(totalBytes: Int64(plans.reduce(0) { $0 + $1.size }), fileCount: plans.count, report: progress)
        var parts: [RejectsWriter] = []
        var results: [IngestSummary.FileResult] = []
        // Rows of small files accumulate in one builder across files; it is written when full or at the end.
        var carried = SegmentBuilder(schema: schema, capacity: options.segmentRows)
        var finalKey = 0
        var mergedRejects: UserOutputFile?
        do {
            for (fileIndex, plan) in plans.enumerated() {
                tracker.startFile(plan.path, index: fileIndex)
                let threads = plan.size >= options.parallelThreshold && plan.decoding.isPlain ? max(1, options.threads) : 1
                var outcome = try ingestFile(plan, fileIndex: fileIndex, header: headers[fileIndex], threads: threads,
                                             schema: schema, options: options, append: append, tracker: tracker,
                                             carried: &carried)
                if outcome == nil {
                    // Malformed quoting misled the split: parse the file again on one thread.
                    append.discard(orderKeys: Self.orderKey(file: fileIndex, chunk: 0, sequence: 0)..<Self.orderKey(file: fileIndex + 1, chunk: 0, sequence: 0))
                    let header = plan.format == .csv
                        ? try CSVRecordSource(path: plan.path, schema: schema, ignoreUnknownColumns: options.ignoreUnknownColumns,
                                              decoding: plan.decoding) : nil
                    outcome = try ingestFile(plan, fileIndex: fileIndex, header: header, threads: 1, schema: schema, options: options,
                                             append: append, tracker: tracker, carried: &carried)
                }
                let (fileParts, accepted, rejected, stored) = outcome!
                parts += fileParts
                if plan.path == Self.standardInput, let hash = stored.hasher?.hexDigest() {
                    plans[fileIndex].size = Int(stored.bytesRead)
                    plans[fileIndex].hash = hash
                    if !options.force, let earlier = append.earlierIngest(contentHash: hash), earlier.acceptedRows + earlier.rejectedRows > 0 {
                        throw IngestError.alreadyIngested(path: plan.path, earlierName: earlier.name, committedAt: earlier.committedAt)
                    }
                }
                results.append(.init(path: plan.path, format: plan.format, bytes: plans[fileIndex].size, accepted: accepted, rejected: rejected))
                finalKey = Self.orderKey(file: fileIndex + 1, chunk: 0, sequence: 0)
            }
            let note = FileIO.join(database.path, "rejects", "\(getpid())-\(UUID().uuidString.prefix(6))\(DatabaseWriter.pendingNoteSuffix)")
            let (rejectsFile, rejects) = try RejectsWriter.merge(parts, into: rejectsPath, replacing: options.replaceRejects,
                                                                 insideDatabase: options.rejectsPath == nil, note: note)
            mergedRejects = rejectsFile
            let totalRejected = results.reduce(0) { $0 + $1.rejected }
            if options.strict && totalRejected > 0 {
                append.abort()
                try rejectsFile?.commit()
                throw IngestError.strictRejected(rejected: totalRejected, rejectsPath: rejectsPath)
            }
            // Every row rejected: nothing to commit, and most likely a wrong encoding or the wrong table. The
            // files are not recorded as ingested, so that the same files can be given again, rightly read.
            if totalRejected > 0 && results.allSatisfy({ $0.accepted == 0 }) {
                append.abort()
                try rejectsFile?.commit()
                throw IngestError.nothingAccepted(rejected: totalRejected, rejectsPath: rejectsPath,
                                                  firstReason: rejects.first?.description ?? "",
                                                  encodingHint: Self.encodingHint(rejects, encoding: options.encoding))
            }
            try options.cancellation?()
            try append.write(carried, orderKey: finalKey)
            let now = ISO8601DateFormatter().string(from: Date())
            try append.commit(ingestedFiles: zip(plans, results).map { plan, result in
                Manifest.IngestedFile(contentHash: plan.hash, name: plan.path, bytes: plan.size,
                                      acceptedRows: result.accepted, rejectedRows: result.rejected, committedAt: now)
            })
            // The rejects file appears only after the rows it goes with are committed: a command killed before
            // that leaves no rejects file for rows that were never committed.
            do { try rejectsFile?.commit() } catch {
                throw IngestError.io(path: rejectsPath, message: "the accepted rows were committed, but the rejects file could not be written: \(error)")
            }
            let seconds = Date().timeIntervalSince(started)
            let accepted = results.reduce(0) { $0 + $1.accepted }
            return IngestSummary(table: schema.name, files: results, accepted: accepted, rejected: totalRejected,
                                 bytes: plans.reduce(0) { $0 + $1.size }, seconds: seconds,
                                 rowsPerSecond: seconds > 0 ? Double(accepted + totalRejected) / seconds : 0,
                                 committed: true, segmentsWritten: append.lastCommittedSegments.count,
                                 bytesOnDisk: append.lastCommittedSegments.reduce(0) { $0 + $1.bytes },
                                 rejectsPath: totalRejected > 0 ? rejectsPath : nil,
                                 sampleRejections: rejects.map(\.description))
        } catch {
            for part in parts { part.discard() }
            mergedRejects?.discard()
            append.abort()
            // A stop seen deep in a reader arrives as its text: the cancellation's own error is what callers test.
            try options.cancellation?()
            throw error
        }
    }

    /// The path that names standard input.
    public static let standardInput = "-"

    /// What to say of the encoding when the rejects say invalid UTF-8 (nil when none does).
    static func encodingHint(_ rejects: [Rejection], encoding: FeedEncoding) -> String? {
        guard rejects.contains(where: { $0.reason.contains("UTF-8") }) else { return nil }
        switch encoding {
        case .utf8:
            return "the rows are not valid UTF-8: if the file is in GBK or GB18030, give --encoding gbk or gb18030 (ENCODING gbk in COPY)"
        case .gbk, .gb18030:
            return "the rows are not valid \(encoding.rawValue.uppercased()) either: try --encoding gb18030 or utf-8, or look at the file's bytes"
        }
    }

    /// The publishing order of a segment: by file, then chunk, then position in the chunk.
    static func orderKey(file: Int, chunk: Int, sequence: Int) -> Int { file << 40 | chunk << 32 | sequence }

    /// Parses one file on `threads` threads. Returns nil when the chunks did not meet (then nothing of the
    /// file is kept but segments keyed to it, which the caller discards).
    private func ingestFile(_ plan: Plan, fileIndex: Int, header: CSVRecordSource?, threads: Int, schema: TableSchema,
                            options: IngestOptions, append: TableAppend, tracker: IngestTracker,
                            carried: inout SegmentBuilder)
        throws -> (parts: [RejectsWriter], accepted: Int, rejected: Int, stored: FileDescriptorStream)? {
        var chunks = [FileChunk(start: 0, end: Int64(plan.size), firstLine: 1)]
        if threads > 1 {
            if let split = plan.chunks, split.count <= threads {
                chunks = split
            } else {
                chunks = try FileSplitter.split(path: plan.path, parts: threads, quoteAware: plan.format == .csv)
            }
            if let header, chunks.count > 1, chunks[1].start <= header.recordStartOffset { chunks = [chunks[0]] }
        }
        let parallel = chunks.count > 1
        if parallel {
            // Each chunk fills its own builders; what was carried from earlier files is written first.
            // (keyed just before this file's range, so that a retry of the file does not discard it).
            try append.write(carried, orderKey: Self.orderKey(file: fileIndex, chunk: 0, sequence: 0) - 1)
            carried = SegmentBuilder(schema: schema, capacity: options.segmentRows)
        }
        var workers: [ChunkWorker] = []
        for (index, chunk) in chunks.enumerated() {
            let source: RecordSource
            switch plan.format {
            case .csv:
                source = index == 0 ? header! : try CSVRecordSource(sibling: header!, chunk: chunk)
            case .ndjson:
                source = try NDJSONRecordSource(path: plan.path, schema: schema, ignoreUnknownColumns: options.ignoreUnknownColumns,
                                                chunk: index == 0 ? nil : chunk, decoding: plan.decoding)
            }
            if let cancellation = options.cancellation {
                source.input.stop = {
                    do { try cancellation(); return nil } catch { return "\(error)" }
                }
            }
            let part = RejectsWriter(path: FileIO.join(database.path, "rejects",
                                                       "\(getpid())-\(fileIndex)-\(index)-\(UUID().uuidString.prefix(6))\(RejectsWriter.partSuffix)"))
            let builder = index == 0 && !parallel ? carried : SegmentBuilder(schema: schema, capacity: options.segmentRows)
            workers.append(ChunkWorker(path: plan.path, source: source, schema: schema,
                                       localOffsetSeconds: database.settings.utcOffsetSeconds, rejects: part,
                                       stopOffset: index + 1 < chunks.count ? chunks[index + 1].start : Int64.max, builder: builder))
        }
        let run = { (index: Int) in
            let worker = workers[index]
            worker.runCatching(segmentRows: options.segmentRows, tracker: tracker) { builder, sequence in
                try append.write(builder, orderKey: Self.orderKey(file: fileIndex, chunk: index, sequence: sequence))
            }
            // Every chunk but the last writes its partial segment on its own thread, while the others still parse
            // (the last chunk's is carried on to the next file). Kept only if the chunks meet.
            if parallel && index + 1 < workers.count && worker.failure == nil {
                do {
                    try append.write(worker.builder, orderKey: Self.orderKey(file: fileIndex, chunk: index, sequence: 1 << 31))
                } catch {
                    worker.fail(error)
                }
            }
        }
        // Each iteration runs its own worker; they share only `append` and `tracker`, which lock.
        ConcurrentLoop.forEach(workers.count, run)
        do {
            for worker in workers { try worker.rejects.close() }
        } catch {
            for worker in workers { worker.rejects.discard() }
            throw error
        }
        if let failure = workers.compactMap(\.failure).first {
            for worker in workers { worker.rejects.discard() }
            throw failure
        }
        for i in 1..<max(workers.count, 1) where workers[i - 1].stoppedAtOffset != workers[i].firstRecordOffset {
            for worker in workers { worker.rejects.discard() }
            return nil
        }
        carried = workers.last!.builder
        return (workers.map(\.rejects), workers.reduce(0) { $0 + $1.accepted }, workers.reduce(0) { $0 + $1.rejected },
                workers[0].source.input.stored)
    }

    private func defaultRejectsPath(table: String) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(secondsFromGMT: database.settings.utcOffsetSeconds)
        return FileIO.join(database.path, "rejects", "\(table)-\(formatter.string(from: Date()))-\(getpid()).csv")
    }

    /// "UTF-16LE" or "UTF-16BE" when the file starts with that byte-order mark, else nil.
    static func utf16Encoding(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let start = [UInt8]((try? handle.read(upToCount: 2)) ?? Data())
        if start == [0xFF, 0xFE] { return "UTF-16LE" }
        if start == [0xFE, 0xFF] { return "UTF-16BE" }
        return nil
    }

    /// XXH3-128 of a file's bytes, read in 1 MiB pieces: what identifies a file already ingested.
    /// `cancellation` is asked before every piece (an endless file such as /dev/zero never ends otherwise).
    package static func contentHash(_ path: String, cancellation: (() throws -> Void)? = nil) throws -> String {
        let hasher = ContentHasher()
        try FileIO.forEachChunk(of: path) {
            try cancellation?()
            hasher.update($0)
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
