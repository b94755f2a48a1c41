import Foundation

/// The Hengyang catalogs: spots, routes, products, counties, platforms, origins, ticket types,
/// channels and the plan's targets, read from the CSV files of a catalog folder — by default the
/// module's own `Catalogs` resource, or a copy a user has edited.
package struct Catalog: Sendable {
    package var counties: [County]
    package var spots: [Spot]
    package var routes: [Route]
    package var products: [Product]
    package var platforms: [Platform]
    package var origins: [Origin]
    package var ticketTypes: [TicketType]
    package var channels: [SalesChannel]
    package var targets: [PlanTarget]

    /// The files a catalog folder holds.
    package static let fileNames = ["counties.csv", "spots.csv", "routes.csv", "products.csv", "platforms.csv",
                                   "origins.csv", "ticket_types.csv", "channels.csv", "targets.csv"]

    /// The folder of the catalogs shipped with the module.
    package static var bundledDirectory: String {
        Bundle.module.resourceURL!.appendingPathComponent("Catalogs").path
    }

    /// The catalogs shipped with the module.
    package static func bundled() throws -> Catalog {
        try load(from: bundledDirectory)
    }

    /// The catalogs of `directory` if given, else of `$HUIYAN_CATALOGS` if set, else the shipped ones.
    package static func load(directoryOrDefault directory: String?) throws -> Catalog {
        if let directory { return try load(from: directory) }
        if let env = ProcessInfo.processInfo.environment["HUIYAN_CATALOGS"], !env.isEmpty { return try load(from: env) }
        return try bundled()
    }

    /// Reads and checks every file of `directory`. Throws a `CatalogError` naming the file, line and
    /// column of the first problem found.
    package static func load(from directory: String) throws -> Catalog {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CatalogError(file: directory, message: "not a catalog folder (it should hold \(fileNames.joined(separator: ", ")))")
        }
        let base = URL(fileURLWithPath: directory)
        func open(_ name: String) throws -> CatalogCSV {
            try CatalogCSV(path: base.appendingPathComponent(name).path)
        }

        let countyFile = try open("counties.csv")
        var counties: [County] = []
        try each(countyFile, key: "county") { row in
            counties.append(County(name: try row.text("county"), kind: row.optionalText("kind") ?? "",
                                   populationWan: row.optionalText("population_wan") == nil ? 0 : try row.number("population_wan")))
        }
        let countyNames = Set(counties.map(\.name))

        let spotFile = try open("spots.csv")
        var spots: [Spot] = []
        let grades: Set<String> = ["5A", "4A", "3A", "2A", "1A", "none"]
        try each(spotFile, key: "spot") { row in
            let county = try row.text("county")
            guard countyNames.contains(county) else { throw row.error("county", "\"\(county)\" is not in counties.csv") }
            let grade = row.optionalText("grade") ?? "none"
            guard grades.contains(grade) else { throw row.error("grade", "\"\(grade)\" is not one of 5A, 4A, 3A, 2A, 1A, none") }
            let open = try row.integer("open_hour", in: 0...23)
            let close = try row.integer("close_hour", in: 1...24)
            guard close > open else { throw row.error("close_hour", "closing hour \(close) is not after opening hour \(open)") }
            spots.append(Spot(name: try row.text("spot"), county: county, grade: grade, theme: try row.text("theme"),
                              weight: try row.number("weight"), priceFen: try row.money("price"),
                              openHour: open, closeHour: close, spendFen: try row.money("spend")))
        }
        try requirePositive(spots.map(\.weight), spotFile, "weight")
        let spotNames = Set(spots.map(\.name))

        let routeFile = try open("routes.csv")
        var routes: [Route] = []
        var routeIndex: [String: Int] = [:]
        var pairs = Set<[String]>()
        for record in routeFile.records {
            let row = CatalogRow(file: routeFile, record: record)
            let name = try row.text("route"), spot = try row.text("spot")
            guard spotNames.contains(spot) else { throw row.error("spot", "\"\(spot)\" is not in spots.csv") }
            guard pairs.insert([name, spot]).inserted else { throw row.error("spot", "\"\(spot)\" is listed twice for route \"\(name)\"") }
            if let index = routeIndex[name] {
                routes[index].spots.append(spot)
            } else {
                routeIndex[name] = routes.count
                routes.append(Route(name: name, spots: [spot]))
            }
        }

        let productFile = try open("products.csv")
        var products: [Product] = []
        try each(productFile, key: "product") { row in
            let county = row.optionalText("county")
            if let county, !countyNames.contains(county) { throw row.error("county", "\"\(county)\" is not in counties.csv") }
            let merchants = (row.optionalText("merchants") ?? "").split(separator: "|")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            products.append(Product(name: try row.text("product"), category: try row.text("category"), county: county,
                                    priceFen: try row.money("price"), weight: try row.number("weight"), merchants: merchants))
        }
        try requirePositive(products.map(\.weight), productFile, "weight")

        let platformFile = try open("platforms.csv")
        var platforms: [Platform] = []
        try each(platformFile, key: "platform") { row in
            platforms.append(Platform(name: try row.text("platform"), shareStart: try row.number("share_start"),
                                      shareEnd: try row.number("share_end")))
        }
        try requirePositive(platforms.map(\.shareStart), platformFile, "share_start")
        try requirePositive(platforms.map(\.shareEnd), platformFile, "share_end")

        let originFile = try open("origins.csv")
        var origins: [Origin] = []
        try each(originFile, key: "origin") { row in
            origins.append(Origin(name: try row.text("origin"), kind: row.optionalText("kind") ?? "省份",
                                  visitorWeight: try row.number("visitor_weight"), buyerWeight: try row.number("buyer_weight")))
        }
        try requirePositive(origins.map(\.visitorWeight), originFile, "visitor_weight")
        try requirePositive(origins.map(\.buyerWeight), originFile, "buyer_weight")

        let ticketFile = try open("ticket_types.csv")
        var ticketTypes: [TicketType] = []
        try each(ticketFile, key: "ticket_type") { row in
            let factor = try row.number("factor")
            guard factor <= 100 else { throw row.error("factor", "value \(factor) is not a plausible price factor") }
            ticketTypes.append(TicketType(name: try row.text("ticket_type"), factorBasisPoints: Int64((factor * 10_000).rounded()),
                                          weight: try row.number("weight")))
        }
        try requirePositive(ticketTypes.map(\.weight), ticketFile, "weight")

        let channelFile = try open("channels.csv")
        var channels: [SalesChannel] = []
        try each(channelFile, key: "channel") { row in
            let minQty = try row.integer("min_qty", in: 1...100_000)
            let maxQty = try row.integer("max_qty", in: 1...100_000)
            guard maxQty >= minQty else { throw row.error("max_qty", "\(maxQty) is below min_qty \(minQty)") }
            channels.append(SalesChannel(name: try row.text("channel"), weight: try row.number("weight"), minQty: minQty, maxQty: maxQty))
        }
        try requirePositive(channels.map(\.weight), channelFile, "weight")

        let targetFile = try open("targets.csv")
        var targets: [PlanTarget] = []
        for record in targetFile.records {
            let row = CatalogRow(file: targetFile, record: record)
            targets.append(PlanTarget(metric: try row.text("metric"), year: try row.integer("year", in: 1900...9999),
                                      value: try row.number("value"), unit: row.optionalText("unit") ?? "",
                                      description: row.optionalText("description") ?? ""))
        }

        return Catalog(counties: counties, spots: spots, routes: routes, products: products, platforms: platforms,
                       origins: origins, ticketTypes: ticketTypes, channels: channels, targets: targets)
    }

    /// Calls `body` for every record of `file`, refusing a repeated value of the `key` column.
    private static func each(_ file: CatalogCSV, key: String, _ body: (CatalogRow) throws -> Void) throws {
        _ = try file.column(key)
        var seen = Set<String>()
        for record in file.records {
            let row = CatalogRow(file: file, record: record)
            let name = try row.text(key)
            guard seen.insert(name).inserted else { throw row.error(key, "\"\(name)\" is listed twice") }
            try body(row)
        }
    }

    /// Refuses a file whose weights are all zero (or that has no rows): nothing could ever be drawn from it.
    private static func requirePositive(_ weights: [Double], _ file: CatalogCSV, _ column: String) throws {
        guard weights.contains(where: { $0 > 0 }) else {
            throw CatalogError(file: file.path, column: column, message: "needs at least one row with a positive value")
        }
    }

    // MARK: Look-ups

    package func spot(named name: String) -> Spot? { spots.first { $0.name == name } }
    package func product(named name: String) -> Product? { products.first { $0.name == name } }
    /// The routes that take in `spot`.
    package func routes(containing spot: String) -> [Route] { routes.filter { $0.spots.contains(spot) } }
    /// The target for `metric` (the latest year if several).
    package func target(_ metric: String) -> PlanTarget? { targets.filter { $0.metric == metric }.max { $0.year < $1.year } }
}
