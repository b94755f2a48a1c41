/// The character encoding of a feed. Huiyan stores UTF-8; GBK and GB18030 (what many county systems still
/// export) are converted as the file is read.
public enum FeedEncoding: String, Codable, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case gbk
    case gb18030

    /// The encoding a name gives, case-insensitive: `utf-8`/`utf8`, `gbk`/`cp936`, `gb18030`.
    public init?(name: String) {
        switch name.lowercased() {
        case "utf-8", "utf8": self = .utf8
        case "gbk", "cp936": self = .gbk
        case "gb18030": self = .gb18030
        default: return nil
        }
    }

    /// The name glibc's iconv knows it by.
    var iconvName: String {
        switch self {
        case .utf8: return "UTF-8"
        case .gbk: return "GBK"
        case .gb18030: return "GB18030"
        }
    }
}

/// How a feed's bytes become UTF-8 text: gunzipped when compressed, converted when in another encoding.
package struct InputDecoding: Sendable, Equatable {
    package var gzip: Bool
    package var encoding: FeedEncoding

    package init(gzip: Bool = false, encoding: FeedEncoding = .utf8) {
        self.gzip = gzip
        self.encoding = encoding
    }

    /// Bytes read as they are stored: offsets in the text are offsets in the file (it can be split and hashed
    /// in place).
    package static let plain = InputDecoding()

    package var isPlain: Bool { !gzip && encoding == .utf8 }

    /// Whether a file name says it is gzip-compressed (`.gz`).
    package static func isGzipName(_ path: String) -> Bool { path.lowercased().hasSuffix(".gz") }

    /// A file name without its compression suffix (`visits.csv.gz` → `visits.csv`), to tell its format.
    package static func uncompressedName(_ path: String) -> String {
        isGzipName(path) ? String(path.dropLast(3)) : path
    }
}
