import HuiyanBuffers

/// The field boundaries of one record, stored in reusable buffers.
///
/// Each entry is a half-open byte range plus a small tag. A range refers either to the
/// record's input buffer (the common case: the field is handed out in place) or, when the
/// tag has `inScratch` set, to `scratch` (unescaped copies). The storage is kept between
/// records, so tokenizing allocates nothing once it has warmed up. Entries are read by
/// `unchecked` accessors: their index is asserted below `count` in debug builds only.
final class ByteSpanTable {
    /// Tag bit: the range is an offset range into `scratch`, not into the input buffer.
    static let inScratch: UInt8 = 0x01
    /// Tag bit (CSV): the field was enclosed in double quotes.
    static let quoted: UInt8 = 0x02

    private var starts: UncheckedBuffer<Int>
    private var ends: UncheckedBuffer<Int>
    private var tags: UncheckedBuffer<UInt8>
    private(set) var count = 0
    /// Unescaped field bytes that could not be referenced in place.
    let scratch = GrowableBuffer<UInt8>(capacity: 256)

    init(capacity: Int = 64) {
        let capacity = max(capacity, 4)
        starts = .allocate(capacity: capacity)
        ends = .allocate(capacity: capacity)
        tags = .allocate(capacity: capacity)
    }

    deinit {
        starts.deallocate()
        ends.deallocate()
        tags.deallocate()
    }

    /// Forgets all entries and scratch bytes, keeping the storage.
    @inline(__always)
    func removeAll() {
        count = 0
        scratch.removeAll()
    }

    /// Adds the range `start..<end` with `tag`.
    @inline(__always)
    func append(_ start: Int, _ end: Int, tag: UInt8) {
        if count == tags.capacity { grow() }
        starts[unchecked: count] = start
        ends[unchecked: count] = end
        tags[unchecked: count] = tag
        count += 1
    }

    /// The tag of entry `i` (asserted below `count` in debug builds only).
    @inline(__always)
    func tag(unchecked i: Int) -> UInt8 {
        assert(i >= 0 && i < count, "ByteSpanTable: entry out of bounds")
        return tags[unchecked: i]
    }

    /// The bytes of entry `i` (asserted below `count` in debug builds only), resolving scratch ranges; `input` is
    /// the record's input buffer.
    @inline(__always)
    func bytes(unchecked i: Int, in input: UncheckedBytes) -> UnsafeBufferPointer<UInt8> {
        assert(i >= 0 && i < count, "ByteSpanTable: entry out of bounds")
        let s = starts[unchecked: i], e = ends[unchecked: i]
        if tags[unchecked: i] & ByteSpanTable.inScratch != 0 { return scratch.buffer(unchecked: s..<e) }
        return input.buffer(unchecked: s..<e)
    }

    private func grow() {
        let capacity = tags.capacity * 2
        starts = starts.reallocated(capacity: capacity, keeping: count)
        ends = ends.reallocated(capacity: capacity, keeping: count)
        tags = tags.reallocated(capacity: capacity, keeping: count)
    }
}
