#if canImport(Glibc)
import Glibc
#endif

/// A file written at a path the user names (a rejects file). It is never inside a database folder, never
/// in a folder that does not exist, never written through a symbolic link, and replaces an existing file
/// only when asked to: the bytes go to a new temporary file beside it (`O_EXCL | O_NOFOLLOW`), which
/// `commit` renames into place. A device or pipe that exists there (`/dev/null`) is written directly.
package final class UserOutputFile {
    package let path: String
    private let output: OutputFile
    private let temporary: String?
    private let replacing: Bool
    private let note: String?
    private var done = false

    /// Checks `path` before any work is done: the reasons `init` would refuse it, but nothing is created.
    /// `insideDatabase` allows a path inside a database (the database's own default rejects folder).
    package static func check(_ path: String, replacing: Bool, what: String, insideDatabase: Bool = false) throws {
        guard !path.isEmpty else { throw StorageError.invalidArgument("the \(what) path is empty") }
        if isDevice(path) { return }
        if path.hasSuffix("/") || FileIO.isDirectory(path) {
            throw StorageError.invalidArgument("the \(what) path \(path) is a folder: name a file")
        }
        let folder = FileIO.directoryOf(path)
        guard FileIO.isDirectory(folder) else {
            throw StorageError.invalidArgument("cannot write the \(what) \(path): the folder \(folder) does not exist (create it first)")
        }
        if !insideDatabase, let database = enclosingDatabase(of: folder) {
            throw StorageError.invalidArgument("the \(what) path \(path) lies inside the database \(database): "
                + "name a file outside it (the default puts the \(what) in the database's rejects folder)")
        }
        var info = stat()
        if !replacing && lstat(path, &info) == 0 {
            throw StorageError.invalidArgument("the \(what) \(path) exists already: name another file, "
                + "or replace it (--force with ingest, OVERWRITE in COPY)")
        }
    }

    /// Checks `path` and creates the temporary file that `commit` renames to it. `note` (a file in the
    /// database) records the temporary file's path until then, so that the next writer can remove it
    /// after a kill (`removeLeftover`).
    package init(path: String, replacing: Bool, what: String, insideDatabase: Bool = false, note: String? = nil) throws {
        try Self.check(path, replacing: replacing, what: what, insideDatabase: insideDatabase)
        self.path = path
        self.replacing = replacing
        self.note = note
        if Self.isDevice(path) {
            temporary = nil
            output = try OutputFile(appendingToDevice: path)
            return
        }
        let folder = FileIO.directoryOf(path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let temporary = FileIO.join(folder, "." + name + Self.partMarker + String(getpid()) + "-" + String(UInt32.random(in: 0...UInt32.max), radix: 36))
        self.temporary = temporary
        if let note {
            let file = try OutputFile(creating: note)
            try file.write(Array(Self.absolute(temporary).utf8))
            try file.close()
        }
        output = try OutputFile(creatingNew: temporary)
    }

    /// Removes the temporary file a note names (left by a killed command), then the note. Only a file whose
    /// name has the temporary form `.NAME.part-…` is removed, whatever the note says.
    package static func removeLeftover(noteAt note: String) throws {
        if let bytes = try? FileIO.readFile(note), bytes.count < 4096 {
            let path = String(decoding: bytes, as: UTF8.self)
            let name = path.split(separator: "/").last.map(String.init) ?? ""
            var info = stat()
            if name.hasPrefix("."), name.contains(partMarker), lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
                try FileIO.remove(path)
            }
        }
        try FileIO.remove(note)
    }

    /// `path` from the root (a note must name the file whatever the next writer's working folder).
    private static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        guard let cwd = getcwd(nil, 0) else { return path }
        defer { free(cwd) }
        return FileIO.join(String(cString: cwd), path)
    }

    /// What temporary names contain: `.NAME.part-PID-RANDOM`.
    package static let partMarker = ".part-"

    package func write(_ bytes: [UInt8]) throws { try output.write(bytes) }
    package func write(_ bytes: UnsafeRawBufferPointer) throws { try output.write(bytes) }

    /// Syncs the file and puts it in place: renamed over an existing file only when replacing, else linked
    /// under its name (which fails if a file appeared there meanwhile).
    package func commit() throws {
        guard !done else { return }
        done = true
        do {
            try output.sync()
            try output.close()
            guard let temporary else { return }
            if replacing {
                try FileIO.rename(temporary, to: path)
            } else if link(temporary, path) != 0 {
                let code = errno
                if code == EEXIST {
                    throw StorageError.invalidArgument("the file \(path) appeared while it was being written; the new one was not put there")
                }
                throw FileIO.error(path, "cannot create", code)
            } else {
                try FileIO.remove(temporary)
            }
            try FileIO.syncDirectory(FileIO.directoryOf(path))
            if let note { try? FileIO.remove(note) }
        } catch {
            if let temporary { try? FileIO.remove(temporary) }
            if let note { try? FileIO.remove(note) }
            throw error
        }
    }

    /// Removes the temporary file (after an error): nothing is left at or beside `path`.
    package func discard() {
        guard !done else { return }
        done = true
        try? output.close()
        if let temporary { try? FileIO.remove(temporary) }
        if let note { try? FileIO.remove(note) }
    }

    deinit { discard() }

    /// The database folder `folder` lies in (itself or an ancestor holding `DATABASE`), if any.
    static func enclosingDatabase(of folder: String) -> String? {
        guard let resolved = realpath(folder, nil) else { return nil }
        defer { free(resolved) }
        var current = String(cString: resolved)
        while true {
            if FileIO.exists(FileIO.join(current, DatabaseSettings.fileName)) {
                return current
            }
            if current == "/" || current.isEmpty { return nil }
            current = FileIO.directoryOf(current)
        }
    }

    /// Whether `path` is an existing character device or pipe (stat follows a link such as /dev/stdout).
    package static func isDevice(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && isDevice(info)
    }

    static func isDevice(_ info: stat) -> Bool {
        let kind = info.st_mode & S_IFMT
        return kind == S_IFCHR || kind == S_IFIFO
    }
}
