import Foundation
import HuiyanStorage

/// Runs the real `huiyan` binary built next to the test bundle, on a database directory of its own.
struct HuiyanProcess {
    struct Result {
        var status: Int32
        var signaled: Bool
        var stdout: String
        var stderr: String
    }

    /// The binary: $HUIYAN_BIN, else `huiyan` beside the running test bundle.
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["HUIYAN_BIN"] { return path }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        if directory.pathExtension == "xctest" { directory = directory.deletingLastPathComponent() }
        for candidate in [directory, directory.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("huiyan").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return directory.appendingPathComponent("huiyan").path
    }()

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures").path

    let databasePath: String

    /// Runs `script` with `/bin/sh -c`, its `$1` the binary and `$2` `databasePath`: arguments can then hold
    /// bytes that are not UTF-8 (written with printf), which `Process` cannot pass.
    static func shell(_ script: String, databasePath: String, in directory: String? = nil) -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, "sh", binary, databasePath]
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try! process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// Runs `huiyan --db <db> args…` to completion (in `directory` if given); `input` is its standard input
    /// (default: none).
    @discardableResult
    func run(_ arguments: [String], environment: [String: String] = [:], input: String? = nil,
             in directory: String? = nil) throws -> Result {
        let process = try start(arguments, environment: environment, input: input, in: directory)
        return process.finish()
    }

    /// Starts `huiyan --db <db> args…` without waiting (in `directory` if given).
    func start(_ arguments: [String], environment: [String: String] = [:], input: String? = nil,
               in directory: String? = nil) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.arguments = ["--db", databasePath] + arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "HUIYAN_DB")
        env.removeValue(forKey: "HUIYAN_CRASH_AT")
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        if let input {
            let stdin = Pipe()
            process.standardInput = stdin
            try process.run()
            let handle = stdin.fileHandleForWriting
            DispatchQueue.global().async { handle.write(Data(input.utf8)); try? handle.close() }
        } else {
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }
        return Running(process: process, out: out, err: err)
    }

    final class Running {
        let process: Process
        let out: Pipe
        let err: Pipe
        /// What the process wrote to standard output and standard error, read by two threads.
        private let outData = LockedValue(Data())
        private let errData = LockedValue(Data())
        private let group = DispatchGroup()

        init(process: Process, out: Pipe, err: Pipe) {
            self.process = process
            self.out = out
            self.err = err
            // Drain both pipes while the process runs, so that it never blocks on a full pipe.
            for (pipe, data) in [(out, outData), (err, errData)] {
                group.enter()
                DispatchQueue.global().async { [group] in
                    let read = pipe.fileHandleForReading.readDataToEndOfFile()
                    data.withLock { $0 = read }
                    group.leave()
                }
            }
        }

        func kill() { Foundation.kill(process.processIdentifier, SIGKILL) }

        func finish() -> Result {
            process.waitUntilExit()
            group.wait()
            return Result(status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
                          stdout: String(decoding: outData.current, as: UTF8.self), stderr: String(decoding: errData.current, as: UTF8.self))
        }
    }
}
