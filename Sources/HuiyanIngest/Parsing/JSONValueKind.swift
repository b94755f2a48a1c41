/// The kind of a scalar JSON value in an NDJSON record.
enum JSONValueKind: UInt8, Equatable, Sendable {
    case string = 0
    case number = 1
    case bool = 2
    case null = 3
}
