/// A growable byte buffer that is reused across records (cleared, never shrunk).
///
/// Holds the bytes of field values that cannot be handed out in place, e.g. a quoted CSV
/// field containing `""` or a JSON string with escapes. Callers refer to its contents by
/// offset, so growing (which may move the storage) never invalidates what they stored.
final class ScratchBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Empties the buffer, keeping its storage.
    @inline(__always)
    func removeAll() { count = 0 }

    /// Appends `length` bytes starting at `source`.
    @inline(__always)
    func append(_ source: UnsafePointer<UInt8>, count length: Int) {
        if count + length > capacity { grow(toAtLeast: count + length) }
        (base + count).update(from: source, count: length)
        count += length
    }

    /// Appends one byte.
    @inline(__always)
    func append(_ byte: UInt8) {
        if count == capacity { grow(toAtLeast: count + 1) }
        base[count] = byte
        count += 1
    }

    /// The bytes in `range` (offsets into this buffer); valid until the next mutation.
    @inline(__always)
    func bytes(_ start: Int, _ end: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + start, count: end - start)
    }

    private func grow(toAtLeast needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}
