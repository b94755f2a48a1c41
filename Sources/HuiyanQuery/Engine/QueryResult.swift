/// The result of one statement: named, typed columns and rows of values.
public struct QueryResult: Sendable {
    /// The result's column names, in order.
    public var columnNames: [String]
    /// The SQL type of each column.
    public var columnTypes: [SQLType]
    /// The rows, each a value per column.
    public var rows: [[Value]]
    /// For statements that change things (CREATE TABLE, COPY): what happened, in a sentence.
    public var message: String?

    /// A result of the given columns and rows (and a message for a statement that returns none).
    public init(columnNames: [String], columnTypes: [SQLType], rows: [[Value]], message: String? = nil) {
        self.columnNames = columnNames
        self.columnTypes = columnTypes
        self.rows = rows
        self.message = message
    }
}
