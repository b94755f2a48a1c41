import Foundation
import HuiyanParquet

/// One fuzz input through the Parquet reader (shared by Fuzz/parquet.swift and ParquetFuzzRegressionTests): the
/// bytes are a file; its footer is read and every column of every row group decoded. Damage must be a
/// `ParquetReadError`, never a trap; a row group of more rows than a small memory limit holds is refused unread.
enum ParquetFuzzHarness {
    static func run(_ input: UnsafeBufferPointer<UInt8>, scratchFile path: String) {
        _ = FileManager.default.createFile(atPath: path, contents: Data(buffer: input))
        do {
            let reader = try ParquetReader(path: path)
            // As a query with a memory limit of 16 MiB would read it.
            reader.largestRowGroup = 1 << 20
            for group in 0..<reader.rowGroupCount {
                for column in reader.columns.indices {
                    do {
                        let data = try reader.read(group: group, column: column)
                        precondition(data.count == reader.rowCount(ofGroup: group), "a column chunk decoded to the wrong row count")
                        precondition(data.nulls.map { $0.count == data.count } ?? true, "NULL flags of the wrong length")
                        if reader.columns[column].kind == .string {
                            let entries = data.stringStarts.count - 1
                            for (row, code) in data.ints.enumerated() where data.nulls?[row] != 1 {
                                precondition(code >= 0 && code < entries, "a string code past the entries")
                            }
                        }
                    } catch is ParquetReadError {}
                }
            }
        } catch is ParquetReadError {
        } catch {
            preconditionFailure("not a ParquetReadError: \(error)")
        }
    }
}
