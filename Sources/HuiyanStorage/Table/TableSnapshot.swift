/// A consistent view of one table: one manifest generation and its segments, opened.
/// Writers never change what a snapshot sees: segments are immutable and a new generation is a new manifest.
public struct TableSnapshot: Sendable {
    public let manifest: Manifest
    public let segments: [SegmentReader]

    public var schema: TableSchema { manifest.schema }
    public var rowCount: Int { manifest.rowCount }
}
