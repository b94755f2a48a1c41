/// The syntax tree of the SQL dialect (docs/SQL.md). Every node carries the range of query text it came
/// from, so that the binder's errors can point at it.

/// One statement.
package indirect enum Statement: Sendable, Equatable {
    case select(SelectStatement)
    /// `EXPLAIN <select>`
    case explain(SelectStatement, range: SourceRange)
    /// EXPLAIN ANALYZE: runs the query and shows each operator's rows and time.
    case explainAnalyze(SelectStatement, range: SourceRange)
    /// `SHOW TABLES`
    case showTables(range: SourceRange)
    /// `DESCRIBE t` / `DESC t`
    case describe(table: Identifier, range: SourceRange)
    /// `DESCRIBE SELECT …` / `DESCRIBE (SELECT …)`: the columns a query gives, without running it.
    case describeQuery(SelectStatement, range: SourceRange)
    /// `CREATE TABLE t (col type [NOT NULL], …)`
    case createTable(CreateTableStatement)
    /// `COPY t FROM 'file' [(FORMAT csv|ndjson [, option value …])]`
    case copy(CopyStatement)
    /// `COPY (SELECT …) TO 'file'` / `COPY t TO 'file'` `[(FORMAT csv|ndjson, OVERWRITE)]`
    case copyTo(CopyToStatement)
    /// `DROP TABLE [IF EXISTS] t`
    case dropTable(DropTableStatement)
    /// `CREATE TABLE [IF NOT EXISTS] t AS SELECT …`
    case createTableAs(CreateTableAsStatement)
    /// `INSERT INTO t [(column, …)] SELECT …` / `… VALUES (…), …`
    case insert(InsertStatement)
    /// `CREATE [OR REPLACE] VIEW v [(column, …)] AS SELECT …`
    case createView(CreateViewStatement)
    /// `DROP VIEW [IF EXISTS] v`
    case dropView(DropViewStatement)
}

/// `CREATE [OR REPLACE] VIEW v [(column, …)] AS query`: the query is kept as text and bound wherever the view
/// is named.
package struct CreateViewStatement: Sendable, Equatable {
    package var view: Identifier
    package var orReplace: Bool
    package var columns: [Identifier]
    package var query: SelectStatement
    /// The query's text as written after AS.
    package var queryText: String
    package var range: SourceRange

    package init(view: Identifier, orReplace: Bool, columns: [Identifier], query: SelectStatement, queryText: String, range: SourceRange) {
        self.view = view
        self.orReplace = orReplace
        self.columns = columns
        self.query = query
        self.queryText = queryText
        self.range = range
    }
}

/// `DROP VIEW [IF EXISTS] v`
package struct DropViewStatement: Sendable, Equatable {
    package var view: Identifier
    package var ifExists: Bool
    package var range: SourceRange

    package init(view: Identifier, ifExists: Bool, range: SourceRange) {
        self.view = view
        self.ifExists = ifExists
        self.range = range
    }
}

/// A name as written, with its range. Unquoted names are case-insensitive; `"quoted"` names keep their case.
package struct Identifier: Sendable, Equatable {
    package var name: String
    package var quoted: Bool
    package var range: SourceRange

    package init(_ name: String, quoted: Bool = false, range: SourceRange) {
        self.name = name
        self.quoted = quoted
        self.range = range
    }
}

