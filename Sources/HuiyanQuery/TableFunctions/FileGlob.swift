import Glibc
import HuiyanStorage

/// The files a path of a table function names: the path itself, or every file a glob matches — `*`, `?` and
/// `[…]` within one folder name (fnmatch; a leading `.` is matched only by a `.`), `**` for any number of
/// folders (zero included; folders reached through a link are not entered). Matches come sorted by their
/// bytes, so that a query reads them in the same order every time.
enum FileGlob {
    /// More matches than this are refused (each is opened in turn).
    static let maxFiles = 100_000

    /// Whether a path has a glob character.
    static func isPattern(_ path: String) -> Bool { path.contains { "*?[".contains($0) } }

    /// The files `pattern` names, sorted; an error when none does.
    static func files(_ pattern: String) throws -> [String] {
        guard isPattern(pattern) else { return [pattern] }
        let absolute = pattern.hasPrefix("/")
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var found = Set<String>()
        try expand(absolute ? "/" : "", parts[...], into: &found)
        guard !found.isEmpty else { throw QueryError("no file matches '\(pattern)'", kind: .notFound) }
        return found.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Adds the files under `base` that the remaining components match.
    private static func expand(_ base: String, _ parts: ArraySlice<String>, into found: inout Set<String>) throws {
        guard let part = parts.first else {
            if !base.isEmpty, !FileIO.isDirectory(base), FileIO.exists(base) { found.insert(base) }
            return
        }
        guard found.count <= maxFiles else { throw QueryError("the glob matches more than \(maxFiles) files: name fewer") }
        let rest = parts.dropFirst()
        let folder = base.isEmpty ? "." : base
        func child(_ name: String) -> String { base.isEmpty ? name : FileIO.join(base, name) }
        if part == "**" {
            // Zero folders, then each folder below (not through links, which could loop).
            try expand(base, rest, into: &found)
            for name in (try? FileIO.list(folder)) ?? [] where !name.hasPrefix(".") {
                let path = child(name)
                if FileIO.isDirectory(path) {
                    if !FileIO.isSymbolicLink(path) { try expand(path, parts, into: &found) }
                } else if rest.isEmpty {
                    found.insert(path)  // a trailing `**`: every file below
                }
            }
        } else if isPattern(part) {
            for name in (try? FileIO.list(folder)) ?? [] where fnmatch(part, name, FNM_PERIOD) == 0 {
                try expand(child(name), rest, into: &found)
            }
        } else {
            let path = child(part)
            if FileIO.exists(path) { try expand(path, rest, into: &found) }
        }
    }
}
