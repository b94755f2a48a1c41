/// One column chunk's values (a row group's column), decoded.
package struct ParquetColumnData {
    package internal(set) var count = 0
    /// Values of every kind but `double` (strings: codes into `stringStarts`); 0 where NULL.
    package internal(set) var ints: [Int64] = []
    package internal(set) var doubles: [Double] = []
    /// 1 where NULL; nil when none is.
    package internal(set) var nulls: [UInt8]?
    /// A string column's entries: entry `i` is `stringBytes[stringStarts[i] ..< stringStarts[i + 1]]`.
    package internal(set) var stringBytes: [UInt8] = []
    package internal(set) var stringStarts: [Int] = [0]
}
