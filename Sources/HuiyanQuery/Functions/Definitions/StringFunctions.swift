/// Functions of strings (docs/SQL.md, "Strings"). Lengths and positions count characters (Unicode scalars,
/// as DuckDB and PostgreSQL do), not bytes or grapheme clusters.
extension FunctionRegistry {
    static let stringFunctions: [FunctionDefinition] = [
        FunctionDefinition(["lower", "lcase"], bind: { b in try stringCall(b, 1, returns: .string) },
                           compute: { args, _ in .string(args[0].string.lowercased()) }),
        FunctionDefinition(["upper", "ucase"], bind: { b in try stringCall(b, 1, returns: .string) },
                           compute: { args, _ in .string(args[0].string.uppercased()) }),
        FunctionDefinition(["length", "char_length", "character_length"], bind: { b in try stringCall(b, 1, returns: .int64) },
                           compute: { args, _ in .int(Int64(characterCount(args[0].string))) }),
        FunctionDefinition(["substring", "substr"], bind: { b in try stringCall(b, 2...3, integers: [1, 2], returns: .string) },
                           compute: { args, _ in
            let text = args[0].string, n = Int64(characterCount(text))
            // Positions from 1; a negative start counts from the end; a negative length takes the characters before.
            let start = args[1].int < 0 ? n + args[1].int + 1 : args[1].int
            var (low, high) = (start, Int64.max)
            if args.count == 3 {
                let length = args[2].int
                (low, high) = length >= 0 ? (start, start.addingClamped(length)) : (start.addingClamped(length), start)
            }
            return .string(slice(text, from: low, to: high))
        }),
        FunctionDefinition(["left"], bind: { b in try stringCall(b, 2, integers: [1], returns: .string) }, compute: { args, _ in
            let text = args[0].string, k = args[1].int, n = Int64(characterCount(text))
            return .string(slice(text, from: 1, to: (k >= 0 ? Swift.min(k, n) : Swift.max(n + k, 0)) + 1))
        }),
        FunctionDefinition(["right"], bind: { b in try stringCall(b, 2, integers: [1], returns: .string) }, compute: { args, _ in
            let text = args[0].string, k = args[1].int, n = Int64(characterCount(text))
            let count = k >= 0 ? Swift.min(k, n) : Swift.max(n + k, 0)
            return .string(slice(text, from: n - count + 1, to: n + 1))
        }),
        FunctionDefinition(["replace"], bind: { b in try stringCall(b, 3, returns: .string) }, compute: { args, _ in
            let from = args[1].string
            return .string(from.isEmpty ? args[0].string : args[0].string.replacingAll(from, with: args[2].string))
        }),
        FunctionDefinition(["concat"], strict: false, bind: { b in
            try b.arity(1...Int.max)
            return b.call(try b.arguments.indices.map { try b.text($0) }, type: .string)
        }, compute: { args, _ in .string(args.map(\.string).joined()) }),
        FunctionDefinition(["concat_ws"], strict: false, bind: { b in
            try b.arity(2...Int.max)
            return b.call(try b.arguments.indices.map { try b.text($0) }, type: .string)
        }, compute: { args, _ in
            guard case .string(let separator) = args[0] else { return .null }
            return .string(args.dropFirst().filter { !$0.isNull }.map(\.string).joined(separator: separator))
        }),
        FunctionDefinition(["trim", "btrim"], bind: { b in try stringCall(b, 1...2, returns: .string) },
                           compute: { args, _ in .string(trimmed(args, leading: true, trailing: true)) }),
        FunctionDefinition(["ltrim"], bind: { b in try stringCall(b, 1...2, returns: .string) },
                           compute: { args, _ in .string(trimmed(args, leading: true, trailing: false)) }),
        FunctionDefinition(["rtrim"], bind: { b in try stringCall(b, 1...2, returns: .string) },
                           compute: { args, _ in .string(trimmed(args, leading: false, trailing: true)) }),
        FunctionDefinition(["split_part"], bind: { b in try stringCall(b, 3, integers: [2], returns: .string) }, compute: { args, _ in
            let s = args[0].string, delimiter = args[1].string, k = args[2].int
            // An empty delimiter splits into characters; a negative part counts from the end.
            let parts: [String] = delimiter.isEmpty ? s.unicodeScalars.map { String($0) } : s.components(separatedBy: delimiter)
            let index = k > 0 ? k - 1 : Int64(parts.count) + k
            guard k != 0, index >= 0, index < parts.count else { return .string("") }
            return .string(parts[Int(index)])
        }),
        FunctionDefinition(["starts_with", "prefix"], bind: { b in try stringCall(b, 2, returns: .boolean) },
                           compute: { args, _ in .bool(args[0].string.utf8.starts(with: args[1].string.utf8)) }),
        FunctionDefinition(["ends_with", "suffix"], bind: { b in try stringCall(b, 2, returns: .boolean) },
                           compute: { args, _ in .bool(args[0].string.utf8.reversed().starts(with: args[1].string.utf8.reversed())) }),
        FunctionDefinition(["contains"], bind: { b in try stringCall(b, 2, returns: .boolean) },
                           compute: { args, _ in .bool(args[1].string.isEmpty || args[0].string.range(of: args[1].string) != nil) }),
        FunctionDefinition(["strpos", "instr", "position"], bind: { b in try stringCall(b, 2, returns: .int64) },
                           compute: { args, _ in .int(position(of: args[1].string, in: args[0].string)) }),
        FunctionDefinition(["lpad"], bind: { b in try stringCall(b, 3, integers: [1], returns: .string) },
                           compute: { args, _ in .string(try padded(args, left: true)) }),
        FunctionDefinition(["rpad"], bind: { b in try stringCall(b, 3, integers: [1], returns: .string) },
                           compute: { args, _ in .string(try padded(args, left: false)) }),
        FunctionDefinition(["reverse"], bind: { b in try stringCall(b, 1, returns: .string) },
                           compute: { args, _ in .string(String(args[0].string.reversed())) }),
        FunctionDefinition(["repeat"], bind: { b in try stringCall(b, 2, integers: [1], returns: .string) }, compute: { args, _ in
            let s = args[0].string, k = args[1].int
            guard k > 0, !s.isEmpty else { return .string("") }
            guard Int64(s.utf8.count).multipliedReportingOverflow(by: k).partialValue <= 1 << 28, k <= 1 << 28 else {
                throw QueryError("repeat would make a string of more than 256 MiB")
            }
            try CancellationPoll.spend(s.utf8.count * Int(k))
            return .string(String(repeating: s, count: Int(k)))
        }),
    ]

