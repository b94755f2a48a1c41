import HuiyanValues

/// The Hive partition columns of a list of files: the `key=value` folder names in their paths (as
/// `COPY … (PARTITION_BY …)` writes them), one column per key, in the order of the folders. As DuckDB: a key's
/// type is DATE, TIMESTAMP or BIGINT when every value of it reads as one (on the text as it is in the folder
/// name), else VARCHAR; `__HIVE_DEFAULT_PARTITION__` is NULL; `%XX` is decoded. Every file must have the same
/// keys.
struct HivePartitions {
    static let nullValue = "__HIVE_DEFAULT_PARTITION__"

    let names: [String]
    let types: [SQLType]
    /// For each file, its value of each key.
    let values: [[Value]]

    /// The keys of one path's folders, with their texts as written.
    static func keys(of path: String) -> [(key: String, value: String)] {
        path.split(separator: "/").dropLast().compactMap { folder in
            guard let equal = folder.firstIndex(of: "="), equal != folder.startIndex else { return nil }
            return (String(folder[..<equal]), String(folder[folder.index(after: equal)...]))
        }
    }

    /// Whether a path's folders are Hive partitions (DuckDB's detection when `hive_partitioning` is not given).
    static func detected(in path: String) -> Bool { !keys(of: path).isEmpty }

    /// The partition columns of `files`; times without an offset are in the database's zone.
    init(files: [String], zoneOffset: Int) throws {
        let first = Self.keys(of: files[0])
        names = first.map { Self.decoded($0.key) }
        var texts: [[String]] = []
        for file in files {
            let keys = Self.keys(of: file)
            guard keys.map(\.key) == first.map(\.key) else {
                throw QueryError("Hive partitions differ: '\(file)' has folders \(keys.map { "\($0.key)=" }.joined(separator: "/")), "
                                 + "'\(files[0])' has \(first.map { "\($0.key)=" }.joined(separator: "/")) (hive_partitioning = false reads the files without them)")
            }
            texts.append(keys.map(\.value))
        }
        var candidates = [TextTypeCandidates](repeating: .all, count: first.count)
        for row in texts {
            for (k, text) in row.enumerated() where text != Self.nullValue {
                Array(text.utf8).withUnsafeBufferPointer { candidates[k].narrow($0, quoted: false, json: false) }
            }
        }
        // DATE, TIMESTAMP and BIGINT are inferred; a boolean or a fraction stays text.
        let types = candidates.map { c -> SQLType in
            switch c.type {
            case .int64, .date, .timestamp: return c.type
            default: return .string
            }
        }
        self.types = types
        values = texts.map { row in
            row.enumerated().map { k, text in Self.value(text, types[k], zoneOffset: zoneOffset) }
        }
    }

    /// A folder's text as a value of its key's type.
    private static func value(_ text: String, _ type: SQLType, zoneOffset: Int) -> Value {
        guard text != nullValue else { return .null }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { b -> Value in
            switch type {
            case .int64: return ValueParsing.parseInt64(b).value.map(Value.int) ?? .null
            case .date:
                return ValueParsing.parseTimestampMicros(b, localOffsetSeconds: 0).value.map { .date(TimeMath.floorDiv($0, TimeMath.microsPerDay)) } ?? .null
            case .timestamp: return ValueParsing.parseTimestampMicros(b, localOffsetSeconds: zoneOffset).value.map(Value.timestamp) ?? .null
            default: return .string(decoded(text))
            }
        }
    }

    /// `%XX` decoded (the escapes `PartitionedSink` writes); a `%` not before two hex digits stays.
    static func decoded(_ text: String) -> String {
        guard text.contains("%") else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
            default: return nil
            }
        }
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let hi = hex(bytes[i + 1]), let lo = hex(bytes[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