/// `[WITH …] SELECT [DISTINCT] items FROM table [WHERE] [GROUP BY] [HAVING] [ORDER BY] [LIMIT [OFFSET]]`
package struct SelectStatement: Sendable, Equatable {
    /// `WITH name [(columns)] AS (SELECT …), …`: the common table expressions FROM may name, in order.
    package var with: [CommonTableExpression] = []
    /// `UNION [ALL] SELECT …` after this SELECT, in order. With any, ORDER BY, LIMIT and OFFSET are the
    /// whole union's (written after its last SELECT).
    package var unions: [UnionArm] = []
    package var distinct: Bool
    /// `DISTINCT ON (expression, …)`: the first row (in ORDER BY's order) of each value of the expressions.
    package var distinctOn: [Expression] = []
    package var items: [SelectItem]
    /// nil for a SELECT without FROM (`SELECT 1 + 1`).
    package var from: TableReference?
    package var whereClause: Expression?
    /// The keys as written (with ROLLUP, CUBE or GROUPING SETS, every key of every set, repeats included).
    package var groupBy: [Expression]
    /// `GROUP BY ROLLUP | CUBE | GROUPING SETS …`: each grouping set as positions in `groupBy` (nil: one set, all).
    package var groupingSets: [[Int]]?
    /// `GROUP BY ALL`: the select items without aggregates are the keys.
    package var groupByAll = false
    package var having: Expression?
    package var orderBy: [OrderItem]
    /// `ORDER BY ALL [ASC | DESC] [NULLS …]`: every select item in order; the item's expression is the word ALL.
    package var orderByAll: OrderItem?
    package var limit: Expression?
    package var offset: Expression?
    /// `WINDOW name AS (…), …`: windows the OVER clauses may name.
    package var windows: [NamedWindow] = []
    /// `QUALIFY condition`: a filter over the rows with their window functions computed.
    package var qualify: Expression?
    package var range: SourceRange

    package init(distinct: Bool = false, items: [SelectItem], from: TableReference? = nil, whereClause: Expression? = nil,
                groupBy: [Expression] = [], having: Expression? = nil, orderBy: [OrderItem] = [],
                limit: Expression? = nil, offset: Expression? = nil, range: SourceRange) {
        self.distinct = distinct
        self.items = items
        self.from = from
        self.whereClause = whereClause
        self.groupBy = groupBy
        self.having = having
        self.orderBy = orderBy
        self.limit = limit
        self.offset = offset
        self.range = range
    }
}

/// A table in FROM, with optional alias, and optional joins to further tables.
package struct TableReference: Sendable, Equatable {
    /// The table's name; for a subquery, its range (the name is empty).
    package var table: Identifier
    package var alias: Identifier?
    package var joins: [Join]
    /// `(SELECT …)` in place of a table.
    package var subquery: Subquery?
    /// `read_csv('f.csv')`, `generate_series(…)` or `'f.parquet'` in place of a table.
    package var function: TableFunctionCall?
    /// `alias (a, b, …)`: names for the first columns.
    package var columnAliases: [Identifier] = []

    package init(table: Identifier, alias: Identifier? = nil, joins: [Join] = [], subquery: Subquery? = nil) {
        self.table = table
        self.alias = alias
        self.joins = joins
        self.subquery = subquery
    }
}

/// A table function in FROM: `name(arguments)`, or a file named by a string (`'visits.parquet'`), which is
/// `read_parquet`, `read_csv` or `read_ndjson` by its extension (`name` is then empty).
package struct TableFunctionCall: Sendable, Equatable {
    package var name: Identifier
    package var arguments: [Expression]
    package var range: SourceRange

    package init(name: Identifier, arguments: [Expression], range: SourceRange) {
        self.name = name
        self.arguments = arguments
        self.range = range
    }
}

/// A SELECT inside another statement: a subquery in FROM or JOIN (boxed: a statement may hold statements).
package indirect enum Subquery: Sendable, Equatable {
    case select(SelectStatement)

    package var statement: SelectStatement {
        switch self { case .select(let s): return s }
    }
}

/// `UNION | INTERSECT | EXCEPT [ALL] SELECT …`: a SELECT whose rows are added to those before it, kept where
/// they are also in it, or taken away from them (without repeats unless ALL). INTERSECT binds tighter.
package struct UnionArm: Sendable, Equatable {
    package enum Operation: Sendable, Equatable {
        case union, intersect, except

        /// The keyword, as errors name it.
        package var keyword: String {
            switch self {
            case .union: return "UNION"
            case .intersect: return "INTERSECT"
            case .except: return "EXCEPT"
            }
        }
    }
    package var all: Bool
    package var select: SelectStatement
    package var operation: Operation

    package init(all: Bool, select: SelectStatement, operation: Operation = .union) {
        self.all = all
        self.select = select
        self.operation = operation
    }
}

/// `name [(columns)] AS (SELECT …)` of a WITH clause.
package struct CommonTableExpression: Sendable, Equatable {
    package var name: Identifier
    /// Names for the first columns of the query (none: the query's own).
    package var columns: [Identifier]
    package var query: SelectStatement
    package var range: SourceRange

    package init(name: Identifier, columns: [Identifier] = [], query: SelectStatement, range: SourceRange) {
        self.name = name
        self.columns = columns
        self.query = query
        self.range = range
    }
}

