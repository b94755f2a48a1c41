// libFuzzer entry point for the SQL parser and binder; the harness is Tests/HuiyanQueryTests/Fuzz/SQLFuzzHarness.swift
// (tools/fuzz compiles both together with the module sources, so CI replays the same code on the corpus).
import Foundation
import HuiyanStorage
import HuiyanIngest

private let database: Database = {
    let path = (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()) + "/huiyan-fuzz-sql-\(getpid()).db"
    try? FileManager.default.removeItem(atPath: path)
    return try! Database.create(at: path, tables: FeedCatalog.all)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    SQLFuzzHarness.run(UnsafeBufferPointer(start: data, count: size), database: database)
    return 0
}
