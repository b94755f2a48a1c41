/// The field boundaries of one record, stored in reusable unsafe arrays.
///
/// Each entry is a half-open byte range plus a small tag. A range refers either to the
/// record's input buffer (the common case: the field is handed out in place) or, when the
/// tag has `inScratch` set, to `scratch` (unescaped copies). The storage is kept between
/// records, so tokenizing allocates nothing once it has warmed up.
final class ByteSpanTable {
    /// Tag bit: the range is an offset range into `scratch`, not into the input buffer.
    static let inScratch: UInt8 = 0x01
    /// Tag bit (CSV): the field was enclosed in double quotes.
    static let quoted: UInt8 = 0x02

    private(set) var starts: UnsafeMutablePointer<Int>
    private(set) var ends: UnsafeMutablePointer<Int>
    private(set) var tags: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private(set) var capacity: Int
    /// Unescaped field bytes that could not be referenced in place.
    let scratch = ScratchBuffer()

    init(capacity: Int = 64) {
        self.capacity = max(capacity, 4)
        starts = .allocate(capacity: self.capacity)
        ends = .allocate(capacity: self.capacity)
        tags = .allocate(capacity: self.capacity)
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
        if count == capacity { grow() }
        starts[count] = start
        ends[count] = end
        tags[count] = tag
        count += 1
    }

    /// The bytes of entry `i`, resolving scratch ranges; `base` is the input buffer.
    @inline(__always)
    func bytes(_ i: Int, base: UnsafePointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        let s = starts[i], e = ends[i]
        if tags[i] & ByteSpanTable.inScratch != 0 { return scratch.bytes(s, e) }
        return UnsafeBufferPointer(start: base + s, count: e - s)
    }

    private func grow() {
        let newCapacity = capacity * 2
        let ns = UnsafeMutablePointer<Int>.allocate(capacity: newCapacity)
        let ne = UnsafeMutablePointer<Int>.allocate(capacity: newCapacity)
        let nt = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        ns.update(from: starts, count: count)
        ne.update(from: ends, count: count)
        nt.update(from: tags, count: count)
        starts.deallocate(); ends.deallocate(); tags.deallocate()
        starts = ns; ends = ne; tags = nt
        capacity = newCapacity
    }
}
