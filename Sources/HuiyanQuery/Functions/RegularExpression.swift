import CRE2
import Foundation

/// A compiled regular expression in RE2's syntax (as DuckDB's), matched in time linear in the input: no
/// pattern can make a match backtrack. One per call and batch; not shared between threads.
final class RegularExpression {
    private let regex: OpaquePointer
    let groups: Int

    /// Compiles `pattern`; the error is RE2's message about it.
    init(_ pattern: String, caseInsensitive: Bool = false, dotMatchesNewline: Bool = false) throws {
        var error = [CChar](repeating: 0, count: 256)
        var copy = pattern
        let compiled = copy.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) {
                cre2_compile($0.baseAddress, $0.count, caseInsensitive ? 1 : 0, dotMatchesNewline ? 1 : 0, &error, error.count)
            }
        }
        guard let compiled else {
            throw QueryError("invalid regular expression '\(pattern)': \(Self.message(error))")
        }
        regex = compiled
        groups = Int(cre2_groups(compiled))
    }

    deinit { cre2_free(regex) }

    /// Whether the pattern matches somewhere in `text`.
    func matches(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { bytes in bytes.withMemoryRebound(to: CChar.self) { cre2_partial_match(regex, $0.baseAddress, $0.count) != 0 } }
    }

    /// Group `group` of the first match (0: the whole match); nil when nothing matches.
    func extract(_ text: String, group: Int) -> String? {
        var copy = text
        return copy.withUTF8 { bytes -> String? in
            var start = 0, length = 0
            let found = bytes.withMemoryRebound(to: CChar.self) { cre2_extract(regex, $0.baseAddress, $0.count, Int32(group), &start, &length) }
            guard found != 0 else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(start + length)]), as: UTF8.self)
        }
    }

    /// `text` with the first match (every match when `global`) replaced by `rewrite` (`\1` … `\9` for groups).
    func replace(_ text: String, with rewrite: String, global: Bool) throws -> String {
        var copy = text, rewriteCopy = rewrite
        var error = [CChar](repeating: 0, count: 256)
        var length = 0
        let buffer = copy.withUTF8 { bytes in
            rewriteCopy.withUTF8 { r in
                bytes.withMemoryRebound(to: CChar.self) { b in
                    r.withMemoryRebound(to: CChar.self) { r in
                        cre2_replace(regex, b.baseAddress, b.count, r.baseAddress, r.count, global ? 1 : 0, &length, &error, error.count)
                    }
                }
            }
        }
        guard let buffer else { throw QueryError("regexp_replace: \(Self.message(error))") }
        defer { free(buffer) }
        return String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self)
    }

    /// The message RE2 wrote into `buffer`, up to its NUL.
    private static func message(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