    /// The characters at positions `from` ..< `to` (from 1) that exist.
    /// Characters `from ..< to` of `text` (positions from 1, clamped to the string), cut on its UTF-8 bytes.
    private static func slice(_ text: String, from: Int64, to: Int64) -> String {
        var text = text
        return text.withUTF8 { bytes in
            let low = Swift.max(from, 1), high = Swift.min(to, Int64(scalarCount(bytes)) + 1)
            guard low < high else { return "" }
            let start = byteOffset(bytes, ofScalar: Int(low - 1))
            let end = byteOffset(bytes, ofScalar: Int(high - low), after: start)
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
    }

    /// The characters (Unicode scalars) of `text`.
    private static func characterCount(_ text: String) -> Int {
        var text = text
        return text.withUTF8 { scalarCount($0) }
    }

    /// The Unicode scalars in valid UTF-8: the bytes that are not continuation bytes (10xxxxxx).
    private static func scalarCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var n = 0
        for b in bytes where b & 0xC0 != 0x80 { n += 1 }
        return n
    }

    /// The byte offset at which scalar `k` starts, counting from byte `start` (a scalar's first byte); the
    /// end of the bytes when there are fewer scalars.
    private static func byteOffset(_ bytes: UnsafeBufferPointer<UInt8>, ofScalar k: Int, after start: Int = 0) -> Int {
        var seen = 0, i = start
        while i < bytes.count {
            if bytes[i] & 0xC0 != 0x80 {
                if seen == k { return i }
                seen += 1
            }
            i += 1
        }
        return bytes.count
    }

