import HuiyanStorage

/// A partitioned export (`COPY … TO 'folder' (PARTITION_BY (month, spot))`): the rows of each distinct
/// combination of the partition columns go to `folder/month=…/spot=…/data_0.EXT`, Hive style, without the
/// partition columns themselves (readers take them from the folder names). Every partition's file is
/// written through a sink of its own; the caller builds everything in a temporary folder and renames it
/// into place.
final class PartitionedSink: ChunkSink {
    /// At most this many partitions (each holds an open file and its buffers).
    static let maxPartitions = 1_000
    static let maxColumns = 4

    private let folder: String
    private let partitionColumns: [Int]
    private let dataColumns: [Int]
    private let names: [String]
    private let types: [SQLType]
    private let offsetSeconds: Int
    private let fileName: String
    private let makeSink: (_ names: [String], _ types: [SQLType], _ sink: @escaping (UnsafeRawBufferPointer) throws -> Void) throws -> ChunkSink
    private var partitions: [(sink: ChunkSink, file: OutputFile, rows: [Int32])] = []
    private var index: [Key: Int] = [:]
    /// For each partition column, the token of each code of the string pool last seen (-1: not yet known).
    private var tokenMaps: [(pool: StringPool?, tokens: [Int64])]
    private var stringTokens: [String: Int64] = [:]
    private(set) var rows = 0

    /// The partition of a row: a token for each partition column's value (an integer's bits, a string's
    /// number), and which of them are NULL.
    private struct Key: Hashable {
        var tokens: (Int64, Int64, Int64, Int64) = (0, 0, 0, 0)
        var nulls: UInt8 = 0
        static func == (a: Key, b: Key) -> Bool { a.nulls == b.nulls && a.tokens == b.tokens }
        func hash(into hasher: inout Hasher) {
            hasher.combine(nulls)
            hasher.combine(tokens.0); hasher.combine(tokens.1); hasher.combine(tokens.2); hasher.combine(tokens.3)
        }
    }

    init(folder: String, partitionBy: [String], names: [String], types: [SQLType], offsetSeconds: Int, fileExtension: String,
         makeSink: @escaping ([String], [SQLType], @escaping (UnsafeRawBufferPointer) throws -> Void) throws -> ChunkSink) throws {
        guard partitionBy.count <= Self.maxColumns else {
            throw QueryError("PARTITION_BY takes at most \(Self.maxColumns) columns")
        }
        var partitionColumns: [Int] = []
        for name in partitionBy {
            guard let column = names.firstIndex(where: { $0.lowercased() == name.lowercased() }) else {
                throw QueryError("PARTITION_BY names \"\(name)\", which the query does not give (its columns: \(names.joined(separator: ", ")))")
            }
            partitionColumns.append(column)
        }
        let dataColumns = names.indices.filter { !partitionColumns.contains($0) }
        guard !dataColumns.isEmpty else { throw QueryError("PARTITION_BY leaves no column to write: partition by fewer columns") }
        self.folder = folder
        self.partitionColumns = partitionColumns
        self.dataColumns = dataColumns
        self.names = names
        self.types = types
        self.offsetSeconds = offsetSeconds
        fileName = "data_0." + fileExtension
        self.makeSink = makeSink
        tokenMaps = Array(repeating: (nil, []), count: partitionColumns.count)
    }

    func write(_ chunk: DataChunk, width: Int) throws {
        for p in partitions.indices { partitions[p].rows.removeAll(keepingCapacity: true) }
        var touched: [Int] = []
        for row in 0..<chunk.count {
            var tokens: (Int64, Int64, Int64, Int64) = (0, 0, 0, 0)
            var nulls: UInt8 = 0
            for (k, column) in partitionColumns.enumerated() {
                let vector = chunk.columns[column]
                if vector.type == .null || vector.isNull(row) { nulls |= 1 << k; continue }
                let value = token(vector, row: row, column: k)
                switch k {
                case 0: tokens.0 = value
                case 1: tokens.1 = value
                case 2: tokens.2 = value
                default: tokens.3 = value
                }
            }
            let key = Key(tokens: tokens, nulls: nulls)
            let p: Int
            if let known = index[key] {
                p = known
            } else {
                p = try open(chunk, row: row)
                index[key] = p
            }
            if partitions[p].rows.isEmpty { touched.append(p) }
            partitions[p].rows.append(Int32(row))
        }
        for p in touched {
            let part = chunk.gathered(partitions[p].rows)
            try partitions[p].sink.write(DataChunk(columns: dataColumns.map { part.columns[$0] }, count: part.count), width: dataColumns.count)
        }
        rows += chunk.count
    }

    func finish() throws {
        for partition in partitions {
            try partition.sink.finish()
            try partition.file.sync()
            try partition.file.close()
        }
    }

    func abandon() {
        for partition in partitions { partition.sink.abandon() }
    }

    /// A value's token: its bits, or for a string the number of its text (a pool's codes mapped once).
    private func token(_ vector: Vector, row: Int, column k: Int) -> Int64 {
        switch vector.type {
        case .float64: return Int64(bitPattern: vector.doubles[row].bitPattern)
        case .string:
            let pool = vector.pool!
            if !pool.sharesDictionary(with: tokenMaps[k].pool) { tokenMaps[k] = (pool, [Int64](repeating: -1, count: pool.count)) }
            let code = Int(vector.ints[row])
            if tokenMaps[k].tokens[code] < 0 {
                let text = pool.string(code)
                let token = stringTokens[text] ?? Int64(stringTokens.count)
                stringTokens[text] = token
                tokenMaps[k].tokens[code] = token
            }
            return tokenMaps[k].tokens[code]
        default: return vector.ints[row]
        }
    }

    /// Opens the partition of `row`'s values: its folders, its file and its sink.
    private func open(_ chunk: DataChunk, row: Int) throws -> Int {
        guard partitions.count < Self.maxPartitions else {
            throw QueryError("PARTITION_BY makes more than \(Self.maxPartitions) partitions: partition by fewer or coarser columns")
        }
        var path = folder
        for column in partitionColumns {
            let text = ValueFormatting.text(chunk.columns[column].value(row), offsetSeconds: offsetSeconds)
            let value = text.flatMap { $0.isEmpty ? nil : Self.escaped($0) } ?? "__HIVE_DEFAULT_PARTITION__"
            path = FileIO.join(path, Self.escaped(names[column]) + "=" + value)
            if !FileIO.isDirectory(path) { try FileIO.makeDirectory(path) }
        }
        let file = try OutputFile(creatingNew: FileIO.join(path, fileName))
        let sink = try makeSink(dataColumns.map { names[$0] }, dataColumns.map { types[$0] }) { try file.write($0) }
        partitions.append((sink, file, []))
        return partitions.count - 1
    }

    /// A name or value as a folder name: `%XX` for bytes a path or Hive partitioning gives a meaning to
    /// (`/`, `\`, `=`, `%`, `:`, quotes, control characters), the rest (Chinese included) as it is.
    static func escaped(_ text: String) -> String {
        var out: [UInt8] = []
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F || "/\\=%:\"'*?<>|#".utf8.contains(byte) {
                let hex = Array("0123456789ABCDEF".utf8)
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Removes a folder this export made, with everything in it.
    static func removeTree(_ folder: String) {
        for entry in (try? FileIO.list(folder)) ?? [] {
            let path = FileIO.join(folder, entry)
            if FileIO.isDirectory(path) && !FileIO.isSymbolicLink(path) { removeTree(path) } else { try? FileIO.remove(path) }
        }
        try? FileIO.removeDirectory(folder)
    }
}
