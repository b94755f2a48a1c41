import Foundation
import HuiyanIngest
import HuiyanStorage
@testable import HuiyanQuery

/// Logic-bug fuzzing as SQLancer does it (ternary logic partitioning): a random WHERE condition `p` over a
/// random table splits its rows into those where `p` is true, false and NULL, so `WHERE p`, `WHERE NOT (p)`
/// and `WHERE (p) IS NULL` together must give exactly the rows, counts, groups, sums, minima and distinct
/// values of the query without WHERE. Every query also runs with every optimizer rule off and must give
/// the same rows. A mismatch stops the process naming the queries (libFuzzer keeps the input).
/// Shared by Fuzz/tlp.swift and TLPFuzzRegressionTests.
enum TLPFuzzHarness {
    /// Checks that ran to the end (every query answered), for the campaign's figures.
    static let checked = LockedValue(0)
    /// `HUIYAN_TLP_VERBOSE=1` prints every query.
    static let verbose = ProcessInfo.processInfo.environment["HUIYAN_TLP_VERBOSE"] != nil

    static func run(_ input: UnsafeBufferPointer<UInt8>, database: Database) {
        var bytes = ByteSource(input)
        let table = TLPTables.name(bytes.next() % UInt8(TLPTables.count))
        var generator = TLPExpressionGenerator(bytes: bytes)
        let p = generator.condition(depth: 3)
        let shape = generator.bytes.next() % 6
        let key = generator.scalar(depth: 1).text
        let (head, tail): (String, String)
        switch shape {
        case 0: (head, tail) = ("SELECT count(*) FROM \(table)", "")
        case 1: (head, tail) = ("SELECT \(key) AS k, count(*) FROM \(table)", " GROUP BY 1")
        case 2: (head, tail) = ("SELECT i, s, m, ts FROM \(table)", "")
        case 3: (head, tail) = ("SELECT sum(i), min(s), max(m), count(d), min(ts) FROM \(table)", "")
        case 4: (head, tail) = ("SELECT DISTINCT \(key) FROM \(table)", "")
        default: (head, tail) = ("SELECT s, sum(j), max(i) FROM \(table)", " GROUP BY s")
        }
        let queries = [head + tail, "\(head) WHERE \(p)\(tail)", "\(head) WHERE NOT (\(p))\(tail)", "\(head) WHERE (\(p)) IS NULL\(tail)"]
        if verbose { print(queries.joined(separator: "\n")) }
        let engine = QueryEngine(database: database)
        var results: [[[Value]]] = []
        for sql in queries {
            guard let on = answer(sql, engine: engine, optimizer: .allOn) else { return }
            guard let off = answer(sql, engine: engine, optimizer: .allOff) else { return }
            if sorted(on) != sorted(off) {
                report("every rule on and every rule off disagree", [sql], [on, off])
            }
            results.append(on)
        }
        let whole = results[0], parts = Array(results[1...])
        let combined: [[Value]]
        switch shape {
        case 0: combined = [[.int(parts.reduce(0) { $0 + count($1[0][0]) })]]
        case 1: combined = mergeGroups(parts) { a, b in [.int(count(a[0]) + count(b[0]))] }
        case 2: combined = parts.flatMap { $0 }
        case 3: combined = [combine(parts.map { $0[0] }, [sumValues, minValue, maxValue, { .int(count($0) + count($1)) }, minValue])]
        case 4: combined = Array(Set(parts.flatMap { $0 }))
        default: combined = mergeGroups(parts) { a, b in [sumValues(a[0], b[0]), maxValue(a[1], b[1])] }
        }
        if sorted(combined) != sorted(whole) {
            report("the true, false and NULL partitions do not add up to the whole", queries, [whole, combined])
        }
        checked.withLock { $0 += 1 }
    }

    /// The rows of one query, or nil when it fails (an overflow, a limit): then the input checks nothing.
    private static func answer(_ sql: String, engine: QueryEngine, optimizer: OptimizerSettings) -> [[Value]]? {
        let context = QueryContext(timeout: 20, memoryLimit: 512 << 20, threads: 2, optimizer: optimizer)
        do { return try engine.execute(sql, context: context).last?.rows } catch { return nil }
    }

    private static func report(_ what: String, _ queries: [String], _ answers: [[[Value]]]) -> Never {
        let text = answers.map { sorted($0).prefix(20).map { $0.replacingOccurrences(of: "\u{1F}", with: " | ") }.joined(separator: "\n    ") }
        fatalError("TLP: \(what)\n  " + queries.joined(separator: "\n  ") + "\n  answers:\n    " + text.joined(separator: "\n  vs\n    "))
    }

    static func format(_ value: Value) -> String { ValueFormatting.text(value, offsetSeconds: 8 * 3600) ?? "NULL" }

    private static func sorted(_ rows: [[Value]]) -> [String] { rows.map { $0.map(format).joined(separator: "\u{1F}") }.sorted() }

    private static func count(_ v: Value) -> Int64 { if case .int(let n) = v { return n } else { return 0 } }

    /// Rows keyed by their first value, the rest merged by `merge` when a key repeats.
    private static func mergeGroups(_ parts: [[[Value]]], _ merge: ([Value], [Value]) -> [Value]) -> [[Value]] {
        var groups: [Value: [Value]] = [:]
        for row in parts.joined() {
            let rest = Array(row.dropFirst())
            groups[row[0]] = groups[row[0]].map { merge($0, rest) } ?? rest
        }
        return groups.map { [$0.key] + $0.value }
    }

    private static func combine(_ rows: [[Value]], _ ops: [(Value, Value) -> Value]) -> [Value] {
        rows.dropFirst().reduce(rows[0]) { acc, row in zip(ops.indices, zip(acc, row)).map { ops[$0](($1.0), $1.1) } }
    }

    private static func sumValues(_ a: Value, _ b: Value) -> Value {
        switch (a, b) {
        case (.null, _): return b
        case (_, .null): return a
        case (.int(let x), .int(let y)): return .int(x &+ y)
        case (.money(let x), .money(let y)): return .money(x &+ y)
        default: return .null
        }
    }

    private static func minValue(_ a: Value, _ b: Value) -> Value { pick(a, b) { $0 < 0 } }
    private static func maxValue(_ a: Value, _ b: Value) -> Value { pick(a, b) { $0 > 0 } }

    private static func pick(_ a: Value, _ b: Value, _ first: (Int) -> Bool) -> Value {
        if a.isNull { return b }
        if b.isNull { return a }
        let order: Int
        switch (a, b) {
        case (.string(let x), .string(let y)): order = Evaluator.byteOrder(x, y)
        case (.int(let x), .int(let y)), (.money(let x), .money(let y)), (.timestamp(let x), .timestamp(let y)):
            order = x < y ? -1 : x > y ? 1 : 0
        default: return .null
        }
        return first(order) || order == 0 ? a : b
    }
}
