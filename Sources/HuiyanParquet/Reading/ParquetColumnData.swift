/// One column chunk's values (a row group's column), decoded.
public struct ParquetColumnData {
    public internal(set) var count = 0
    /// Values of every kind but `double` (strings: codes into `stringStarts`); 0 where NULL.
    public internal(set) var ints: [Int64] = []
    public internal(set) var doubles: [Double] = []
    /// 1 where NULL; nil when none is.
    public internal(set) var nulls: [UInt8]?
    /// A string column's entries: entry `i` is `stringBytes[stringStarts[i] ..< stringStarts[i + 1]]`.
    public internal(set) var stringBytes: [UInt8] = []
    public internal(set) var stringStarts: [Int] = [0]
}
