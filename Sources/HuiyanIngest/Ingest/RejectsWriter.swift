import HuiyanStorage

/// One rejected row: where it was, what was wrong, and its original text.
package struct Rejection: Sendable, CustomStringConvertible {
    package var file: String
    package var line: Int
    /// 1-based field number in the record (CSV), or nil.
    package var field: Int?
    package var column: String?
    package var value: String?
    package var reason: String

    package var description: String {
        var text = "\(file):\(line)"
        if let field { text += ":\(field)" }
        if let column { text += ": column \"\(column)\"" }
        if let value { text += ": value \"\(value)\"" }
        return text + ": " + reason
    }
}

/// Writes rejected rows to a CSV file — `file,line,field,column,value,reason,record` — created at the first one.
/// Each parsing thread writes a part without the header (in the database's rejects folder, where the next
/// writer removes any a killed command left); `merge` joins the parts in order into the rejects file.
final class RejectsWriter {
    static let header = "file,line,field,column,value,reason,record\n"
    /// The ending of part files: `<db>/rejects/*.part` are removed by the next writer.
    static let partSuffix = ".part"
    let path: String
    private var output: OutputFile?
    private(set) var count = 0
    /// The first rejections, kept to show in the summary.
    private(set) var first: [Rejection] = []

    init(path: String) { self.path = path }

    /// Joins the parts, in order, into the rejects file (created only if anything was rejected) under a
    /// temporary name that its `commit` puts in place, deletes the parts, and returns the first few rejections.
    /// `note`, in the database's rejects folder, names the temporary file while it exists (for the next writer).
    static func merge(_ parts: [RejectsWriter], into path: String, replacing: Bool, insideDatabase: Bool,
                      note: String) throws -> (file: UserOutputFile?, first: [Rejection]) {
        defer { for part in parts { part.discard() } }
        guard parts.contains(where: { $0.count > 0 }) else { return (nil, []) }
        try FileIO.makeDirectory(FileIO.directoryOf(note))
        let output = try UserOutputFile(path: path, replacing: replacing, what: "rejects file", insideDatabase: insideDatabase,
                                        note: insideDatabase ? nil : note)
        do {
            try output.write(Array(header.utf8))
            for part in parts where part.count > 0 {
                try FileIO.forEachChunk(of: part.path, followingSymlinks: false) { try output.write($0) }
            }
        } catch {
            output.discard()
            throw error
        }
        return (output, Array(parts.flatMap(\.first).prefix(10)))
    }

    /// Removes the file written so far.
    func discard() {
        try? output?.close()
        output = nil
        if count > 0 { try? FileIO.remove(path) }
    }

    func write(_ rejection: Rejection, record: UnsafeBufferPointer<UInt8>) throws {
        count += 1
        if first.count < 10 { first.append(rejection) }
        if output == nil {
            try FileIO.makeDirectory(FileIO.directoryOf(path))
            output = try OutputFile(creating: path)
        }
        var line: [UInt8] = []
        for (index, text) in [rejection.file, String(rejection.line), rejection.field.map(String.init) ?? "",
                              rejection.column ?? "", rejection.value ?? "", rejection.reason].enumerated() {
            if index > 0 { line.append(0x2C) }
            Self.appendQuoted(Array(text.utf8), to: &line)
        }
        line.append(0x2C)
        Self.appendQuoted(Array(record), to: &line)
        line.append(0x0A)
        try output!.write(line)
    }

    func close() throws {
        try output?.sync()
        try output?.close()
    }

    private static func appendQuoted(_ bytes: [UInt8], to line: inout [UInt8]) {
        let needsQuotes = bytes.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        if !needsQuotes { line += bytes; return }
        line.append(0x22)
        for b in bytes {
            if b == 0x22 { line.append(0x22) }
            line.append(b)
        }
        line.append(0x22)
    }
}
