import Foundation

/// The folder where one statement's temporary files go when its state outgrows its memory limit:
/// `<database>/tmp/<pid>-<n>/`. It is made on first use and removed with its files when the statement ends
/// (`removeAll`, or when the area is freed); a folder left by a process that died is removed by the next
/// `Database.open` (`removeStale`).
public final class SpillArea: @unchecked Sendable {
    /// The folder inside a database that holds the statements' areas.
    public static let folderName = "tmp"
    private static let counter = Counter()

    public let databasePath: String
    private let lock = NSLock()
    private var folder: String?
    private var files: [SpillFile] = []

    public init(databasePath: String) {
        self.databasePath = databasePath
    }

    deinit { removeAll() }

    /// A new empty file in the area.
    public func makeFile() throws -> SpillFile {
        lock.lock(); defer { lock.unlock() }
        let folder = try self.folder ?? makeFolder()
        self.folder = folder
        let file = try SpillFile(path: FileIO.join(folder, "spill-\(files.count).tmp"))
        files.append(file)
        return file
    }

    /// Bytes written to the area's files so far.
    public var bytesWritten: Int {
        lock.lock(); defer { lock.unlock() }
        return files.reduce(0) { $0 + $1.size }
    }

    /// Closes and removes every file and the folder.
    public func removeAll() {
        lock.lock(); defer { lock.unlock() }
        for file in files { file.remove() }
        files.removeAll()
        if let folder {
            try? FileIO.removeDirectory(folder)
            // The shared folder goes too once no statement uses it (removing a folder that is not empty fails).
            try? FileIO.removeDirectory(FileIO.directoryOf(folder))
        }
        folder = nil
    }

    private func makeFolder() throws -> String {
        let parent = FileIO.join(databasePath, Self.folderName)
        if !FileIO.isDirectory(parent) {
            do { try FileIO.makeDirectory(parent) } catch where FileIO.isDirectory(parent) {}
        }
        let folder = FileIO.join(parent, "\(getpid())-\(Self.counter.next())")
        try FileIO.makeDirectory(folder)
        return folder
    }

    /// Removes the areas of processes that no longer run (a statement killed while it spilled).
    public static func removeStale(databasePath: String) {
        let parent = FileIO.join(databasePath, folderName)
        // Never through a symbolic link: the files it points to are not the database's.
        guard FileIO.isDirectory(parent), !FileIO.isSymbolicLink(parent), let entries = try? FileIO.list(parent) else { return }
        for entry in entries {
            guard let pid = entry.split(separator: "-").first.flatMap({ Int32($0) }), pid > 0 else { continue }
            // kill(pid, 0) fails with ESRCH only when no such process exists.
            guard kill(pid, 0) != 0 && errno == ESRCH else { continue }
            let folder = FileIO.join(parent, entry)
            if FileIO.isSymbolicLink(folder) { try? FileIO.remove(folder); continue }
            for file in (try? FileIO.list(folder)) ?? [] { try? FileIO.remove(FileIO.join(folder, file)) }
            try? FileIO.removeDirectory(folder)
        }
    }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int {
            lock.lock(); defer { lock.unlock() }
            value += 1
            return value
        }
    }
}
