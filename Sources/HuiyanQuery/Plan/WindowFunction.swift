/// The window functions. Aggregates over a window are the aggregate kinds the window operator can slide
/// (`WindowFunctionKind.slidingAggregates`); a new one needs a state in `WindowAggregateState`.
enum WindowFunctionKind: Hashable {
    case rowNumber, rank, denseRank, percentRank, cumeDist, ntile
    case lag, lead
    case firstValue, lastValue, nthValue
    case aggregate(AggregateKind)

    /// The aggregates that may take OVER.
    static let slidingAggregates: Set<AggregateKind> = [.countStar, .count, .sum, .avg, .min, .max]

    /// The functions that are window functions only, by name.
    static let byName: [String: WindowFunctionKind] = [
        "row_number": .rowNumber, "rank": .rank, "dense_rank": .denseRank, "percent_rank": .percentRank,
        "cume_dist": .cumeDist, "ntile": .ntile, "lag": .lag, "lead": .lead, "first_value": .firstValue,
        "last_value": .lastValue, "nth_value": .nthValue,
    ]

    /// The window function (not an aggregate) of this name.
    static func named(_ name: String) -> WindowFunctionKind? { byName[name] }

    /// Whether the function reads the frame (the others read the partition and its order alone).
    var usesFrame: Bool {
        switch self {
        case .firstValue, .lastValue, .nthValue, .aggregate: return true
        default: return false
        }
    }
}

/// Which rows of its partition a row's frame holds: `ROWS` counts rows from the current one, `RANGE` compares
/// the ORDER BY key's values (with offsets, one numeric or TIMESTAMP key) or takes whole peer groups.
struct WindowFrameSpec: Hashable {
    enum Unit: Hashable { case rows, range }
    /// A bound of the frame; an offset is a non-negative count of rows (ROWS) or an amount in the key's
    /// lane (RANGE: units of the integer lane — fen, µs, scaled decimals — or a DOUBLE).
    enum Bound: Hashable {
        case unboundedPreceding, preceding(FrameOffset), currentRow, following(FrameOffset), unboundedFollowing
    }
    var unit: Unit
    var start: Bound
    var end: Bound

    /// Whether a bound is an offset (RANGE offsets read the ORDER BY key).
    var hasOffsets: Bool {
        [start, end].contains { bound in
            switch bound {
            case .preceding, .following: return true
            default: return false
            }
        }
    }

    /// The default: the whole partition without ORDER BY, else from its start to the current row's last peer.
    static func standard(ordered: Bool) -> WindowFrameSpec {
        WindowFrameSpec(unit: .range, start: .unboundedPreceding, end: ordered ? .currentRow : .unboundedFollowing)
    }
}

/// A frame offset in both lanes (the key's type says which one counts).
struct FrameOffset: Hashable {
    var integer: Int64
    var double: Double
}

/// One window function of a query: its function and arguments over the window operator's input rows,
/// its partition keys, order and frame, and the type of its result.
struct WindowFunctionSpec {
    var kind: WindowFunctionKind
    /// The value (lag, lead, *_value, aggregates but count(*)), then lag's and lead's default.
    var arguments: [BoundExpression]
    /// lag's and lead's offset, nth_value's position, ntile's number of buckets.
    var count: Int64 = 1
    /// An aggregate's FILTER (WHERE …).
    var filter: BoundExpression?
    var partition: [BoundExpression]
    var order: [SortKey]
    var frame: WindowFrameSpec
    var type: SQLType
    /// The call as written, for EXPLAIN.
    var text: String

    /// Whether both compute the same values (the text may differ).
    func computesSame(as other: WindowFunctionSpec) -> Bool {
        kind == other.kind && arguments == other.arguments && count == other.count && filter == other.filter
            && partition == other.partition && order == other.order && frame == other.frame
    }

    /// The same function with every expression passed through `map`.
    func mapExpressions(_ map: (BoundExpression) throws -> BoundExpression) rethrows -> WindowFunctionSpec {
        var copy = self
        copy.arguments = try arguments.map(map)
        copy.filter = try filter.map(map)
        copy.partition = try partition.map(map)
        copy.order = try order.map { try $0.mapExpression(map) }
        return copy
    }

    /// Every expression the function reads.
    var expressions: [BoundExpression] {
        arguments + (filter.map { [$0] } ?? []) + partition + order.map(\.expression)
    }
}
