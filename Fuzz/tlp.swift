// libFuzzer entry point for logic-bug fuzzing of the query core (ternary logic partitioning, every rule on
// against every rule off); the harness is Tests/HuiyanQueryTests/Fuzz/TLPFuzzHarness.swift.
import Foundation
import HuiyanStorage

private let database: Database = {
    let path = (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()) + "/huiyan-fuzz-tlp-\(getpid()).db"
    return try! TLPTables.create(at: path)
}()

/// Every 10,000 inputs, how many checks ran to the end (the others were skipped by a query error).
// Safe unlocked: libFuzzer calls `LLVMFuzzerTestOneInput` from one thread, one input at a time.
nonisolated(unsafe) private var inputs = 0

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    TLPFuzzHarness.run(UnsafeBufferPointer(start: data, count: size), database: database)
    inputs += 1
    if inputs % 10_000 == 0 { FileHandle.standardError.write(Data("tlp: \(TLPFuzzHarness.checked.current) of \(inputs) inputs checked\n".utf8)) }
    return 0
}