/// `[NATURAL] [INNER | LEFT | RIGHT | FULL [OUTER]] JOIN t [AS a] [ON condition | USING (columns)]`
package struct Join: Sendable, Equatable {
    package enum Kind: Sendable, Equatable { case inner, left, right, full }
    package var kind: Kind
    package var table: Identifier
    package var alias: Identifier?
    package var condition: Expression
    package var range: SourceRange
    /// `(SELECT …)` in place of a table (`table` is then its range, with an empty name).
    package var subquery: Subquery?
    /// A table function or a file in place of a table (`table` is then its name, or the file's).
    package var function: TableFunctionCall?
    /// `alias (a, b, …)`: names for the first columns.
    package var columnAliases: [Identifier] = []
    /// `USING (column, …)`: the condition is the binder's (equal columns of the same name); `condition` is TRUE.
    package var using: [Identifier] = []
    /// `NATURAL … JOIN`: USING every column whose name the joined table shares with the tables before it.
    package var natural = false

    package init(kind: Kind, table: Identifier, alias: Identifier?, condition: Expression, range: SourceRange,
                subquery: Subquery? = nil) {
        self.kind = kind
        self.table = table
        self.alias = alias
        self.condition = condition
        self.range = range
        self.subquery = subquery
    }
}

/// One item of the SELECT list.
package enum SelectItem: Sendable, Equatable {
    /// `*` or `t.*`
    case star(qualifier: Identifier?, range: SourceRange)
    /// `expression [AS alias]`
    case expression(Expression, alias: Identifier?)
}

/// `expression [ASC | DESC] [NULLS FIRST | NULLS LAST]`
package struct OrderItem: Sendable, Equatable {
    package var expression: Expression
    package var descending: Bool
    /// nil: the default (NULLS LAST for ASC, NULLS FIRST for DESC, as in PostgreSQL and DuckDB).
    package var nullsFirst: Bool?

    package init(expression: Expression, descending: Bool = false, nullsFirst: Bool? = nil) {
        self.expression = expression
        self.descending = descending
        self.nullsFirst = nullsFirst
    }
}

/// A type name in CAST, `::` and CREATE TABLE, as written (`BIGINT`, `VARCHAR`, `DECIMAL(18,2)`, `DATE` …).
package struct TypeName: Sendable, Equatable {
    package var name: String
    package var range: SourceRange

    package init(_ name: String, range: SourceRange) {
        self.name = name
        self.range = range
    }
}

/// An expression.
package indirect enum Expression: Sendable, Equatable {
    /// A column, optionally qualified: `spot`, `v.spot`.
    case column(qualifier: Identifier?, name: Identifier)
    case literal(Literal, range: SourceRange)
    /// `-x`, `+x`, `NOT x`
    case unary(UnaryOperator, Expression, range: SourceRange)
    /// Arithmetic, comparison, AND/OR, `||`, LIKE/ILIKE (and their NOT forms).
    case binary(BinaryOperator, Expression, Expression, range: SourceRange)
    /// `x [NOT] BETWEEN low AND high`
    case between(Expression, low: Expression, high: Expression, negated: Bool, range: SourceRange)
    /// `x [NOT] IN (a, b, …)`
    case inList(Expression, [Expression], negated: Bool, range: SourceRange)
    /// `x IS [NOT] NULL`
    case isNull(Expression, negated: Bool, range: SourceRange)
    /// `x IS [NOT] DISTINCT FROM y`: `<>` (`=`) with NULL a value like any other; never NULL.
    case isDistinctFrom(Expression, Expression, negated: Bool, range: SourceRange)
    /// `[NOT] EXISTS (SELECT …)`
    case exists(Subquery, negated: Bool, range: SourceRange)
    /// `CASE [operand] WHEN … THEN … [ELSE …] END`
    case caseWhen(operand: Expression?, branches: [CaseBranch], elseResult: Expression?, range: SourceRange)
    /// `CAST(x AS type)` and `x::type`
    case cast(Expression, TypeName, range: SourceRange)
    /// `name(args)`, `name(DISTINCT args)`, `count(*)` (`star`), with `FILTER (WHERE …)`.
    case function(FunctionCall)
    /// `EXTRACT(field FROM x)`; the field as written (`YEAR`, `dow` …).
    case extract(field: Identifier, Expression, range: SourceRange)
    /// `DATE '2025-10-01'`, `TIMESTAMP '2025-10-01 08:00:00'`, `INTERVAL '1 day'`: a typed string literal.
    case typedLiteral(TypeName, String, range: SourceRange)
    /// `(SELECT …)` as a value: its one column in at most one row (none: NULL).
    case subquery(Subquery, range: SourceRange)
    /// `x [NOT] IN (SELECT …)`
    case inSubquery(Expression, Subquery, negated: Bool, range: SourceRange)

    /// The text range of the whole expression.
    package var range: SourceRange {
        switch self {
        case .column(let qualifier, let name): return qualifier.map { $0.range.union(name.range) } ?? name.range
        case .literal(_, let range), .unary(_, _, let range), .binary(_, _, _, let range),
             .between(_, _, _, _, let range), .inList(_, _, _, let range), .isNull(_, _, let range),
             .isDistinctFrom(_, _, _, let range), .exists(_, _, let range),
             .caseWhen(_, _, _, let range), .cast(_, _, let range), .extract(_, _, let range),
             .typedLiteral(_, _, let range), .subquery(_, let range), .inSubquery(_, _, _, let range):
            return range
        case .function(let call): return call.range
        }
    }
}

