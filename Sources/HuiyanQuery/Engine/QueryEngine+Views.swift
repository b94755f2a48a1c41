import HuiyanStorage

/// CREATE [OR REPLACE] VIEW and DROP VIEW: the database's views (`ViewCatalog`) replaced in one atomic step
/// under the writer lock. A view's query is checked when it is made — bound with the view in the catalog, so
/// that a view reading itself, directly or through others, is refused — and bound again wherever it is named.
extension QueryEngine {
    func createView(_ create: CreateViewStatement, sql: String, context: QueryContext) throws -> QueryResult {
        let name = create.view.name
        let writer = try database.writer(command: "CREATE VIEW \(name)")
        defer { writer.close() }
        if let table = try? database.resolveTableName(name) {
            throw QueryError("a table named \"\(table)\" exists; a view needs a name of its own", at: create.view.range, kind: .alreadyExists)
        }
        let catalog = try database.viewCatalog()
        if catalog.view(named: name) != nil && !create.orReplace {
            throw QueryError("view \"\(name)\" already exists (CREATE OR REPLACE VIEW replaces it)", at: create.view.range, kind: .alreadyExists)
        }
        let view = ViewCatalog.View(name: name, sql: create.queryText, columns: create.columns.map(\.name))
        let next = catalog.replacing(view)
        // The view as a query reads it, with the new catalog: its columns, and no cycle.
        let reference = SelectStatement(items: [.star(qualifier: nil, range: create.view.range)],
                                        from: TableReference(table: create.view), range: create.range)
        let planned = try plan(reference, sql: sql, context: context, views: next)
        var seen = Set<String>()
        for column in planned.query.columnNames where !seen.insert(column.lowercased()).inserted {
            throw QueryError("the view's column \"\(column)\" appears twice; name its columns with AS or in CREATE VIEW \(name) (…)", at: create.range)
        }
        do { try writer.commitViews(next) } catch { throw QueryError(wrapping: error, at: create.range) }
        return Self.note("created view \(name) with \(planned.query.columnNames.count) column(s)")
    }

    /// SHOW TABLES: the tables and the views together by name (as DuckDB lists both), each with its `type` as
    /// information_schema.tables names it (`BASE TABLE`, `VIEW`), its rows (a view's: NULL, it has none of its
    /// own) and its columns (a view's as a query reads it; NULL when it no longer binds, e.g. its table dropped).
    func showTables(sql: String, context: QueryContext) throws -> QueryResult {
        var rows = try database.tableNames().map { name -> [Value] in
            let manifest = try database.manifest(of: name)
            return [.string(name), .string("BASE TABLE"), .int(Int64(manifest.rowCount)), .int(Int64(manifest.schema.columns.count))]
        }
        for view in try database.viewCatalog().views {
            let columns = try? describeView(Identifier(view.name, range: SourceRange(0, 0)), sql: sql, context: context).rows.count
            rows.append([.string(view.name), .string("VIEW"), .null, columns.map { .int(Int64($0)) } ?? .null])
        }
        rows.sort { a, b in
            guard case .string(let x) = a[0], case .string(let y) = b[0] else { return false }
            return x.utf8.lexicographicallyPrecedes(y.utf8)
        }
        return QueryResult(columnNames: ["name", "type", "rows", "columns"], columnTypes: [.string, .string, .int64, .int64], rows: rows)
    }

    /// DESCRIBE of a view: its columns and their types as a query reads them (every one may be NULL).
    func describeView(_ view: Identifier, sql: String, context: QueryContext) throws -> QueryResult {
        try describe(SelectStatement(items: [.star(qualifier: nil, range: view.range)], from: TableReference(table: view), range: view.range),
                     sql: sql, context: context)
    }

    /// DESCRIBE of a query (`DESCRIBE SELECT …`): the columns it gives and their types, planned, not run
    /// (every one may be NULL).
    func describe(_ select: SelectStatement, sql: String, context: QueryContext) throws -> QueryResult {
        let query = try plan(select, sql: sql, context: context).query
        return Self.describing(zip(query.columnNames, query.columnTypes).map { ($0, $1, true) })
    }

    /// DESCRIBE's rows, as DuckDB's: column_name, column_type, null (YES or NO), and key, default and extra
    /// (NULL here: no keys, defaults or generated columns).
    static func describing(_ columns: [(name: String, type: SQLType, nullable: Bool)]) -> QueryResult {
        QueryResult(columnNames: ["column_name", "column_type", "null", "key", "default", "extra"],
                    columnTypes: Array(repeating: .string, count: 6),
                    rows: columns.map { [.string($0.name), .string($0.type.rawValue), .string($0.nullable ? "YES" : "NO"), .null, .null, .null] })
    }

    func dropView(_ drop: DropViewStatement) throws -> QueryResult {
        let writer = try database.writer(command: "DROP VIEW \(drop.view.name)")
        defer { writer.close() }
        let catalog = try database.viewCatalog()
        guard let view = catalog.view(named: drop.view.name) else {
            if let table = try? database.resolveTableName(drop.view.name) {
                throw QueryError("\"\(table)\" is a table, not a view: DROP TABLE \(table) drops it", at: drop.view.range)
            }
            if drop.ifExists { return Self.note("view \(drop.view.name) does not exist; nothing dropped") }
            throw QueryError("view \"\(drop.view.name)\" does not exist", at: drop.view.range, kind: .notFound)
        }
        do { try writer.commitViews(catalog.removing(view.name)) } catch { throw QueryError(wrapping: error, at: drop.range) }
        return Self.note("dropped view \(view.name)")
    }
}
