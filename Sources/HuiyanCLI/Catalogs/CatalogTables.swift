import HuiyanStorage
import HuiyanTourism

/// The catalogs as small dimension tables — `spots`, `routes` (one row per route and spot), `products`,
/// `counties` — next to the event tables, for SQL to group by and join to.
enum CatalogTables {
    static let spots = TableSchema(name: "spots", columns: [
        ColumnDefinition("spot", .string),
        ColumnDefinition("county", .string),
        ColumnDefinition("grade", .string),
        ColumnDefinition("theme", .string),
        ColumnDefinition("price", .money),
    ])

    static let routes = TableSchema(name: "routes", columns: [
        ColumnDefinition("route", .string),
        ColumnDefinition("spot", .string),
    ])

    static let products = TableSchema(name: "products", columns: [
        ColumnDefinition("product", .string),
        ColumnDefinition("category", .string),
        ColumnDefinition("county", .string, nullable: true),
        ColumnDefinition("price", .money),
    ])

    static let counties = TableSchema(name: "counties", columns: [
        ColumnDefinition("county", .string),
        ColumnDefinition("kind", .string),
        ColumnDefinition("population_wan", .float64),
    ])

    static let all = [spots, routes, products, counties]

    /// Creates whichever of the four tables is missing and replaces each one's rows by the catalog's (one
    /// atomic manifest swap per table). Returns the rows loaded per table, in `all`'s order.
    @discardableResult
    static func load(_ catalog: Catalog, into database: Database) throws -> [(table: String, rows: Int)] {
        let writer = try database.writer(command: "huiyan catalogs load")
        defer { writer.close() }
        let existing = Set(try database.tableNames())
        var loaded: [(table: String, rows: Int)] = []
        for schema in all {
            if !existing.contains(schema.name) { try writer.createTable(schema) }
            let builder = SegmentBuilder(schema: schema, capacity: 64)
            fill(builder, table: schema.name, from: catalog)
            let append = try writer.beginAppend(to: schema.name)
            do {
                try append.write(builder)
                try append.commitReplacingAll()
            } catch {
                append.abort()
                throw error
            }
            loaded.append((schema.name, builder.rowCount))
        }
        return loaded
    }

    /// Appends the catalog's rows of `table` to `builder`, column by column in the schema's order.
    private static func fill(_ builder: SegmentBuilder, table: String, from catalog: Catalog) {
        let c = builder.columns
        switch table {
        case "spots":
            for spot in catalog.spots {
                c[0].appendString(spot.name); c[1].appendString(spot.county); c[2].appendString(spot.grade)
                c[3].appendString(spot.theme); c[4].appendInt64(spot.priceFen)
            }
        case "routes":
            for route in catalog.routes {
                for spot in route.spots { c[0].appendString(route.name); c[1].appendString(spot) }
            }
        case "products":
            for product in catalog.products {
                c[0].appendString(product.name); c[1].appendString(product.category)
                if let county = product.county { c[2].appendString(county) } else { c[2].appendNull() }
                c[3].appendInt64(product.priceFen)
            }
        default:
            for county in catalog.counties {
                c[0].appendString(county.name); c[1].appendString(county.kind); c[2].appendDouble(county.populationWan)
            }
        }
    }
}