/// A literal value as written.
package enum Literal: Sendable, Equatable {
    case null
    case bool(Bool)
    /// An integer literal that fits Int64.
    case integer(Int64)
    /// A number with a decimal point or exponent, kept as written (`12.50`) so it can become exact money.
    case decimal(String)
    case string(String)
}

package enum UnaryOperator: String, Sendable, Equatable {
    case negate = "-"
    case plus = "+"
    case not = "NOT"
}

package enum BinaryOperator: String, Sendable, Equatable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%"
    case equal = "=", notEqual = "<>", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case and = "AND", or = "OR"
    case concat = "||"
    case like = "LIKE", notLike = "NOT LIKE", ilike = "ILIKE", notIlike = "NOT ILIKE"
}

/// `WHEN condition-or-value THEN result`
package struct CaseBranch: Sendable, Equatable {
    package var when: Expression
    package var then: Expression

    package init(when: Expression, then: Expression) {
        self.when = when
        self.then = then
    }
}

/// A function or aggregate call.
package struct FunctionCall: Sendable, Equatable {
    package var name: Identifier
    package var arguments: [Expression]
    /// `count(*)`
    package var star: Bool
    package var distinct: Bool
    /// `FILTER (WHERE condition)`
    package var filter: Expression?
    /// `OVER (…)` or `OVER name`: the call is a window function.
    package var window: WindowSpec?
    /// `ORDER BY` inside the parentheses (string_agg's order).
    package var orderBy: [OrderItem] = []
    package var range: SourceRange

    package init(name: Identifier, arguments: [Expression], star: Bool = false, distinct: Bool = false,
                filter: Expression? = nil, range: SourceRange) {
        self.name = name
        self.arguments = arguments
        self.star = star
        self.distinct = distinct
        self.filter = filter
        self.range = range
    }
}

/// `OVER ([name] [PARTITION BY …] [ORDER BY …] [frame])`, or `OVER name` (only `name` set).
package struct WindowSpec: Sendable, Equatable {
    /// A window of the WINDOW clause this one starts from.
    package var name: Identifier?
    package var partitionBy: [Expression]
    package var orderBy: [OrderItem]
    package var frame: WindowFrame?
    package var range: SourceRange

    package init(name: Identifier? = nil, partitionBy: [Expression] = [], orderBy: [OrderItem] = [], frame: WindowFrame? = nil,
                range: SourceRange) {
        self.name = name
        self.partitionBy = partitionBy
        self.orderBy = orderBy
        self.frame = frame
        self.range = range
    }
}

/// `ROWS | RANGE | GROUPS BETWEEN start AND end` (or `ROWS start`: the end is the current row).
package struct WindowFrame: Sendable, Equatable {
    package enum Unit: String, Sendable, Equatable { case rows = "ROWS", range = "RANGE", groups = "GROUPS" }
    package enum Bound: Sendable, Equatable {
        case unboundedPreceding, preceding(Expression), currentRow, following(Expression), unboundedFollowing
    }
    package var unit: Unit
    package var start: Bound
    package var end: Bound
    package var range: SourceRange

    package init(unit: Unit, start: Bound, end: Bound, range: SourceRange) {
        self.unit = unit
        self.start = start
        self.end = end
        self.range = range
    }
}

/// `name AS (…)` of a WINDOW clause.
package struct NamedWindow: Sendable, Equatable {
    package var name: Identifier
    package var spec: WindowSpec

    package init(name: Identifier, spec: WindowSpec) {
        self.name = name
        self.spec = spec
    }
}

