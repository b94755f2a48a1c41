import HuiyanBuffers

/// A place in `TokenArena`: the bytes of one pre-encoded value.
struct Token: Sendable {
    var start: Int32
    var count: Int32
}

/// The catalog's names encoded once for the output format — quoted when CSV needs it, as JSON
/// strings for NDJSON — in one contiguous block the writer copies from.
final class TokenArena {
    let format: FeedFormat
    private var bytes: [UInt8] = []
    private(set) var longest = 0
    private var frozen: UncheckedBuffer<UInt8>?

    init(format: FeedFormat) { self.format = format }

    deinit { frozen?.deallocate() }

    /// A string value: CSV-quoted if it holds a comma, quote or line break; a JSON string for NDJSON.
    func value(_ text: String) -> Token {
        var encoded: [UInt8] = []
        let utf8 = Array(text.utf8)
        switch format {
        case .csv:
            let needsQuotes = utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
                || utf8.first == 0x20 || utf8.last == 0x20
            if needsQuotes {
                encoded.append(UInt8(ascii: "\""))
                for b in utf8 {
                    if b == UInt8(ascii: "\"") { encoded.append(b) }
                    encoded.append(b)
                }
                encoded.append(UInt8(ascii: "\""))
            } else {
                encoded = utf8
            }
        case .ndjson:
            encoded = Self.jsonString(utf8)
        }
        return raw(encoded)
    }

    /// Bytes copied as they are.
    func raw(_ encoded: [UInt8]) -> Token {
        precondition(frozen == nil, "the arena is frozen")
        let token = Token(start: Int32(bytes.count), count: Int32(encoded.count))
        bytes += encoded
        longest = max(longest, encoded.count)
        return token
    }

    func raw(_ text: String) -> Token { raw(Array(text.utf8)) }

    /// `"text"` with JSON escapes.
    static func jsonString(_ utf8: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        let hex = Array("0123456789abcdef".utf8)
        for b in utf8 {
            switch b {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), b]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), b]
            case 0x0A: out += Array("\\n".utf8)
            case 0x0D: out += Array("\\r".utf8)
            case 0x09: out += Array("\\t".utf8)
            case 0..<0x20: out += Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 15)]]
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
        return out
    }

    /// The block's bytes, valid for the arena's life; no token can be added afterwards.
    func freeze() -> UncheckedBytes {
        if let frozen { return frozen.bytes(unchecked: 0..<frozen.capacity) }
        let block = UncheckedBuffer<UInt8>.allocate(capacity: bytes.count)
        block.update(uncheckedAt: 0, fromContentsOf: bytes)
        frozen = block
        return block.bytes(unchecked: 0..<block.capacity)
    }
}
