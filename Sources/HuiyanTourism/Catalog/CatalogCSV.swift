import Foundation

/// A small reader for the catalog files: CSV with a header row, RFC 4180 quoting, LF or CRLF, an
/// optional BOM; blank lines and lines starting with `#` are skipped; unquoted fields are trimmed
/// of spaces and tabs. Columns are found by header name, so they may come in any order.
struct CatalogCSV {
    /// One data record: its 1-based line number and its fields.
    struct Record {
        var line: Int
        var fields: [String]
    }

    let path: String
    let header: [String]
    let records: [Record]

    /// Reads and splits `path`. Throws a `CatalogError` naming the file (and line) when it cannot.
    init(path: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CatalogError(file: path, message: "cannot read the file (missing or unreadable)")
        }
        var all = try Self.split([UInt8](data), path: path)
        guard !all.isEmpty else { throw CatalogError(file: path, message: "the file is empty: a header row is needed") }
        let headerRecord = all.removeFirst()
        header = headerRecord.fields
        var seen = Set<String>()
        for name in header {
            if name.isEmpty { throw CatalogError(file: path, line: headerRecord.line, message: "the header has an empty column name") }
            if !seen.insert(name).inserted {
                throw CatalogError(file: path, line: headerRecord.line, message: "the header names column \"\(name)\" twice")
            }
        }
        for record in all where record.fields.count != header.count {
            throw CatalogError(file: path, line: record.line,
                               message: "expected \(header.count) fields (\(header.joined(separator: ", "))), found \(record.fields.count)")
        }
        records = all
    }

    /// The index of column `name`, or an error naming the header line.
    func column(_ name: String) throws -> Int {
        guard let index = header.firstIndex(of: name) else {
            throw CatalogError(file: path, line: 1, message: "the header lacks column \"\(name)\" (it has: \(header.joined(separator: ", ")))")
        }
        return index
    }

    /// The index of column `name` if the header has it.
    func optionalColumn(_ name: String) -> Int? { header.firstIndex(of: name) }

    private static func split(_ bytes: [UInt8], path: String) throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false        // the current field began with a quote
        var inQuotes = false      // inside a quoted section
        var line = 1
        var recordLine = 1
        var atRecordStart = true
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let n = bytes.count

        func finishField() throws {
            var value = field
            if !quoted {
                while let last = value.last, last == 0x20 || last == 0x09 { value.removeLast() }
                var start = 0
                while start < value.count, value[start] == 0x20 || value[start] == 0x09 { start += 1 }
                value.removeFirst(start)
            }
            guard let text = String(validating: value, as: UTF8.self) else {
                throw CatalogError(file: path, line: recordLine, message: "field \(fields.count + 1) is not valid UTF-8")
            }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
            quoted = false
        }

        while i < n {
            let c = bytes[i]
            if atRecordStart {
                recordLine = line
                // Blank and comment lines are skipped.
                if c == 0x0A || c == 0x0D || c == UInt8(ascii: "#") {
                    while i < n, bytes[i] != 0x0A { i += 1 }
                    i += 1
                    line += 1
                    continue
                }
                atRecordStart = false
            }
            if inQuotes {
                if c == UInt8(ascii: "\"") {
                    if i + 1 < n, bytes[i + 1] == UInt8(ascii: "\"") { field.append(c); i += 2; continue }
                    inQuotes = false
                } else {
                    if c == 0x0A { line += 1 }
                    field.append(c)
                }
                i += 1
                continue
            }
            switch c {
            case UInt8(ascii: "\""):
                if field.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) && !quoted {
                    field.removeAll()
                    quoted = true
                    inQuotes = true
                } else {
                    throw CatalogError(file: path, line: recordLine, message: "a quote inside unquoted field \(fields.count + 1)")
                }
            case UInt8(ascii: ","):
                try finishField()
            case 0x0D where i + 1 < n && bytes[i + 1] == 0x0A:
                break
            case 0x0A, 0x0D:
                try finishField()
                records.append(Record(line: recordLine, fields: fields))
                fields.removeAll()
                atRecordStart = true
                line += 1
            default:
                if quoted {
                    if c != 0x20 && c != 0x09 {
                        throw CatalogError(file: path, line: recordLine, message: "text after the closing quote of field \(fields.count + 1)")
                    }
                } else {
                    field.append(c)
                }
            }
            i += 1
        }
        if inQuotes { throw CatalogError(file: path, line: recordLine, message: "a quoted field is not terminated") }
        if !atRecordStart {
            try finishField()
            records.append(Record(line: recordLine, fields: fields))
        }
        return records
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

    /// Non-negative money with at most two decimals, as fen.
    func money(_ column: String) throws -> Int64 {
        let value = try text(column)
        guard let fen = Self.parseFen(value) else {
            throw error(column, "value \"\(value)\" is not an amount of yuan with at most two decimals")
        }
        return fen
    }

    /// `120`, `35.5`, `0.00` → fen; nil for anything else (signs, separators, three decimals).
    static func parseFen(_ text: String) -> Int64? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCII), whole.allSatisfy(\.isNumber),
              whole.count <= 12, let yuan = Int64(whole) else { return nil }
        var fen: Int64 = 0
        if parts.count == 2 {
            let fraction = parts[1]
            guard (1...2).contains(fraction.count), fraction.allSatisfy(\.isASCII), fraction.allSatisfy(\.isNumber),
                  let value = Int64(fraction) else { return nil }
            fen = fraction.count == 1 ? value * 10 : value
        }
        return yuan * 100 + fen
    }
}