/// `CREATE TABLE [IF NOT EXISTS] t (col type [NOT NULL | NULL], …)`
package struct CreateTableStatement: Sendable, Equatable {
    package struct Column: Sendable, Equatable {
        package var name: Identifier
        package var type: TypeName
        package var notNull: Bool

        package init(name: Identifier, type: TypeName, notNull: Bool) {
            self.name = name
            self.type = type
            self.notNull = notNull
        }
    }

    package var table: Identifier
    package var ifNotExists: Bool
    package var columns: [Column]
    package var range: SourceRange

    package init(table: Identifier, ifNotExists: Bool, columns: [Column], range: SourceRange) {
        self.table = table
        self.ifNotExists = ifNotExists
        self.columns = columns
        self.range = range
    }
}

/// `COPY t FROM 'path' [(FORMAT csv|ndjson, STRICT, IGNORE_UNKNOWN_COLUMNS, FORCE, REJECTS 'path')]`
package struct CopyStatement: Sendable, Equatable {
    package var table: Identifier
    package var path: String
    /// Options as written, names lower-cased: `format` → `csv`, `strict` → `true` …
    package var options: [(name: String, value: String)]
    package var range: SourceRange

    package init(table: Identifier, path: String, options: [(name: String, value: String)], range: SourceRange) {
        self.table = table
        self.path = path
        self.options = options
        self.range = range
    }

    package static func == (a: CopyStatement, b: CopyStatement) -> Bool {
        a.table == b.table && a.path == b.path && a.range == b.range
            && a.options.map(\.name) == b.options.map(\.name) && a.options.map(\.value) == b.options.map(\.value)
    }
}

/// `COPY (SELECT …) TO 'path'` or `COPY t TO 'path'`, with options as in `CopyStatement`.
package struct CopyToStatement: Sendable, Equatable {
    package enum Source: Sendable, Equatable {
        case table(Identifier)
        case query(SelectStatement)
    }
    package var source: Source
    package var path: String
    /// Options as written, names lower-cased: `format` → `csv`, `overwrite` → `true` …
    package var options: [(name: String, value: String)]
    package var range: SourceRange

    package init(source: Source, path: String, options: [(name: String, value: String)], range: SourceRange) {
        self.source = source
        self.path = path
        self.options = options
        self.range = range
    }

    package static func == (a: CopyToStatement, b: CopyToStatement) -> Bool {
        a.source == b.source && a.path == b.path && a.range == b.range
            && a.options.map(\.name) == b.options.map(\.name) && a.options.map(\.value) == b.options.map(\.value)
    }
}

/// `DROP TABLE [IF EXISTS] t`
package struct DropTableStatement: Sendable, Equatable {
    package var table: Identifier
    package var ifExists: Bool
    package var range: SourceRange

    package init(table: Identifier, ifExists: Bool, range: SourceRange) {
        self.table = table
        self.ifExists = ifExists
        self.range = range
    }
}

/// `CREATE TABLE [IF NOT EXISTS] t AS SELECT …`
package struct CreateTableAsStatement: Sendable, Equatable {
    package var table: Identifier
    package var ifNotExists: Bool
    package var query: SelectStatement
    package var range: SourceRange

    package init(table: Identifier, ifNotExists: Bool, query: SelectStatement, range: SourceRange) {
        self.table = table
        self.ifNotExists = ifNotExists
        self.query = query
        self.range = range
    }
}

/// `INSERT INTO t [(column, …)] SELECT …` or `INSERT INTO t [(column, …)] VALUES (…), (…)`
package struct InsertStatement: Sendable, Equatable {
    package enum Source: Sendable, Equatable {
        case query(SelectStatement)
        /// Rows of expressions, each with the range of its parentheses.
        case values([(expressions: [Expression], range: SourceRange)])

        package static func == (a: Source, b: Source) -> Bool {
            switch (a, b) {
            case (.query(let x), .query(let y)): return x == y
            case (.values(let x), .values(let y)):
                return x.map(\.expressions) == y.map(\.expressions) && x.map(\.range) == y.map(\.range)
            default: return false
            }
        }
    }
    package var table: Identifier
    /// The columns named after the table, in that order; nil: every column, in the table's order.
    package var columns: [Identifier]?
    package var source: Source
    package var range: SourceRange

    package init(table: Identifier, columns: [Identifier]?, source: Source, range: SourceRange) {
        self.table = table
        self.columns = columns
        self.source = source
        self.range = range
    }
}
