import HuiyanValues

/// A CSV or NDJSON file read as a table without a schema of its own (`read_csv`, `read_ndjson` in FROM): the
/// columns are a CSV file's header or the keys of an NDJSON file's first records, and each record's fields come
/// as bytes by column, for the caller to parse. The same readers, decoding (`.gz`, GBK) and record rules as
/// ingest; a malformed record throws `IngestError.fileRejected` naming the file and line.
package final class FeedFileReader {
    /// A field of the current record.
    package enum FieldState: Sendable, Equatable {
        /// Absent from the record (an NDJSON key not given).
        case missing
        /// An unquoted empty CSV field, or JSON `null`.
        case null
        /// An unquoted CSV field, or a JSON number or boolean.
        case text
        /// A quoted CSV field, or a JSON string.
        case quotedText
    }

    /// How many records of an NDJSON file are read for its keys.
    package static let keySampleRecords = 20_480

    package let path: String
    package let format: InputFormat
    package let columnNames: [String]
    private let csv: CSVRecordReader?
    private let ndjson: NDJSONRecordReader?
    private var states: [FieldState]
    private var spans: [UnsafeBufferPointer<UInt8>]
    /// NDJSON: the columns' names as lower-cased bytes, for matching keys.
    private let keys: [[UInt8]]

    /// Opens `path`. `columnNames` fixes an NDJSON file's columns (nil: the keys of its first records, in the
    /// order they first appear); a CSV file's are its header's. `comment` skips a CSV file's lines that start
    /// with that byte (a user-edited file such as a catalog's; a feed has none).
    package init(path: String, format: InputFormat, decoding: InputDecoding = .plain, columnNames: [String]? = nil,
                comment: UInt8? = nil) throws {
        self.path = path
        self.format = format
        do {
            switch format {
            case .csv:
                let reader = try CSVRecordReader(path: path, decoding: decoding, comment: comment)
                guard try reader.next() else {
                    throw IngestError.fileRejected(path: path, line: 1, reason: "the file is empty: a CSV file needs a header row naming its columns")
                }
                if let problem = reader.problem {
                    throw IngestError.fileRejected(path: path, line: reader.lineNumber, reason: "malformed header row: \(problem)")
                }
                var names: [String] = []
                for i in 0..<reader.fieldCount {
                    guard ValueParsing.isValidUTF8(reader.field(i)) else {
                        throw IngestError.fileRejected(path: path, line: 1, reason: "the header is not valid UTF-8 (a file in GBK? read it with encoding = 'gbk')")
                    }
                    var name = String(decoding: reader.field(i), as: UTF8.self)
                    if name.isEmpty { name = "column\(i)" }
                    names.append(name)
                }
                csv = reader
                ndjson = nil
                self.columnNames = names
            case .ndjson:
                let names = try columnNames ?? Self.sampleKeys(path: path, decoding: decoding)
                guard !names.isEmpty else {
                    throw IngestError.fileRejected(path: path, line: 1, reason: "no record with a key in the first \(Self.keySampleRecords) lines")
                }
                csv = nil
                ndjson = try NDJSONRecordReader(path: path, decoding: decoding)
                self.columnNames = names
            }
        } catch let error as RecordReaderError {
            throw IngestError.io(path: path, message: "\(error)")
        }
        keys = self.columnNames.map { Array($0.lowercased().utf8) }
        states = Array(repeating: .missing, count: self.columnNames.count)
        spans = Array(repeating: UnsafeBufferPointer(start: nil, count: 0), count: self.columnNames.count)
    }

    /// 1-based line on which the current record starts.
    package var lineNumber: Int { csv?.lineNumber ?? ndjson!.lineNumber }

    /// The current record's field of column `i`.
    @inline(__always) package func state(_ i: Int) -> FieldState { states[i] }
    /// The current record's bytes of column `i` (valid until the next `next()`).
    @inline(__always) package func bytes(_ i: Int) -> UnsafeBufferPointer<UInt8> { spans[i] }

    /// Advances to the next record; false at the end. A malformed record throws.
    package func next() throws -> Bool {
        do {
            if let csv {
                guard try csv.next() else { return false }
                if let problem = csv.problem { throw IngestError.fileRejected(path: path, line: csv.lineNumber, reason: "\(problem)") }
                guard csv.fieldCount == columnNames.count else {
                    let relation = csv.fieldCount > columnNames.count ? "too many" : "too few"
                    throw IngestError.fileRejected(path: path, line: csv.lineNumber,
                                                   reason: "\(relation) fields: expected \(columnNames.count), found \(csv.fieldCount)")
                }
                for i in 0..<columnNames.count {
                    let field = csv.field(i), quoted = csv.fieldWasQuoted(i)
                    states[i] = field.isEmpty && !quoted ? .null : (quoted ? .quotedText : .text)
                    spans[i] = field
                }
                return true
            }
            let reader = ndjson!
            guard try reader.next() else { return false }
            if let problem = reader.problem { throw IngestError.fileRejected(path: path, line: reader.lineNumber, reason: "\(problem)") }
            for i in states.indices { states[i] = .missing }
            for f in 0..<reader.fieldCount {
                let key = reader.key(f)
                guard let column = column(of: key) else {
                    throw IngestError.fileRejected(path: path, line: reader.lineNumber,
                        reason: "key \"\(String(decoding: key, as: UTF8.self))\" is not among the columns the first \(Self.keySampleRecords) records have")
                }
                switch reader.valueKind(f) {
                case .null: states[column] = .null
                case .string: states[column] = .quotedText
                case .number, .bool: states[column] = .text
                }
                spans[column] = reader.value(f)
            }
            return true
        } catch let error as RecordReaderError {
            throw IngestError.io(path: path, message: "\(error)")
        }
    }

    /// The column a key names (ASCII case-insensitive).
    private func column(of key: UnsafeBufferPointer<UInt8>) -> Int? { NDJSONRecordSource.index(of: key, among: keys) }

    /// The keys of an NDJSON file's first records, in the order they first appear (case-insensitively once).
    private static func sampleKeys(path: String, decoding: InputDecoding) throws -> [String] {
        let reader = try NDJSONRecordReader(path: path, decoding: decoding)
        var names: [String] = []
        var seen = Set<String>()
        var records = 0
        while records < keySampleRecords, try reader.next() {
            records += 1
            if let problem = reader.problem { throw IngestError.fileRejected(path: path, line: reader.lineNumber, reason: "\(problem)") }
            for f in 0..<reader.fieldCount {
                let name = String(decoding: reader.key(f), as: UTF8.self)
                if seen.insert(name.lowercased()).inserted { names.append(name) }
            }
        }
        return names
    }
}
