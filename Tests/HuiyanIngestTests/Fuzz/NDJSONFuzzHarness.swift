import Foundation
@testable import HuiyanIngest
import HuiyanValues

/// One fuzz input through the streaming NDJSON reader and the value parsers (shared by Fuzz/ndjson.swift and
/// FuzzRegressionTests). The first byte picks the chunk size (1…64) and the line limit (16…1024); the rest is
/// the file. Traps on any broken invariant.
enum NDJSONFuzzHarness {
    static func run(_ input: UnsafeBufferPointer<UInt8>, scratchFile path: String) {
        guard let control = input.first else { return }
        let body = UnsafeBufferPointer(rebasing: input[1...])
        _ = FileManager.default.createFile(atPath: path, contents: Data(buffer: body))
        let chunkSize = Int(control & 63) + 1
        let maxRecord = 16 << Int((control >> 6) * 2)
        do {
            let reader = try NDJSONRecordReader(path: path, chunkSize: chunkSize, maxRecordBytes: maxRecord)
            var consumed: Int64 = 0
            while try reader.next() {
                precondition(reader.bytesConsumed >= consumed && reader.bytesConsumed <= Int64(body.count), "bytesConsumed goes backwards or past the end")
                consumed = reader.bytesConsumed
                _ = reader.recordText.count
                if reader.problem == nil {
                    for i in 0..<reader.fieldCount {
                        // (UTF-8 is checked later, by RowConverter: the reader hands bytes through.)
                        _ = ValueParsing.isValidUTF8(reader.key(i))
                        let value = reader.value(i)
                        switch reader.valueKind(i) {
                        case .string:
                            _ = ValueParsing.isValidUTF8(value)
                            _ = ValueParsing.parseTimestampMicros(value)
                            _ = ValueParsing.parseMoneyFen(value)
                        default:
                            _ = ValueParsing.parseInt64(value)
                            _ = ValueParsing.parseFloat64(value)
                            _ = ValueParsing.parseBool(value)
                        }
                    }
                }
            }
        } catch {
            preconditionFailure("the NDJSON reader threw on a readable file: \(error)")
        }
    }
}
