import Foundation

/// Ctrl-C as a byte on a pipe: the SIGINT handler only writes to the pipe (async-signal-safe), and whoever is
/// waiting — the line editor at the prompt, the watch of a running query — reads it when it polls.
enum InterruptSignal {
    // Unlocked on purpose, and safe: a signal handler may not take a lock. The ends are written once, by the
    // first `install` (on the main thread, before the command starts a thread of its own) and before the
    // handler that reads them is installed; every later access only reads.
    nonisolated(unsafe) private static var pipeEnds: (read: Int32, write: Int32) = (-1, -1)

    /// The end to poll; readable after Ctrl-C.
    static var fd: Int32 { pipeEnds.read }

    /// Installs the handler (once), without SA_RESTART so that a blocking read returns.
    static func install() {
        guard pipeEnds.read < 0 else { return }
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return }
        for end in ends { _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK); _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        pipeEnds = (ends[0], ends[1])
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            var byte: UInt8 = 1
            _ = write(InterruptSignal.pipeEnds.write, &byte, 1)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }

    /// Reads every pending Ctrl-C; true when there was one.
    static func take() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 64)
        var any = false
        while read(pipeEnds.read, &buffer, buffer.count) > 0 { any = true }
        return any
    }
}