    /// The string with the characters of the second argument (spaces when absent) removed from its ends.
    private static func trimmed(_ args: [Value], leading: Bool, trailing: Bool) -> String {
        let set = Set((args.count > 1 ? args[1].string : " ").unicodeScalars)
        var chars = Substring(args[0].string).unicodeScalars[...]
        if leading { while let c = chars.first, set.contains(c) { chars.removeFirst() } }
        if trailing { while let c = chars.last, set.contains(c) { chars.removeLast() } }
        return String(String.UnicodeScalarView(chars))
    }

    /// The character position (from 1) of the first `needle` in `haystack`; 0 when absent, 1 for "".
    private static func position(of needle: String, in haystack: String) -> Int64 {
        guard !needle.isEmpty else { return 1 }
        guard let range = haystack.utf8.firstRange(of: needle.utf8) else { return 0 }
        return Int64(haystack.unicodeScalars[..<range.lowerBound].count) + 1
    }

    /// lpad / rpad: the string cut or filled to the length with the fill repeated.
    private static func padded(_ args: [Value], left: Bool) throws -> String {
        let chars = Array(args[0].string.unicodeScalars), fill = Array(args[2].string.unicodeScalars), n = args[1].int
        guard n > 0 else { return "" }
        if chars.count >= n { return slice(args[0].string, from: 1, to: n + 1) }
        guard !fill.isEmpty else { throw QueryError("\(left ? "lpad" : "rpad") needs a fill of at least one character to reach \(n)") }
        guard n <= 1 << 26 else { throw QueryError("\(left ? "lpad" : "rpad") would make a string of more than 2^26 characters") }
        try CancellationPoll.spend(Int(n))
        var padding = String.UnicodeScalarView()
        for i in 0..<(Int(n) - chars.count) { padding.append(fill[i % fill.count]) }
        var body = String.UnicodeScalarView()
        body.append(contentsOf: chars)
        return left ? String(padding) + String(body) : String(body) + String(padding)
    }

    /// A call of `arity` arguments, all strings but those at `integers` (BIGINT); NULL converts to either.
    static func stringCall(_ b: FunctionBinding, _ arity: ClosedRange<Int>, integers: Set<Int> = [],
                           returns type: SQLType) throws -> BoundExpression {
        try b.arity(arity)
        return b.call(try b.arguments.indices.map { try b.argument($0, as: integers.contains($0) ? .int64 : .string) }, type: type)
    }

    static func stringCall(_ b: FunctionBinding, _ arity: Int, integers: Set<Int> = [], returns type: SQLType) throws -> BoundExpression {
        try stringCall(b, arity...arity, integers: integers, returns: type)
    }
}

extension Value {
    /// The string of a VARCHAR value ("" otherwise).
    var string: String {
        if case .string(let s) = self { return s }
        return ""
    }

    /// The integer of a BIGINT value (0 otherwise).
    var int: Int64 {
        if case .int(let i) = self { return i }
        return 0
    }
}

extension Int64 {
    /// `self + x`, held at Int64's bounds instead of overflowing.
    func addingClamped(_ x: Int64) -> Int64 {
        let (r, o) = addingReportingOverflow(x)
        return o ? (x > 0 ? .max : .min) : r
    }
}

extension String {
    /// Every non-overlapping `target` (not empty) replaced, by bytes, left to right.
    func replacingAll(_ target: String, with replacement: String) -> String {
        var out = ""
        var rest = Substring(self)
        while let range = rest.utf8.firstRange(of: target.utf8) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
