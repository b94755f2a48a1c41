import Foundation
import HuiyanStorage

/// The string pools of one scan, shared by its threads: a segment's blocks may go to several threads (a
/// streamed scan hands out one block at a time), and a dictionary of a million visitor ids should be decoded
/// once, and what is computed per entry of it (`StringPool.memoized`) computed once. A thread asking for a
/// pool another is decoding waits for it. The pools of the segments most recently begun are kept; the
/// threads' cursors hold those they read.
final class SharedPools {
    private struct Key: Hashable {
        let segment: ObjectIdentifier
        let column: Int
    }

    /// One pool, made once: its lock is held while it is decoded.
    private final class Slot {
        let lock = NSLock()
        var pool: StringPool?
    }

    /// How many segments' pools are kept.
    static let keptSegments = 4

    private let lock = NSLock()
    private var slots: [Key: Slot] = [:]
    /// The segments whose pools are kept, the earliest begun first.
    private var segments: [ObjectIdentifier] = []

    /// The pool of `column` in `segment`, made by `make` if no thread has made it yet.
    func pool(_ segment: SegmentReader, _ column: Int, make: () throws -> StringPool) throws -> StringPool {
        let id = ObjectIdentifier(segment)
        let key = Key(segment: id, column: column)
        lock.lock()
        let slot: Slot
        if let kept = slots[key] {
            slot = kept
        } else {
            slot = Slot()
            slots[key] = slot
            if !segments.contains(id) {
                segments.append(id)
                if segments.count > Self.keptSegments {
                    let dropped = segments.removeFirst()
                    slots = slots.filter { $0.key.segment != dropped }
                }
            }
        }
        lock.unlock()
        slot.lock.lock()
        defer { slot.lock.unlock() }
        if let pool = slot.pool { return pool }
        let pool = try make()
        slot.pool = pool
        return pool
    }
}
