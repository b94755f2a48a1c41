/// A catalog file that cannot be used, with the file, the line and the column where the problem is.
public struct CatalogError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file's path.
    public var file: String
    /// 1-based line of the record at fault; nil for a problem with the whole file.
    public var line: Int?
    /// The column at fault, when one is.
    public var column: String?
    /// What is wrong.
    public var message: String

    public init(file: String, line: Int? = nil, column: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `…/spots.csv:12: column "weight": value "abc" is not a number`.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let column { text += "column \"\(column)\": " }
        return text + message
    }
}
