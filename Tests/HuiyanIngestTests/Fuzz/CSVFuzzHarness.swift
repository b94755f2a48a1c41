import Foundation
@testable import HuiyanIngest
import HuiyanValues

/// One fuzz input through the streaming CSV reader and the strict value parsers on every field. Shared by the
/// libFuzzer target (Fuzz/csv.swift, built by tools/fuzz) and by FuzzRegressionTests, which replays the
/// committed corpus and every crash found. The first byte picks the chunk size (1…64 bytes, so records
/// straddle chunks everywhere) and the record limit (16…1024 bytes, so over-long records are skipped);
/// the rest is the file. Traps (precondition) on any broken invariant.
enum CSVFuzzHarness {
    static func run(_ input: UnsafeBufferPointer<UInt8>, scratchFile path: String) {
        guard let control = input.first else { return }
        let body = UnsafeBufferPointer(rebasing: input[1...])
        _ = FileManager.default.createFile(atPath: path, contents: Data(buffer: body))
        let chunkSize = Int(control & 63) + 1
        let maxRecord = 16 << Int((control >> 6) * 2)  // 16, 64, 256, 1024
        do {
            let reader = try CSVRecordReader(path: path, chunkSize: chunkSize, maxRecordBytes: maxRecord)
            var records = 0
            var consumed: Int64 = 0
            while try reader.next() {
                records += 1
                precondition(reader.bytesConsumed >= consumed && reader.bytesConsumed <= Int64(body.count), "bytesConsumed goes backwards or past the end")
                consumed = reader.bytesConsumed
                precondition(reader.lineNumber >= 1)
                precondition(reader.recordText.count <= max(maxRecord, CSVRecordReader.overlongRecordTextLimit) + 1)
                if reader.problem == nil {
                    for i in 0..<reader.fieldCount {
                        let field = reader.field(i)
                        _ = reader.fieldWasQuoted(i)
                        _ = ValueParsing.parseInt64(field)
                        _ = ValueParsing.parseFloat64(field)
                        _ = ValueParsing.parseBool(field)
                        _ = ValueParsing.parseMoneyFen(field)
                        _ = ValueParsing.parseTimestampMicros(field)
                        _ = ValueParsing.isValidUTF8(field)
                    }
                }
                precondition(records <= body.count + 1, "more records than bytes")
            }
        } catch {
            preconditionFailure("the CSV reader threw on a readable file: \(error)")
        }
    }
}
