#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HuiyanBuffers

/// Thin, error-checked wrappers over the POSIX calls the store needs for durable, atomic files.
package enum FileIO {
    static func error(_ path: String, _ operation: String, _ code: Int32 = errno) -> StorageError {
        // ELOOP is what opening with O_NOFOLLOW gives for a symbolic link.
        .io(path: path, operation: operation,
            message: code == ELOOP ? "it is a symbolic link, which huiyan does not follow there" : String(cString: strerror(code)))
    }

    package static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Whether `path` itself is a symbolic link (not followed).
    package static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    package static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// What tells one file from another at the same path: device, inode, size and change time (nil when
    /// the file cannot be stat'ed).
    package struct Identity: Hashable, Sendable {
        let device: UInt64, inode: UInt64, size: Int64, changed: Int64, changedNanoseconds: Int64
    }

    package static func identity(_ path: String) -> Identity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
                        changed: Int64(info.st_ctim.tv_sec), changedNanoseconds: Int64(info.st_ctim.tv_nsec))
    }

    package static func fileSize(_ path: String) throws -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { throw error(path, "cannot stat") }
        return Int(info.st_size)
    }

    package static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw error(path, "cannot create directory") }
    }

    /// Names in a directory, without `.` and `..`, sorted.
    package static func list(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw error(path, "cannot list directory") }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    package static func remove(_ path: String) throws {
        if unlink(path) != 0 && errno != ENOENT { throw error(path, "cannot remove") }
    }

    package static func removeDirectory(_ path: String) throws {
        if rmdir(path) != 0 && errno != ENOENT { throw error(path, "cannot remove directory") }
    }

    package static func rename(_ from: String, to: String) throws {
        if Glibc.rename(from, to) != 0 { throw error(to, "cannot rename \(from) to") }
    }

    /// fsyncs a file's data to disk (a device or pipe, which has nothing to sync, is let be).
    package static func syncFile(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw error(path, "cannot open") }
        defer { close(fd) }
        if fsync(fd) != 0 && !(errno == EINVAL && !isRegularFile(fd)) { throw error(path, "cannot sync") }
    }

    /// Whether an open descriptor is a regular file.
    static func isRegularFile(_ fd: Int32) -> Bool {
        var info = stat()
        return fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// fsyncs a directory so that a rename inside it survives a crash.
    package static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw error(path, "cannot open directory") }
        defer { close(fd) }
        if fsync(fd) != 0 { throw error(path, "cannot sync directory") }
    }

    /// Reads a whole (small) file of the database; a symbolic link is refused, never followed.
    package static func readFile(_ path: String) throws -> [UInt8] {
        var result: [UInt8] = []
        try forEachChunk(of: path, followingSymlinks: false) { result.append(contentsOf: $0) }
        return result
    }

    /// Calls `body` with successive pieces of a file (1 MiB at most), in bounded memory. `followingSymlinks`
    /// is for files the user names (feeds); files of the database are read with it off.
    package static func forEachChunk(of path: String, followingSymlinks: Bool = true,
                                    _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC | (followingSymlinks ? 0 : O_NOFOLLOW))
        guard fd >= 0 else { throw error(path, "cannot open") }
        defer { close(fd) }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let n = read(fd, chunk.baseAddress, chunk.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw error(path, "cannot read")
            }
            if n == 0 { return }
            try body(UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
        }
    }

    /// Writes `bytes` to `path` atomically and durably: a temporary file, fsync, rename, fsync of the directory.
    package static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".tmp"
        let file = try OutputFile(creating: temporary)
        do {
            try file.write(bytes)
            try file.sync()
            try file.close()
        } catch {
            try? file.close()
            try? remove(temporary)
            throw error
        }
        try rename(temporary, to: path)
        try syncDirectory(directoryOf(path))
    }

    package static func directoryOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    package static func join(_ parts: String...) -> String {
        parts.dropFirst().reduce(parts[0]) { $0.hasSuffix("/") ? $0 + $1 : $0 + "/" + $1 }
    }
}

/// A file opened for writing, with buffered appends and explicit sync.
package final class OutputFile {
    package let path: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private static let bufferLimit = 1 << 20
    package private(set) var bytesWritten = 0

    /// Creates (or truncates) `path`; a symbolic link there is refused, never followed.
    package init(creating path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw FileIO.error(path, "cannot create") }
        buffer.reserveCapacity(Self.bufferLimit)
    }

    /// Creates `path`, which must not exist yet (not even as a symbolic link): for files at paths the user
    /// names, written under a new name and then renamed into place.
    package init(creatingNew path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw FileIO.error(path, "cannot create") }
        buffer.reserveCapacity(Self.bufferLimit)
    }

    /// Opens an existing device or pipe (`/dev/null`, a FIFO) for writing; refuses anything else.
    init(appendingToDevice path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw FileIO.error(path, "cannot open") }
        var info = stat()
        guard fstat(fd, &info) == 0, UserOutputFile.isDevice(info) else {
            throw StorageError.invalidArgument("\(path) changed while it was opened: it is no longer a device or pipe")
        }
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    package func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    package func write(_ bytes: UnsafeRawBufferPointer) throws {
        bytesWritten += bytes.count
        if buffer.count + bytes.count > Self.bufferLimit {
            try flush()
            if bytes.count > Self.bufferLimit { try writeAll(bytes); return }
        }
        buffer.append(contentsOf: bytes)
    }

    package func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    package func sync() throws {
        try flush()
        // A device or pipe (`--rejects /dev/null`) has nothing to sync: EINVAL there is not a failure.
        if fsync(fd) != 0 && !(errno == EINVAL && !FileIO.isRegularFile(fd)) { throw FileIO.error(path, "cannot sync") }
    }

    package func close() throws {
        guard fd >= 0 else { return }
        defer { fd = -1 }
        try flush()
        if Glibc.close(fd) != 0 { throw FileIO.error(path, "cannot close") }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        var count = bytes.count
        var injectedFailure = false
        if WriteFaultInjection.isActive {
            count = WriteFaultInjection.reserve(bytes.count)
            injectedFailure = count < bytes.count
        }
        let source = UncheckedBytes(bytes)
        while done < count {
            let n = Glibc.write(fd, source.slice(unchecked: done..<count).rawBuffer.baseAddress, count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileIO.error(path, "cannot write")
            }
            done += n
        }
        if injectedFailure { throw FileIO.error(path, "cannot write", ENOSPC) }
    }
}

/// Test hook for full-disk behaviour where no small filesystem can be mounted:
/// `HUIYAN_FAIL_WRITE_AFTER_BYTES=N` lets a process write N bytes through `OutputFile` (segments, manifests,
/// settings, rejects) and then fails every write with ENOSPC, after writing the part that still fit — as a
/// full disk does. Unset (always, outside tests), it costs one load of a constant per buffered write.
enum WriteFaultInjection {
    private static let limit: Int? = {
        guard let raw = getenv("HUIYAN_FAIL_WRITE_AFTER_BYTES") else { return nil }
        return Int(String(cString: raw))
    }()
    /// Bytes let through so far.
    private static let written = LockedValue(0)

    static var isActive: Bool { limit != nil }

    /// How many of `count` bytes may still be written (all of them, or fewer once the budget runs out).
    static func reserve(_ count: Int) -> Int {
        guard let limit else { return count }
        return written.withLock { written in
            let allowed = max(0, min(count, limit - written))
            written += allowed
            return allowed
        }
    }
}
