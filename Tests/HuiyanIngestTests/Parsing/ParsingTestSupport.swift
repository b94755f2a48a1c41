import Foundation
import XCTest
@testable import HuiyanIngest

/// A temporary directory for parsing-layer tests, removed on `remove()`.
final class ParsingTempDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "huiyan-parsing-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `bytes` to a new file `name` and returns its path.
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let file = path + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    /// Writes the UTF-8 of `text` to a new file `name` and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Everything a CSV reader reports for one record, copied out for comparison.
struct CSVRecordSnapshot: Equatable, CustomStringConvertible {
    var fields: [String]
    var quoted: [Bool]
    var line: Int
    var problem: CSVRecordProblem?
    var text: String
    var bytesConsumed: Int64

    var description: String {
        "line \(line) \(fields) quoted=\(quoted) problem=\(problem.map { "\($0)" } ?? "nil") text=\(text.debugDescription) consumed=\(bytesConsumed)"
    }
}

/// Everything an NDJSON reader reports for one record, copied out for comparison.
struct NDJSONRecordSnapshot: Equatable, CustomStringConvertible {
    var keys: [String]
    var kinds: [JSONValueKind]
    var values: [String]
    var line: Int
    var problem: NDJSONRecordProblem?
    var text: String
    var bytesConsumed: Int64

    var description: String {
        "line \(line) \(keys) \(kinds) \(values) problem=\(problem.map { "\($0)" } ?? "nil") text=\(text.debugDescription) consumed=\(bytesConsumed)"
    }
}

enum ParsingTestSupport {
    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Reads every record of a CSV file.
    static func readCSV(_ path: String, chunkSize: Int = CSVRecordReader.defaultChunkSize,
                        maxRecordBytes: Int = CSVRecordReader.defaultMaxRecordBytes,
                        comment: UInt8? = nil) throws -> [CSVRecordSnapshot] {
        let reader = try CSVRecordReader(path: path, chunkSize: chunkSize, maxRecordBytes: maxRecordBytes, comment: comment)
        var out: [CSVRecordSnapshot] = []
        while try reader.next() {
            out.append(CSVRecordSnapshot(
                fields: (0..<reader.fieldCount).map { string(reader.field($0)) },
                quoted: (0..<reader.fieldCount).map { reader.fieldWasQuoted($0) },
                line: reader.lineNumber,
                problem: reader.problem,
                text: string(reader.recordText),
                bytesConsumed: reader.bytesConsumed))
        }
        XCTAssertFalse(try reader.next(), "next() stays false after the end")
        return out
    }

    /// Reads every record of an NDJSON file.
    static func readNDJSON(_ path: String, chunkSize: Int = NDJSONRecordReader.defaultChunkSize,
                           maxRecordBytes: Int = NDJSONRecordReader.defaultMaxRecordBytes) throws -> [NDJSONRecordSnapshot] {
        let reader = try NDJSONRecordReader(path: path, chunkSize: chunkSize, maxRecordBytes: maxRecordBytes)
        var out: [NDJSONRecordSnapshot] = []
        while try reader.next() {
            out.append(NDJSONRecordSnapshot(
                keys: (0..<reader.fieldCount).map { string(reader.key($0)) },
                kinds: (0..<reader.fieldCount).map { reader.valueKind($0) },
                values: (0..<reader.fieldCount).map { string(reader.value($0)) },
                line: reader.lineNumber,
                problem: reader.problem,
                text: string(reader.recordText),
                bytesConsumed: reader.bytesConsumed))
        }
        XCTAssertFalse(try reader.next(), "next() stays false after the end")
        return out
    }
}
