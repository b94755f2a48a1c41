/// A consistent view of one table: one manifest generation and its segments, opened.
/// Writers never change what a snapshot sees: segments are immutable and a new generation is a new manifest.
package struct TableSnapshot: Sendable {
    package let manifest: Manifest
    package let segments: [SegmentReader]

    package var schema: TableSchema { manifest.schema }
    package var rowCount: Int { manifest.rowCount }
}
