import HuiyanBuffers

/// The bytes of a text being generated: a large buffer filled by hand, handed to a sink when full.
/// Integers, money and timestamps are formatted here digit by digit, with no allocation. A row may take up to
/// `reserve` bytes past the flush level: writes are not checked against the capacity in release builds
/// (`UncheckedBuffer` asserts them in debug builds).
struct RowWriter {
    let base: UncheckedBuffer<UInt8>
    /// Past this fill level the buffer is flushed before the next row.
    let limit: Int
    var count = 0

    init(capacity: Int, reserve: Int) {
        base = .allocate(capacity: capacity)
        limit = capacity - reserve
    }

    var capacity: Int { base.capacity }

    func deallocate() { base.deallocate() }

    var needsFlush: Bool { @inline(__always) get { count > limit } }

    mutating func flush(to sink: ByteSink) throws {
        try sink.write(base.bytes(unchecked: 0..<count).rawBuffer)
        count = 0
    }

    @inline(__always)
    mutating func byte(_ b: UInt8) {
        base[unchecked: count] = b
        count &+= 1
    }

    @inline(__always)
    mutating func bytes(_ source: UncheckedBytes) {
        base.update(uncheckedAt: count, from: source)
        count &+= source.count
    }

    mutating func ascii(_ text: StaticString) {
        bytes(UncheckedBytes(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Two decimal digits of `value` (0–99).
    @inline(__always)
    mutating func twoDigits(_ value: Int) {
        let tens = value / 10
        base[unchecked: count] = UInt8(truncatingIfNeeded: 48 &+ tens)
        base[unchecked: count &+ 1] = UInt8(truncatingIfNeeded: 48 &+ value &- tens &* 10)
        count &+= 2
    }

    /// The decimal digits of `value`.
    @inline(__always)
    mutating func unsigned(_ value: UInt64) {
        var digits = 1
        var probe = value
        while probe >= 10 { probe /= 10; digits &+= 1 }
        digitsBackwards(value, digits)
    }

    /// `value` in at least `width` digits, zero-padded.
    @inline(__always)
    mutating func padded(_ value: UInt64, width: Int) {
        var digits = 1
        var probe = value
        while probe >= 10 { probe /= 10; digits &+= 1 }
        digitsBackwards(value, max(digits, width))
    }

    /// Exactly `width` digits: `value` (below 10^width) zero-padded, written two digits at a time with no
    /// digit count first (the generated ids have a fixed width).
    @inline(__always)
    mutating func fixedWidth(_ value: UInt64, width: Int) {
        var v = value
        var i = count &+ width
        while i &- count >= 2 {
            let q = v / 100
            let pair = Int(truncatingIfNeeded: v &- q &* 100), tens = pair / 10
            i &-= 2
            base[unchecked: i] = UInt8(truncatingIfNeeded: 48 &+ tens)
            base[unchecked: i &+ 1] = UInt8(truncatingIfNeeded: 48 &+ pair &- tens &* 10)
            v = q
        }
        if i > count { base[unchecked: count] = UInt8(truncatingIfNeeded: 48 &+ v % 10) }
        count &+= width
    }

    @inline(__always)
    private mutating func digitsBackwards(_ value: UInt64, _ digits: Int) {
        var v = value
        var i = count &+ digits &- 1
        while i >= count {
            let q = v / 10
            base[unchecked: i] = UInt8(truncatingIfNeeded: 48 &+ (v &- q &* 10))
            v = q
            i &-= 1
        }
        count &+= digits
    }

    @inline(__always)
    mutating func signed(_ value: Int64) {
        if value < 0 { byte(UInt8(ascii: "-")) }
        unsigned(value.magnitude)
    }

    /// Fen as yuan with two decimals: `-12.30`, `0.00`, `268.00`.
    @inline(__always)
    mutating func money(_ fen: Int64) {
        if fen < 0 { byte(UInt8(ascii: "-")) }
        let magnitude = fen.magnitude
        let yuan = magnitude / 100
        unsigned(yuan)
        byte(UInt8(ascii: "."))
        twoDigits(Int(truncatingIfNeeded: magnitude &- yuan &* 100))
    }

    /// `HH:MM:SS` of a second of the day.
    @inline(__always)
    mutating func timeOfDay(_ second: Int) {
        let h = second / 3600, rest = second &- h &* 3600, m = rest / 60
        twoDigits(h)
        byte(UInt8(ascii: ":"))
        twoDigits(m)
        byte(UInt8(ascii: ":"))
        twoDigits(rest &- m &* 60)
    }
}
