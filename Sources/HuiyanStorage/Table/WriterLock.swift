#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// One writer per database: an exclusive `flock` on the `LOCK` file, which also names the holder.
/// The kernel drops the lock when the holder dies, so a lock left by a killed process is taken over safely.
package final class WriterLock {
    package static let fileName = "LOCK"
    private var fd: Int32

    /// Takes the lock or throws `StorageError.locked` naming the current holder.
    package init(databasePath: String, command: String) throws {
        let path = FileIO.join(databasePath, Self.fileName)
        // Never through a symbolic link: one planted at LOCK would have its target truncated.
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw FileIO.error(path, "cannot open lock file") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = (try? FileIO.readFile(path)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            close(fd)
            fd = -1
            let text = holder.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\n", with: ", ")
            throw StorageError.locked(path: databasePath, holder: text.isEmpty ? "unknown process" : text)
        }
        let note = "pid \(getpid()) (\(command)) since \(ISO8601DateFormatter().string(from: Date()))\n"
        ftruncate(fd, 0)
        _ = note.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    /// Releases the lock (also done when the process ends).
    package func release() {
        guard fd >= 0 else { return }
        ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
