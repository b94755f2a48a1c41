/// A handle to `capacity` values of a plain type in memory allocated by `allocate(capacity:)` and released by
/// `deallocate()`: the storage of a growable table that keeps its own count (swift-collections' unsafe handles are
/// the model).
///
/// Subscripts and copies are named `unchecked`: their bounds are asserted in debug builds against the capacity and
/// not checked in release builds. The handle does not track which slots hold values; the owner keeps that count and
/// passes it where it matters (`reallocated(capacity:keeping:)`).
public struct UncheckedBuffer<Element: BitwiseCopyable> {
    /// The first slot.
    @usableFromInline let base: UnsafeMutablePointer<Element>
    /// How many slots the memory holds.
    public let capacity: Int

    @inlinable @inline(__always)
    init(base: UnsafeMutablePointer<Element>, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    /// A handle to memory someone else allocated and releases (an output buffer handed in): never `deallocate()` it.
    @inlinable @inline(__always)
    public init(_ buffer: UnsafeMutableBufferPointer<Element>) {
        precondition(buffer.baseAddress != nil || buffer.isEmpty, "UncheckedBuffer: a buffer without memory")
        // An empty buffer may have no address: an aligned non-null one stands in (no slot of it is ever touched).
        self.init(base: buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: MemoryLayout<Element>.alignment).unsafelyUnwrapped,
                  capacity: buffer.count)
    }

    /// Fresh memory for `capacity` values (uninitialized: write a slot before reading it).
    @inlinable
    public static func allocate(capacity: Int) -> UncheckedBuffer {
        precondition(capacity >= 0, "UncheckedBuffer: negative capacity")
        return UncheckedBuffer(base: .allocate(capacity: Swift.max(capacity, 1)), capacity: capacity)
    }

    /// Fresh memory for `capacity` values, each set to `value`.
    @inlinable
    public static func allocate(capacity: Int, filledWith value: Element) -> UncheckedBuffer {
        let buffer = allocate(capacity: capacity)
        buffer.base.initialize(repeating: value, count: Swift.max(capacity, 1))
        return buffer
    }

    /// Releases the memory; the handle (and every copy of it) must not be used afterwards.
    @inlinable
    public func deallocate() { base.deallocate() }

    /// New memory of `capacity` slots holding this buffer's first `count` values; this buffer is released.
    @inlinable
    public func reallocated(capacity newCapacity: Int, keeping count: Int) -> UncheckedBuffer {
        precondition(count >= 0 && count <= capacity && count <= newCapacity, "UncheckedBuffer: kept count out of bounds")
        let grown = UncheckedBuffer.allocate(capacity: newCapacity)
        grown.base.update(from: base, count: count)
        deallocate()
        return grown
    }

    /// The value in slot `i` (asserted `0 <= i < capacity` in debug builds only).
    @inlinable
    public subscript(unchecked i: Int) -> Element {
        @inline(__always) get {
            assert(i >= 0 && i < capacity, "UncheckedBuffer: index out of bounds")
            return base[i]
        }
        @inline(__always) nonmutating set {
            assert(i >= 0 && i < capacity, "UncheckedBuffer: index out of bounds")
            base[i] = newValue
        }
    }

    /// Slots `range` as a handle of their own, slot 0 being `range.lowerBound` (asserted inside the capacity in
    /// debug builds only); it shares this memory: never `deallocate()` it.
    @inlinable @inline(__always)
    public func slice(unchecked range: Range<Int>) -> UncheckedBuffer {
        assert(range.lowerBound >= 0 && range.upperBound <= capacity, "UncheckedBuffer: slice out of bounds")
        return UncheckedBuffer(base: base + range.lowerBound, capacity: range.count)
    }

    /// Sets every slot to `value`.
    @inlinable @inline(__always)
    public func fill(with value: Element) {
        base.update(repeating: value, count: capacity)
    }

    /// The `Value` whose bytes start at slot `offset` (a vector of several elements, say), at any alignment; they
    /// must lie inside the capacity (asserted in debug builds only).
    @inlinable @inline(__always)
    public func loadUnaligned<Value: BitwiseCopyable>(uncheckedAt offset: Int, as type: Value.Type) -> Value {
        assert(offset >= 0 && offset * MemoryLayout<Element>.stride + MemoryLayout<Value>.size <= capacity * MemoryLayout<Element>.stride,
               "UncheckedBuffer: load out of bounds")
        return UnsafeRawPointer(base + offset).loadUnaligned(as: Value.self)
    }

