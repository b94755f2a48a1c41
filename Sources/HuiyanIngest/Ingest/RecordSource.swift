import HuiyanStorage
import HuiyanValues

/// The field of one table column in the current record, as bytes still to be parsed.
struct FieldSlot {
    enum State { case missing, null, text, quotedText }
    var state: State = .missing
    var bytes = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    /// 1-based field number in a CSV record, 0 where it has none (NDJSON).
    var position = 0
}

/// Why a whole record was rejected before any value was parsed.
struct RecordFailure {
    var position: Int
    var columnName: String?
    var reason: String
}

/// A stream of records whose fields are matched to a table's columns: CSV by header, NDJSON by key.
/// The row loop of `Ingestor` is written once, generic over this protocol.
protocol RecordSource: AnyObject {
    /// Advances to the next record; false at end of input.
    func next() throws -> Bool
    var lineNumber: Int { get }
    var recordText: UnsafeBufferPointer<UInt8> { get }
    var bytesConsumed: Int64 { get }
    /// File offset where the current record starts (after `next()` returned false: the end of the input).
    var recordStartOffset: Int64 { get }
    /// Fills `slots` (one per table column) from the current record, or says why the record is bad.
    func bind(into slots: UnsafeMutableBufferPointer<FieldSlot>) -> RecordFailure?
    /// The file being read (its `stop` check is asked before every read).
    var input: ChunkedFileInput { get }
}

/// What the CSV and NDJSON record readers have in common.
protocol RecordReading: AnyObject {
    func next() throws(RecordReaderError) -> Bool
    var lineNumber: Int { get }
    var recordText: UnsafeBufferPointer<UInt8> { get }
    var bytesConsumed: Int64 { get }
    var recordStartOffset: Int64 { get }
    var input: ChunkedFileInput { get }
}

extension CSVRecordReader: RecordReading {}
extension NDJSONRecordReader: RecordReading {}

/// A record source whose position is its reader's.
protocol ReaderBackedSource: RecordSource {
    associatedtype Reader: RecordReading
    var reader: Reader { get }
}

extension ReaderBackedSource {
    func next() throws -> Bool { try reader.next() }
    var lineNumber: Int { reader.lineNumber }
    var recordText: UnsafeBufferPointer<UInt8> { reader.recordText }
    var bytesConsumed: Int64 { reader.bytesConsumed }
    var recordStartOffset: Int64 { reader.recordStartOffset }
    var input: ChunkedFileInput { reader.input }
}

/// CSV records bound to table columns through the header row.
final class CSVRecordSource: ReaderBackedSource {
    let reader: CSVRecordReader
    /// For each CSV field, the table column it fills (-1: ignored).
    private let columnOfField: [Int]

    /// A reader of the same file from `chunk` on, bound like `sibling` (whose header was read).
    init(sibling: CSVRecordSource, chunk: FileChunk) throws {
        reader = try CSVRecordReader(path: sibling.reader.path, startOffset: chunk.start, firstLine: chunk.firstLine)
        columnOfField = sibling.columnOfField
    }

    /// Opens the file and checks its header against the schema: a missing required column or (unless
    /// `ignoreUnknownColumns`) an unknown one rejects the file before any row is read.
    init(path: String, schema: TableSchema, ignoreUnknownColumns: Bool, decoding: InputDecoding = .plain) throws {
        reader = try CSVRecordReader(path: path, decoding: decoding)
        guard try reader.next() else {
            throw IngestError.fileRejected(path: path, line: 1, reason: "the file is empty: a CSV file needs a header row naming its columns")
        }
        if let problem = reader.problem {
            throw IngestError.fileRejected(path: path, line: reader.lineNumber, reason: "malformed header row: \(problem)")
        }
        var mapping: [Int] = []
        var seen = Set<Int>()
        for i in 0..<reader.fieldCount {
            guard ValueParsing.isValidUTF8(reader.field(i)) else {
                throw IngestError.fileRejected(path: path, line: reader.lineNumber, reason: "the header is not valid UTF-8 (a file in GBK "
                    + "or another encoding?): give its encoding, e.g. --encoding gbk (ENCODING gbk in COPY)")
            }
            let name = String(decoding: reader.field(i), as: UTF8.self)
            if let column = schema.index(of: name) {
                guard seen.insert(column).inserted else {
                    throw IngestError.fileRejected(path: path, line: reader.lineNumber, reason: "column \"\(name)\" appears twice in the header")
                }
                mapping.append(column)
            } else if ignoreUnknownColumns {
                mapping.append(-1)
            } else {
                let known = schema.columns.map(\.name).joined(separator: ", ")
                throw IngestError.fileRejected(path: path, line: reader.lineNumber,
                    reason: "header field \(i + 1) names column \"\(name)\", which table \"\(schema.name)\" does not have (its columns: \(known)); use --ignore-unknown-columns to skip it")
            }
        }
        let missing = schema.columns.indices.filter { !seen.contains($0) && !schema.columns[$0].optional }
        if !missing.isEmpty {
            let names = missing.map { "\"\(schema.columns[$0].name)\"" }.joined(separator: ", ")
            throw IngestError.fileRejected(path: path, line: reader.lineNumber,
                reason: "the header lacks required column\(missing.count > 1 ? "s" : "") \(names) of table \"\(schema.name)\"")
        }
        columnOfField = mapping
    }

