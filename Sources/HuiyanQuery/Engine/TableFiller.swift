import HuiyanStorage

/// Writes a query's rows into a table's new segments (CREATE TABLE AS, INSERT): each table column takes one
/// column of the rows, or NULL, converted to the column's type — a widening that loses nothing (BIGINT into
/// DECIMAL or DOUBLE, DATE into TIMESTAMP at local midnight) or else the same type; anything else is an
/// error that names the column and says to CAST. Full segments are written as they fill (bounded memory);
/// nothing is visible until the caller commits.
final class TableFiller {
    let append: TableAppend
    private var builder: SegmentBuilder
    private let segmentRows: Int
    private let offsetSeconds: Int
    /// For each table column, the column of the rows it takes (nil: NULL).
    private let sources: [Int?]
    /// Where the error about a column's values points.
    private let range: SourceRange?
    /// Rows written so far.
    private(set) var rows = 0

    private enum Conversion { case same, intToMoney, intToDouble, moneyToDouble, dateToTimestamp, null }

    init(append: TableAppend, sources: [Int?], offsetSeconds: Int, range: SourceRange?, segmentRows: Int = 1 << 20) {
        self.append = append
        self.sources = sources
        self.offsetSeconds = offsetSeconds
        self.range = range
        self.segmentRows = segmentRows
        builder = SegmentBuilder(schema: append.schema, capacity: min(segmentRows, 1 << 16))
    }

    /// How a value of `type` goes into `column`, or why it cannot.
    private func conversion(from type: SQLType, to column: ColumnDefinition) throws -> Conversion {
        switch (type, column.type) {
        case (.null, _): return .null
        case (.boolean, .bool), (.int64, .int64), (.float64, .float64), (.money, .money), (.string, .string), (.timestamp, .timestamp), (.date, .date):
            return .same
        case (.int64, .money): return .intToMoney
        case (.int64, .float64): return .intToDouble
        case (.money, .float64): return .moneyToDouble
        case (.date, .timestamp): return .dateToTimestamp
        default:
            let target = SQLType(column.type)
            throw QueryError("column \"\(column.name)\" is \(target), but the rows give \(type): CAST the value AS \(target)", at: range)
        }
    }

    /// About how many bytes the segment being built holds (the statement's memory until it is written).
    var heldBytes: Int { builder.approximateBytes }

    /// Writes the first `sources`-named columns of every row of `chunk`, whose columns have `types`.
    func write(_ chunk: DataChunk, types: [SQLType]) throws {
        let definitions = append.schema.columns
        let conversions = try definitions.indices.map { c in try sources[c].map { try conversion(from: types[$0], to: definitions[c]) } ?? .null }
        for row in 0..<chunk.count {
            for (c, column) in builder.columns.enumerated() {
                let definition = definitions[c]
                guard let source = sources[c], conversions[c] != .null, !chunk.columns[source].isNull(row) else {
                    guard definition.nullable else { throw failure(definition, "is NOT NULL, and a row gives NULL") }
                    column.appendNull()
                    continue
                }
                let vector = chunk.columns[source]
                switch conversions[c] {
                case .same where definition.type == .string:
                    let code = builderCode(vector, row: row, column: c)
                    // As in a feed, a string column holds no empty string: '' is NULL.
                    if code == Self.emptyString {
                        guard definition.nullable else { throw failure(definition, "is NOT NULL, and a row gives ''") }
                        column.appendNull()
                    } else {
                        column.appendCode(code)
                    }
                case .same where definition.type == .float64: column.appendDouble(vector.doubles[row])
                case .same: try appendChecked(vector.ints[row], column, definition)
                case .intToMoney:
                    let (fen, overflow) = vector.ints[row].multipliedReportingOverflow(by: 100)
                    guard !overflow else { throw failure(definition, "cannot hold \(vector.ints[row]) yuan") }
                    try appendChecked(fen, column, definition)
                case .intToDouble: column.appendDouble(Double(vector.ints[row]))
                case .moneyToDouble: column.appendDouble(Double(vector.ints[row]) / 100)
                case .dateToTimestamp:
                    column.appendInt64(TimeMath.midnight(ofDay: vector.ints[row], offsetSeconds: offsetSeconds))
                case .null: column.appendNull()
                }
            }
            rows += 1
            if builder.rowCount >= segmentRows {
                let next = builder.successor(capacity: min(segmentRows, 1 << 16))
                try append.write(builder)
                builder = next
                codeMaps = []
            }
        }
    }

    /// For each string column, the builder's dictionary code of each code of the pool last seen (-1: not
    /// yet interned): a pool's string is interned once a segment, not once a row. Held with its pool, so
    /// that no other pool takes its address meanwhile.
    private var codeMaps: [(pool: StringPool?, codes: [Int64])] = []
    private static let emptyString: Int64 = -2

    /// The code in the builder's dictionary of the string at `row` (`emptyString` for '').
    private func builderCode(_ vector: Vector, row: Int, column c: Int) -> Int64 {
        let pool = vector.pool!
        if codeMaps.isEmpty { codeMaps = Array(repeating: (nil, []), count: builder.columns.count) }
        if !pool.sharesDictionary(with: codeMaps[c].pool) { codeMaps[c] = (pool, [Int64](repeating: -1, count: pool.count)) }
        let code = Int(vector.ints[row])
        let known = codeMaps[c].codes[code]
        if known != -1 { return known }
        let mapped = pool.withBytes(at: code) { bytes in
            bytes.isEmpty ? Self.emptyString : builder.columns[c].dictionary!.intern(bytes)
        }
        codeMaps[c].codes[code] = mapped
        return mapped
    }

    /// Writes the last, partial segment.
    func finish() throws {
        try append.write(builder)
    }

    private func appendChecked(_ value: Int64, _ column: ColumnBuilder, _ definition: ColumnDefinition) throws {
        if let minimum = definition.minimum, value < minimum {
            let shown = { (v: Int64) in definition.type == .money ? ValueFormatting.money(v) : String(v) }
            throw failure(definition, "must be at least \(shown(minimum)), and a row gives \(shown(value))")
        }
        column.appendInt64(value)
    }

    private func failure(_ column: ColumnDefinition, _ reason: String) -> QueryError {
        QueryError("column \"\(column.name)\" of table \(append.schema.name) \(reason); nothing was written", at: range)
    }
}
