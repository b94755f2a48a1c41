import HuiyanIngest
import HuiyanValues

/// A catalog file, read whole through ingest's CSV reader (`FeedFileReader`): a header row, RFC 4180 quoting,
/// LF or CRLF, an optional BOM; blank lines and lines starting with `#` are skipped; unquoted fields are trimmed
/// of spaces and tabs. Columns are found by header name, so they may come in any order.
struct CatalogCSV {
    /// One data record: its 1-based line number and its fields.
    struct Record {
        var line: Int
        var fields: [String]
    }

    let path: String
    let header: [String]
    /// The line of the header (after any comment or blank lines).
    let headerLine: Int
    let records: [Record]

    /// Reads `path`. Throws a `CatalogError` naming the file (and line) when it cannot.
    init(path: String) throws {
        self.path = path
        var records: [Record] = []
        do {
            let reader = try FeedFileReader(path: path, format: .csv, comment: UInt8(ascii: "#"))
            header = reader.columnNames.map(Self.trimmed)
            headerLine = reader.lineNumber
            var seen = Set<String>()
            for name in header where !seen.insert(name).inserted {
                throw CatalogError(file: path, line: headerLine, message: "the header names column \"\(name)\" twice")
            }
            while try reader.next() {
                var fields: [String] = []
                fields.reserveCapacity(header.count)
                for i in header.indices {
                    guard let text = String(validating: reader.bytes(i), as: UTF8.self) else {
                        throw CatalogError(file: path, line: reader.lineNumber, message: "field \(i + 1) is not valid UTF-8")
                    }
                    fields.append(reader.state(i) == .quotedText ? text : Self.trimmed(text))
                }
                records.append(Record(line: reader.lineNumber, fields: fields))
            }
        } catch let error as CatalogError {
            throw error
        } catch IngestError.fileRejected(_, let line, let reason) {
            throw CatalogError(file: path, line: line, message: reason)
        } catch {
            throw CatalogError(file: path, message: "cannot read the file (\(error))")
        }
        self.records = records
    }

    /// The index of column `name`, or an error naming the header line.
    func column(_ name: String) throws -> Int {
        guard let index = header.firstIndex(of: name) else {
            throw CatalogError(file: path, line: headerLine, message: "the header lacks column \"\(name)\" (it has: \(header.joined(separator: ", ")))")
        }
        return index
    }

    /// The index of column `name` if the header has it.
    func optionalColumn(_ name: String) -> Int? { header.firstIndex(of: name) }

    /// `text` without the spaces and tabs around it.
    private static func trimmed(_ text: String) -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) }) else { return "" }
        return String(text[first...last])
    }
}

/// Typed access to one record's fields, with errors that name file, line and column.
struct CatalogRow {
    let file: CatalogCSV
    let record: CatalogCSV.Record

    var line: Int { record.line }

    func error(_ column: String?, _ message: String) -> CatalogError {
        CatalogError(file: file.path, line: record.line, column: column, message: message)
    }

    /// A required, non-empty text.
    func text(_ column: String) throws -> String {
        let value = record.fields[try file.column(column)]
        if value.isEmpty { throw error(column, "the value is empty") }
        return value
    }

    /// A text that may be empty (nil) or whose column may be absent.
    func optionalText(_ column: String) -> String? {
        guard let index = file.optionalColumn(column) else { return nil }
        let value = record.fields[index]
        return value.isEmpty ? nil : value
    }

    /// A non-negative, finite decimal number.
    func number(_ column: String) throws -> Double {
        let value = try text(column)
        guard let number = Double(value), number.isFinite else { throw error(column, "value \"\(value)\" is not a number") }
        if number < 0 { throw error(column, "value \"\(value)\" is negative") }
        return number
    }

    /// An integer in `range`.
    func integer(_ column: String, in range: ClosedRange<Int>) throws -> Int {
        let value = try text(column)
        guard let number = Int(value) else { throw error(column, "value \"\(value)\" is not an integer") }
        guard range.contains(number) else {
            throw error(column, "value \"\(value)\" is outside \(range.lowerBound)…\(range.upperBound)")
        }
        return number
    }

    /// Non-negative money with at most two decimals, as fen (the form of a feed's money, without a sign).
    func money(_ column: String) throws -> Int64 {
        let value = try text(column)
        guard let sign = value.utf8.first, sign != UInt8(ascii: "+"), sign != UInt8(ascii: "-"),
              let fen = Array(value.utf8).withUnsafeBufferPointer({ ValueParsing.parseMoneyFen($0).value })
        else {
            throw error(column, "value \"\(value)\" is not an amount of yuan with at most two decimals")
        }
        return fen
    }
}
