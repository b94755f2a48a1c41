import Foundation

/// A temporary file of a `SpillArea`: records are appended and read back by offset; one writer at a time,
/// any number of readers once writing is done.
public final class SpillFile: @unchecked Sendable {
    public let path: String
    private var fd: Int32
    /// Bytes appended so far.
    public private(set) var size = 0

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileIO.error(path, "cannot create a temporary file") }
    }

    deinit { remove() }

    /// Appends `bytes`; returns the offset they start at.
    public func append(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        let start = size
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(start + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw FileIO.error(path, "cannot write a temporary file (is the disk full?)") }
            done += n
        }
        size += bytes.count
        return start
    }

    /// The `count` bytes at `offset`.
    public func read(offset: Int, count: Int) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let n = pread(fd, buffer.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw FileIO.error(path, "cannot read a temporary file") }
                done += n
            }
            initialized = count
        }
    }

    /// Closes and deletes the file.
    func remove() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
        unlink(path)
    }
}
