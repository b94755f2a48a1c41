/// A growable run of plain values that is reused (emptied, never shrunk): output bytes, scratch copies of field
/// text, the field boundaries of a record. It owns its memory and frees it when it goes away.
///
/// Appends check the capacity and grow (doubling) in every build. Reads are named `unchecked`: their bounds are
/// asserted against `count` in debug builds and not checked in release builds. A buffer handed out by
/// `buffer(unchecked:)` is valid until the next append (growing may move the storage), so callers keep offsets.
public final class GrowableBuffer<Element: BitwiseCopyable> {
    @usableFromInline var storage: UncheckedBuffer<Element>
    @usableFromInline var storedCount = 0

    /// How many values the buffer holds.
    @inlinable public var count: Int { storedCount }

    /// An empty buffer with room for `capacity` values before it first grows.
    @inlinable
    public init(capacity: Int = 16) {
        storage = .allocate(capacity: Swift.max(capacity, 1))
    }

    deinit { storage.deallocate() }

    /// How many values fit before the next append grows the storage.
    @inlinable public var capacity: Int { storage.capacity }

    /// Empties the buffer, keeping its storage.
    @inlinable @inline(__always)
    public func removeAll() { storedCount = 0 }

    /// Appends one value.
    @inlinable @inline(__always)
    public func append(_ value: Element) {
        if count == storage.capacity { grow(toAtLeast: count + 1) }
        storage[unchecked: count] = value
        storedCount += 1
    }

    /// Appends the `length` values starting at `source`.
    @inlinable @inline(__always)
    public func append(_ source: UnsafePointer<Element>, count length: Int) {
        if count + length > storage.capacity { grow(toAtLeast: count + length) }
        storage.update(uncheckedAt: count, from: source, count: length)
        storedCount += length
    }

    /// Appends `length` copies of `value` (room to be overwritten through the subscript, say).
    @inlinable @inline(__always)
    public func append(repeating value: Element, count length: Int) {
        precondition(length >= 0, "GrowableBuffer: negative count")
        if count + length > storage.capacity { grow(toAtLeast: count + length) }
        storage.slice(unchecked: count..<(count + length)).fill(with: value)
        storedCount += length
    }

    /// Appends the values of `source`.
    @inlinable @inline(__always)
    public func append(contentsOf source: UnsafeBufferPointer<Element>) {
        guard let start = source.baseAddress else { return }
        append(start, count: source.count)
    }

    /// The value at `i` (asserted `0 <= i < count` in debug builds only).
    @inlinable
    public subscript(unchecked i: Int) -> Element {
        @inline(__always) get {
            assert(i >= 0 && i < count, "GrowableBuffer: index out of bounds")
            return storage[unchecked: i]
        }
        @inline(__always) set {
            assert(i >= 0 && i < count, "GrowableBuffer: index out of bounds")
            storage[unchecked: i] = newValue
        }
    }

    /// The values `range` (asserted inside `0..<count` in debug builds only); valid until the next append.
    @inlinable @inline(__always)
    public func buffer(unchecked range: Range<Int>) -> UnsafeBufferPointer<Element> {
        assert(range.lowerBound >= 0 && range.upperBound <= count, "GrowableBuffer: range out of bounds")
        return storage.buffer(unchecked: range)
    }

    /// All values, in a closure (valid only there).
    @inlinable
    public func withValues<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try body(storage.buffer(unchecked: 0..<count))
    }

    /// Room for at least `capacity` values before the next growth.
    @inlinable
    public func reserveCapacity(_ capacity: Int) {
        if capacity > storage.capacity { grow(toAtLeast: capacity) }
    }

    @usableFromInline @inline(never)
    func grow(toAtLeast needed: Int) {
        storage = storage.reallocated(capacity: Swift.max(needed, storage.capacity * 2), keeping: count)
    }
}

extension GrowableBuffer where Element == UInt8 {
    /// Appends the bytes of a view.
    @inlinable @inline(__always)
    public func append(_ bytes: UncheckedBytes) {
        guard !bytes.isEmpty else { return }
        append(bytes.buffer.baseAddress.unsafelyUnwrapped, count: bytes.count)
    }
}
