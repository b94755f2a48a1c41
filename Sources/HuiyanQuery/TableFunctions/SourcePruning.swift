/// The WHERE terms a table source may use to skip what cannot match — a Parquet row group by its statistics,
/// a file by its Hive partition values — as `ZoneTest`s on the source's columns. The rows the source makes
/// are still filtered above it: pruning only leaves out rows no test lets through.
struct SourcePruning {
    /// Tests whose constants are of their column's type (so that integer lanes compare as they are stored).
    let tests: [ZoneTest]

    static let none = SourcePruning(tests: [])

    init(tests: [ZoneTest]) { self.tests = tests }

    /// The terms of a filter over a table function's table (`table`'s columns `base ..< base + width` are the
    /// source's columns `0 ..< width`) that statistics can decide.
    init(_ predicate: BoundExpression, table: DerivedTable, types: [SQLType]) {
        var tests: [ZoneTest] = []
        for conjunct in predicate.conjuncts {
            guard var test = ZoneTest(conjunct), table.owns(test.column) else { continue }
            test.column -= table.base
            let type = types[test.column]
            guard !test.values.isEmpty, test.values.allSatisfy({ Self.value($0, isOf: type) }) else { continue }
            tests.append(test)
        }
        self.tests = tests
    }

    var isEmpty: Bool { tests.isEmpty }

    /// Whether the tests on column `column` leave out every row whose values lie in `bounds` (nil: unknown)
    /// when `allNull` says every row there is NULL (no comparison holds for NULL).
    func excludes(column: Int, bounds: ValueBounds?, allNull: Bool) -> Bool {
        for test in tests where test.column == column {
            if allNull { return true }
            guard let bounds else { continue }
            if !bounds.mayHold(test) { return true }
        }
        return false
    }

    /// Whether some test on a column of the same value in every row (a partition's) leaves that value out.
    func excludes(column: Int, constant: Value) -> Bool {
        switch constant {
        case .null: return excludes(column: column, bounds: nil, allNull: true)
        case .string(let s): return excludes(column: column, bounds: .bytes(Array(s.utf8), Array(s.utf8)), allNull: false)
        case .double(let d): return excludes(column: column, bounds: .doubles(d, d), allNull: false)
        default:
            guard let x = ZoneTest.integer(constant) else { return false }
            return excludes(column: column, bounds: .ints(x, x), allNull: false)
        }
    }

    /// Whether a constant is stored as a column of `type` stores its values (a decimal of the same scale …).
    private static func value(_ v: Value, isOf type: SQLType) -> Bool {
        switch (v, type) {
        case (.bool, .boolean), (.int, .int64), (.double, .float64), (.money, .money), (.string, .string),
             (.timestamp, .timestamp), (.date, .date):
            return true
        case (.decimal(_, let scale), .decimal(let s)): return scale == s
        default: return false
        }
    }
}

/// The smallest and largest value of some rows, in a column's lane: integers (times, dates, decimals
/// unscaled), doubles, or a string's UTF-8 bytes.
enum ValueBounds {
    case ints(Int64, Int64)
    case doubles(Double, Double)
    case bytes([UInt8], [UInt8])

    /// Whether some value between the bounds may satisfy the test.
    func mayHold(_ test: ZoneTest) -> Bool {
        test.values.contains { v in
            switch self {
            case .ints(let lo, let hi):
                return ZoneTest.integer(v).map { ZoneTest.mayHold(test.op, lo, hi, $0) } ?? true
            case .doubles(let lo, let hi):
                return v.doubleValue.map { ZoneTest.mayHold(test.op, lo, hi, $0) } ?? true
            case .bytes(let lo, let hi):
                guard case .string(let s) = v else { return true }
                return ZoneTest.mayHold(test.op, ByteString(lo), ByteString(hi), ByteString(Array(s.utf8)))
            }
        }
    }
}

/// Bytes in unsigned lexicographic order (the order of UTF-8 strings by code point).
private struct ByteString: Comparable {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    static func < (a: ByteString, b: ByteString) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}