    /// Stores the bytes of `value` (a vector of several elements, say) over the slots from `offset` on, at any
    /// alignment; they must lie inside the capacity (asserted in debug builds only).
    @inlinable @inline(__always)
    public func storeBytes<Value: BitwiseCopyable>(of value: Value, uncheckedAt offset: Int) {
        assert(offset >= 0 && offset * MemoryLayout<Element>.stride + MemoryLayout<Value>.size <= capacity * MemoryLayout<Element>.stride,
               "UncheckedBuffer: store out of bounds")
        UnsafeMutableRawPointer(base + offset).storeBytes(of: value, as: Value.self)
    }

    /// Copies `count` values from `source` into slots `offset ..< offset + count` (asserted inside the capacity in
    /// debug builds only).
    @inlinable @inline(__always)
    public func update(uncheckedAt offset: Int, from source: UnsafePointer<Element>, count: Int) {
        assert(offset >= 0 && count >= 0 && offset + count <= capacity, "UncheckedBuffer: copy out of bounds")
        (base + offset).update(from: source, count: count)
    }

    /// Copies the values of `source` (an array, or a slice of one) into the slots from `offset` on (asserted inside
    /// the capacity in debug builds only).
    @inlinable
    public func update<Source: Collection>(uncheckedAt offset: Int, fromContentsOf source: Source) where Source.Element == Element {
        assert(offset >= 0 && offset + source.count <= capacity, "UncheckedBuffer: copy out of bounds")
        let copied: Void? = source.withContiguousStorageIfAvailable { values in
            if let start = values.baseAddress { (base + offset).update(from: start, count: values.count) }
        }
        if copied == nil {
            var slot = offset
            for value in source {
                base[slot] = value
                slot += 1
            }
        }
    }

    /// Copies the values of slots `source` to the slots from `offset` on; the two ranges may overlap (both asserted
    /// inside the capacity in debug builds only).
    @inlinable @inline(__always)
    public func copy(unchecked source: Range<Int>, to offset: Int) {
        assert(source.lowerBound >= 0 && source.upperBound <= capacity, "UncheckedBuffer: copy source out of bounds")
        assert(offset >= 0 && offset + source.count <= capacity, "UncheckedBuffer: copy target out of bounds")
        (base + offset).update(from: base + source.lowerBound, count: source.count)
    }

    /// A pointer to slot `offset` for an API that takes one and reads or writes `count` values from there (the
    /// range asserted inside the capacity in debug builds only).
    @inlinable @inline(__always)
    public func pointer(uncheckedAt offset: Int, count: Int) -> UnsafeMutablePointer<Element> {
        assert(offset >= 0 && count >= 0 && offset + count <= capacity, "UncheckedBuffer: pointer range out of bounds")
        return base + offset
    }

    /// Slots `range` as a buffer, for an API that takes one (asserted inside the capacity in debug builds only).
    @inlinable @inline(__always)
    public func buffer(unchecked range: Range<Int>) -> UnsafeBufferPointer<Element> {
        assert(range.lowerBound >= 0 && range.upperBound <= capacity, "UncheckedBuffer: range out of bounds")
        return UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    /// Slots `range` as a mutable buffer (asserted inside the capacity in debug builds only).
    @inlinable @inline(__always)
    public func mutableBuffer(unchecked range: Range<Int>) -> UnsafeMutableBufferPointer<Element> {
        assert(range.lowerBound >= 0 && range.upperBound <= capacity, "UncheckedBuffer: range out of bounds")
        return UnsafeMutableBufferPointer(start: base + range.lowerBound, count: range.count)
    }
}

extension UncheckedBuffer where Element == UInt8 {
    /// Copies the bytes of a view into the slots from `offset` on (asserted inside the capacity in debug builds
    /// only).
    @inlinable @inline(__always)
    public func update(uncheckedAt offset: Int, from bytes: UncheckedBytes) {
        guard !bytes.isEmpty else { return }
        update(uncheckedAt: offset, from: bytes.buffer.baseAddress.unsafelyUnwrapped, count: bytes.count)
    }

    /// Slots `range` as a read-only byte view (asserted inside the capacity in debug builds only).
    @inlinable @inline(__always)
    public func bytes(unchecked range: Range<Int>) -> UncheckedBytes {
        assert(range.lowerBound >= 0 && range.upperBound <= capacity, "UncheckedBuffer: range out of bounds")
        return UncheckedBytes(start: base + range.lowerBound, count: range.count)
    }
}
