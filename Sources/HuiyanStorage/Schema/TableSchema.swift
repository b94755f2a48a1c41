/// The name and columns of a table.
public struct TableSchema: Codable, Sendable, Equatable {
    public var name: String
    public var columns: [ColumnDefinition]

    public init(name: String, columns: [ColumnDefinition]) {
        self.name = name
        self.columns = columns
    }

    /// The position of a column, matched case-insensitively.
    public func index(of column: String) -> Int? {
        let wanted = column.lowercased()
        return columns.firstIndex { $0.name.lowercased() == wanted }
    }

    /// Checks names: identifiers, unique, at least one column.
    package func validate() throws {
        try TableSchema.validateIdentifier(name, what: "table name")
        guard !columns.isEmpty else { throw StorageError.invalidSchema("table \"\(name)\" has no columns") }
        var seen = Set<String>()
        for column in columns {
            try TableSchema.validateIdentifier(column.name, what: "column name")
            if column.minimum != nil && column.type != .int64 && column.type != .money {
                throw StorageError.invalidSchema("column \"\(column.name)\": a minimum applies to INT64 and MONEY columns only")
            }
            guard seen.insert(column.name.lowercased()).inserted else {
                throw StorageError.invalidSchema("column \"\(column.name)\" appears twice in table \"\(name)\"")
            }
        }
    }

    /// Identifiers are ASCII letters, digits and underscores, not starting with a digit, at most 64 bytes.
    package static func validateIdentifier(_ text: String, what: String) throws {
        let bytes = Array(text.utf8)
        let ok = !bytes.isEmpty && bytes.count <= 64 && !(bytes[0] >= 0x30 && bytes[0] <= 0x39) && bytes.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F
        }
        guard ok else {
            throw StorageError.invalidSchema("\(what) \"\(text)\" is not valid: use letters, digits and _ (not starting with a digit), at most 64 characters")
        }
    }
}
