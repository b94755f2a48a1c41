import HuiyanStorage

/// Tables made and changed by SQL: DROP TABLE, CREATE TABLE AS SELECT, INSERT. Each is atomic like an
/// ingest: new segments, published in one step, or nothing.
extension QueryEngine {
    func dropTable(_ drop: DropTableStatement) throws -> QueryResult {
        let writer = try database.writer(command: "DROP TABLE \(drop.table.name)")
        defer { writer.close() }
        guard let name = try? database.resolveTableName(drop.table.name) else {
            if let view = try database.viewCatalog().view(named: drop.table.name) {
                throw QueryError("\"\(view.name)\" is a view, not a table: DROP VIEW \(view.name) drops it", at: drop.table.range)
            }
            if drop.ifExists { return Self.note("table \(drop.table.name) does not exist; nothing dropped") }
            throw QueryError("table \"\(drop.table.name)\" does not exist", at: drop.table.range, kind: .notFound)
        }
        do { try writer.dropTable(name) } catch { throw QueryError(wrapping: error, at: drop.range) }
        return Self.note("dropped table \(name)")
    }

    func createTableAs(_ create: CreateTableAsStatement, sql: String, context: QueryContext) throws -> QueryResult {
        if create.ifNotExists, (try? database.resolveTableName(create.table.name)) != nil {
            return Self.note("table \(create.table.name) exists already")
        }
        let planned = try plan(create.query, sql: sql, context: context)
        var columns: [ColumnDefinition] = []
        for (name, type) in zip(planned.query.columnNames, planned.query.columnTypes) {
            guard let columnType = type.columnType else {
                throw QueryError("column \"\(name)\" of the query is \(type), which a table cannot hold: CAST it to a type", at: create.query.range)
            }
            columns.append(ColumnDefinition(name, columnType, nullable: true))
        }
        let schema = TableSchema(name: create.table.name, columns: columns)
        do { try schema.validate() } catch {
            throw QueryError("\(error) (name the query's columns with AS)", at: create.query.range)
        }
        let writer = try database.writer(command: "CREATE TABLE \(create.table.name) AS SELECT …")
        defer { writer.close() }
        let append: TableAppend
        do { append = try writer.beginCreate(schema) } catch { throw QueryError(wrapping: error, at: create.table.range) }
        do {
            let filler = TableFiller(append: append, sources: columns.indices.map { $0 }, offsetSeconds: utcOffsetSeconds, range: create.query.range)
            try fill(filler, from: planned, context: context)
            try filler.finish()
            context.release(filler)
            try writer.commitCreate(append)
            return Self.note("created table \(schema.name) with \(columns.count) column(s) and \(filler.rows) row(s)")
        } catch {
            writer.abortCreate(append)
            throw error
        }
    }

    func insert(_ insert: InsertStatement, sql: String, context: QueryContext) throws -> QueryResult {
        let writer = try database.writer(command: "INSERT INTO \(insert.table.name)")
        defer { writer.close() }
        let append: TableAppend
        do { append = try writer.beginAppend(to: insert.table.name) } catch { throw QueryError(wrapping: error, at: insert.table.range) }
        let schema = append.schema
        // Which table column each given value fills: the named columns in order, else all of them.
        var given = Array(schema.columns.indices)
        if let names = insert.columns {
            given = []
            for name in names {
                guard let index = schema.index(of: name.name) else {
                    throw QueryError("table \(schema.name) has no column \"\(name.name)\"", at: name.range)
                }
                guard !given.contains(index) else { throw QueryError("column \"\(name.name)\" is named twice", at: name.range) }
                given.append(index)
            }
        }
        let sources = schema.columns.indices.map { given.firstIndex(of: $0) }
        do {
            let filler: TableFiller
            switch insert.source {
            case .query(let select):
                let planned = try plan(select, sql: sql, context: context)
                guard planned.query.columnNames.count == given.count else {
                    throw QueryError("the query gives \(planned.query.columnNames.count) column(s), and \(given.count) are to be filled", at: select.range)
                }
                filler = TableFiller(append: append, sources: sources, offsetSeconds: utcOffsetSeconds, range: select.range)
                try fill(filler, from: planned, context: context)
            case .values(let rows):
                filler = TableFiller(append: append, sources: sources, offsetSeconds: utcOffsetSeconds, range: insert.range)
                for row in rows {
                    guard row.expressions.count == given.count else {
                        throw QueryError("a row of \(row.expressions.count) value(s), and \(given.count) column(s) are to be filled", at: row.range)
                    }
                    // Each value is CAST to its column's type: a literal '2025-10-01 08:00' becomes a TIMESTAMP.
                    let items = zip(row.expressions, given).map { expression, column -> SelectItem in
                        .expression(.cast(expression, TypeName(SQLType(schema.columns[column].type).rawValue, range: row.range), range: row.range), alias: nil)
                    }
                    try fill(filler, from: try plan(SelectStatement(items: items, range: row.range), sql: sql, context: context), context: context)
                }
            }
            try filler.finish()
            context.release(filler)
            CrashPoints.hit("before-insert-commit")
            try append.commit()
            return Self.note("\(filler.rows) row(s) inserted into \(schema.name)")
        } catch {
            append.abort()
            throw error
        }
    }

    /// Runs a planned query and writes its rows through `filler` as they come.
    private func fill(_ filler: TableFiller, from planned: PlannedQuery, context: QueryContext) throws {
        let types = planned.query.columnTypes
        try planned.root.stream(in: context) { chunk in
            try context.check()
            try filler.write(chunk, types: types)
            try context.hold(filler.heldBytes, for: filler)
        }
        context.release(planned.root)
    }

    static func note(_ message: String) -> QueryResult {
        QueryResult(columnNames: [], columnTypes: [], rows: [], message: message)
    }
}
