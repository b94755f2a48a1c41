#if canImport(Glibc)
import Glibc
#endif

/// Named moments in the write path where a test can have the process kill itself with SIGKILL
/// (`HUIYAN_CRASH_AT=name` in the environment), to prove that a crash there loses nothing committed.
/// `HUIYAN_CRASH_AT=name#k` kills at the k-th time the point is reached (e.g. after the third segment).
///
/// Points: `segment-before-rename` (a segment's temporary file written and synced, not yet renamed),
/// `after-segment` (a segment renamed into place, not yet published), `before-manifest`, `after-manifest`
/// (either side of the manifest swap), `compaction-before-manifest`, `compaction-after-manifest` (merged
/// segments published, the replaced files not yet deleted).
package enum CrashPoints {
    private static let target: (name: String, hit: Int)? = {
        guard let raw = getenv("HUIYAN_CRASH_AT") else { return nil }
        let text = String(cString: raw)
        guard let hash = text.lastIndex(of: "#"), let k = Int(text[text.index(after: hash)...]) else { return (text, 1) }
        return (String(text[..<hash]), k)
    }()
    /// Times the target point was reached so far.
    private static let hits = LockedValue(0)

    /// Kills the process if `name` is the configured crash point (at its configured hit).
    @inline(__always)
    package static func hit(_ name: String) {
        guard let target, target.name == name else { return }
        let reached = hits.withLock { hits in
            hits += 1
            return hits == target.hit
        }
        if reached { kill(getpid(), SIGKILL) }
    }
}
