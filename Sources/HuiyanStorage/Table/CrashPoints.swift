#if canImport(Glibc)
import Glibc
#endif

/// Named moments in the write path where a test can have the process kill itself with SIGKILL
/// (`HUIYAN_CRASH_AT=name` in the environment), to prove that a crash there loses nothing committed.
public enum CrashPoints {
    private static let target: String? = {
        guard let raw = getenv("HUIYAN_CRASH_AT") else { return nil }
        return String(cString: raw)
    }()

    /// Kills the process if `name` is the configured crash point.
    @inline(__always)
    public static func hit(_ name: String) {
        guard let target, target == name else { return }
        kill(getpid(), SIGKILL)
    }
}
