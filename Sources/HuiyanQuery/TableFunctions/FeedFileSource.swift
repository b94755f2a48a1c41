import HuiyanIngest
import HuiyanStorage
import HuiyanValues

/// `read_csv('f.csv')` and `read_ndjson('f.ndjson')` (also `.gz`): a feed file read as a table through
/// ingest's readers (`FeedFileReader`). The columns are the CSV header's or the NDJSON keys'; each column's type
/// is the narrowest of BOOLEAN, BIGINT, DOUBLE, DATE, TIMESTAMP and VARCHAR that every non-empty value of the
/// first `sampleRows` records parses as (as DuckDB's sniffer; a JSON string is never a number). Times without
/// an offset are the database's zone, as ingest reads them. A later value that does not parse as its column's
/// type stops the query with an error naming the file, line, column and value.
final class FeedFileSource: TableSource {
    static let sampleRows = 20_480

    /// `read_csv('f.csv', encoding = 'gbk', all_varchar = true)`.
    struct Options {
        var encoding = FeedEncoding.utf8
        /// Every column VARCHAR, whatever its values look like.
        var allVarchar = false
    }

    let path: String
    let format: InputFormat
    let decoding: InputDecoding
    let columnNames: [String]
    let columnTypes: [SQLType]
    let explanation: String
    private let zoneOffset: Int

    var estimatedRows: Int? { nil }

    /// Opens the file and reads its first records for the columns' types.
    init(path: String, format: InputFormat, function: String, zoneOffset: Int, options: Options = Options()) throws {
        self.path = path
        self.format = format
        self.zoneOffset = zoneOffset
        decoding = InputDecoding(gzip: InputDecoding.isGzipName(path), encoding: options.encoding)
        explanation = "\(function)('\(path)'\(options.encoding == .utf8 ? "" : ", encoding = '\(options.encoding.rawValue)'"))"
        let reader = try FeedFileReader(path: path, format: format, decoding: decoding)
        columnNames = reader.columnNames
        var kinds = [TextTypeCandidates](repeating: .all, count: reader.columnNames.count)
        var rows = 0
        while !options.allVarchar, rows < Self.sampleRows, try reader.next() {
            rows += 1
            for c in kinds.indices {
                switch reader.state(c) {
                case .missing, .null: continue
                case .text: kinds[c].narrow(reader.bytes(c), quoted: false, json: format == .ndjson)
                case .quotedText: kinds[c].narrow(reader.bytes(c), quoted: true, json: format == .ndjson)
                }
            }
        }
        columnTypes = kinds.map(\.type)
    }

    func produce(_ environment: ExecutionEnvironment, reading read: [Bool], pruning: SourcePruning, into consume: (DataChunk) throws -> Void) throws {
        let reader = try FeedFileReader(path: path, format: format, decoding: decoding,
                                        columnNames: format == .ndjson ? columnNames : nil)
        guard reader.columnNames.count == columnNames.count else {
            throw QueryError("\(path): the file changed while it was read (its header differs)")
        }
        let rows = Self.chunkRows
        var more = true
        while more {
            var builders = columnTypes.indices.map { VectorBuilder(type: columnTypes[$0], capacity: read[$0] ? rows : 0) }
            let wanted = columnTypes.indices.filter { read[$0] }
            var count = 0
            while count < rows {
                guard try reader.next() else { more = false; break }
                for c in wanted { try append(reader, c, &builders[c]) }
                count += 1
            }
            if count > 0 {
                let columns = builders.indices.map { read[$0] ? builders[$0].finish() : unread($0, count: count) }
                try consume(DataChunk(columns: columns, count: count))
            }
        }
    }

    /// Parses column `c` of the reader's record into the builder.
    @inline(__always) private func append(_ reader: FeedFileReader, _ c: Int, _ builder: inout VectorBuilder) throws {
        let state = reader.state(c)
        let bytes = reader.bytes(c)
        if state == .missing || state == .null || (bytes.isEmpty && builder.type != .string) {
            builder.appendNull()
            return
        }
        switch builder.type {
        case .boolean:
            guard let b = TextTypeCandidates.boolean(bytes) else { throw bad(reader, c, bytes) }
            builder.append(Int64(b ? 1 : 0))
        case .int64:
            guard let v = ValueParsing.parseInt64(bytes).value else { throw bad(reader, c, bytes) }
            builder.append(v)
        case .float64:
            guard let v = ValueParsing.parseFloat64(bytes).value else { throw bad(reader, c, bytes) }
            builder.append(v)
        case .date:
            guard bytes.count == 10, let t = ValueParsing.parseTimestampMicros(bytes, localOffsetSeconds: 0).value else { throw bad(reader, c, bytes) }
            builder.append(TimeMath.floorDiv(t, TimeMath.microsPerDay))
        case .timestamp:
            guard let t = ValueParsing.parseTimestampMicros(bytes, localOffsetSeconds: zoneOffset).value else { throw bad(reader, c, bytes) }
            builder.append(t)
        default:
            guard ValueParsing.isValidUTF8(bytes) else {
                throw QueryError("\(path):\(reader.lineNumber): column \"\(columnNames[c])\": the value is not valid UTF-8 (a file in GBK? read it with encoding = 'gbk')")
            }
            builder.append(bytes)
        }
    }

    private func bad(_ reader: FeedFileReader, _ c: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> QueryError {
        let value = String(decoding: bytes.prefix(200), as: UTF8.self)
        return QueryError("\(path):\(reader.lineNumber): column \"\(columnNames[c])\": '\(value)' is not a \(columnTypes[c]) "
            + "(the type its first 20,480 rows gave; all_varchar = true reads every column as VARCHAR)")
    }
}

/// The types a column's values so far all parse as, narrowest first (a feed's columns, Hive partition values).
struct TextTypeCandidates {
    var boolean = true, integer = true, double = true, date = true, timestamp = true
    /// Whether any value was seen (a column of NULLs alone is VARCHAR).
    var seen = false

    static let all = TextTypeCandidates()

    /// `true` or `false`, any case (not 0 and 1: those are numbers).
    static func boolean(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard bytes.count == 4 || bytes.count == 5 else { return nil }
        let word = String(decoding: bytes, as: UTF8.self).lowercased()
        return word == "true" ? true : (word == "false" ? false : nil)
    }

    mutating func narrow(_ bytes: UnsafeBufferPointer<UInt8>, quoted: Bool, json: Bool) {
        if bytes.isEmpty && !json { return }
        seen = true
        if json && quoted { boolean = false; integer = false; double = false }
        if boolean, Self.boolean(bytes) == nil { boolean = false }
        if integer, ValueParsing.parseInt64(bytes).value == nil { integer = false }
        if double, ValueParsing.parseFloat64(bytes).value == nil { double = false }
        if date, bytes.count != 10 || ValueParsing.parseTimestampMicros(bytes, localOffsetSeconds: 0).value == nil { date = false }
        if timestamp, ValueParsing.parseTimestampMicros(bytes, localOffsetSeconds: 0).value == nil { timestamp = false }
    }

    var type: SQLType {
        guard seen else { return .string }
        if boolean { return .boolean }
        if integer { return .int64 }
        if double { return .float64 }
        if date { return .date }
        if timestamp { return .timestamp }
        return .string
    }
}
