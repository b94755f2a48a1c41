/// The result of one statement: named, typed columns and rows of values.
public struct QueryResult: Sendable {
    public var columnNames: [String]
    public var columnTypes: [SQLType]
    public var rows: [[Value]]
    /// For statements that change things (CREATE TABLE, COPY): what happened, in a sentence.
    public var message: String?

    public init(columnNames: [String], columnTypes: [SQLType], rows: [[Value]], message: String? = nil) {
        self.columnNames = columnNames
        self.columnTypes = columnTypes
        self.rows = rows
        self.message = message
    }
}
