/// The rows of one segment being built, column by column, before `SegmentWriter` encodes them.
package final class SegmentBuilder {
    package let schema: TableSchema
    package let columns: [ColumnBuilder]

    package init(schema: TableSchema, capacity: Int = 1 << 16) {
        self.schema = schema
        self.columns = schema.columns.map { ColumnBuilder($0, capacity: capacity) }
    }

    /// A builder for the next segment of the same table, its dictionaries pre-sized from this one's.
    package func successor(capacity: Int) -> SegmentBuilder {
        SegmentBuilder(schema: schema, columns: columns.map {
            ColumnBuilder($0.definition, capacity: capacity, expectedDistinct: $0.dictionary?.successorHint ?? 0)
        })
    }

    private init(schema: TableSchema, columns: [ColumnBuilder]) {
        self.schema = schema
        self.columns = columns
    }

    package var rowCount: Int { columns.first?.count ?? 0 }

    /// Approximate memory held, to decide when to flush.
    package var approximateBytes: Int {
        columns.reduce(0) { total, column in
            total + column.ints.count * 8 + column.doubles.count * 8 + (column.dictionary?.byteCount ?? 0)
                + (column.dictionary?.count ?? 0) * 24
        }
    }
}
