/// Why a Parquet file cannot be read: damage (a count, offset or length that does not fit the file), or a
/// feature this reader does not have. Every message names the file; none is a crash.
public struct ParquetReadError: Error, CustomStringConvertible, Sendable {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    static func damaged(_ what: String) -> ParquetReadError { ParquetReadError("damaged Parquet file: \(what)") }
}
