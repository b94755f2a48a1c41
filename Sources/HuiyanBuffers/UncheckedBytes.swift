/// A read-only view of `count` bytes that the caller keeps alive and unchanged while the view is used: the input
/// of a parser or a decoder.
///
/// Every read is named `unchecked`: its bounds are asserted in debug builds (so the tests catch a step past the
/// end) and not checked at all in release builds, where the read is one load. Code that cannot prove its offsets
/// from the data it already checked reads through `ByteReader` (HuiyanStorage) instead, which throws.
public struct UncheckedBytes {
    /// The first byte; nil only for an empty view.
    @usableFromInline let start: UnsafeRawPointer?
    /// How many bytes the view covers.
    public let count: Int

    /// A view of `count` bytes from `start`.
    @inlinable @inline(__always)
    public init(start: UnsafeRawPointer?, count: Int) {
        assert(count >= 0 && (start != nil || count == 0), "UncheckedBytes: negative count or a nil start")
        self.start = start
        self.count = count
    }

    /// A view of a buffer's bytes.
    @inlinable @inline(__always)
    public init(_ buffer: UnsafeBufferPointer<UInt8>) {
        self.init(start: UnsafeRawPointer(buffer.baseAddress), count: buffer.count)
    }

    /// A view of a raw buffer's bytes.
    @inlinable @inline(__always)
    public init(_ buffer: UnsafeRawBufferPointer) {
        self.init(start: buffer.baseAddress, count: buffer.count)
    }

    /// True when the view covers no bytes.
    @inlinable public var isEmpty: Bool { count == 0 }

    /// The byte at offset `i` (asserted `0 <= i < count` in debug builds only).
    @inlinable
    public subscript(unchecked i: Int) -> UInt8 {
        @inline(__always) get {
            assert(i >= 0 && i < count, "UncheckedBytes: offset out of bounds")
            return start.unsafelyUnwrapped.load(fromByteOffset: i, as: UInt8.self)
        }
    }

    /// The `T` stored (in memory order, at any alignment) at byte `offset`; the whole value must lie inside the
    /// view (asserted in debug builds only).
    @inlinable @inline(__always)
    public func loadUnaligned<T: BitwiseCopyable>(uncheckedAt offset: Int, as type: T.Type) -> T {
        assert(offset >= 0 && offset + MemoryLayout<T>.size <= count, "UncheckedBytes: load out of bounds")
        return start.unsafelyUnwrapped.loadUnaligned(fromByteOffset: offset, as: T.self)
    }

    /// The bytes `range` of this view, as a view (bounds asserted in debug builds only).
    @inlinable @inline(__always)
    public func slice(unchecked range: Range<Int>) -> UncheckedBytes {
        assert(range.lowerBound >= 0 && range.upperBound <= count, "UncheckedBytes: slice out of bounds")
        return UncheckedBytes(start: range.isEmpty ? start : start.unsafelyUnwrapped + range.lowerBound, count: range.count)
    }

    /// The bytes `range` of this view, as a buffer for an API that takes one (bounds asserted in debug builds only).
    @inlinable @inline(__always)
    public func buffer(unchecked range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        slice(unchecked: range).buffer
    }

    /// The whole view, as a buffer.
    @inlinable public var buffer: UnsafeBufferPointer<UInt8> {
        @inline(__always) get {
            UnsafeBufferPointer(start: start?.assumingMemoryBound(to: UInt8.self), count: count)
        }
    }

    /// The whole view, as a raw buffer.
    @inlinable public var rawBuffer: UnsafeRawBufferPointer {
        @inline(__always) get { UnsafeRawBufferPointer(start: start, count: count) }
    }
}
