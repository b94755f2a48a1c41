import ArgumentParser
import HuiyanTourism

struct CatalogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalogs",
        abstract: "The Hengyang catalogs as dimension tables: spots, routes, products, counties.",
        subcommands: [Load.self])

    struct Load: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "load",
            abstract: "Load (or reload) the catalogs into the tables spots, routes, products and counties.",
            discussion: """
            Creates the four tables if they are missing and replaces their rows by the catalogs' — the \
            built-in ones, or those of --catalogs DIR / $HUIYAN_CATALOGS after you edited a copy. `huiyan demo` \
            runs this too. Columns:
              spots(spot, county, grade, theme, price)
              routes(route, spot): one row per route and spot
              products(product, category, county, price)
              counties(county, kind, population_wan)

            Example:
              huiyan query "SELECT grade, count(*) FROM spots GROUP BY grade"
            """)

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: ArgumentHelp("A folder of catalog CSV files (default: $HUIYAN_CATALOGS, else the built-in ones).",
                                                valueName: "dir"))
        var catalogs: String?

        func run() throws {
            let catalog = try Catalog.load(directoryOrDefault: catalogs)
            let loaded = try CatalogTables.load(catalog, into: try global.openOrCreate())
            emit("loaded " + loaded.map { "\($0.table) (\($0.rows) rows)" }.joined(separator: ", "))
        }
    }
}