    func bind(into slots: UnsafeMutableBufferPointer<FieldSlot>) -> RecordFailure? {
        if let problem = reader.problem {
            return RecordFailure(position: 0, columnName: nil, reason: "\(problem)")
        }
        guard reader.fieldCount == columnOfField.count else {
            let relation = reader.fieldCount > columnOfField.count ? "too many" : "too few"
            return RecordFailure(position: 0, columnName: nil,
                                 reason: "\(relation) fields: expected \(columnOfField.count), found \(reader.fieldCount)")
        }
        for i in slots.indices { slots[i].state = .missing }
        for (field, column) in columnOfField.enumerated() where column >= 0 {
            let bytes = reader.field(field)
            let quoted = reader.fieldWasQuoted(field)
            slots[column] = FieldSlot(state: bytes.isEmpty && !quoted ? .null : (quoted ? .quotedText : .text),
                                      bytes: bytes, position: field + 1)
        }
        return nil
    }
}

/// NDJSON records bound to table columns by key.
final class NDJSONRecordSource: ReaderBackedSource {
    let reader: NDJSONRecordReader
    private let schema: TableSchema
    private let names: [[UInt8]]
    private let ignoreUnknownColumns: Bool

    init(path: String, schema: TableSchema, ignoreUnknownColumns: Bool, chunk: FileChunk? = nil, decoding: InputDecoding = .plain) throws {
        reader = try NDJSONRecordReader(path: path, startOffset: chunk?.start ?? 0, firstLine: chunk?.firstLine ?? 1, decoding: decoding)
        self.schema = schema
        names = schema.columns.map { Array($0.name.lowercased().utf8) }
        self.ignoreUnknownColumns = ignoreUnknownColumns
    }

    func bind(into slots: UnsafeMutableBufferPointer<FieldSlot>) -> RecordFailure? {
        if let problem = reader.problem {
            return RecordFailure(position: 0, columnName: problem.key, reason: "\(problem)")
        }
        for i in slots.indices { slots[i].state = .missing }
        for i in 0..<reader.fieldCount {
            let key = reader.key(i)
            guard let column = columnIndex(key) else {
                if ignoreUnknownColumns { continue }
                return RecordFailure(position: 0, columnName: String(decoding: key, as: UTF8.self),
                                     reason: "table \"\(schema.name)\" has no such column")
            }
            let kind = reader.valueKind(i)
            slots[column] = FieldSlot(state: kind == .null ? .null : (kind == .string ? .quotedText : .text),
                                      bytes: reader.value(i), position: 0)
        }
        return nil
    }

    /// The column a key names (ASCII case-insensitive), by a short linear scan: schemas are small.
    private func columnIndex(_ key: UnsafeBufferPointer<UInt8>) -> Int? { Self.index(of: key, among: names) }

    /// The index of the lower-cased name in `names` that `key` spells, ASCII case-insensitively.
    static func index(of key: UnsafeBufferPointer<UInt8>, among names: [[UInt8]]) -> Int? {
        outer: for (index, name) in names.enumerated() where name.count == key.count {
            for k in 0..<key.count {
                var c = key[k]
                if c >= 0x41 && c <= 0x5A { c |= 0x20 }
                if c != name[k] { continue outer }
            }
            return index
        }
        return nil
    }
}
