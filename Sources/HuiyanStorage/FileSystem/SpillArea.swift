import Foundation

/// The folder where one statement's temporary files go when its state outgrows its memory limit:
/// `<database>/tmp/<pid>-<n>/`. It is made on first use and removed with its files when the statement ends
/// (`removeAll`, or when the area is freed); a folder left by a process that died is removed by the next
/// `Database.open` (`removeStale`).
package final class SpillArea: Sendable {
    /// The folder inside a database that holds the statements' areas.
    package static let folderName = "tmp"
    /// Areas made by this process so far (each gets the next number).
    private static let areasMade = LockedValue(0)

    package let databasePath: String
    /// The area's folder once made, and its files.
    private let state = LockedValue<(folder: String?, files: [SpillFile])>((nil, []))

    package init(databasePath: String) {
        self.databasePath = databasePath
    }

    deinit { removeAll() }

    /// A new empty file in the area.
    package func makeFile() throws -> SpillFile {
        try state.withLock { state in
            let folder = try state.folder ?? makeFolder()
            state.folder = folder
            let file = try SpillFile(path: FileIO.join(folder, "spill-\(state.files.count).tmp"))
            state.files.append(file)
            return file
        }
    }

    /// Bytes written to the area's files so far.
    package var bytesWritten: Int {
        state.withLock { $0.files.reduce(0) { $0 + $1.size } }
    }

    /// Closes and removes every file and the folder.
    package func removeAll() {
        state.withLock { state in
            for file in state.files { file.remove() }
            state.files.removeAll()
            if let folder = state.folder {
                try? FileIO.removeDirectory(folder)
                // The shared folder goes too once no statement uses it (removing a folder that is not empty fails).
                try? FileIO.removeDirectory(FileIO.directoryOf(folder))
            }
            state.folder = nil
        }
    }

    private func makeFolder() throws -> String {
        let parent = FileIO.join(databasePath, Self.folderName)
        if !FileIO.isDirectory(parent) {
            do { try FileIO.makeDirectory(parent) } catch where FileIO.isDirectory(parent) {}
        }
        let number = Self.areasMade.withLock { made in
            made += 1
            return made
        }
        let folder = FileIO.join(parent, "\(getpid())-\(number)")
        try FileIO.makeDirectory(folder)
        return folder
    }

    /// Removes the areas of processes that no longer run (a statement killed while it spilled).
    package static func removeStale(databasePath: String) {
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
}
