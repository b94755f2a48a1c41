import HuiyanStorage

/// The three event feeds of FEEDS.md, as table schemas: what a new database starts with.
package enum FeedCatalog {
    /// One visitor arrival at a scenic spot.
    package static let visits = TableSchema(name: "visits", columns: [
        ColumnDefinition("ts", .timestamp),
        ColumnDefinition("visitor_id", .string),
        ColumnDefinition("spot", .string),
        ColumnDefinition("route", .string, nullable: true),
        ColumnDefinition("origin", .string, nullable: true),
        ColumnDefinition("group_type", .string, nullable: true),
        ColumnDefinition("spend", .money, nullable: true),
    ])

    /// One scenic-spot ticket sale.
    package static let tickets = TableSchema(name: "tickets", columns: [
        ColumnDefinition("ts", .timestamp),
        ColumnDefinition("ticket_id", .string),
        ColumnDefinition("spot", .string),
        ColumnDefinition("ticket_type", .string),
        ColumnDefinition("channel", .string),
        ColumnDefinition("qty", .int64, minimum: 1),
        ColumnDefinition("amount", .money),
    ])

    /// One online-retail order line.
    package static let orders = TableSchema(name: "orders", columns: [
        ColumnDefinition("ts", .timestamp),
        ColumnDefinition("order_id", .string),
        ColumnDefinition("product", .string),
        ColumnDefinition("category", .string),
        ColumnDefinition("platform", .string),
        ColumnDefinition("county", .string, nullable: true),
        ColumnDefinition("buyer_province", .string, nullable: true),
        ColumnDefinition("merchant", .string, optional: true),
        ColumnDefinition("qty", .int64, minimum: 1),
        ColumnDefinition("amount", .money),
    ])

    package static let all = [visits, tickets, orders]
}
