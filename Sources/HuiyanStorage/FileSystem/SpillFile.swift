import HuiyanBuffers
import Foundation

/// A temporary file of a `SpillArea`: records are appended (each at its own offset, from any thread) and
/// read back by offset.
package final class SpillFile: Sendable {
    package let path: String
    /// The open file (-1 once removed) and the bytes appended so far.
    private let state: LockedValue<(fd: Int32, size: Int)>

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileIO.error(path, "cannot create a temporary file") }
        state = LockedValue((fd, 0))
    }

    deinit { remove() }

    /// Bytes appended so far.
    package var size: Int { state.withLock { $0.size } }

    /// Appends `bytes`; returns the offset they start at.
    package func append(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        // The range is taken under the lock and written outside it: pwrite needs no lock of its own.
        let (fd, start) = state.withLock { state in
            defer { state.size += bytes.count }
            return (state.fd, state.size)
        }
        let source = UncheckedBytes(bytes)
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, source.slice(unchecked: done..<bytes.count).rawBuffer.baseAddress, bytes.count - done, off_t(start + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw FileIO.error(path, "cannot write a temporary file (is the disk full?)") }
            done += n
        }
        return start
    }

    /// The `count` bytes at `offset`.
    package func read(offset: Int, count: Int) throws -> [UInt8] {
        let fd = state.withLock { $0.fd }
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            let target = UncheckedBuffer(buffer)
            var done = 0
            while done < count {
                let n = pread(fd, target.pointer(uncheckedAt: done, count: count - done), count - done, off_t(offset + done))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw FileIO.error(path, "cannot read a temporary file") }
                done += n
            }
            initialized = count
        }
    }

    /// Closes and deletes the file.
    func remove() {
        let fd = state.withLock { state in
            defer { state.fd = -1 }
            return state.fd
        }
        guard fd >= 0 else { return }
        Glibc.close(fd)
        unlink(path)
    }
}
