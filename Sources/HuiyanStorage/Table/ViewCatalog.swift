/// The database's views (`<db>/VIEWS`, checksummed JSON): each a name, the text of its query, and names for
/// its first columns. The whole catalog is written at once, atomically (temporary file, fsync, rename), so a
/// reader sees the views before a change or after it, never between; a missing file is no views.
package struct ViewCatalog: Codable, Sendable, Equatable {
    package struct View: Codable, Sendable, Equatable {
        package var name: String
        /// The query as written after AS (a SELECT, with WITH and UNION as a query may have them).
        package var sql: String
        /// `CREATE VIEW v (a, b) AS …`: names for the query's first columns.
        package var columns: [String]

        package init(name: String, sql: String, columns: [String] = []) {
            self.name = name
            self.sql = sql
            self.columns = columns
        }
    }

    package static let fileName = "VIEWS"

    package private(set) var views: [View] = []

    package init(views: [View] = []) { self.views = views }

    /// The view of a name (case-insensitive, as table names).
    package func view(named name: String) -> View? {
        let wanted = name.lowercased()
        return views.first { $0.name.lowercased() == wanted }
    }

    /// The catalog with `view` added, or replacing the one of its name.
    package func replacing(_ view: View) -> ViewCatalog {
        var copy = self
        if let i = copy.views.firstIndex(where: { $0.name.lowercased() == view.name.lowercased() }) {
            copy.views[i] = view
        } else {
            copy.views.append(view)
            copy.views.sort { $0.name.lowercased() < $1.name.lowercased() }
        }
        return copy
    }

    /// The catalog without the view of `name`.
    package func removing(_ name: String) -> ViewCatalog {
        ViewCatalog(views: views.filter { $0.name.lowercased() != name.lowercased() })
    }
}

extension Database {
    /// The views as last committed.
    package func viewCatalog() throws -> ViewCatalog {
        let path = FileIO.join(self.path, ViewCatalog.fileName)
        guard FileIO.exists(path) else { return ViewCatalog() }
        return try ChecksummedJSON.read(ViewCatalog.self, from: path)
    }
}

extension DatabaseWriter {
    /// Replaces the views in one step (CREATE VIEW, DROP VIEW). A view's name may not be a table's.
    package func commitViews(_ catalog: ViewCatalog) throws {
        for view in catalog.views where (try? database.resolveTableName(view.name)) != nil {
            throw StorageError.tableExists(view.name)
        }
        CrashPoints.hit("before-views")
        try ChecksummedJSON.write(catalog, to: FileIO.join(database.path, ViewCatalog.fileName))
        CrashPoints.hit("after-views")
    }
}
