/// One column of a table's schema.
public struct ColumnDefinition: Codable, Sendable, Equatable {
    public var name: String
    public var type: ColumnType
    /// Whether NULL is allowed.
    public var nullable: Bool
    /// Whether an input file may leave the column out entirely (it is then NULL). Implies `nullable`.
    public var optional: Bool
    /// A lower bound every non-NULL value must meet (an integer check such as `qty >= 1`).
    public var minimum: Int64?

    public init(_ name: String, _ type: ColumnType, nullable: Bool = false, optional: Bool = false, minimum: Int64? = nil) {
        self.name = name
        self.type = type
        self.nullable = nullable || optional
        self.optional = optional
        self.minimum = minimum
    }
}
