// libFuzzer entry point for the Parquet reader; the harness is Tests/HuiyanQueryTests/Fuzz/ParquetFuzzHarness.swift
// (tools/fuzz compiles both together with the module sources, so CI replays the same code on the corpus).
import Foundation

private let scratch = (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()) + "/huiyan-fuzz-parquet-\(getpid())"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    ParquetFuzzHarness.run(UnsafeBufferPointer(start: data, count: size), scratchFile: scratch)
    return 0
}
